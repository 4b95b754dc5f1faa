"""Billing runs on SQLite and PostgreSQL (issue 10): co-owners' invoices add up to the property's amount;
a document that cannot be delivered through its channel is held with its reason and issued by the first
run after the recipient's details are complete, nothing lost and nothing billed twice; a run of a year
with nothing to bill is refused saying why."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.json_format import MessageToDict
from sqlalchemy import func, select

from propertytax.assessment.v1 import events_pb2 as assessment_events
from propertytax.assessment.v1 import property_pb2
from services.billing.adapters.account_repository import AccountRepository, HoldingRepository
from services.billing.adapters.orm import invoices, platform_tables
from services.billing.adapters.repository import PropertyTaxRepository
from services.billing.adapters.run_documents import HELD_REPORT, RunOutput
from services.billing.adapters.unit_of_work import SqlBillingUnitOfWork
from services.billing.adapters.unit_of_work import SqlUnitOfWorkFactory as UowFactory
from services.billing.application.preview_run import preview_billing_run
from services.billing.application.record_property_tax import record_property_tax
from services.billing.application.run_billing import (
    BillingPolicy,
    billing_chunk,
    complete_billing_run,
    start_billing_run,
)
from services.billing.application.run_output import write_run_output
from services.billing.application.take_over_property import NewHolder, take_over_property
from services.billing.domain.account import RecipientKind
from services.billing.domain.billing_run import BillingRun, RunState
from services.billing.domain.intervals import Period
from services.billing.domain.property_tax import PropertyTax
from services.billing.entrypoints.proto_mapping import preview_response
from services.billing.service import SPEC, on_ownership_changed
from services.platform.db import create_db_engine, session_factory
from services.platform.errors import FailedPrecondition
from services.platform.events import ReceivedEvent, wrap
from services.platform.migrations import upgrade_to_head
from services.platform.money import Money

NOW = datetime(2024, 1, 5, tzinfo=UTC)
POLICY = BillingPolicy(minimum_amount=Money.of(50))
ADDRESS = {"address_line": "Storgata 1", "postcode": "0155", "city": "Oslo"}


@pytest.fixture
def make(database_url: str) -> Iterator[UowFactory]:
    upgrade_to_head(SPEC.migrations_dir, database_url)
    engine = create_db_engine(database_url)
    sessions = session_factory(engine)
    yield lambda: SqlBillingUnitOfWork(sessions)
    engine.dispose()


def _property(make: UowFactory, pid: str, annual: str, holders: list[NewHolder], since: date) -> None:
    uow = make()
    with uow:
        record_property_tax(
            PropertyTaxRepository(uow.session),
            PropertyTax(pid, since.year, 1, "TAX_STATUS_TAXED", Money.of(annual), Money(0), 4, f"ev-{pid}"),
        )
        accounts, holdings = AccountRepository(uow.session), HoldingRepository(uow.session)
        take_over_property(accounts, holdings, pid, since, holders, NOW)
        uow.commit()


def _details(make: UowFactory, account_id: str, **given: str) -> None:
    uow = make()
    with uow:
        accounts = AccountRepository(uow.session)
        account = accounts.get(account_id)
        assert account is not None
        accounts.save(replace(account, **given))  # type: ignore[arg-type]
        uow.commit()


def _person(account_id: str, share: Fraction = Fraction(1)) -> NewHolder:
    return NewHolder(account_id, RecipientKind.PERSON, f"Eier {account_id}", "", share)


def _run(make: UowFactory, year: int, month: int, output: RunOutput | None = None) -> BillingRun:
    run = start_billing_run(make(), year, month, date(year, month, 10))
    while run.state == RunState.RUNNING:
        run = billing_chunk(make(), run.run_id, POLICY, 2)
    if output is not None:
        write_run_output(make(), run, output)
    return complete_billing_run(make(), run.run_id)


def _issued(make: UowFactory, account_id: str) -> list[Any]:
    uow = make()
    with uow:
        return list(
            uow.session.execute(
                select(invoices)
                .where(invoices.c.account_id == account_id)
                .order_by(invoices.c.invoice_number)
            )
        )


def _events(make: UowFactory) -> int:
    uow = make()
    with uow:
        return int(
            uow.session.execute(
                select(func.count())
                .select_from(platform_tables.outbox)
                .where(platform_tables.outbox.c.event_type.like("propertytax.billing.v1.%Issued"))
            ).scalar_one()
        )


@pytest.mark.parametrize(("annual", "year_parts"), [("1000.00", [33_334, 33_333, 33_333]), ("4480.00", None)])
def test_the_invoices_of_three_co_owners_add_up_to_the_property_amount(
    make: UowFactory, annual: str, year_parts: list[int] | None
) -> None:
    owners = ["co-1", "co-2", "co-3"]
    _property(make, "p1", annual, [_person(a, Fraction(1, 3)) for a in owners], date(2024, 1, 1))
    for a in owners:
        _details(make, a, **ADDRESS)
    quarters = []
    for month in (1, 4, 7, 10):
        run = _run(make, 2024, month)
        quarters.append(run.total.ore)
    annual_ore = Money.of(annual).ore
    # Each quarter's three invoices add up to the property's quarter (its months' parts), the year's to
    # the annual amount: nothing lost to rounding each share alone (999.99, 4,479.99 before).
    monthly = [annual_ore // 12 + (1 if m < annual_ore % 12 else 0) for m in range(12)]
    assert quarters == [sum(monthly[q : q + 3]) for q in range(0, 12, 3)]
    per_owner = [sum(r.total_ore for r in _issued(make, a)) for a in owners]
    assert sum(per_owner) == annual_ore
    if year_parts is not None:
        assert per_owner == year_parts


def test_a_paper_invoice_without_an_address_is_held_and_issued_when_the_address_arrives(
    make: UowFactory, tmp_path: Path
) -> None:
    _property(make, "p1", "1200.00", [_person("nobody-knows")], date(2024, 1, 1))
    _property(make, "p2", "2400.00", [_person("has-address")], date(2024, 1, 1))
    _details(make, "has-address", **ADDRESS)
    output = RunOutput(tmp_path / "journals", tmp_path / "documents", workers=1)

    preview = preview_billing_run(make, 2024, 1, POLICY, 10)
    assert [(h.account_id, h.reason, h.total) for h in preview.held] == [
        (
            "nobody-knows",
            "paper invoice without a complete postal address (no street address, postcode, city)",
            Money.of(300),
        )
    ]
    assert preview.totals.invoices == 1

    january = _run(make, 2024, 1, output)
    assert (january.invoices, january.held, january.state) == (1, 1, RunState.COMPLETED)
    assert _issued(make, "nobody-knows") == [] and _events(make) == 1  # no number, no event: not issued
    report = (output.run_directory(january) / HELD_REPORT).read_text(encoding="utf-8")
    assert "nobody-knows" in report and "without a complete postal address" in report
    assert "2024,2024-01-01..2024-03-31" in report  # tax year, first and last day the lines cover

    # Still no address in February: held again, nothing issued.
    assert _run(make, 2024, 2).held == 1 and _issued(make, "nobody-knows") == []
    _details(make, "nobody-knows", address_line="Storgata 2", postcode="0155", city="")
    assert _run(make, 2024, 3).held == 1  # no city yet: still incomplete

    _details(make, "nobody-knows", **ADDRESS)
    # The next run issues the first quarter as it would have been invoiced, though the recipient is not
    # due in May (quarterly).
    may = _run(make, 2024, 5)
    assert (may.invoices, may.held) == (1, 0)
    (first,) = _issued(make, "nobody-knows")
    assert (first.total_ore, first.period_start, first.period_end) == (
        30_000,
        date(2024, 1, 1),
        date(2024, 4, 1),
    )
    # July's run invoices April to September (due to date less invoiced): nothing lost, nothing twice.
    july = _run(make, 2024, 7)
    assert july.held == 0
    totals = [r.total_ore for r in _issued(make, "nobody-knows")]
    assert sum(totals) == 90_000  # January to September of 1,200.00
    assert _events(make) == len(_issued(make, "nobody-knows")) + len(_issued(make, "has-address"))


def test_a_held_invoice_due_again_is_issued_with_the_due_period(make: UowFactory) -> None:
    _property(make, "p1", "1200.00", [_person("late")], date(2024, 1, 1))
    assert _run(make, 2024, 1).held == 1
    _details(make, "late", **ADDRESS)
    april = _run(make, 2024, 4)
    (invoice,) = _issued(make, "late")
    assert april.invoices == 1 and april.held == 0
    assert (invoice.total_ore, invoice.period_start, invoice.period_end) == (
        60_000,
        date(2024, 1, 1),
        date(2024, 7, 1),
    )


def test_an_ehf_invoice_without_an_organisation_number_is_held(make: UowFactory) -> None:
    _property(
        make,
        "p1",
        "1200.00",
        [NewHolder("org", RecipientKind.ORGANISATION, "Eiendom AS", "", Fraction(1))],
        date(2024, 1, 1),
    )
    preview = preview_billing_run(make, 2024, 1, POLICY, 10)
    assert [h.reason for h in preview.held] == ["EHF invoice without an organisation number (Peppol id 0192)"]
    assert _run(make, 2024, 1).held == 1
    _details(make, "org", organisation_number="974683520")
    assert _run(make, 2024, 2).invoices == 1
    assert [r.total_ore for r in _issued(make, "org")] == [30_000]


def test_a_run_of_a_year_with_nothing_to_bill_is_refused_saying_why(make: UowFactory) -> None:
    _property(make, "p1", "1200.00", [_person("a")], date(2024, 1, 1))
    with pytest.raises(FailedPrecondition) as refused:
        start_billing_run(make(), 2025, 1, date(2025, 1, 10))
    message = str(refused.value)
    assert "nothing to bill for 2025" in message
    assert "no fee schedule for 2025" in message and "no property tax for 2025" in message
    uow = make()
    with uow:
        assert uow.runs.for_month(2025, 1) is None  # the month's run is not used up
    # Once the year's tax has arrived, the run starts.
    _property(make, "p2", "1200.00", [_person("b")], date(2025, 1, 1))
    assert start_billing_run(make(), 2025, 1, date(2025, 1, 10)).state == RunState.RUNNING


def _held_rows(output: RunOutput, run: BillingRun) -> list[list[str]]:
    text = (output.run_directory(run) / HELD_REPORT).read_text(encoding="utf-8")
    return [line.split(",")[-4:] for line in text.splitlines()[1:]]  # documents, total, tax year, period


def test_the_held_period_is_what_the_held_lines_cover_not_the_months_due_period(
    make: UowFactory, tmp_path: Path
) -> None:
    _property(make, "p1", "1200.00", [_person("late")], date(2024, 1, 1))
    _property(make, "p2", "2400.00", [_person("known")], date(2024, 1, 1))
    _details(make, "known", **ADDRESS)
    output = RunOutput(tmp_path / "journals", tmp_path / "documents", workers=1)
    _run(make, 2024, 1, output)
    # April holds January to June (what the invoice's lines would say: 01.01.2024-30.06.2024), not April's
    # quarter alone.
    preview = preview_billing_run(make, 2024, 4, POLICY, 10)
    assert [(h.account_id, h.tax_year, h.period, h.total) for h in preview.held] == [
        ("late", 2024, Period(date(2024, 1, 1), date(2024, 7, 1)), Money.of(600))
    ]
    april = _run(make, 2024, 4, output)
    assert april.held == 1
    assert _held_rows(output, april) == [["1", "600.00", "2024", "2024-01-01..2024-06-30"]]


def test_amounts_of_an_earlier_year_held_again_keep_their_year_and_period(
    make: UowFactory, tmp_path: Path
) -> None:
    _property(make, "p1", "1200.00", [_person("late")], date(2024, 1, 1))
    output = RunOutput(tmp_path / "journals", tmp_path / "documents", workers=1)
    assert _run(make, 2024, 1, output).held == 1
    uow = make()
    with uow:  # the 2025 tax of the same property
        record_property_tax(
            PropertyTaxRepository(uow.session),
            PropertyTax("p1", 2025, 1, "TAX_STATUS_TAXED", Money.of(2400), Money(0), 4, "ev-p1-2025"),
        )
        uow.commit()
    january = _run(make, 2025, 1, output)
    assert (january.invoices, january.held) == (0, 1)  # one recipient, two years
    assert _held_rows(output, january) == [
        ["1", "300.00", "2024", "2024-01-01..2024-03-31"],
        ["1", "600.00", "2025", "2025-01-01..2025-03-31"],
    ]
    preview = preview_billing_run(make, 2025, 2, POLICY, 10)
    assert [(h.tax_year, h.period, h.total) for h in preview.held] == [
        (2024, Period(date(2024, 1, 1), date(2024, 4, 1)), Money.of(300)),
        (2025, Period(date(2025, 1, 1), date(2025, 4, 1)), Money.of(600)),
    ]
    _details(make, "late", **ADDRESS)
    february = _run(make, 2025, 2)
    (invoice,) = _issued(make, "late")
    assert (february.invoices, february.held, invoice.total_ore) == (1, 0, 90_000)


def test_a_start_that_could_only_hold_again_what_is_held_is_refused_saying_why(make: UowFactory) -> None:
    _property(make, "p1", "1200.00", [_person("late")], date(2024, 1, 1))
    assert _run(make, 2024, 1).held == 1
    with pytest.raises(FailedPrecondition) as refused:
        start_billing_run(make(), 2031, 1, date(2031, 1, 6))
    message = str(refused.value)
    assert "nothing to bill for 2031" in message
    assert "no fee schedule for 2031" in message and "no property tax for 2031" in message
    assert (
        "1 recipient's documents held by earlier runs still cannot be delivered: no complete postal address "
        "or organisation number was given for them (late); give them one (`propertytax billing recipients "
        'update <recipient> --address "…" --postcode … --city …`) and start again' in message
    )
    assert "never invoiced" not in message
    uow = make()
    with uow:
        assert uow.runs.for_month(2031, 1) is None  # the month's run is not used up
    # Once the address is given, the run starts and issues what was held, for 2024.
    _details(make, "late", **ADDRESS)
    run = _run(make, 2031, 1)
    (invoice,) = _issued(make, "late")
    assert (run.invoices, run.held, run.nothing_issued) == (1, 0, "")
    assert (invoice.total_ore, invoice.period_start, invoice.period_end) == (
        30_000,
        date(2024, 1, 1),
        date(2024, 4, 1),
    )


def test_a_run_and_a_preview_that_issue_nothing_say_why(make: UowFactory) -> None:
    _property(make, "p1", "1200.00", [_person("a")], date(2024, 1, 1))
    _details(make, "a", **ADDRESS)
    preview = preview_billing_run(make, 2024, 2, POLICY, 10)
    assert preview.nothing_issued == (
        "there is no fee schedule for 2024; no recipient's invoice interval starts a period in 2024-02, so "
        "nothing is due this month"
    )
    february = _run(make, 2024, 2)
    assert (february.state, february.invoices, february.due) == (RunState.COMPLETED, 0, 0)
    assert february.nothing_issued == preview.nothing_issued
    uow = make()
    with uow:
        stored = uow.runs.get(february.run_id)
    assert stored is not None and stored.nothing_issued == preview.nothing_issued

    january = _run(make, 2024, 1)
    assert (january.invoices, january.due, january.nothing_issued) == (1, 1, "")

    assert preview_billing_run(make, 2025, 1, POLICY, 10).nothing_issued == (
        "there is no fee schedule for 2025; there is no property tax for 2025 (assessment's levy for 2025 "
        "has not reached billing)"
    )


def test_a_preview_that_would_only_hold_says_how_many_recipients_and_why(make: UowFactory) -> None:
    _property(make, "p1", "1200.00", [_person("late")], date(2024, 1, 1))
    _property(make, "p2", "1200.00", [_person("later")], date(2024, 1, 1))
    preview = preview_billing_run(make, 2024, 1, POLICY, 10)
    assert preview.totals.invoices == 0
    assert "2 recipients' documents held: they cannot be delivered" in preview.nothing_issued
    january = _run(make, 2024, 1)
    assert (january.invoices, january.held) == (0, 2)
    assert january.nothing_issued == preview.nothing_issued


def _sell(make: UowFactory, pid: str, buyer: str, on: date) -> None:
    """The property changes hands through billing's own handler of assessment's OwnershipChanged."""
    sold = assessment_events.OwnershipChanged(
        property_id=pid,
        effective_date=on.isoformat(),
        owners=[
            property_pb2.OwnerShare(
                owner_ref=buyer,
                kind=property_pb2.OWNER_KIND_PERSON,
                name=f"Eier {buyer}",
                share_numerator=1,
                share_denominator=1,
                since=on.isoformat(),
            )
        ],
    )
    envelope = wrap(sold, source="assessment", subject=pid, occurred_at=NOW)
    uow = make()
    with uow:
        on_ownership_changed(uow.session, ReceivedEvent(envelope, sold))
        uow.commit()


def test_a_buyer_without_an_address_is_held_by_the_next_monthly_run_and_invoiced_when_it_arrives(
    make: UowFactory, tmp_path: Path
) -> None:
    pid = "0301-10/6/0/0"
    _property(make, pid, "12000.00", [_person("seller")], date(2024, 1, 1))
    _details(make, "seller", **ADDRESS)
    output = RunOutput(tmp_path / "journals", tmp_path / "documents", workers=1)
    for month in (1, 4, 7):
        _run(make, 2024, month)  # the seller is invoiced to 2024-09-30
    _sell(make, pid, "buyer", date(2024, 8, 1))  # quarterly (the default), no postal address

    # August's run settles both, though neither's quarterly interval starts a period in August: the seller
    # is credited August and September, the buyer's invoice of the same is held, saying why.
    preview = preview_billing_run(make, 2024, 8, POLICY, 10)
    assert [(h.account_id, h.tax_year, h.period, h.total, h.reason) for h in preview.held] == [
        (
            "buyer",
            2024,
            Period(date(2024, 8, 1), date(2024, 10, 1)),
            Money.of(2000),
            "paper invoice without a complete postal address (no street address, postcode, city)",
        )
    ]
    august = _run(make, 2024, 8, output)
    assert (august.invoices, august.credit_notes, august.held) == (0, 1, 1)
    credit = _issued(make, "seller")[-1]
    assert (credit.kind, credit.total_ore) == ("credit_note", -200_000)
    assert _issued(make, "buyer") == []
    assert _held_rows(output, august) == [["1", "2000.00", "2024", "2024-08-01..2024-09-30"]]
    report = (output.run_directory(august) / HELD_REPORT).read_text(encoding="utf-8")
    assert "buyer" in report and "without a complete postal address" in report

    # Once the address arrives, September's run invoices him from the day he took over, not October's.
    _details(make, "buyer", **ADDRESS)
    september = _run(make, 2024, 9)
    assert (september.invoices, september.held) == (1, 0)
    (invoice,) = _issued(make, "buyer")
    assert (invoice.kind, invoice.total_ore, invoice.period_start, invoice.period_end) == (
        "invoice",
        200_000,
        date(2024, 8, 1),
        date(2024, 10, 1),
    )
    # October's run invoices his next quarter only: nothing twice.
    _run(make, 2024, 10)
    assert [r.total_ore for r in _issued(make, "buyer")] == [200_000, 300_000]


def test_a_buyer_with_an_address_is_invoiced_by_the_next_monthly_run(make: UowFactory) -> None:
    _property(make, "p1", "12000.00", [_person("seller")], date(2024, 1, 1))
    _details(make, "seller", **ADDRESS)
    _run(make, 2024, 4)  # January to June
    _sell(make, "p1", "buyer", date(2024, 6, 1))
    _details(make, "buyer", **ADDRESS)
    june = _run(make, 2024, 6)
    assert (june.invoices, june.credit_notes, june.held) == (1, 1, 0)
    (invoice,) = _issued(make, "buyer")
    assert (invoice.total_ore, invoice.period_start, invoice.period_end) == (
        100_000,
        date(2024, 6, 1),
        date(2024, 7, 1),
    )
    assert [(r.kind, r.total_ore) for r in _issued(make, "seller")] == [
        ("invoice", 600_000),
        ("credit_note", -100_000),
    ]


def test_a_buyer_of_an_earlier_year_is_invoiced_to_that_year_s_last_run_by_the_next_run(
    make: UowFactory,
) -> None:
    _property(make, "p1", "12000.00", [_person("seller")], date(2024, 1, 1))
    _details(make, "seller", **ADDRESS)
    for month in (1, 4, 7, 10):
        _run(make, 2024, month)  # 2024 billed to its end
    _sell(make, "p1", "buyer", date(2024, 11, 1))  # registered after the year's last run
    _details(make, "buyer", **ADDRESS)
    january = _run(make, 2025, 1)
    assert (january.invoices, january.credit_notes) == (1, 1)
    (invoice,) = _issued(make, "buyer")
    assert (invoice.total_ore, invoice.period_start, invoice.period_end) == (
        200_000,
        date(2024, 11, 1),
        date(2025, 1, 1),
    )
    assert _issued(make, "seller")[-1].total_ore == -200_000


def test_a_start_refused_for_new_owners_without_an_address_says_they_were_never_invoiced(
    make: UowFactory,
) -> None:
    _property(make, "p1", "1200.00", [_person("first")], date(2024, 1, 1))
    _sell(make, "p1", "second", date(2024, 8, 1))  # both flagged; no run has happened, nothing is held
    with pytest.raises(FailedPrecondition) as refused:
        start_billing_run(make(), 2025, 1, date(2025, 1, 6))
    assert str(refused.value) == (
        "nothing to bill for 2025: there is no fee schedule for 2025 (put it with `propertytax billing "
        "schedule put`) and no property tax for 2025 (assessment's levy for 2025 has not reached billing); "
        "2 recipients have amounts due but were never invoiced (new owners): no complete postal address or "
        "organisation number was given for them (first, second); give them one (`propertytax billing "
        'recipients update <recipient> --address "…" --postcode … --city …`) and start again; a run would '
        "only hold them, so no run was started"
    )


def test_the_preview_s_held_period_ends_on_its_last_day_like_invoice_lines_and_held_csv(
    make: UowFactory, tmp_path: Path
) -> None:
    _property(make, "p1", "1200.00", [_person("late")], date(2024, 1, 1))
    # As `billing run preview 2024 1 --json` prints it: period_end is the last day billed (inclusive), as
    # InvoiceLine.period_end, held.csv and the journal say it, not the day after.
    answer = MessageToDict(
        preview_response(preview_billing_run(make, 2024, 1, POLICY, 10)), preserving_proto_field_name=True
    )
    (held,) = answer["held"]
    assert (held["tax_year"], held["period_start"], held["period_end"]) == (2024, "2024-01-01", "2024-03-31")
    output = RunOutput(tmp_path / "journals", tmp_path / "documents", workers=1)
    january = _run(make, 2024, 1, output)
    assert _held_rows(output, january) == [
        ["1", "300.00", "2024", f"{held['period_start']}..{held['period_end']}"]
    ]
