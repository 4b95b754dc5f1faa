"""The annual levy as a job under a second click (SQLite and PostgreSQL): a start while the job runs
returns it and rewinds nothing, a failed job resumes where it stopped, and two concurrent starts for a
year make one job. The races need two transactions at once, which SQLite never runs (BEGIN IMMEDIATE)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, update

from devstack.synthetic_register import OSLO_2024_DECISION, OSLO_ZONES, register_csv
from propertytax.assessment.v1 import events_pb2
from services.assessment.adapters.config_files import load_legal_limits, load_standard_rates
from services.assessment.adapters.orm import levy_jobs, platform_tables, tax_bases
from services.assessment.adapters.property_files import read_properties_csv
from services.assessment.adapters.tax_repository import LevyJobRepository, TaxBaseRepository
from services.assessment.adapters.unit_of_work import SqlAssessmentUnitOfWork
from services.assessment.adapters.unit_of_work import SqlUnitOfWorkFactory as UowFactory
from services.assessment.adapters.zone_files import read_zones
from services.assessment.application.adopt_valuations import adopt_valuations
from services.assessment.application.config import AssessmentConfig
from services.assessment.application.import_properties import import_properties
from services.assessment.application.import_zones import import_zones
from services.assessment.application.levy import levy_chunk, start_levy
from services.assessment.application.set_decision import set_decision
from services.assessment.domain.decision import TaxYearDecision
from services.assessment.domain.levy import LeviedTaxBase, LevyJob, LevyJobState
from services.assessment.service import SPEC
from services.platform.db import create_db_engine, session_factory
from services.platform.errors import FailedPrecondition, InvalidInput
from services.platform.events import unwrap
from services.platform.migrations import upgrade_to_head
from tests.integration.concurrency import Meeting, Worker, settle

CHUNK = 10
LEVIED_ON = date(2024, 2, 20)  # the levy's business date
TODAY = date(2026, 11, 30)  # the machine's day: never the levy's date
PROPERTIES = 45


@dataclass
class Assessment:
    """One assessment process's view of the database, with the register levied from."""

    engine: Engine
    make: UowFactory
    config: AssessmentConfig
    decision: TaxYearDecision


def _process(url: str, config: AssessmentConfig, decision: TaxYearDecision) -> Assessment:
    engine = create_db_engine(url)
    sessions = session_factory(engine)
    return Assessment(engine, lambda: SqlAssessmentUnitOfWork(sessions), config, decision)


def _register(url: str) -> Assessment:
    """Oslo's zones, 45 synthetic properties with adopted values, and Oslo's 2024 decision."""
    upgrade_to_head(SPEC.migrations_dir, url)
    config = AssessmentConfig(load_legal_limits(), load_standard_rates())
    engine = create_db_engine(url)
    sessions = session_factory(engine)

    def make() -> SqlAssessmentUnitOfWork:
        return SqlAssessmentUnitOfWork(sessions)

    import_zones(make(), read_zones(OSLO_ZONES.read_bytes()), config)
    import_properties(make(), read_properties_csv(register_csv(PROPERTIES)), 2024, config)
    adopt_valuations(make(), None, "Takstnemnda sak 1/2024")
    decision = set_decision(make(), OSLO_2024_DECISION, config)
    return Assessment(engine, make, config, decision)


@pytest.fixture
def assessment(database_url: str) -> Iterator[Assessment]:
    process = _register(database_url)
    yield process
    process.engine.dispose()


def _chunk(process: Assessment, job_id: str) -> LevyJob:
    return levy_chunk(process.make(), job_id, process.decision, process.config, CHUNK)


def _stored(process: Assessment, job_id: str) -> LevyJob:
    uow = process.make()
    with uow:
        job = LevyJobRepository(uow.session).get(job_id)
    assert job is not None
    return job


def _levied(process: Assessment) -> tuple[int, int]:
    """(tax bases, their tax in øre) stored for 2024."""
    with process.engine.connect() as conn:
        count, tax = conn.execute(
            select(func.count(), func.coalesce(func.sum(tax_bases.c.tax_ore), 0)).where(
                tax_bases.c.tax_year == 2024
            )
        ).one()
    return int(count), int(tax)


def _figures(job: LevyJob) -> tuple[str, int, int, int, int, int]:
    return job.cursor, job.processed, job.taxed, job.exempt, job.not_valued, job.total_tax.ore


