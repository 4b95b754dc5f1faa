"""A billing run as a job under a second click and a second process (SQLite and PostgreSQL): a start never
rewinds a run, a run's control totals equal its documents at completion (or it fails saying so), a start
with another issue date is refused naming the run and its date, two concurrent starts make one run, and
two billing processes never invoice a period twice.

The lost update and the races need two transactions at once: SQLite serialises whole transactions
(BEGIN IMMEDIATE), so there these tests check the same promises without the race; PostgreSQL runs them.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from fractions import Fraction
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, update

from services.billing.adapters.account_repository import AccountRepository, HoldingRepository
from services.billing.adapters.invoice_repository import BillingRunRepository
from services.billing.adapters.orm import billing_runs, invoice_lines, invoices, platform_tables
from services.billing.adapters.repository import PropertyTaxRepository
from services.billing.adapters.unit_of_work import SqlBillingUnitOfWork
from services.billing.adapters.unit_of_work import SqlUnitOfWorkFactory as UowFactory
from services.billing.application import run_billing
from services.billing.application.record_property_tax import record_property_tax
from services.billing.application.run_billing import (
    BillingPolicy,
    billing_chunk,
    complete_billing_run,
    start_billing_run,
)
from services.billing.application.take_over_property import NewHolder, take_over_property
from services.billing.domain.account import RecipientKind
from services.billing.domain.billing_run import BillingRun, RunState
from services.billing.domain.intervals import IntervalChoice, InvoiceInterval
from services.billing.domain.kid import KidMethod
from services.billing.domain.property_tax import PropertyTax
from services.billing.service import SPEC
from services.platform.db import create_db_engine, session_factory
from services.platform.errors import DomainError, FailedPrecondition
from services.platform.migrations import upgrade_to_head
from services.platform.money import Money
from tests.integration.billing_fixtures import give_postal_addresses
from tests.integration.concurrency import Meeting, Worker, settle

NOW = datetime(2024, 1, 5, tzinfo=UTC)
POLICY = BillingPolicy(minimum_amount=Money.of(50), payment_days=21, kid_method=KidMethod.MOD10)
CHUNK = 3
RECIPIENTS = 12


@dataclass
class Billing:
    """One billing process's view of the database: its own engine and units of work."""

    engine: Engine
    make: UowFactory


def _process(url: str) -> Billing:
    engine = create_db_engine(url)
    sessions = session_factory(engine)
    return Billing(engine, lambda: SqlBillingUnitOfWork(sessions))


@pytest.fixture
def billing(database_url: str) -> Iterator[Billing]:
    upgrade_to_head(SPEC.migrations_dir, database_url)
    process = _process(database_url)
    _seed(process.make)
    yield process
    process.engine.dispose()


def _seed(make: UowFactory) -> None:
    """acc-01…acc-12, each holding p01…p12 since 1 January 2024 with 1,200 NOK × n tax, invoiced monthly."""
    uow = make()
    with uow:
        taxes = PropertyTaxRepository(uow.session)
        accounts, holdings = AccountRepository(uow.session), HoldingRepository(uow.session)
        for n in range(1, RECIPIENTS + 1):
            record_property_tax(
                taxes,
                PropertyTax(
                    f"p{n:02d}", 2024, 1, "TAX_STATUS_TAXED", Money.of(1200 * n), Money(0), 4, f"e{n}"
                ),
            )
            take_over_property(
                accounts,
                holdings,
                f"p{n:02d}",
                date(2024, 1, 1),
                [NewHolder(f"acc-{n:02d}", RecipientKind.PERSON, f"Eier {n}", "", Fraction(1))],
                NOW,
            )
            accounts.set_interval(f"acc-{n:02d}", IntervalChoice(InvoiceInterval.MONTHLY, date(2024, 1, 1)))
        give_postal_addresses(accounts, [f"acc-{n:02d}" for n in range(1, RECIPIENTS + 1)])
        uow.commit()


def _stored(make: UowFactory, run_id: str) -> BillingRun:
    uow = make()
    with uow:
        run = BillingRunRepository(uow.session).get(run_id)
    assert run is not None
    return run


