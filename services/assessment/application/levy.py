"""The annual levy as a resumable job: each chunk of the register is levied in one transaction that also
moves the job's cursor, so a crash loses at most the chunk in flight, and a resumed job never levies a
property twice."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import replace

from services.assessment.adapters.unit_of_work import SqlAssessmentUnitOfWork
from services.assessment.application.config import AssessmentConfig
from services.assessment.application.set_decision import stored_decision
from services.assessment.domain.decision import TaxYearDecision
from services.assessment.domain.levy import LeviedTaxBase, LevyJob, LevyJobState, TaxBaseDetermined
from services.assessment.domain.property import Property
from services.assessment.domain.tax import TaxableProperty, determine_tax
from services.platform.errors import FailedPrecondition, InvalidInput, NotFound
from services.platform.ids import new_id
from services.platform.logging import get_logger

log = get_logger(__name__)

UowFactory = Callable[[], SqlAssessmentUnitOfWork]


def taxable(prop: Property, built_up_zones: dict[str, bool]) -> TaxableProperty:
    return TaxableProperty(
        property_id=prop.property_id,
        category=prop.category,
        dwelling_units=prop.dwelling_units,
        exemption_code=prop.exemption_code,
        built_up=built_up_zones.get(prop.zone_id or "", True),
    )


def start_levy(uow: SqlAssessmentUnitOfWork, year: int, config: AssessmentConfig) -> LevyJob:
    """A new job for the year, or the year's unfinished one set running again."""
    if not 1900 <= year <= 2200:
        raise InvalidInput.single("tax_year", "must be a year")
    stored_decision(uow, year, config)  # refuses a year without a decision
    with uow:
        job = uow.levy_jobs.latest_for_year(year)
        if job is not None and job.state == LevyJobState.COMPLETED:
            raise FailedPrecondition(f"the levy for {year} is complete; correct single tax bases instead")
        if job is not None:
            job = replace(job, state=LevyJobState.RUNNING, error="")
            uow.levy_jobs.save(job)
        else:
            job = LevyJob(
                new_id(), year, LevyJobState.RUNNING, cursor="", processed=0, total=uow.properties.count()
            )
            uow.levy_jobs.add(job, uow.now())
        uow.commit()
    return job


def get_levy_job(uow: SqlAssessmentUnitOfWork, job_id: str) -> LevyJob:
    with uow:
        job = uow.levy_jobs.get(job_id)
    if job is None:
        raise NotFound(f"no levy job {job_id}")
    return job


def levy_chunk(
    uow: SqlAssessmentUnitOfWork, job_id: str, decision: TaxYearDecision, config: AssessmentConfig, size: int
) -> LevyJob:
    with uow:
        job = uow.levy_jobs.get(job_id, lock=True)
        if job is None:
            raise NotFound(f"no levy job {job_id}")
        if job.state != LevyJobState.RUNNING:
            return job
        built_up = {z.zone_id: z.built_up for z in uow.zones.index().zones}
        props = uow.properties.taxables_after(job.cursor, size, built_up)
        if not props:
            job = replace(job, state=LevyJobState.COMPLETED)
            uow.levy_jobs.save(job, finished_at=uow.now())
            uow.commit()
            return job
        first, last = props[0].property_id, props[-1].property_id
        already = uow.tax_bases.levied_between(first, last, decision.year)
        todo = [p for p in props if p.property_id not in already]
        values = uow.valuations.adopted_values_between(first, last)
        levied = [
            LeviedTaxBase(
                determine_tax(p, values.get(p.property_id), decision, config.limits),
                version=1,
                terms=decision.terms,
            )
            for p in todo
        ]
        uow.tax_bases.add_many(levied, uow.now())
        for item in levied:
            uow.record(TaxBaseDetermined(item))
        job = job.advanced(last, [item.base for item in levied])
        uow.levy_jobs.save(job)
        uow.commit()
    return job


def run_levy(
    make: UowFactory,
    job_id: str,
    config: AssessmentConfig,
    size: int,
    stop: threading.Event,
    pause_seconds: float = 0.0,
) -> LevyJob | None:
    """Levies chunk after chunk until the job completes or stop is set (it then stays resumable)."""
    job: LevyJob | None = get_levy_job(make(), job_id)
    assert job is not None
    decision = stored_decision(make(), job.tax_year, config)
    while not stop.is_set():
        job = levy_chunk(make(), job_id, decision, config, size)
        if job.state != LevyJobState.RUNNING:
            break
        if pause_seconds:
            stop.wait(pause_seconds)
    return job


class LevyRunner:
    """Runs levy jobs one at a time on a background thread of the service."""

    name = "levy"

    def __init__(
        self, new_uow: UowFactory, config: AssessmentConfig, chunk_size: int, pause_seconds: float = 0.0
    ) -> None:
        self._new_uow = new_uow
        self._config = config
        self._chunk_size = chunk_size
        self._pause_seconds = pause_seconds
        self._queue: queue.Queue[str] = queue.Queue()

    def submit(self, job_id: str) -> None:
        self._queue.put(job_id)

    def run(self, stop: threading.Event) -> None:
        make = self._new_uow
        with make() as uow:
            unfinished = uow.levy_jobs.unfinished()
        for job in unfinished:
            log.info("resuming levy job", job_id=job.job_id, tax_year=job.tax_year, processed=job.processed)
            self.submit(job.job_id)
        while not stop.is_set():
            try:
                job_id = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            try:
                stopped = run_levy(make, job_id, self._config, self._chunk_size, stop, self._pause_seconds)
                if stopped is not None:
                    log.info(
                        "levy job stopped",
                        job_id=job_id,
                        state=stopped.state.value,
                        processed=stopped.processed,
                    )
            except Exception as exc:
                log.exception("levy job failed", job_id=job_id)
                self._fail(job_id, f"{type(exc).__name__}: {exc}")

    def _fail(self, job_id: str, error: str) -> None:
        with self._new_uow() as uow:
            job = uow.levy_jobs.get(job_id)
            if job is not None:
                uow.levy_jobs.save(replace(job, state=LevyJobState.FAILED, error=error[:2000]))
                uow.commit()
