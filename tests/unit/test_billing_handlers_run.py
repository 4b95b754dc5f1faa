"""Billing's run handlers on the in-memory unit of work: start, chunk, complete, the run's files, the
term plan and the preview, without a database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from services.billing.application.ports import BillingUnitOfWork, HeldLine, JournalRow
from services.billing.application.preview_run import preview_billing_run
from services.billing.application.record_property_tax import record_property_taxes, tax_corrected
from services.billing.application.run_billing import (
    BillingPolicy,
    billing_chunk,
    complete_billing_run,
    start_billing_run,
)
from services.billing.application.run_output import write_run_output
from services.billing.application.take_over_property import NewHolder, take_over_property
from services.billing.application.term_plan import plan_chunk
from services.billing.domain.account import Account, Channel, RecipientKind
from services.billing.domain.billing_run import (
    CREDIT_NOTE,
    INVOICE,
    BillingRun,
    BillingRunCompleted,
    CreditNoteIssued,
    Invoice,
    InvoiceIssued,
    RunState,
)
from services.billing.domain.document_parties import DocumentParties
from services.billing.domain.intervals import IntervalChoice, InvoiceInterval, Period
from services.billing.domain.property_tax import PropertyTax
from services.billing.domain.seller import EXAMPLE_SELLER
from services.platform.errors import FailedPrecondition, InvalidInput
from services.platform.money import Money
from tests.fakes.billing import FakeBillingUnitOfWork
from tests.fakes.unit_of_work import FIXED_NOW

pytestmark = pytest.mark.unit

POLICY = BillingPolicy(minimum_amount=Money.of(50), payment_days=21)


def _tax(pid: str, annual: str, version: int = 1, decided_on: date | None = None) -> PropertyTax:
    return PropertyTax(
        pid,
        2024,
        version,
        "TAX_STATUS_TAXED",
        Money.of(annual),
        Money(0),
        4,
        f"ev-{pid}-{version}",
        decided_on,
    )


def _holder(account_id: str, address: str = "Storgata 1") -> NewHolder:
    return NewHolder(
        account_id, RecipientKind.PERSON, account_id.title(), "", Fraction(1), address, "0155", "Oslo"
    )


def _seeded() -> FakeBillingUnitOfWork:
    """p1 (4,800 a year) held by acc-a, quarterly; p2 (2,400 a year) held by acc-b, monthly."""
    uow = FakeBillingUnitOfWork()
    with uow:
        record_property_taxes(uow.taxes, [_tax("p1", "4800.00"), _tax("p2", "2400.00")])
        for pid, holder in (("p1", "acc-a"), ("p2", "acc-b")):
            take_over_property(
                uow.accounts, uow.holdings, pid, date(2024, 1, 1), [_holder(holder)], FIXED_NOW
            )
        uow.accounts.set_interval("acc-b", IntervalChoice(InvoiceInterval.MONTHLY, date(2024, 1, 1)))
        uow.commit()
    return uow


def _make(uow: FakeBillingUnitOfWork) -> BillingUnitOfWork:
    return uow


def _issued(uow: FakeBillingUnitOfWork) -> dict[str, list[Invoice]]:
    found: dict[str, list[Invoice]] = {}
    for number in sorted(uow.invoices.rows):
        invoice = uow.invoices.rows[number]
        found.setdefault(invoice.account_id, []).append(invoice)
    return found


def _run_to_the_end(uow: FakeBillingUnitOfWork, month: int, issue: date) -> BillingRun:
    run = start_billing_run(uow, 2024, month, issue)
    while run.state == RunState.RUNNING:
        run = billing_chunk(uow, run.run_id, POLICY, 1)
    return complete_billing_run(uow, run.run_id)


def test_a_start_makes_the_month_s_run_with_its_issue_date_and_a_second_start_returns_it() -> None:
    uow = _seeded()
    run = start_billing_run(uow, 2024, 1, date(2024, 1, 10))
    assert (run.year, run.month, run.issue_date, run.state) == (2024, 1, date(2024, 1, 10), RunState.RUNNING)
    assert uow.runs.rows == {run.run_id: run}
    assert start_billing_run(uow, 2024, 1, None) == run  # no issue date: the run's own
    assert uow.events == []  # a start announces nothing


def test_a_start_without_an_issue_date_is_issued_today_in_oslo() -> None:
    uow = _seeded()
    assert start_billing_run(uow, 2024, 1, None).issue_date == date(2024, 1, 15)  # FIXED_NOW


def test_a_start_of_a_bad_month_or_of_a_year_with_nothing_to_bill_is_refused_and_stores_nothing() -> None:
    uow = _seeded()
    with pytest.raises(InvalidInput) as bad:
        start_billing_run(uow, 2024, 13, None)
    assert [v.field for v in bad.value.violations] == ["month"]
    with pytest.raises(FailedPrecondition, match="nothing to bill for 2025"):
        start_billing_run(uow, 2025, 1, None)
    assert uow.runs.rows == {}


def test_a_chunk_issues_what_the_due_recipients_owe_and_records_each_invoice() -> None:
    uow = _seeded()
    run = start_billing_run(uow, 2024, 1, date(2024, 1, 10))
    run = billing_chunk(uow, run.run_id, POLICY, 1)  # acc-a only
    assert (run.cursor, run.invoices, run.credit_notes, run.due) == ("acc-a", 1, 0, 1)
    [invoice] = _issued(uow)["acc-a"]
    assert invoice.invoice_number == 1 and invoice.kind == INVOICE
    assert invoice.period == Period(date(2024, 1, 1), date(2024, 4, 1))  # the first quarter
    assert invoice.total == Money.of("1200.00") == run.total
    assert (invoice.issue_date, invoice.due_date) == (date(2024, 1, 10), date(2024, 1, 31))
    assert [line.code for line in invoice.lines] == ["property_tax"]
    assert uow.invoices.stored_parties[1].seller == EXAMPLE_SELLER  # the policy's, as it stood at issue
    assert uow.invoices.stored_parties[1].recipient.address_line == "Storgata 1"
    assert uow.events == [InvoiceIssued(invoice)]
    assert uow.runs.rows[run.run_id] == run  # the cursor and totals are stored with the chunk
    assert uow.invoices.series_locks >= 1  # planned under the number series' lock


def test_the_last_chunk_issues_the_run_and_completion_checks_its_totals_and_announces_it() -> None:
    uow = _seeded()
    run = start_billing_run(uow, 2024, 1, date(2024, 1, 10))
    for _ in range(2):
        run = billing_chunk(uow, run.run_id, POLICY, 1)
    issued = billing_chunk(uow, run.run_id, POLICY, 1)  # no recipients left
    assert issued.state == RunState.ISSUED and uow.runs.rows[run.run_id].state == RunState.ISSUED
    assert (issued.invoices, issued.total) == (2, Money.of("1400.00"))  # 1,200 a quarter, 200 a month
    assert not any(isinstance(e, BillingRunCompleted) for e in uow.events)
    done = complete_billing_run(uow, run.run_id)
    assert done.state == RunState.COMPLETED and uow.runs.finished_at[run.run_id] == FIXED_NOW
    assert uow.events_of(BillingRunCompleted) == [BillingRunCompleted(done)]


def test_a_run_whose_documents_do_not_add_up_to_its_totals_fails_and_announces_nothing() -> None:
    uow = _seeded()
    run = start_billing_run(uow, 2024, 1, date(2024, 1, 10))
    for _ in range(3):
        run = billing_chunk(uow, run.run_id, POLICY, 1)
    uow.runs.rows[run.run_id] = replace(uow.runs.rows[run.run_id], total=Money.of("1.00"))  # a lost write
    failed = complete_billing_run(uow, run.run_id)
    assert failed.state == RunState.FAILED and "differ from its issued documents" in failed.error
    assert uow.runs.rows[run.run_id].state == RunState.FAILED
    assert uow.events_of(BillingRunCompleted) == []


def test_a_recipient_without_a_postal_address_is_held_not_invoiced() -> None:
    uow = _seeded()
    with uow:
        account = uow.accounts.get("acc-a")
        assert account is not None
        uow.accounts.save(replace(account, address_line=""))
        uow.commit()
    run = _run_to_the_end(uow, 1, date(2024, 1, 10))
    assert "acc-a" not in _issued(uow) and run.held == 1
    [hold] = uow.invoices.held.for_run(run.run_id)
    assert (hold.account_id, hold.tax_year, hold.total, hold.documents) == ("acc-a", 2024, Money.of(1200), 1)
    assert "paper invoice without a complete postal address" in hold.reason
    assert all(e.invoice.account_id != "acc-a" for e in uow.events_of(InvoiceIssued))  # type: ignore[attr-defined]


def test_a_corrected_tax_is_settled_by_the_next_run_with_a_credit_note_for_what_was_over_invoiced() -> None:
    uow = _seeded()
    _run_to_the_end(uow, 1, date(2024, 1, 10))
    assert tax_corrected(uow, _tax("p1", "2400.00", version=2))
    assert set(uow.corrections.rows) == {("acc-a", 2024)}
    february = _run_to_the_end(uow, 2, date(2024, 2, 10))  # acc-a (quarterly) is not due in February
    credit = [i for i in _issued(uow)["acc-a"] if i.kind == CREDIT_NOTE]
    assert [c.total for c in credit] == [Money.of("-600.00")]  # half of the 1,200 of the first quarter
    assert credit[0].corrects == 1
    assert uow.events_of(CreditNoteIssued) == [CreditNoteIssued(credit[0])]
    assert february.credit_notes == 1 and uow.corrections.rows == {}


def test_the_plan_bills_a_correction_dated_after_the_issue_date_later_and_keeps_its_flag() -> None:
    uow = _seeded()
    _run_to_the_end(uow, 1, date(2024, 1, 10))
    tax_corrected(uow, _tax("p1", "2400.00", version=2, decided_on=date(2024, 2, 20)))
    with uow:
        accounts = uow.accounts.page_after("", 10)
        before = plan_chunk(uow, 2024, 2, accounts, POLICY.minimum_amount, issue_date=date(2024, 2, 10))
        after = plan_chunk(uow, 2024, 2, accounts, POLICY.minimum_amount, issue_date=date(2024, 2, 25))
    assert before.waiting == {("acc-a", 2024): date(2024, 2, 20)}
    assert [f.account_id for f in before.settled] == [] and not any(
        d.draft.account_id == "acc-a" for d in before.documents
    )
    assert after.waiting == {} and [f.account_id for f in after.settled] == ["acc-a"]
    [credit] = [d for d in after.documents if d.draft.account_id == "acc-a"]
    assert (credit.kind, credit.draft.total, credit.corrects) == (CREDIT_NOTE, Money.of("-600.00"), 1)


def test_the_plan_splits_a_co_owned_property_by_shares_to_the_ore() -> None:
    uow = FakeBillingUnitOfWork()
    with uow:
        record_property_taxes(uow.taxes, [_tax("p1", "1000.00")])
        holders = [
            replace(_holder("acc-x"), share=Fraction(1, 3)),
            replace(_holder("acc-y"), share=Fraction(2, 3)),
        ]
        take_over_property(uow.accounts, uow.holdings, "p1", date(2024, 1, 1), holders, FIXED_NOW)
        plan = plan_chunk(uow, 2024, 1, uow.accounts.page_after("", 10), POLICY.minimum_amount)
    totals = {d.draft.account_id: d.draft.total for d in plan.documents}
    # The first quarter of 1,000.00 in monthly parts is 3 × 83.34 (the first months carry the øre left over),
    # split 1/3 and 2/3 to the øre: the parts add up to the property's amount.
    assert totals == {"acc-x": Money.of("83.34"), "acc-y": Money.of("166.68")}
    assert plan.due == 2 and uow.events == []  # planning records nothing


def test_the_preview_counts_what_the_run_would_issue_and_stores_nothing() -> None:
    uow = _seeded()
    preview = preview_billing_run(lambda: _make(uow), 2024, 1, POLICY, 1, date(2024, 1, 10))
    assert (preview.totals.invoices, preview.totals.total) == (2, Money.of("1400.00"))
    assert preview.totals.net_by_code == {"property_tax": Money.of("1400.00")}
    assert preview.due == 2 and preview.issue_date == date(2024, 1, 10) and preview.nothing_issued == ""
    assert uow.invoices.rows == {} and uow.runs.rows == {} and uow.events == []


@dataclass
class _Files:
    pdf_for_persons: bool = True
    documents: list[tuple[int, str]] = field(default_factory=list)
    journals: list[list[JournalRow]] = field(default_factory=list)
    held: list[HeldLine] = field(default_factory=list)

    def write_documents(self, run: BillingRun, documents: Sequence[tuple[Invoice, DocumentParties]]) -> None:
        self.documents.extend(
            (invoice.invoice_number, parties.recipient.name) for invoice, parties in documents
        )

    def write_journal(self, run: BillingRun, rows: Sequence[JournalRow]) -> None:
        self.journals.append(list(rows))

    def write_held_report(self, run: BillingRun, held: Sequence[HeldLine]) -> None:
        self.held.extend(held)

    def journal_path(self, run: BillingRun) -> Path:
        return Path("journals") / run.run_id


def test_a_run_s_output_is_each_document_with_its_parties_at_issue_the_journal_and_the_held_report() -> None:
    uow = _seeded()
    with uow:
        organisation = Account("acc-o", RecipientKind.ORGANISATION, "Org AS", "", "", "", "", Channel.EHF)
        uow.accounts.add(organisation, FIXED_NOW)  # EHF without an organisation number: held
        record_property_taxes(uow.taxes, [_tax("p3", "4800.00")])
        uow.holdings.add("p3", "acc-o", date(2024, 1, 1), Fraction(1))
        uow.commit()
    run = _run_to_the_end(uow, 1, date(2024, 1, 10))
    with uow:  # renamed after issue: the documents keep the name they were issued with
        account = uow.accounts.get("acc-a")
        assert account is not None
        uow.accounts.save(replace(account, name="Renamed"))
        uow.commit()
    files = _Files()
    write_run_output(uow, run, files)
    assert files.documents == [(1, "Acc-A"), (2, "Acc-B")]
    assert [[r["invoice_number"] for r in rows] for rows in files.journals] == [[1, 2]]
    assert (
        files.journals[0][0]["amount_nok"] == "1200.00" and files.journals[0][0]["period_end"] == "2024-03-31"
    )
    assert [(h.hold.account_id, h.name, h.channel) for h in files.held] == [("acc-o", "Org AS", "ehf")]
    only_ehf = _Files(pdf_for_persons=False)
    write_run_output(uow, run, only_ehf)
    assert only_ehf.documents == []  # persons' PDFs are not written; no organisation was issued any


def test_the_policy_s_default_seller_is_the_packaged_seller_file() -> None:
    """A policy given no seller names the example issuer of services/billing/seller.yaml; a deployment
    reads its own file (service.py), so the two must not drift apart."""
    from services.billing.adapters.run_documents import load_seller

    assert BillingPolicy().seller == EXAMPLE_SELLER == load_seller()
