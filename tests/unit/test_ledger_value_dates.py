"""Value dates on the ledger's postings: what is booked later than it took effect (a payment allocated after
the day it was paid, a credit set off after it arose) carries the earlier day, never one before the
invoice was issued; what is booked the day it took effect carries none."""

from __future__ import annotations

from datetime import date

import pytest

from services.billing.domain.ledger import (
    ClaimBalance,
    LedgerAccount,
    Posting,
    document_claim,
    payment_claim,
    value_date,
)
from services.billing.domain.ledger_entries import allocation_entry, set_off_entry
from services.platform.money import Money

pytestmark = pytest.mark.unit

D1, D2 = document_claim(1), document_claim(2)
OLD = ClaimBalance(D1, "acc-a", principal=Money(60_000))  # issued 10 January
NEW = ClaimBalance(D2, "acc-a", principal=Money(30_000))  # issued 10 April
ISSUED = {D1: date(2024, 1, 10), D2: date(2024, 4, 10)}
BOOKED = date(2024, 5, 6)


def _dated(postings: tuple[Posting, ...]) -> list[tuple[str, int, date | None]]:
    return [
        (p.claim, p.amount.ore, p.value_on) for p in postings if p.ledger_account == LedgerAccount.RECEIVABLES
    ]


def test_a_value_date_is_kept_only_when_earlier_than_the_booking() -> None:
    assert value_date(BOOKED, date(2024, 5, 1)) == date(2024, 5, 1)
    assert value_date(BOOKED, BOOKED) is None
    assert value_date(BOOKED, date(2024, 5, 7)) is None
    assert value_date(BOOKED, None) is None


def test_an_allocation_takes_effect_from_the_day_paid_but_not_before_an_invoice_was_issued() -> None:
    entry = allocation_entry(
        "e1",
        "pay1",
        "acc-a",
        Money(100_000),
        BOOKED,
        "",
        [OLD, NEW],
        paid_on=date(2024, 3, 1),
        issued_on=ISSUED,
    )
    assert entry.posted_on == BOOKED
    assert _dated(entry.postings) == [
        (D1, -60_000, date(2024, 3, 1)),
        (D2, -30_000, date(2024, 4, 10)),  # the money was there before this invoice: from its issue
        (payment_claim("pay1"), -10_000, date(2024, 3, 1)),  # the recipient's credit from the day paid
    ]
    [suspense] = [p for p in entry.postings if p.ledger_account == LedgerAccount.UNIDENTIFIED_PAYMENTS]
    assert suspense.value_on is None  # the suspense account was cleared on the day of the allocation


def test_an_allocation_on_the_day_paid_has_no_value_date() -> None:
    entry = allocation_entry(
        "e1", "pay1", "acc-a", Money(60_000), BOOKED, "", [OLD], paid_on=BOOKED, issued_on=ISSUED
    )
    assert {p.value_on for p in entry.postings} == {None}


def test_a_set_off_takes_effect_from_the_day_the_credit_arose_or_the_invoices_issue_date() -> None:
    credit = ClaimBalance(document_claim(9), "acc-a", principal=Money(-80_000))
    entry = set_off_entry("e1", BOOKED, credit, [OLD, NEW], arose_on=date(2024, 3, 1), issued_on=ISSUED)
    assert entry is not None and entry.posted_on == BOOKED
    assert _dated(entry.postings) == [
        (document_claim(9), 80_000, None),  # the credit used: booked that day
        (D1, -60_000, date(2024, 3, 1)),
        (D2, -20_000, date(2024, 4, 10)),
    ]


def test_a_set_off_of_a_credit_of_unknown_age_or_on_an_invoice_of_unknown_issue_is_dated_as_booked() -> None:
    credit = ClaimBalance(payment_claim("pay1"), "acc-a", principal=Money(-80_000))
    unknown_age = set_off_entry("e1", BOOKED, credit, [OLD, NEW], arose_on=None, issued_on=ISSUED)
    unknown_issue = set_off_entry("e2", BOOKED, credit, [OLD], arose_on=date(2024, 3, 1), issued_on={})
    for entry in (unknown_age, unknown_issue):
        assert entry is not None and {p.value_on for p in entry.postings} == {None}
