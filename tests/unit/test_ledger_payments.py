"""The officer's handlers with the fakes: the unmatched queue, allocating a payment to an invoice or a
recipient, refunding a credit to a checked bank account, writing an invoice off; and what a billing chunk
posts (post_issued_documents): documents, set-offs of credits, held payments allocated."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.billing.application.import_payments import import_payments
from services.billing.application.payments import (
    allocate_payment,
    refund_credit,
    unmatched_payments,
    write_off,
)
from services.billing.domain.collection_events import InvoicePaid, PaymentReceived
from services.billing.domain.ledger import (
    Component,
    EntryKind,
    LedgerAccount,
    account_totals,
    document_claim,
    payment_claim,
)
from services.billing.domain.ledger_entries import charged_by_code
from services.billing.domain.payments import IncomingPayment, PaymentFile, PaymentFileFormat, PaymentState
from services.platform.errors import FailedPrecondition, InvalidInput, NotFound
from services.platform.money import Money
from tests.fakes.billing import FakeBillingUnitOfWork
from tests.fakes.ledger import an_invoice, issue

ON = date(2024, 2, 10)


def _import(uow: FakeBillingUnitOfWork, *payments: tuple[str, int], name: str = "ocr.txt") -> None:
    parsed = PaymentFile(
        PaymentFileFormat.CAMT_054,
        "MSG-1",
        date(2024, 2, 1),
        "86011117947",
        tuple(
            IncomingPayment(
                line=10 * (n + 1),
                kid=kid,
                amount=Money(ore),
                paid_on=date(2024, 2, 1 + n),
                reference=f"r{n}",
                payer_account="12345678903",
                payer_name="Kari Nordmann",
            )
            for n, (kid, ore) in enumerate(payments)
        ),
    )
    import_payments(uow, lambda content, file_name: parsed, name.encode(), name)


def _balance(uow: FakeBillingUnitOfWork, number: int) -> Money:
    claim = document_claim(number)
    return uow.ledger.claim_balances([claim])[claim].total


@pytest.fixture
def uow() -> FakeBillingUnitOfWork:
    uow = FakeBillingUnitOfWork()
    issue(uow, [an_invoice(1, "acc-a", {"property_tax": 60_000}), an_invoice(2, "acc-b", {"water": 40_000})])
    issue(uow, [an_invoice(3, "acc-a", {"property_tax": 60_000}, due_date=date(2024, 4, 30))])
    return uow


def test_the_unmatched_queue_lists_payments_oldest_first(uow: FakeBillingUnitOfWork) -> None:
    _import(uow, ("111", 5_000), ("222", 6_000))
    queue = unmatched_payments(uow)
    assert [(p.kid, p.amount, p.paid_on, p.file_name, p.line, p.payer_name) for p in queue] == [
        ("111", Money(5_000), date(2024, 2, 1), "ocr.txt", 10, "Kari Nordmann"),
        ("222", Money(6_000), date(2024, 2, 2), "ocr.txt", 20, "Kari Nordmann"),
    ]
    assert [p.kid for p in unmatched_payments(uow, offset=1, limit=1)] == ["222"]
    with pytest.raises(InvalidInput) as bad:
        unmatched_payments(uow, offset=-1, limit=0)
    assert [v.field for v in bad.value.violations] == ["offset", "limit"]


def test_a_payment_allocated_to_an_invoice_pays_it_and_leaves_the_rest_as_credit(
    uow: FakeBillingUnitOfWork,
) -> None:
    _import(uow, ("111", 70_000))
    [queued] = unmatched_payments(uow)
    uow.events.clear()

    allocation = allocate_payment(uow, queued.payment_id, invoice_number=2, account_id=None, on=ON)

    assert (allocation.account_id, allocation.applied, allocation.credit, allocation.settled) == (
        "acc-b",
        ((2, Money(40_000)),),
        Money(30_000),
        (2,),
    )
    assert _balance(uow, 2) == Money(0)
    assert [c.total for c in uow.ledger.credits(["acc-b"])] == [Money(-30_000)]
    assert account_totals(uow.ledger.postings())[LedgerAccount.UNIDENTIFIED_PAYMENTS] == Money(0)
    stored = uow.payments.get(queued.payment_id)
    assert stored is not None and (stored.state, stored.account_id, stored.document_number) == (
        PaymentState.ALLOCATED,
        "acc-b",
        2,
    )
    assert uow.events_of(InvoicePaid) == [InvoicePaid(2, "acc-b", ON, Money(40_000))]
    [received] = uow.events_of(PaymentReceived)
    assert (received.state, received.applied) == (PaymentState.ALLOCATED, Money(40_000))  # type: ignore[attr-defined]
    assert unmatched_payments(uow) == []

    with pytest.raises(FailedPrecondition, match="allocated, not unmatched"):
        allocate_payment(uow, queued.payment_id, invoice_number=2, account_id=None, on=ON)


def test_a_payment_allocated_to_a_recipient_pays_its_invoices_oldest_due_first(
    uow: FakeBillingUnitOfWork,
) -> None:
    _import(uow, ("111", 80_000))
    [queued] = unmatched_payments(uow)
    allocation = allocate_payment(uow, queued.payment_id, invoice_number=None, account_id="acc-a", on=ON)
    assert allocation.applied == ((1, Money(60_000)), (3, Money(20_000)))
    assert allocation.settled == (1,)
    assert (_balance(uow, 1), _balance(uow, 3)) == (Money(0), Money(40_000))


def test_a_payment_allocated_to_a_recipient_leaves_out_invoices_issued_after_the_day(
    uow: FakeBillingUnitOfWork,
) -> None:
    issue(uow, [an_invoice(4, "acc-a", {"water": 10_000}, issue_date=date(2024, 3, 1))])
    _import(uow, ("111", 200_000))
    [queued] = unmatched_payments(uow)
    allocation = allocate_payment(uow, queued.payment_id, invoice_number=None, account_id="acc-a", on=ON)
    assert [number for number, _ in allocation.applied] == [1, 3]  # not 4, issued 1 March
    assert _balance(uow, 4) == Money(10_000)


def test_allocation_refusals(uow: FakeBillingUnitOfWork) -> None:
    _import(uow, ("111", 1_000))
    [queued] = unmatched_payments(uow)
    with pytest.raises(InvalidInput) as both:
        allocate_payment(uow, queued.payment_id, invoice_number=1, account_id="acc-a", on=ON)
    assert [v.field for v in both.value.violations] == ["invoice_number", "account_id"]
    with pytest.raises(InvalidInput):
        allocate_payment(uow, queued.payment_id, invoice_number=None, account_id=None, on=ON)
    with pytest.raises(NotFound, match="no payment nope"):
        allocate_payment(uow, "nope", invoice_number=1, account_id=None, on=ON)
    with pytest.raises(NotFound, match="no invoice 99"):
        allocate_payment(uow, queued.payment_id, invoice_number=99, account_id=None, on=ON)
    with pytest.raises(NotFound, match="no recipient acc-x"):
        allocate_payment(uow, queued.payment_id, invoice_number=None, account_id="acc-x", on=ON)
    assert uow.payments.get(queued.payment_id).state == PaymentState.UNMATCHED  # type: ignore[union-attr]


def test_a_credit_is_refunded_to_a_valid_bank_account_only(uow: FakeBillingUnitOfWork) -> None:
    _import(uow, (uow.invoices.rows[2].kid, 55_000))  # 15,000 øre over
    with pytest.raises(InvalidInput) as bad:
        refund_credit(uow, "acc-b", "1234.56.78900", ON, Money(0))
    assert [v.field for v in bad.value.violations] == ["bank_account", "amount"]
    with pytest.raises(InvalidInput, match="more than the recipient's credit of 150,00 kr"):
        refund_credit(uow, "acc-b", "1234.56.78903", ON, Money(15_001))
    with pytest.raises(FailedPrecondition, match="no credit"):
        refund_credit(uow, "acc-a", "1234.56.78903", ON)
    with pytest.raises(NotFound):
        refund_credit(uow, "acc-x", "1234.56.78903", ON)

    refund = refund_credit(uow, "acc-b", "12345678903", ON, Money(5_000))
    assert (refund.amount, refund.bank_account) == (Money(5_000), "1234.56.78903")
    assert [c.total for c in uow.ledger.credits(["acc-b"])] == [Money(-10_000)]
    rest = refund_credit(uow, "acc-b", "1234 56 78903", ON)
    assert rest.amount == Money(10_000)
    assert uow.ledger.credits(["acc-b"]) == []
    assert account_totals(uow.ledger.postings())[LedgerAccount.BANK] == Money(40_000)


def test_an_invoice_is_written_off_with_its_fees(uow: FakeBillingUnitOfWork) -> None:
    from services.billing.domain.ledger import Entry, Posting

    claim = document_claim(1)
    uow.ledger.post(
        [
            Entry(
                "fee",
                EntryKind.REMINDER_FEE,
                ON,
                (
                    Posting(LedgerAccount.RECEIVABLES, Money(3_500), "acc-a", claim, Component.FEE),
                    Posting(LedgerAccount.FEE_INCOME, Money(-3_500)),
                ),
            )
        ],
        uow.now(),
    )
    with pytest.raises(InvalidInput) as bad:
        write_off(uow, 1, ON, "  ")
    assert bad.value.violations[0].field == "reason"
    with pytest.raises(InvalidInput, match="reason") as carried:  # posted and shown: never an identity number
        write_off(uow, 1, ON, "Dødsbo etter 15038512363")
    assert "12363" not in str(carried.value)
    done = write_off(uow, 1, ON, "dødsbo uten midler")
    assert (done.amount, done.parts) == (
        Money(63_500),
        ((Component.FEE, Money(3_500)), (Component.PRINCIPAL, Money(60_000))),
    )
    assert _balance(uow, 1) == Money(0)
    assert account_totals(uow.ledger.postings())[LedgerAccount.BAD_DEBT] == Money(63_500)
    with pytest.raises(FailedPrecondition, match="nothing is open on invoice 1"):
        write_off(uow, 1, ON, "igjen")
    with pytest.raises(NotFound):
        write_off(uow, 42, ON, "finnes ikke")


def test_a_run_posts_its_documents_and_sets_credits_off_against_open_invoices() -> None:
    uow = FakeBillingUnitOfWork()
    issue(uow, [an_invoice(1, "acc-a", {"property_tax": 60_000, "water": 20_000}, vat_rate=Decimal("0.25"))])
    [entry] = uow.ledger.entries
    assert entry.kind == EntryKind.INVOICE and entry.description == "Faktura 1"
    # Three postings an invoice, however many codes: revenue per code is in the run's journal and the
    # invoice's lines (charged_by_code), not in the receivables ledger.
    assert [(p.ledger_account, p.claim, p.amount) for p in entry.postings] == [
        (LedgerAccount.RECEIVABLES, "D1", Money(100_000)),
        (LedgerAccount.REVENUE, "", Money(-80_000)),
        (LedgerAccount.VAT_PAYABLE, "", Money(-20_000)),
    ]
    assert charged_by_code(uow.invoices.rows[1].lines, Money(20_000)) == {
        "property_tax": Money(75_000),
        "water": Money(25_000),
    }
    uow.events.clear()
    # The next run credits 30,000 and invoices 50,000 more: the credit note is set off against invoice 1.
    issue(
        uow,
        [
            an_invoice(
                2, "acc-a", {"property_tax": -30_000}, kind="credit_note", issue_date=date(2024, 4, 10)
            ),
            an_invoice(
                3, "acc-a", {"property_tax": 50_000}, issue_date=date(2024, 4, 10), due_date=date(2024, 5, 1)
            ),
        ],
    )
    assert [e.kind for e in uow.ledger.entries[1:]] == [
        EntryKind.CREDIT_NOTE,
        EntryKind.INVOICE,
        EntryKind.SET_OFF,
    ]
    assert (_balance(uow, 1), _balance(uow, 2), _balance(uow, 3)) == (Money(70_000), Money(0), Money(50_000))
    assert uow.events_of(InvoicePaid) == []


def test_a_payment_before_its_invoice_is_held_and_allocated_when_the_invoice_is_issued() -> None:
    uow = FakeBillingUnitOfWork()
    early = an_invoice(7, "acc-a", {"property_tax": 30_000}, issue_date=date(2024, 4, 10))
    _import(uow, (early.kid, 45_000), ("555", 100))  # its KID is not known yet: unmatched
    assert len(unmatched_payments(uow)) == 2
    uow.events.clear()

    issue(uow, [early])

    assert [p.kid for p in unmatched_payments(uow)] == ["555"]
    assert _balance(uow, 7) == Money(0)
    assert [c.total for c in uow.ledger.credits(["acc-a"])] == [Money(-15_000)]
    assert uow.events_of(InvoicePaid) == [InvoicePaid(7, "acc-a", date(2024, 4, 10), Money(30_000))]
    [received] = uow.events_of(PaymentReceived)
    assert (received.account_id, received.invoice_number, received.applied) == ("acc-a", 7, Money(30_000))  # type: ignore[attr-defined]
    assert payment_claim(received.payment_id) in {c.claim for c in uow.ledger.credits(["acc-a"])}  # type: ignore[attr-defined]


def test_a_credit_that_covers_an_open_invoice_settles_it_and_says_so() -> None:
    uow = FakeBillingUnitOfWork()
    issue(uow, [an_invoice(1, "acc-a", {"water": 10_000})])
    _import(uow, (uow.invoices.rows[1].kid, 25_000))  # 15,000 over
    uow.events.clear()
    issue(uow, [an_invoice(2, "acc-a", {"water": 12_000}, issue_date=date(2024, 4, 10))])
    assert _balance(uow, 2) == Money(0)
    assert [c.total for c in uow.ledger.credits(["acc-a"])] == [Money(-3_000)]
    assert uow.events_of(InvoicePaid) == [InvoicePaid(2, "acc-a", date(2024, 4, 10), Money(12_000))]
