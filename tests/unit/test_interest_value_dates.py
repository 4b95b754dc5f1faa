"""Late-payment interest by the day money or a credit took effect, not the day it was booked (issue 16): a
payment allocated by hand days after it was paid, and a credit set off by the reminder run after it arose,
stop interest on what they cover from the earlier day. Over the fake unit of work."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.billing.adapters.collection_rules_file import load_collection_rules
from services.billing.application.import_payments import import_payments
from services.billing.application.payments import allocate_payment, unmatched_payments
from services.billing.application.run_reminders import reminder_chunk, start_reminder_run
from services.billing.domain.billing_run import CREDIT_NOTE
from services.billing.domain.ledger import document_claim
from services.billing.domain.ledger_entries import invoice_entry
from services.billing.domain.payments import IncomingPayment, PaymentFile, PaymentFileFormat
from services.billing.domain.reminders import CollectionRun, RunState
from services.platform.money import Money
from tests.collection_scene import issue, pay, recipient
from tests.fakes.billing import FakeBillingUnitOfWork
from tests.fakes.ledger import an_invoice

pytestmark = pytest.mark.unit

NORWAY = load_collection_rules()
RUN_ON = date(2025, 12, 4)  # interest from 21 November (the day after DUE): 13 days
TOOK_EFFECT = date(2025, 11, 26)  # 5 days on 1 000 kr, then 8 days on 400 kr
BOOKED = date(2025, 12, 1)


def _interest(*stretches: tuple[int, int]) -> Money:
    """(NOK open, days) at 12.5 % a year (2025), rounded once as domain/interest.py does."""
    return Money.rounded(sum(Decimal(nok) * days for nok, days in stretches) * Decimal("0.125") / 365)


def _run(uow: FakeBillingUnitOfWork, on: date) -> CollectionRun:
    started = start_reminder_run(uow, on)
    while (found := reminder_chunk(uow, started.run_id, NORWAY, 10)).state == RunState.RUNNING:
        pass
    return found


def _interest_on_invoice_1(uow: FakeBillingUnitOfWork) -> Money:
    with uow:
        return uow.ledger.claim_balances([document_claim(1)])[document_claim(1)].interest


def test_a_payment_allocated_by_hand_stops_interest_from_the_day_it_was_paid() -> None:
    uow = FakeBillingUnitOfWork()
    issue(uow, recipient("A1"), 1, [("p1", "property_tax", "1000")])
    unknown_kid = PaymentFile(
        PaymentFileFormat.CAMT_054,
        "MSG-16",
        TOOK_EFFECT,
        "86011117947",
        (IncomingPayment(10, "555", Money.of(600), TOOK_EFFECT, "r1"),),
    )
    import_payments(uow, lambda content, name: unknown_kid, b"camt", "camt.xml")
    [queued] = unmatched_payments(uow)
    allocate_payment(uow, queued.payment_id, invoice_number=1, account_id=None, on=BOOKED)

    done = _run(uow, RUN_ON)

    assert done.interest == _interest((1000, 5), (400, 8)) == Money.of("2.81")
    assert done.interest != _interest((1000, 10), (400, 3))  # as if paid the day it was allocated
    assert _interest_on_invoice_1(uow) == done.interest


def _credit_note(uow: FakeBillingUnitOfWork, number: int, account_id: str, nok: int, on: date) -> None:
    """A credit note posted on its issue date and left as the recipient's credit (no set-off until a run)."""
    note = an_invoice(
        number, account_id, {"property_tax": -nok * 100}, kind=CREDIT_NOTE, issue_date=on, due_date=on
    )
    with uow:
        uow.invoices.rows[number] = note
        entry = invoice_entry(f"cn-{number}", note)
        assert entry is not None
        uow.ledger.post([entry], uow.now())
        uow.commit()


@pytest.mark.parametrize("credit", ["credit note", "overpayment"])
def test_a_credit_set_off_by_the_run_stops_interest_from_the_day_it_arose(credit: str) -> None:
    uow = FakeBillingUnitOfWork()
    issue(uow, recipient("A1"), 1, [("p1", "property_tax", "1000")])
    if credit == "credit note":
        _credit_note(uow, 2, "A1", 600, TOOK_EFFECT)
    else:
        other = issue(uow, recipient("A1"), 2, [("p2", "waste", "100")])
        pay(uow, other, "700", TOOK_EFFECT)  # 600 kr more than invoice 2

    done = _run(uow, RUN_ON)

    assert done.interest == _interest((1000, 5), (400, 8)) == Money.of("2.81")
    assert _interest_on_invoice_1(uow) == done.interest
    with uow:
        assert uow.ledger.credits(["A1"]) == []  # all of the credit was set off
