"""A recipient's statement of account with the fakes: opening balance, lines with Norwegian texts and a
running balance, closing balance equal to what is open less the credits."""

from __future__ import annotations

from datetime import date

import pytest

from services.billing.application.import_payments import import_payments
from services.billing.application.statement import statement
from services.billing.domain.ledger import Component, Entry, EntryKind, LedgerAccount, Posting, document_claim
from services.billing.domain.payments import IncomingPayment, PaymentFile, PaymentFileFormat
from services.platform.errors import InvalidInput, NotFound
from services.platform.money import Money
from tests.fakes.billing import FakeBillingUnitOfWork
from tests.fakes.ledger import an_invoice, issue


def _pay(uow: FakeBillingUnitOfWork, kid: str, ore: int, on: date) -> None:
    # A transmission number per file: a bank never sends one twice (import_payments refuses a copy).
    parsed = PaymentFile(
        PaymentFileFormat.OCR_GIRO,
        f"{kid}{ore}{on}",
        on,
        "",
        (IncomingPayment(3, kid, Money(ore), on, "ref"),),
    )
    import_payments(uow, lambda content, name: parsed, f"{kid}{ore}{on}".encode(), "ocr.txt")


@pytest.fixture
def uow() -> FakeBillingUnitOfWork:
    uow = FakeBillingUnitOfWork()
    issue(uow, [an_invoice(1, "acc-a", {"property_tax": 100_000})])  # 10 Jan, due 31 Jan
    _pay(uow, uow.invoices.rows[1].kid, 40_000, date(2024, 1, 25))
    uow.ledger.post(
        [
            Entry(
                "fee-1",
                EntryKind.REMINDER_FEE,
                date(2024, 2, 20),
                (
                    Posting(
                        LedgerAccount.RECEIVABLES, Money(3_500), "acc-a", document_claim(1), Component.FEE
                    ),
                    Posting(LedgerAccount.FEE_INCOME, Money(-3_500)),
                ),
                "acc-a",
                "rem-1",
                "Purregebyr",
            )
        ],
        uow.now(),
    )
    issue(
        uow,
        [
            an_invoice(
                2, "acc-a", {"property_tax": -20_000}, kind="credit_note", issue_date=date(2024, 4, 10)
            ),
            an_invoice(
                3, "acc-a", {"property_tax": 100_000}, issue_date=date(2024, 4, 10), due_date=date(2024, 5, 1)
            ),
        ],
    )
    _pay(uow, uow.invoices.rows[3].kid, 150_000, date(2024, 4, 20))  # 50,000 over: a credit
    return uow


def test_the_whole_history_with_a_running_balance(uow: FakeBillingUnitOfWork) -> None:
    kid1, kid3 = uow.invoices.rows[1].kid, uow.invoices.rows[3].kid
    s = statement(uow, "acc-a", None, date(2024, 12, 31))
    assert s.opening == Money(0)
    assert [
        (line.posted_on, line.text, line.debit.ore, line.credit.ore, line.balance.ore) for line in s.lines
    ] == [
        (date(2024, 1, 10), "Faktura 1", 100_000, 0, 100_000),
        (date(2024, 1, 25), f"Innbetaling KID {kid1}", 0, 40_000, 60_000),
        (date(2024, 2, 20), "Purregebyr", 3_500, 0, 63_500),
        (date(2024, 4, 10), "Faktura 3", 100_000, 0, 163_500),  # what is owed before what pays it
        (date(2024, 4, 10), "Kreditnota 2", 0, 20_000, 143_500),
        (date(2024, 4, 10), "Motregning", 20_000, 20_000, 143_500),
        (date(2024, 4, 20), f"Innbetaling KID {kid3}", 0, 150_000, -6_500),
    ]
    assert s.closing == Money(-6_500)
    # Invoice 1 still has 43,500 open (the credit note was set off against it); 50,000 is to the credit.
    assert [(o.document_number, o.due_date, o.open) for o in s.open_invoices] == [
        (1, date(2024, 1, 31), Money(43_500))
    ]
    assert [(c.text, c.amount) for c in s.credits] == [("Innbetaling til gode", Money(50_000))]
    assert s.closing == Money(sum(o.open.ore for o in s.open_invoices)) - s.credit_balance


def test_a_period_has_its_opening_balance_and_the_open_items_of_its_end(uow: FakeBillingUnitOfWork) -> None:
    s = statement(uow, "acc-a", date(2024, 2, 1), date(2024, 3, 31))
    assert s.opening == Money(60_000)
    assert [line.text for line in s.lines] == ["Purregebyr"]
    assert s.closing == Money(63_500)
    assert [(o.document_number, o.open) for o in s.open_invoices] == [(1, Money(63_500))]
    assert s.credits == ()


def test_refusals(uow: FakeBillingUnitOfWork) -> None:
    with pytest.raises(NotFound, match="no recipient acc-x"):
        statement(uow, "acc-x", None, date(2024, 12, 31))
    with pytest.raises(InvalidInput) as bad:
        statement(uow, "acc-a", date(2024, 5, 1), date(2024, 4, 1))
    assert bad.value.violations[0].field == "from_date"


def test_a_line_booked_after_it_took_effect_says_when_it_did(uow: FakeBillingUnitOfWork) -> None:
    # A payment allocated by hand on 5 June that the bank paid on 21 May: interest goes by 21 May.
    uow.ledger.post(
        [
            Entry(
                "alloc-1",
                EntryKind.ALLOCATION,
                date(2024, 6, 5),
                (
                    Posting(LedgerAccount.UNIDENTIFIED_PAYMENTS, Money(10_000), claim="P-u1"),
                    Posting(
                        LedgerAccount.RECEIVABLES,
                        Money(-10_000),
                        "acc-a",
                        document_claim(1),
                        value_on=date(2024, 5, 21),
                    ),
                ),
                "acc-a",
                "u1",
                "Innbetaling KID 8888888",
            )
        ],
        uow.now(),
    )
    s = statement(uow, "acc-a", None, date(2024, 12, 31))
    assert [(line.posted_on, line.value_on) for line in s.lines][-3:] == [
        (date(2024, 4, 10), None),
        (date(2024, 4, 20), None),
        (date(2024, 6, 5), date(2024, 5, 21)),
    ]