def test_a_levy_start_while_a_chunk_is_in_flight_rewinds_nothing(
    assessment: Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = start_levy(assessment.make(), 2024, assessment.config, LEVIED_ON, TODAY)
    job = _chunk(assessment, job.job_id)
    assert job.processed == CHUNK
    # The next chunk stops in the middle of its transaction (it holds the job's row) until released.
    storing, release = Meeting(2, seconds=30), Meeting(2, seconds=30)
    original = TaxBaseRepository.add_many

    def held(self: TaxBaseRepository, items: list[LeviedTaxBase], at: datetime) -> None:
        storing.wait()
        release.wait()
        original(self, items, at)

    monkeypatch.setattr(TaxBaseRepository, "add_many", held)
    chunk = Worker(lambda: _chunk(assessment, job.job_id))
    chunk.start()
    storing.wait()
    second = Worker(lambda: start_levy(assessment.make(), 2024, assessment.config, LEVIED_ON, TODAY))
    second.start()
    settle(assessment.engine, second)  # the second start has read the job (today: and waits to write it)
    release.wait()
    after_chunk = chunk.outcome()
    again = second.outcome()
    monkeypatch.setattr(TaxBaseRepository, "add_many", original)

    assert again.job_id == job.job_id and again.state == LevyJobState.RUNNING
    stored = _stored(assessment, job.job_id)
    assert _figures(stored) == _figures(after_chunk)
    assert (stored.processed, stored.total_tax.ore) == _levied(assessment)
    # A start between chunks returns the job as it is and changes nothing.
    assert start_levy(assessment.make(), 2024, assessment.config, LEVIED_ON, TODAY) == stored
    assert _stored(assessment, job.job_id) == stored
    # A failed job resumes from where it stood.
    with assessment.engine.begin() as conn:
        conn.execute(
            update(levy_jobs).where(levy_jobs.c.job_id == job.job_id).values(state="failed", error="boom")
        )
    assert start_levy(assessment.make(), 2024, assessment.config, LEVIED_ON, TODAY) == stored
    done = stored
    while done.state == LevyJobState.RUNNING:
        done = _chunk(assessment, job.job_id)
    assert done.state == LevyJobState.COMPLETED
    assert done.processed == PROPERTIES
    assert (done.processed, done.total_tax.ore) == _levied(assessment)
    assert _figures(_stored(assessment, job.job_id)) == _figures(done)


@pytest.mark.postgres
def test_concurrent_levy_starts_make_one_job(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _register(postgres_url)
    other = _process(postgres_url, first.config, first.decision)
    # Both starts look for the year's job before either has created one.
    both_read = Meeting(2)
    looked: set[int] = set()
    original = LevyJobRepository.latest_for_year

    def latest_for_year(self: LevyJobRepository, year: int) -> Any:
        found = original(self, year)
        if id(self) not in looked:
            looked.add(id(self))
            both_read.wait()
        return found

    monkeypatch.setattr(LevyJobRepository, "latest_for_year", latest_for_year)
    starts = [
        Worker(lambda: start_levy(first.make(), 2024, first.config, LEVIED_ON, TODAY)),
        Worker(lambda: start_levy(other.make(), 2024, other.config, LEVIED_ON, TODAY)),
    ]
    for worker in starts:
        worker.start()
    jobs = [worker.outcome() for worker in starts]
    monkeypatch.setattr(LevyJobRepository, "latest_for_year", original)

    with first.engine.connect() as conn:
        stored = conn.execute(select(levy_jobs.c.job_id).where(levy_jobs.c.tax_year == 2024)).scalars().all()
    assert len(stored) == 1
    assert {job.job_id for job in jobs} == set(stored)
    for process in (first, other):
        process.engine.dispose()


def _determined_dates(process: Assessment) -> set[str]:
    """The levied_on of every TaxBaseDetermined in the outbox."""
    outbox = platform_tables.outbox
    with process.engine.connect() as conn:
        rows = conn.execute(
            select(outbox.c.envelope).where(
                outbox.c.event_type == events_pb2.TaxBaseDetermined.DESCRIPTOR.full_name
            )
        ).all()
    found = set()
    for (envelope,) in rows:
        payload = unwrap(bytes(envelope)).payload
        assert isinstance(payload, events_pb2.TaxBaseDetermined)
        found.add(payload.levied_on)
    return found


def test_a_levy_run_later_is_dated_on_its_business_date_and_its_events_carry_it(
    assessment: Assessment,
) -> None:
    # A 2024 levy handled on 2026-11-30 with --on 2024-02-20: the job and every tax base's event carry
    # 2024-02-20, not the machine's day (issue 10, case 6).
    job = start_levy(assessment.make(), 2024, assessment.config, LEVIED_ON, TODAY)
    assert job.levied_on == LEVIED_ON
    # A resumed start without a date keeps the job's; another date is refused naming the job's.
    assert start_levy(assessment.make(), 2024, assessment.config, None, TODAY).levied_on == LEVIED_ON
    with pytest.raises(FailedPrecondition, match="dated 2024-02-20"):
        start_levy(assessment.make(), 2024, assessment.config, date(2024, 2, 21), TODAY)
    while job.state == LevyJobState.RUNNING:
        job = _chunk(assessment, job.job_id)
    assert _stored(assessment, job.job_id).levied_on == LEVIED_ON
    assert _determined_dates(assessment) == {"2024-02-20"}


def test_a_levy_without_a_date_is_dated_today_and_a_future_or_far_earlier_date_is_refused(
    assessment: Assessment,
) -> None:
    for bad, why in ((date(2026, 12, 1), "future"), (date(2022, 12, 31), "before 2023")):
        with pytest.raises(InvalidInput) as refused:
            start_levy(assessment.make(), 2024, assessment.config, bad, TODAY)
        assert [(v.field, why in v.description) for v in refused.value.violations] == [("levied_on", True)]
    job = start_levy(assessment.make(), 2024, assessment.config, None, date(2024, 2, 27))
    assert job.levied_on == date(2024, 2, 27)