def _documents(make: UowFactory, run_id: str) -> tuple[int, int, int]:
    """(invoices, credit notes, total in øre) as the invoices table has them for the run."""
    uow = make()
    with uow:
        kinds: dict[str, int] = dict(
            uow.session.execute(
                select(invoices.c.kind, func.count())
                .where(invoices.c.run_id == run_id)
                .group_by(invoices.c.kind)
            ).all()
        )
        total = uow.session.execute(
            select(func.coalesce(func.sum(invoices.c.total_ore), 0)).where(invoices.c.run_id == run_id)
        ).scalar_one()
    return kinds.get("invoice", 0), kinds.get("credit_note", 0), int(total)


def _figures(run: BillingRun) -> tuple[int, int, int]:
    return run.invoices, run.credit_notes, run.total.ore


def _to_the_end(make: UowFactory, run: BillingRun) -> BillingRun:
    while run.state == RunState.RUNNING:
        run = billing_chunk(make(), run.run_id, POLICY, CHUNK)
    return complete_billing_run(make(), run.run_id)


def _set_state(make: UowFactory, run_id: str, state: RunState, error: str) -> None:
    uow = make()
    with uow:
        uow.session.execute(
            update(billing_runs).where(billing_runs.c.run_id == run_id).values(state=state.value, error=error)
        )
        uow.commit()


def test_a_start_while_a_chunk_is_in_flight_rewinds_nothing(
    billing: Billing, monkeypatch: pytest.MonkeyPatch
) -> None:
    make = billing.make
    run = start_billing_run(make(), 2024, 4, date(2024, 4, 10))
    run = billing_chunk(make(), run.run_id, POLICY, CHUNK)
    assert run.invoices == CHUNK
    # The next chunk stops in the middle of its transaction (it holds the run's row) until released.
    planning, release = Meeting(2, seconds=30), Meeting(2, seconds=30)
    original = run_billing.plan_chunk  # type: ignore[attr-defined]

    def held(*args: Any, **kwargs: Any) -> Any:
        planning.wait()
        release.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(run_billing, "plan_chunk", held)
    chunk = Worker(lambda: billing_chunk(make(), run.run_id, POLICY, CHUNK))
    chunk.start()
    planning.wait()
    second = Worker(lambda: start_billing_run(make(), 2024, 4, date(2024, 4, 10)))
    second.start()
    settle(billing.engine, second)  # the second start has read the run (today: and waits to write it)
    release.wait()
    after_chunk = chunk.outcome()
    again = second.outcome()
    monkeypatch.setattr(run_billing, "plan_chunk", original)

    assert again.run_id == run.run_id and again.state == RunState.RUNNING
    stored = _stored(make, run.run_id)
    assert (stored.cursor, _figures(stored)) == (after_chunk.cursor, _figures(after_chunk))
    assert _figures(stored) == _documents(make, run.run_id)
    # A start between chunks returns the run as it is and changes nothing.
    assert start_billing_run(make(), 2024, 4, date(2024, 4, 10)) == stored
    assert _stored(make, run.run_id) == stored
    done = _to_the_end(make, stored)
    assert done.state == RunState.COMPLETED
    assert done.invoices == RECIPIENTS
    assert _figures(done) == _documents(make, run.run_id) == _figures(_stored(make, run.run_id))


def test_completion_refuses_control_totals_that_differ_from_the_documents(billing: Billing) -> None:
    make = billing.make
    run = start_billing_run(make(), 2024, 4, date(2024, 4, 10))
    while run.state == RunState.RUNNING:
        run = billing_chunk(make(), run.run_id, POLICY, CHUNK)
    assert run.state == RunState.ISSUED
    uow = make()
    with uow:  # an issued invoice changed behind the run's back
        first = uow.session.execute(
            select(func.min(invoices.c.invoice_number)).where(invoices.c.run_id == run.run_id)
        ).scalar_one()
        uow.session.execute(
            update(invoices)
            .where(invoices.c.invoice_number == first)
            .values(total_ore=invoices.c.total_ore + 100)
        )
        uow.commit()

    failed = complete_billing_run(make(), run.run_id)

    assert failed.state == RunState.FAILED
    stored = _stored(make, run.run_id)
    assert stored.state == RunState.FAILED and stored.error == failed.error
    assert "control totals" in failed.error
    assert f"{run.total.nok}" in failed.error and f"{(run.total + Money(100)).nok}" in failed.error
    uow = make()
    with uow:
        completed_events = uow.session.execute(
            select(func.count())
            .select_from(platform_tables.outbox)
            .where(platform_tables.outbox.c.event_type == "propertytax.billing.v1.BillingRunCompleted")
        ).scalar_one()
    assert completed_events == 0
    # Started again, it resumes where it stood and is refused again while the figures still differ.
    resumed = start_billing_run(make(), 2024, 4, date(2024, 4, 10))
    assert resumed.state == RunState.RUNNING and resumed.error == ""
    assert (resumed.cursor, _figures(resumed)) == (run.cursor, _figures(run))
    assert _to_the_end(make, resumed).state == RunState.FAILED


