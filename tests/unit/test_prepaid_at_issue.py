"""What a recipient's credits pay of an invoice when a billing chunk issues it (post_issued_documents sets
them off at once) is kept with the invoice, so its document shows it and asks for the rest; set-offs
against older invoices, and later ones, are payments and no part of a document."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from propertytax.billing.v1 import billing_pb2
from propertytax.platform.v1 import money_pb2
from services.billing.adapters.invoice_pdf import invoice_pdf
from services.billing.adapters.run_documents import RunOutput, load_seller
from services.billing.application.invoices import set_off_at_issue
from services.billing.application.run_output import write_run_output
from services.billing.domain.billing_run import CREDIT_NOTE, BillingRun, RunState
from services.billing.domain.document_parties import DocumentParties, RecipientSnapshot
from services.billing.domain.ledger import document_claim
from services.cli.billing_view import invoice_fields
from services.platform.money import Money
from tests.fakes.billing import FakeBillingUnitOfWork
from tests.fakes.ledger import an_account, an_invoice, issue

APRIL = date(2024, 4, 10)


def _balance(uow: FakeBillingUnitOfWork, number: int) -> Money:
    claim = document_claim(number)
    return uow.ledger.claim_balances([claim])[claim].total


def test_an_invoice_issued_with_a_credit_keeps_what_the_credit_paid_of_it() -> None:
    uow = FakeBillingUnitOfWork()
    issue(uow, [an_invoice(1, "acc-a", {"property_tax": -5_000}, kind=CREDIT_NOTE)])  # nothing to set off
    assert uow.invoices.prepaid == {}

    issue(
        uow, [an_invoice(2, "acc-a", {"property_tax": 12_000}, issue_date=APRIL, due_date=date(2024, 5, 1))]
    )

    assert uow.invoices.prepaid == {2: Money(5_000)}
    assert _balance(uow, 2) == Money(7_000)


def test_a_credit_larger_than_the_invoice_pays_all_of_it_and_the_rest_stays_a_credit() -> None:
    uow = FakeBillingUnitOfWork()
    issue(uow, [an_invoice(1, "acc-a", {"property_tax": -15_000}, kind=CREDIT_NOTE)])

    issue(
        uow, [an_invoice(2, "acc-a", {"property_tax": 12_000}, issue_date=APRIL, due_date=date(2024, 5, 1))]
    )

    assert uow.invoices.prepaid == {2: Money(12_000)}
    assert [c.total for c in uow.ledger.credits(["acc-a"])] == [Money(-3_000)]


def test_what_a_credit_pays_of_older_invoices_or_later_is_not_part_of_a_document() -> None:
    uow = FakeBillingUnitOfWork()
    issue(uow, [an_invoice(1, "acc-a", {"property_tax": 10_000}, due_date=date(2024, 1, 31))])
    # A credit note and a new invoice in one chunk: the credit goes to the older invoice first.
    issue(
        uow,
        [
            an_invoice(2, "acc-a", {"property_tax": -3_000}, kind=CREDIT_NOTE, issue_date=APRIL),
            an_invoice(3, "acc-a", {"property_tax": 5_000}, issue_date=APRIL, due_date=date(2024, 5, 1)),
        ],
    )
    assert uow.invoices.prepaid == {}
    assert (_balance(uow, 1), _balance(uow, 3)) == (Money(7_000), Money(5_000))
    # 16,000 more: 7,000 to invoice 1, 5,000 to invoice 3 (both issued before), 4,000 to the new one.
    issue(
        uow,
        [
            an_invoice(4, "acc-a", {"property_tax": -16_000}, kind=CREDIT_NOTE, issue_date=date(2024, 7, 10)),
            an_invoice(
                5, "acc-a", {"property_tax": 4_000}, issue_date=date(2024, 7, 10), due_date=date(2024, 8, 1)
            ),
        ],
    )
    assert uow.invoices.prepaid == {5: Money(4_000)}
    # A credit arising after invoice 6 was issued pays it later: a payment, not a change of its document.
    issue(uow, [an_invoice(6, "acc-a", {"property_tax": 9_000}, issue_date=date(2024, 10, 10))])
    issue(
        uow,
        [an_invoice(7, "acc-a", {"property_tax": -9_000}, kind=CREDIT_NOTE, issue_date=date(2024, 11, 1))],
    )
    assert _balance(uow, 6) == Money(0)
    assert uow.invoices.prepaid == {5: Money(4_000)}


def test_the_run_output_renders_what_was_stored_at_issue(tmp_path: Path) -> None:
    uow = FakeBillingUnitOfWork()
    issue(uow, [an_invoice(1, "acc-a", {"property_tax": -5_000}, kind=CREDIT_NOTE)])
    invoice = an_invoice(2, "acc-a", {"property_tax": 12_000}, issue_date=APRIL, due_date=date(2024, 5, 1))
    issue(uow, [invoice])
    recipient, seller = RecipientSnapshot.of(an_account("acc-a")), load_seller()
    for number in (1, 2):
        uow.invoices.stored_parties[number] = DocumentParties(recipient, seller)

    parties = uow.invoices.parties([1, 2])
    assert parties[2] == DocumentParties(recipient, seller, Money(5_000))
    assert (parties[1].prepaid, parties[2].prepaid) == (Money(0), Money(5_000))

    output = RunOutput(tmp_path / "journals", tmp_path / "documents", workers=1)
    run = BillingRun("run-1", 2024, 4, APRIL, RunState.COMPLETED)
    write_run_output(uow, run, output)

    directory = output.run_directory(run)
    assert (directory / "2.pdf").read_bytes() == invoice_pdf(invoice, recipient, seller, Money(5_000))
    assert (directory / "2.pdf").read_bytes() != invoice_pdf(invoice, recipient, seller)


def test_an_officer_sees_what_the_credit_paid_and_what_is_left_to_pay() -> None:
    uow = FakeBillingUnitOfWork()
    issue(uow, [an_invoice(1, "acc-a", {"property_tax": -5_000}, kind=CREDIT_NOTE)])
    issue(
        uow, [an_invoice(2, "acc-a", {"property_tax": 12_000}, issue_date=APRIL, due_date=date(2024, 5, 1))]
    )
    uow.invoices.stored_parties[2] = DocumentParties(RecipientSnapshot.of(an_account("acc-a")), load_seller())

    paid = set_off_at_issue(uow, 2)

    assert paid == Money(5_000)
    summary = billing_pb2.InvoiceSummary(invoice_number=2, total=money_pb2.Money(ore=12_000))
    fields = dict(invoice_fields(summary, money_pb2.Money(ore=paid.ore)))
    assert (fields["Total"], fields["Set off at issue"], fields["To pay"]) == (
        "120,00 kr",
        "-50,00 kr",
        "70,00 kr",
    )
    assert dict(invoice_fields(summary))["To pay"] == "120,00 kr"
