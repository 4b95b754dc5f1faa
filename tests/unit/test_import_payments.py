"""import_payments with the fakes: matching by KID, partial and over-payments, the same KID twice, unknown
KIDs to the queue, the same file twice, a refused file writing nothing, and the events."""

from __future__ import annotations

from datetime import date

import pytest

from services.billing.application.import_payments import import_payments
from services.billing.application.ledger_ports import PaymentFileReader
from services.billing.domain.collection_events import InvoicePaid, PaymentReceived
from services.billing.domain.ledger import (
    ClaimBalance,
    LedgerAccount,
    account_totals,
    document_claim,
    payment_claim,
)
from services.billing.domain.payments import IncomingPayment, PaymentFile, PaymentFileFormat, PaymentState
from services.platform.errors import InvalidInput
from services.platform.money import Money
from tests.fakes.billing import FakeBillingUnitOfWork
from tests.fakes.ledger import an_invoice, issue

PAID_ON = date(2024, 1, 25)


def _file(*payments: tuple[str, int]) -> PaymentFile:
    return PaymentFile(
        PaymentFileFormat.OCR_GIRO,
        "1706040",
        PAID_ON,
        "86011117947",
        tuple(
            IncomingPayment(line=3 + 2 * n, kid=kid, amount=Money(ore), paid_on=PAID_ON, reference=f"ref{n}")
            for n, (kid, ore) in enumerate(payments)
        ),
    )


def _reader(parsed: PaymentFile) -> tuple[list[str], PaymentFileReader]:
    calls: list[str] = []

    def read(content: bytes, file_name: str) -> PaymentFile:
        calls.append(file_name)
        return parsed

    return calls, read


@pytest.fixture
def uow() -> FakeBillingUnitOfWork:
    uow = FakeBillingUnitOfWork()
    issue(
        uow,
        [
            an_invoice(1, "acc-a", {"property_tax": 100_000}),
            an_invoice(2, "acc-b", {"property_tax": 50_000}),
            an_invoice(3, "acc-c", {"property_tax": 30_000}),
        ],
    )
    uow.events.clear()
    return uow


def test_payments_are_matched_by_kid_in_full_in_part_over_and_unknown(uow: FakeBillingUnitOfWork) -> None:
    kid = {n: uow.invoices.rows[n].kid for n in (1, 2, 3)}
    parsed = _file((kid[1], 100_000), (kid[2], 20_000), (kid[3], 30_000), (kid[3], 5_000), ("99999", 7_700))
    calls, read = _reader(parsed)

    result = import_payments(uow, read, b"the file", "ocr.txt")

    assert calls == ["ocr.txt"]
    assert (result.payments, result.total, result.matched, result.unmatched) == (5, Money(162_700), 4, 1)
    assert (result.fully_paid, result.partly_paid, result.overpaid) == (2, 1, 1)
    assert result.unmatched_total == Money(7_700)
    assert not result.already_imported
    balances = uow.ledger.claim_balances([document_claim(n) for n in (1, 2, 3)])
    assert [balances[document_claim(n)].total for n in (1, 2, 3)] == [Money(0), Money(30_000), Money(0)]
    # The second payment of KID 3 is acc-c's credit; the unknown KID's is on the suspense account.
    assert [(c.account_id, c.total) for c in uow.ledger.credits(["acc-a", "acc-b", "acc-c"])] == [
        ("acc-c", Money(-5_000))
    ]
    totals = account_totals(uow.ledger.postings())
    assert totals[LedgerAccount.BANK] == Money(162_700)
    assert totals[LedgerAccount.UNIDENTIFIED_PAYMENTS] == Money(-7_700)
    assert sum(m.ore for m in totals.values()) == 0

    stored = sorted(uow.payments.rows.values(), key=lambda p: p.line)
    assert [(p.state, p.account_id, p.document_number) for p in stored] == [
        (PaymentState.MATCHED, "acc-a", 1),
        (PaymentState.MATCHED, "acc-b", 2),
        (PaymentState.MATCHED, "acc-c", 3),
        (PaymentState.MATCHED, "acc-c", 3),
        (PaymentState.UNMATCHED, "", None),
    ]
    received = uow.events_of(PaymentReceived)
    assert [(e.applied, e.state) for e in received] == [  # type: ignore[attr-defined]
        (Money(100_000), PaymentState.MATCHED),
        (Money(20_000), PaymentState.MATCHED),
        (Money(30_000), PaymentState.MATCHED),
        (Money(0), PaymentState.MATCHED),
        (Money(0), PaymentState.UNMATCHED),
    ]
    assert uow.events_of(InvoicePaid) == [
        InvoicePaid(1, "acc-a", PAID_ON, Money(100_000)),
        InvoicePaid(3, "acc-c", PAID_ON, Money(30_000)),
    ]
    assert uow.commits == 2  # the issue and the import: one transaction


