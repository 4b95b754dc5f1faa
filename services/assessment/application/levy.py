"""The annual levy as a resumable job: each chunk of the register is levied in one transaction that also
moves the job's cursor, so a crash loses at most the chunk in flight, and a resumed job never levies a
property twice."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from services.assessment.application.config import AssessmentConfig
from services.assessment.application.ports import AssessmentUnitOfWork, UnitOfWorkFactory
from services.assessment.application.set_decision import stored_decision
from services.assessment.domain.decision import TaxYearDecision
from services.assessment.domain.levy import LeviedTaxBase, LevyJob, LevyJobState, TaxBaseDetermined
from services.assessment.domain.property import Property
from services.assessment.domain.tax import TaxableProperty, TaxBase, TaxStatus, determine_tax
from services.platform.errors import FailedPrecondition, NotFound, Violations
from services.platform.ids import new_id
from services.platform.job_runner import JobRunner


def taxable(prop: Property, built_up_zones: dict[str, bool]) -> TaxableProperty:
    return TaxableProperty(
        property_id=prop.property_id,
        category=prop.category,
        dwelling_units=prop.dwelling_units,
        exemption_code=prop.exemption_code,
        built_up=built_up_zones.get(prop.zone_id or "", True),
    )


def start_levy(
    uow: AssessmentUnitOfWork,
    year: int,
    config: AssessmentConfig,
    levied_on: date | None,
    today: date,
) -> LevyJob:
    """A new job for the year dated `levied_on` (the levy's business date, which its TaxBaseDetermined
    events carry; `today` only when none is given), or the year's job as it stands (running: unchanged;
    failed: running again from its cursor with its counts; without a date it keeps its own). Raises
    InvalidInput for a bad year or date, NotFound without a decision, FailedPrecondition when the year's
    levy is complete or the unfinished job has another date."""
    problems = Violations()
    if not 1900 <= year <= 2200:
        problems.add("tax_year", "must be a year")
    elif levied_on is not None and levied_on > today:
        problems.add("levied_on", "cannot be in the future")
    elif levied_on is not None and levied_on.year < year - 1:
        # The levy is by 1 March of the tax year (DOMAIN.md § 1), prepared at the earliest the year before.
        problems.add("levied_on", f"cannot be before {year - 1}: the levy is for {year}")
    problems.raise_if_any()
    stored_decision(uow, year, config)  # refuses a year without a decision
    with uow:
        if not uow.decisions.lock(year):  # starts for the year queue here: one job per year
            raise NotFound(f"no tax-year decision for {year}; set one first")
        job = uow.levy_jobs.latest_for_year(year)
        if job is not None and job.state == LevyJobState.COMPLETED:
            raise FailedPrecondition(f"the levy for {year} is complete; correct single tax bases instead")
        if job is not None and levied_on is not None and job.levied_on not in (None, levied_on):
            raise FailedPrecondition(
                f"the levy for {year} is dated {job.levied_on}; resume it with that date"
            )
        if job is not None:
            # Only a failed job is written to, and only its state: a start never rewrites the cursor or
            # the counts that a chunk in flight is about to move.
            if job.state == LevyJobState.FAILED:
                uow.levy_jobs.mark_state(job.job_id, LevyJobState.RUNNING, was=[LevyJobState.FAILED])
                job = uow.levy_jobs.get(job.job_id) or job  # as it stands now
        else:
            job = LevyJob(
                new_id(),
                year,
                LevyJobState.RUNNING,
                cursor="",
                processed=0,
                total=uow.properties.count(),
                levied_on=levied_on or today,
            )
            uow.levy_jobs.add(job, uow.now())
        uow.commit()
    return job


def get_levy_job(uow: AssessmentUnitOfWork, job_id: str) -> LevyJob:
    with uow:
        job = uow.levy_jobs.get(job_id)
    if job is None:
        raise NotFound(f"no levy job {job_id}")
    return job


def get_year_levy_job(uow: AssessmentUnitOfWork, year: int) -> LevyJob:
    """The newest levy job of the year (a failed one resumed is the same job), or NotFound."""
    with uow:
        job = uow.levy_jobs.latest_for_year(year)
    if job is None:
        raise NotFound(f"no levy for {year} yet")
    return job


def levy_chunk(
    uow: AssessmentUnitOfWork, job_id: str, decision: TaxYearDecision, config: AssessmentConfig, size: int
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
            uow.levy_jobs.mark_state(
                job_id, LevyJobState.COMPLETED, was=[LevyJobState.RUNNING], finished_at=uow.now()
            )
            uow.commit()
            return replace(job, state=LevyJobState.COMPLETED)
        first, last = props[0].property_id, props[-1].property_id
        already = uow.tax_bases.levied_between(first, last, decision.year)
        todo = [p for p in props if p.property_id not in already]
        values = uow.valuations.adopted_values_between(first, last)
        needs = uow.valuations.needs_between(first, last)  # open needs: not valued, whatever the value
        levied = [
            _levied(
                determine_tax(
                    p, values.get(p.property_id), decision, config.limits, needs.get(p.property_id, [])
                ),
                decision.terms,
            )
            for p in todo
        ]
        uow.tax_bases.add_many(levied, uow.now())
        levied_on = job.levied_on
        if levied_on is None:  # 0005 dated every earlier job
            raise RuntimeError(f"levy job {job_id} has no business date")
        for item in levied:
            uow.record(TaxBaseDetermined(item, levied_on))
        job = job.advanced(last, [item.base for item in levied])
        uow.levy_jobs.advance(job)
        uow.commit()
    return job


def _levied(base: TaxBase, terms: int) -> LeviedTaxBase:
    """A property that is not valued is levied as NOT_VALUED (no tax, off the tax list) with the reason."""
    if base.status != TaxStatus.NOT_VALUED:
        return LeviedTaxBase(base, version=1, terms=terms)
    reason = next((t.value for t in base.trace if t.factor == "not valued"), "no adopted valuation")
    return LeviedTaxBase(base, version=1, terms=terms, reason=f"not valued: {reason}")


def levy_runner(
    make: UnitOfWorkFactory, config: AssessmentConfig, chunk_size: int, pause_seconds: float = 0.0
) -> JobRunner:
    """The levy's background runner: resumes unfinished jobs at start, steps chunk by chunk."""
    decisions: dict[str, TaxYearDecision] = {}

    def step(job_id: str) -> bool:
        if job_id not in decisions:
            job = get_levy_job(make(), job_id)
            decisions[job_id] = stored_decision(make(), job.tax_year, config)
        return levy_chunk(make(), job_id, decisions[job_id], config, chunk_size).state != LevyJobState.RUNNING

    def unfinished() -> list[str]:
        with make() as uow:
            return [job.job_id for job in uow.levy_jobs.unfinished()]

    def fail(job_id: str, error: str) -> None:
        with make() as uow:  # a job that completed meanwhile stays complete
            uow.levy_jobs.mark_state(job_id, LevyJobState.FAILED, was=[LevyJobState.RUNNING], error=error)
            uow.commit()

    return JobRunner("levy", step=step, unfinished=unfinished, fail=fail, pause_seconds=pause_seconds)
