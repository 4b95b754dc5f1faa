"""The user trial's lost half year (issue 10), on SQLite and PostgreSQL: runs of 2024-01 and 2024-04 only,
then 2025's preview and start warn that 2024 is not billed to its end, naming the terms never run (2024-07
and 2024-10) and the run to make; a late run of 2024-10 issued in 2025 bills July to December 2024 with a
due date in 2025, and the warning goes away."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from services.billing.adapters.account_repository import AccountRepository
from services.billing.adapters.orm import invoices
from services.billing.adapters.unit_of_work import SqlUnitOfWorkFactory as UowFactory
from services.billing.application.preview_run import preview_billing_run
from services.billing.application.run_billing import (
    BillingPolicy,
    start_billing_run,
    unbilled_earlier_years,
)
from services.billing.domain.billing_run import BillingRun, RunState
from services.billing.domain.intervals import IntervalChoice, InvoiceInterval
from services.billing.domain.property_tax import PropertyTax
from services.platform.money import Money
from tests.integration.billing_units import person, run_to_end, seed_holders, sql_billing_units

POLICY = BillingPolicy(minimum_amount=Money.of(50), payment_days=21)
WARNING = (
    "2024 is not billed to its end: the last run of 2024 was 2024-04; terms that start in 2024-07 and "
    "2024-10 were never run. Run 2024-10 to bill them (a late run may be issued in a later year)."
)


@pytest.fixture
def make(database_url: str) -> Iterator[UowFactory]:
    with sql_billing_units(database_url) as units:
        yield units


def _seed(make: UowFactory) -> None:
    seed_holders(
        make,
        [
            PropertyTax(pid, year, 1, "TAX_STATUS_TAXED", Money.of(4000), Money(0), 4, f"{pid}-{year}")
            for pid in ("p1", "p2")
            for year in (2024, 2025)
        ],
        # quarterly, the default interval
        [(pid, date(2024, 1, 1), person(holder)) for pid, holder in (("p1", "acc-a"), ("p2", "acc-b"))],
        datetime(2024, 1, 5, tzinfo=UTC),
        ["acc-a", "acc-b"],
    )


def _run(make: UowFactory, year: int, month: int, issue_date: date) -> BillingRun:
    return run_to_end(make, year, month, issue_date, POLICY, 1)


def test_a_skipped_year_end_is_warned_and_a_late_run_bills_it(make: UowFactory) -> None:
    _seed(make)
    _run(make, 2024, 1, date(2024, 1, 10))
    _run(make, 2024, 4, date(2024, 4, 10))

    preview = preview_billing_run(make, 2025, 1, POLICY, 1)
    assert preview.earlier_years_not_billed == [WARNING]
    assert preview.totals.invoices == 2  # the preview itself is as before: 2025's first quarter
    start = start_billing_run(make(), 2025, 1, date(2025, 1, 10))
    assert unbilled_earlier_years(make(), 2025) == [WARNING]  # what StartBillingRun answers with
    assert start.state == RunState.RUNNING  # warned, not refused: 2025 is billed all the same
    january = _run(make, 2025, 1, date(2025, 1, 10))
    assert (january.state, january.invoices) == (RunState.COMPLETED, 2)

    # The remedy: a late run of 2024-10, issued in 2025.
    assert preview_billing_run(make, 2024, 10, POLICY, 1).totals.invoices == 2
    late = _run(make, 2024, 10, date(2025, 2, 3))
    assert (late.state, late.invoices) == (RunState.COMPLETED, 2)
    with make() as uow:
        rows = list(uow.session.execute(select(invoices).where(invoices.c.period_start < date(2025, 1, 1))))
    late_rows = [r for r in rows if r.run_id == late.run_id]
    assert sorted(r.account_id for r in late_rows) == ["acc-a", "acc-b"]
    for row in late_rows:  # July to December 2024 for everyone, due in 2025
        assert (row.period_start, row.period_end) == (date(2024, 7, 1), date(2025, 1, 1))
        assert row.issue_date == date(2025, 2, 3) and row.due_date == date(2025, 2, 24)
    for account_id in ("acc-a", "acc-b"):  # the whole of 2024 is invoiced now, to the øre
        assert sum(r.total_ore for r in rows if r.account_id == account_id) == 400_000

    assert unbilled_earlier_years(make(), 2025) == []
    assert preview_billing_run(make, 2025, 4, POLICY, 1).earlier_years_not_billed == []
    assert unbilled_earlier_years(make(), 2024) == []  # 2023 has nothing billable


def test_a_monthly_recipient_needs_december_too(make: UowFactory) -> None:
    _seed(make)
    with make() as uow:
        AccountRepository(uow.session).set_interval(
            "acc-b", IntervalChoice(InvoiceInterval.MONTHLY, date(2024, 1, 1))
        )
        uow.commit()
    _run(make, 2024, 10, date(2024, 10, 10))
    (said,) = unbilled_earlier_years(make(), 2025)
    assert said.startswith(
        "2024 is not billed to its end: the last run of 2024 was 2024-10; terms that start "
    )
    assert "2024-11 and 2024-12 were never run. Run 2024-12 to bill them" in said
    _run(make, 2024, 12, date(2025, 1, 8))
    assert unbilled_earlier_years(make(), 2025) == []
