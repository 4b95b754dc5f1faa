"""Billing runs on SQLite and PostgreSQL: who is due in a month, amounts to the øre with owner changes
prorated by day, the minimum amount carried forward, one unbroken invoice number series even when a
chunk fails midway, resumption without duplicates, and corrections showing up as differences."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from fractions import Fraction
from typing import Any

import pytest
from sqlalchemy import func, select

from services.billing.adapters.orm import invoices, platform_tables
from services.billing.adapters.repository import PropertyTaxRepository
from services.billing.adapters.unit_of_work import SqlUnitOfWorkFactory as UowFactory
from services.billing.application.flag_corrections import flag_holders
from services.billing.application.preview_run import preview_billing_run
from services.billing.application.receivables_reports import paid_by_year_end
from services.billing.application.record_property_tax import record_property_tax
from services.billing.application.run_billing import (
    BillingPolicy,
    billing_chunk,
    complete_billing_run,
    start_billing_run,
)
from services.billing.application.take_over_property import NewHolder
from services.billing.domain.account import RecipientKind
from services.billing.domain.billing_run import BillingRun, RunState
from services.billing.domain.intervals import IntervalChoice, InvoiceInterval
from services.billing.domain.kid import KidMethod, is_valid_kid
from services.billing.domain.property_tax import PropertyTax
from services.platform.money import Money
from tests.integration.billing_units import person, run_to_end, seed_holders, sql_billing_units

NOW = datetime(2024, 1, 5, tzinfo=UTC)
POLICY = BillingPolicy(minimum_amount=Money.of(50), payment_days=21, kid_method=KidMethod.MOD11)


@pytest.fixture
def make(database_url: str) -> Iterator[UowFactory]:
    with sql_billing_units(database_url) as units:
        yield units


def _seed(make: UowFactory) -> None:
    organisation = NewHolder("acc-b", RecipientKind.ORGANISATION, "acc-b", "974683520", Fraction(1))
    seed_holders(
        make,
        [
            PropertyTax(pid, 2024, 1, "TAX_STATUS_TAXED", Money.of(annual), Money(0), 4, f"ev-{pid}")
            for pid, annual in (("p1", "4480.00"), ("p2", "12000.00"), ("p3", "3650.00"), ("p4", "100.00"))
        ],
        [
            ("p1", date(2024, 1, 1), person("acc-a")),
            ("p2", date(2024, 1, 1), organisation),
            ("p3", date(2024, 1, 1), person("acc-c")),
            ("p3", date(2024, 2, 15), person("acc-d")),
            ("p4", date(2024, 1, 1), person("acc-e")),
        ],
        NOW,
        ["acc-a", "acc-c", "acc-d", "acc-e"],
        {"acc-a": IntervalChoice(InvoiceInterval.MONTHLY, date(2024, 1, 1))},
    )


def _run(make: UowFactory, year: int, month: int, chunk: int = 2) -> BillingRun:
    return run_to_end(make, year, month, date(year, month, 10), POLICY, chunk)


def _invoices(make: UowFactory) -> list[Any]:
    uow = make()
    with uow:
        return list(uow.session.execute(select(invoices).order_by(invoices.c.invoice_number)))


def test_a_month_invoices_who_is_due_to_the_ore(make: UowFactory) -> None:
    _seed(make)
    january = _run(make, 2024, 1)
    rows = {r.account_id: r for r in _invoices(make)}
    assert set(rows) == {"acc-a", "acc-b", "acc-c", "acc-d"}  # acc-e: 25 NOK is under the minimum
    assert january.below_minimum == 1
    assert rows["acc-a"].total_ore == 37_334  # January of 4,480 (monthly)
    assert rows["acc-b"].total_ore == 300_000 and rows["acc-b"].channel == "ehf"
    # p3 changes hands on 15 February: the two quarter invoices add up to the quarter (3,650 / 12 leaves
    # 8 øre, given to the first eight months: the quarter is 3 × 304.17).
    assert rows["acc-c"].total_ore + rows["acc-d"].total_ore == 91_251
    assert sorted(r.invoice_number for r in rows.values()) == [1, 2, 3, 4]
    assert all(is_valid_kid(r.kid, KidMethod.MOD11) for r in rows.values())
    assert rows["acc-a"].due_date == date(2024, 1, 31)
    # Started again, the complete run is returned as it stands: no second invoice for anyone.
    again = start_billing_run(make(), 2024, 1, date(2024, 1, 10))
    assert again.state == RunState.COMPLETED and again.invoices == january.invoices
    assert len(_invoices(make)) == 4


def test_a_failing_chunk_leaves_no_gap_and_a_resumed_run_no_duplicate(
    make: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(make)
    _run(make, 2024, 1)
    run = start_billing_run(make(), 2024, 4, date(2024, 4, 10))
    run = billing_chunk(make(), run.run_id, POLICY, 2)
    from services.billing.adapters.invoice_repository import InvoiceRepository

    original = InvoiceRepository.add_many

    def crash(self: InvoiceRepository, *args: object) -> None:
        original(self, *args)  # type: ignore[arg-type]
        raise RuntimeError("power cut")

    monkeypatch.setattr(InvoiceRepository, "add_many", crash)
    with pytest.raises(RuntimeError):
        billing_chunk(make(), run.run_id, POLICY, 2)
    monkeypatch.setattr(InvoiceRepository, "add_many", original)
    # A second start (after a restart) resumes the same run from its cursor.
    resumed = start_billing_run(make(), 2024, 4, date(2024, 4, 10))
    assert resumed.run_id == run.run_id
    while resumed.state == RunState.RUNNING:
        resumed = billing_chunk(make(), resumed.run_id, POLICY, 2)
    assert resumed.state == RunState.ISSUED
    resumed = complete_billing_run(make(), resumed.run_id)
    assert resumed.state == RunState.COMPLETED
    numbers = [r.invoice_number for r in _invoices(make)]
    assert numbers == list(range(1, len(numbers) + 1))  # one unbroken series
    april = [r for r in _invoices(make) if r.run_id == resumed.run_id]
    # Everyone due, once; acc-c sold on 15 February and owes nothing more; acc-e's Q1 waited and comes now.
    assert sorted(r.account_id for r in april) == ["acc-a", "acc-b", "acc-d", "acc-e"]
    e = next(r for r in april if r.account_id == "acc-e")
    assert e.total_ore == 5_002  # January–June of 100 NOK a year (the first four months carry an øre more)
    uow = make()
    with uow:
        journal = uow.invoices.journal(resumed.run_id)
        events = uow.session.execute(
            select(func.count())
            .select_from(platform_tables.outbox)
            .where(platform_tables.outbox.c.event_type == "propertytax.billing.v1.InvoiceIssued")
        ).scalar_one()
    assert sum(Money.of(j["amount_nok"]).ore for j in journal) == resumed.total.ore
    assert events == len(numbers)


def test_a_lower_tax_is_credited_on_a_credit_note_and_the_new_period_invoiced_at_the_new_rate(
    make: UowFactory,
) -> None:
    _seed(make)
    _run(make, 2024, 1)
    uow = make()
    with uow:
        record_property_tax(
            PropertyTaxRepository(uow.session),
            PropertyTax("p1", 2024, 2, "TAX_STATUS_TAXED", Money.of("2520.00"), Money(0), 4, "ev-corr"),
        )
        uow.commit()
    february = _run(make, 2024, 2)
    # January was invoiced at 4,480 a year (373.34); at 2,520 it is 210.00: 163.34 is credited on a credit
    # note of its own, and February is invoiced at the new rate. The issued invoice stays as it was.
    rows = [
        (r.kind, r.total_ore, r.corrects_invoice_number) for r in _invoices(make) if r.account_id == "acc-a"
    ]
    assert rows == [("invoice", 37_334, None), ("credit_note", -16_334, 1), ("invoice", 21_000, None)]
    assert february.credit_notes == 1
    _run(make, 2024, 3)
    assert [r.total_ore for r in _invoices(make) if r.account_id == "acc-a"][-1] == 21_000
    uow = make()
    with uow:
        kinds = {
            kind: count
            for kind, count in uow.session.execute(
                select(platform_tables.outbox.c.event_type, func.count())
                .where(platform_tables.outbox.c.event_type.like("propertytax.billing.v1.%"))
                .group_by(platform_tables.outbox.c.event_type)
            )
        }
    assert kinds["propertytax.billing.v1.CreditNoteIssued"] == 1
    # The credit note set off at issue is taken off what was invoiced for the year's share, not paid.
    share = paid_by_year_end(make(), 2024)
    invoiced = sum(r.total_ore for r in _invoices(make) if r.kind == "invoice")
    assert (share.invoiced.ore, share.paid.ore) == (invoiced - 16_334, 0)


def test_a_recipient_not_due_is_credited_by_the_next_run_when_flagged(make: UowFactory) -> None:
    _seed(make)
    uow = make()
    with uow:
        uow.accounts.set_interval("acc-b", IntervalChoice(InvoiceInterval.YEARLY, date(2024, 1, 1)))
        uow.commit()
    _run(make, 2024, 1)
    uow = make()
    with uow:
        if record_property_tax(
            PropertyTaxRepository(uow.session),
            PropertyTax("p2", 2024, 2, "TAX_STATUS_TAXED", Money.of("6000.00"), Money(0), 4, "ev-appeal"),
        ):
            flag_holders(uow.corrections, "p2", [2024], NOW)
        uow.commit()
    february = _run(make, 2024, 2)
    b = [(r.kind, r.total_ore, r.run_id) for r in _invoices(make) if r.account_id == "acc-b"]
    # Invoiced for the whole year in January at 12,000; the year is now 6,000: 6,000 is credited in
    # February although acc-b's yearly interval is not due.
    assert [(kind, total) for kind, total, _ in b] == [("invoice", 1_200_000), ("credit_note", -600_000)]
    assert b[1][2] == february.run_id
    uow = make()
    with uow:
        assert uow.corrections.flagged(["acc-b"]) == []  # settled once


def test_a_flag_set_again_while_a_run_settles_the_old_one_stays(make: UowFactory) -> None:
    uow = make()
    with uow:
        uow.corrections.flag([("acc-a", 2024)], NOW)
        uow.commit()
    with uow:
        (read,) = uow.corrections.flagged(["acc-a"])  # what a run planned with
    with uow:
        uow.corrections.flag([("acc-a", 2024)], NOW.replace(hour=12))  # a correction arrives meanwhile
        uow.commit()
    with uow:
        uow.corrections.clear([read])
        uow.commit()
    with uow:
        (left,) = uow.corrections.flagged(["acc-a"])
    assert left.flagged_at > read.flagged_at  # the next run settles the newer correction


def test_a_correction_dated_after_a_runs_issue_date_is_left_to_the_first_run_issued_on_or_after_it(
    make: UowFactory,
) -> None:
    """A document cannot correct what was decided after its own date: a run bills the tax base as it
    stood on its issue date, and the recipient stays flagged until a run issued on or after the
    correction's business date settles it."""
    _seed(make)
    uow = make()
    with uow:
        uow.accounts.set_interval("acc-b", IntervalChoice(InvoiceInterval.YEARLY, date(2024, 1, 1)))
        uow.commit()
    _run(make, 2024, 1)
    uow = make()
    with uow:
        taxes = PropertyTaxRepository(uow.session)
        for pid, annual, decided in (
            ("p1", "2520.00", date(2024, 3, 15)),
            ("p2", "6000.00", date(2024, 6, 12)),
        ):
            tax = PropertyTax(pid, 2024, 2, "TAX_STATUS_TAXED", Money.of(annual), Money(0), 4, f"ev-c-{pid}")
            if record_property_tax(taxes, replace(tax, decided_on=decided)):
                flag_holders(uow.corrections, pid, [2024], NOW)
        uow.commit()

    def of(account_id: str) -> list[tuple[str, int, int]]:
        return [
            (r.kind, r.total_ore, r.issue_date.month) for r in _invoices(make) if r.account_id == account_id
        ]

    _run(make, 2024, 2)  # issued 10.02.2024: before both corrections
    _run(make, 2024, 3)  # issued 10.03.2024: still before p1's of 15.03.2024
    assert of("acc-a") == [("invoice", 37_334, 1), ("invoice", 37_334, 2), ("invoice", 37_334, 3)]
    assert of("acc-b") == [("invoice", 1_200_000, 1)]
    uow = make()
    with uow:
        assert {f.account_id for f in uow.corrections.flagged(["acc-a", "acc-b"])} == {"acc-a", "acc-b"}
    _run(make, 2024, 4)  # issued 10.04.2024: settles p1's correction, not yet p2's
    # January to March at 2,520 a year is 630.00 against 1,120.02 invoiced at the old rate (4,480 / 12
    # leaves 4 øre, given to the first four months): 490.02 credited; April at the new rate.
    assert of("acc-a")[3:] == [("credit_note", -49_002, 4), ("invoice", 21_000, 4)]
    assert of("acc-b") == [("invoice", 1_200_000, 1)]
    # The preview of June's run says why acc-b gets no credit note yet.
    june = preview_billing_run(make, 2024, 6, POLICY, 10, date(2024, 6, 10))
    assert june.corrections_waiting == [
        "acc-b: the 2024 tax is corrected as of 12.06.2024, after the issue date 10.06.2024; the first run "
        "issued on or after that day settles it"
    ]
    assert june.totals.credit_notes == 0
    assert preview_billing_run(make, 2024, 7, POLICY, 10, date(2024, 7, 10)).totals.credit_notes == 1
    _run(make, 2024, 6)  # issued 10.06.2024: still before 12.06.2024
    assert of("acc-b") == [("invoice", 1_200_000, 1)]
    _run(make, 2024, 7)  # the first run issued on or after the committee's decision
    assert of("acc-b") == [("invoice", 1_200_000, 1), ("credit_note", -600_000, 7)]
    uow = make()
    with uow:
        assert uow.corrections.flagged(["acc-a", "acc-b"]) == []