def test_a_payment_covers_fees_and_interest_before_the_principal(uow: FakeBillingUnitOfWork) -> None:
    from services.billing.domain.ledger import Component, Entry, EntryKind, Posting

    claim = document_claim(2)
    fee = Entry(
        "fee-1",
        EntryKind.REMINDER_FEE,
        date(2024, 2, 15),
        (
            Posting(LedgerAccount.RECEIVABLES, Money(3_500), "acc-b", claim, Component.FEE),
            Posting(LedgerAccount.FEE_INCOME, Money(-3_500)),
        ),
        "acc-b",
    )
    uow.ledger.post([fee], uow.now())
    _, read = _reader(_file((uow.invoices.rows[2].kid, 10_000)))
    import_payments(uow, read, b"x", "ocr.txt")
    assert uow.ledger.claim_balances([claim])[claim] == ClaimBalance(
        claim, "acc-b", Money(0), Money(0), Money(43_500)
    )


def test_the_same_file_again_changes_nothing_and_answers_as_before(uow: FakeBillingUnitOfWork) -> None:
    parsed = _file((uow.invoices.rows[1].kid, 40_000), ("12", 100))
    calls, read = _reader(parsed)
    first = import_payments(uow, read, b"same bytes", "a.txt")
    entries, payments, events = len(uow.ledger.entries), len(uow.payments.rows), len(uow.events)

    again = import_payments(uow, read, b"same bytes", "b.txt")

    assert calls == ["a.txt"]  # recognised by its content before it is read
    assert again.already_imported and not first.already_imported
    assert again == first.__class__(**{**first.__dict__, "already_imported": True})
    assert (len(uow.ledger.entries), len(uow.payments.rows), len(uow.events)) == (entries, payments, events)


def test_a_refused_file_writes_nothing(uow: FakeBillingUnitOfWork) -> None:
    def refuse(content: bytes, file_name: str) -> PaymentFile:
        raise InvalidInput.single("line 4", "amount item 2 missing after amount item 1")

    entries = len(uow.ledger.entries)
    with pytest.raises(InvalidInput) as refused:
        import_payments(uow, refuse, b"broken", "bad.txt")
    assert refused.value.violations[0].field == "line 4"
    assert (len(uow.ledger.entries), uow.payments.rows, uow.payments.files, uow.events) == (
        entries,
        {},
        {},
        [],
    )


def test_a_payment_on_a_credit_notes_kid_is_the_recipients_credit(uow: FakeBillingUnitOfWork) -> None:
    issue(uow, [an_invoice(4, "acc-a", {"property_tax": -10_000}, kind="credit_note")])
    _, read = _reader(_file((uow.invoices.rows[4].kid, 2_000)))
    result = import_payments(uow, read, b"y", "ocr.txt")
    assert (result.matched, result.overpaid) == (1, 1)
    payment = next(iter(uow.payments.rows.values()))
    assert uow.ledger.claim_balances([payment_claim(payment.payment_id)])[
        payment_claim(payment.payment_id)
    ].total == Money(-2_000)