def test_a_run_whose_figures_differ_is_failed_before_any_document_is_written(billing: Billing) -> None:
    make = billing.make
    run = billing_chunk(make(), start_billing_run(make(), 2024, 4, date(2024, 4, 10)).run_id, POLICY, CHUNK)
    uow = make()
    with uow:  # an invoice of the first chunk changed behind the run's back
        uow.session.execute(
            update(invoices).where(invoices.c.run_id == run.run_id).values(total_ore=invoices.c.total_ore + 1)
        )
        uow.commit()

    while run.state == RunState.RUNNING:
        run = billing_chunk(make(), run.run_id, POLICY, CHUNK)

    # Failed where it would have become "issued": the document step (which runs only for issued runs)
    # never writes a journal or documents for figures that do not add up.
    assert run.state == RunState.FAILED
    assert "control totals" in run.error
    assert _stored(make, run.run_id).state == RunState.FAILED


def test_a_start_with_another_issue_date_is_refused_naming_the_run_and_its_date(billing: Billing) -> None:
    make = billing.make
    run = start_billing_run(make(), 2024, 5, date(2024, 5, 20))
    run = billing_chunk(make(), run.run_id, POLICY, CHUNK)

    with pytest.raises(FailedPrecondition) as refused:
        start_billing_run(make(), 2024, 5, date(2024, 5, 21))
    assert run.run_id in str(refused.value) and "2024-05-20" in str(refused.value)
    assert "2024-05-21" in str(refused.value)
    assert _stored(make, run.run_id) == run
    # The same date, or none, is the same run, unchanged.
    assert start_billing_run(make(), 2024, 5, date(2024, 5, 20)) == run
    assert start_billing_run(make(), 2024, 5, None) == run
    # A failed run resumes with its cursor and totals; with another date it is refused as well.
    _set_state(make, run.run_id, RunState.FAILED, "RuntimeError: power cut")
    with pytest.raises(FailedPrecondition, match="2024-05-20"):
        start_billing_run(make(), 2024, 5, date(2024, 5, 21))
    assert _stored(make, run.run_id).state == RunState.FAILED
    resumed = start_billing_run(make(), 2024, 5, date(2024, 5, 20))
    assert resumed == run  # running again, no error, nothing rewound
    assert _stored(make, run.run_id) == run
    done = _to_the_end(make, resumed)
    assert done.state == RunState.COMPLETED
    # Started again when complete: the same run as it stands, unchanged; with another date, refused.
    assert start_billing_run(make(), 2024, 5, date(2024, 5, 20)) == done
    assert start_billing_run(make(), 2024, 5, None) == done
    with pytest.raises(FailedPrecondition, match=r"complete.*2024-05-20.*2024-05-22 is refused"):
        start_billing_run(make(), 2024, 5, date(2024, 5, 22))
    assert _stored(make, run.run_id) == done


