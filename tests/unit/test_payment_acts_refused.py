"""An officer's acts on payments refuse what a new-user trial found accepted (issue 16): a business day
before the payment, the invoice or the credit existed, and an amount of 0 taken as "everything"."""

from __future__ import annotations

from datetime import date

import pytest

from propertytax.platform.v1 import money_pb2
from services.billing.application.import_payments import import_payments
from services.billing.application.payments import (
    allocate_payment,
    refund_credit,
    unmatched_payments,
    write_off,
)
from services.billing.domain.ledger import EntryKind
from services.billing.domain.payments import IncomingPayment, PaymentFile, PaymentFileFormat
from services.billing.entrypoints.collection_mapping import amount_or_none
from services.platform.errors import InvalidInput
from services.platform.money import Money
from tests.fakes.billing import FakeBillingUnitOfWork
from tests.fakes.ledger import an_invoice, issue

PAID = date(2024, 5, 2)


def _pay(uow: FakeBillingUnitOfWork, kid: str, ore: int, paid_on: date = PAID) -> None:
    parsed = PaymentFile(
        PaymentFileFormat.CAMT_054,
        f"MSG-{kid}-{ore}",
        paid_on,
        "86011117947",
        (IncomingPayment(line=10, kid=kid, amount=Money(ore), paid_on=paid_on, reference="r"),),
    )
    import_payments(uow, lambda content, name: parsed, parsed.file_reference.encode(), "camt.xml")


@pytest.fixture
def uow() -> FakeBillingUnitOfWork:
    uow = FakeBillingUnitOfWork()
    issue(uow, [an_invoice(10, "acc-a", {"property_tax": 60_000})])
    issue(uow, [an_invoice(24, "acc-a", {"property_tax": 30_000}, issue_date=date(2024, 7, 5))])
    return uow


def _refused(error: pytest.ExceptionInfo[InvalidInput]) -> list[tuple[str, str]]:
    return [(v.field, v.description) for v in error.value.violations]


def test_a_payment_is_not_allocated_before_it_was_made_nor_before_its_invoice(
    uow: FakeBillingUnitOfWork,
) -> None:
    _pay(uow, "999", 10_000)
    [queued] = unmatched_payments(uow)

    with pytest.raises(InvalidInput) as before_payment:
        allocate_payment(uow, queued.payment_id, invoice_number=10, account_id=None, on=date(2024, 4, 1))
    with pytest.raises(InvalidInput) as to_recipient:
        allocate_payment(uow, queued.payment_id, invoice_number=None, account_id="acc-a", on=date(2024, 4, 1))
    with pytest.raises(InvalidInput) as before_invoice:
        allocate_payment(uow, queued.payment_id, invoice_number=24, account_id=None, on=date(2024, 6, 1))

    assert _refused(before_payment) == [
        (
            "allocated_on",
            "2024-04-01 is before the payment was made (2024-05-02): a payment is allocated on or after "
            "that day",
        )
    ]
    assert _refused(to_recipient) == _refused(before_payment)
    assert _refused(before_invoice) == [
        (
            "allocated_on",
            "2024-06-01 is before invoice 24 was issued (2024-07-05): a payment is allocated to it on or "
            "after that day",
        )
    ]
    allocated = allocate_payment(uow, queued.payment_id, invoice_number=10, account_id=None, on=PAID)
    assert allocated.applied == ((10, Money(10_000)),)


def test_a_credit_is_not_refunded_before_it_arose(uow: FakeBillingUnitOfWork) -> None:
    _pay(uow, uow.invoices.rows[10].kid, 70_000, date(2024, 5, 3))  # 100,00 kr over

    with pytest.raises(InvalidInput) as early:
        refund_credit(uow, "acc-a", "1234.56.78903", date(2024, 1, 1), Money(10_000))

    assert _refused(early) == [
        (
            "refunded_on",
            "2024-01-01 is before the credit refunded arose: the recipient's credit that day was 0,00 kr, "
            "not 100,00 kr; it was there from 2024-05-03",
        )
    ]
    assert uow.ledger.credits(["acc-a"])[0].total == Money(-10_000)  # nothing refunded
    assert refund_credit(uow, "acc-a", "1234.56.78903", date(2024, 5, 3)).amount == Money(10_000)


def test_refund_amounts_are_told_in_kroner_and_0_is_no_amount(uow: FakeBillingUnitOfWork) -> None:
    _pay(uow, uow.invoices.rows[10].kid, 515_000)  # 4 550,00 kr over

    with pytest.raises(InvalidInput) as zero:
        refund_credit(uow, "acc-a", "1234.56.78903", PAID, Money(0))
    with pytest.raises(InvalidInput) as more:
        refund_credit(uow, "acc-a", "1234.56.78903", PAID, Money(500_000))

    assert _refused(zero) == [
        ("amount", "is 0,00 kr: a refund is above 0 kr (leave it out to refund the whole credit)")
    ]
    assert _refused(more) == [("amount", "5 000,00 kr is more than the recipient's credit of 4 550,00 kr")]


def test_an_amount_given_as_0_or_less_is_refused_and_only_an_absent_one_means_all() -> None:
    assert amount_or_none(money_pb2.Money(), "amount", False) is None
    assert amount_or_none(money_pb2.Money(ore=100), "amount", True) == Money(100)
    for ore in (0, -100):
        with pytest.raises(InvalidInput) as refused:
            amount_or_none(money_pb2.Money(ore=ore), "disputed", True)
        [violation] = refused.value.violations
        assert violation.field == "disputed"
        assert violation.description == (
            f"is {Money(ore).kroner()}: give an amount above 0 kr, or leave it out for all of it"
        )


def test_an_invoice_is_not_written_off_before_it_was_issued_and_the_entry_names_it(
    uow: FakeBillingUnitOfWork,
) -> None:
    with pytest.raises(InvalidInput) as early:
        write_off(uow, 24, date(2024, 1, 1), "Dødsbo uten midler")

    assert _refused(early) == [
        (
            "written_off_on",
            "2024-01-01 is before invoice 24 was issued (2024-07-05): it is written off on or after that day",
        )
    ]
    write_off(uow, 24, date(2024, 7, 5), "Dødsbo uten midler")
    [entry] = [e for e in uow.ledger.entries if e.kind == EntryKind.WRITE_OFF]
    assert (entry.description, entry.posted_on) == ("Avskrevet, faktura 24", date(2024, 7, 5))