@pytest.mark.postgres
@pytest.mark.parametrize("second_date", [date(2024, 5, 20), date(2024, 5, 21)], ids=["same", "other"])
def test_concurrent_starts_make_one_run(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, second_date: date
) -> None:
    upgrade_to_head(SPEC.migrations_dir, postgres_url)
    one, two = _process(postgres_url), _process(postgres_url)
    _seed(one.make)  # something to bill: a month with nothing due is refused before any run is made
    # Both starts read "no run for May" before either inserts one.
    both_read = Meeting(2)
    first_read: set[int] = set()
    original = BillingRunRepository.for_month

    def for_month(self: BillingRunRepository, year: int, month: int) -> BillingRun | None:
        found = original(self, year, month)
        if id(self) not in first_read:
            first_read.add(id(self))
            both_read.wait()
        return found

    monkeypatch.setattr(BillingRunRepository, "for_month", for_month)
    starts = [
        Worker(lambda: start_billing_run(one.make(), 2024, 5, date(2024, 5, 20))),
        Worker(lambda: start_billing_run(two.make(), 2024, 5, second_date)),
    ]
    for worker in starts:
        worker.start()
    for worker in starts:
        worker.join(60)
    monkeypatch.setattr(BillingRunRepository, "for_month", original)

    with one.engine.connect() as conn:
        rows = conn.execute(select(billing_runs).where(billing_runs.c.month == 5)).all()
    assert len(rows) == 1
    errors = [w.error for w in starts if w.error is not None]
    assert all(isinstance(e, DomainError) for e in errors), errors  # never a server fault (INTERNAL)
    results = [w.result for w in starts if w.result is not None]
    assert results and {r.run_id for r in results} == {rows[0].run_id}
    if second_date == date(2024, 5, 20):
        assert not errors and len(results) == 2
    else:  # whichever came second is refused, naming the winner's date
        assert len(errors) == 1 and isinstance(errors[0], FailedPrecondition)
        assert rows[0].run_id in str(errors[0]) and rows[0].issue_date.isoformat() in str(errors[0])
    for process in (one, two):
        process.engine.dispose()


def test_two_billing_processes_never_invoice_a_period_twice(
    billing: Billing, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = _process(database_url)  # a second billing service on the same database
    april = start_billing_run(billing.make(), 2024, 4, date(2024, 4, 10))
    may = start_billing_run(other.make(), 2024, 5, date(2024, 5, 10))
    # Each process's first chunk waits after planning for the other's, so that without one queue per
    # series both plan the same recipients' open months before either stores its invoices.
    planned = Meeting(2)
    waited: set[int] = set()
    original = run_billing.plan_chunk  # type: ignore[attr-defined]

    def slow(*args: Any, **kwargs: Any) -> Any:
        plan = original(*args, **kwargs)
        if threading.get_ident() not in waited:
            waited.add(threading.get_ident())
            planned.wait()
        return plan

    monkeypatch.setattr(run_billing, "plan_chunk", slow)
    workers = [Worker(lambda: _to_the_end(billing.make, april)), Worker(lambda: _to_the_end(other.make, may))]
    for worker in workers:
        worker.start()
    done = [worker.outcome() for worker in workers]
    monkeypatch.setattr(run_billing, "plan_chunk", original)
    other.engine.dispose()

    assert [run.state for run in done] == [RunState.COMPLETED, RunState.COMPLETED]
    for run in done:
        assert _figures(run) == _documents(billing.make, run.run_id)
    uow = billing.make()
    with uow:
        lines = uow.session.execute(
            select(
                invoice_lines.c.property_id,
                invoice_lines.c.code,
                invoice_lines.c.period_start,
                invoice_lines.c.period_end,
                invoice_lines.c.invoice_number,
            ).order_by(invoice_lines.c.property_id, invoice_lines.c.code, invoice_lines.c.period_start)
        ).all()
        numbers = list(
            uow.session.scalars(select(invoices.c.invoice_number).order_by(invoices.c.invoice_number))
        )
    assert numbers == list(range(1, len(numbers) + 1))  # one unbroken series
    billed: dict[tuple[str, str], list[Any]] = {}
    for line in lines:
        billed.setdefault((line.property_id, line.code), []).append(line)
    for key, periods in billed.items():
        for earlier, later in itertools.pairwise(periods):
            assert later.period_start >= earlier.period_end, (key, earlier, later)  # [start, end) each
    # Every recipient is billed January through May exactly once between the two runs.
    assert {key: (p[0].period_start, p[-1].period_end) for key, p in billed.items()} == {
        (f"p{n:02d}", "property_tax"): (date(2024, 1, 1), date(2024, 6, 1)) for n in range(1, RECIPIENTS + 1)
    }
