"""The ageing buckets by days past due."""

from __future__ import annotations

from datetime import date

from services.billing.domain.ageing import age, bucket_of
from services.platform.money import Money


def test_days_past_due_fall_in_their_buckets() -> None:
    assert [bucket_of(d) for d in (-5, 0, 1, 30, 31, 60, 61, 90, 91, 400)] == [
        "not_due",
        "not_due",
        "1_30",
        "1_30",
        "31_60",
        "31_60",
        "61_90",
        "61_90",
        "over_90",
        "over_90",
    ]


def test_groups_by_due_date_are_aged_and_added_up() -> None:
    ageing = age(
        date(2024, 6, 30),
        [
            (date(2024, 1, 31), 3, Money(300)),  # 151 days
            (date(2024, 4, 30), 2, Money(200)),  # 61 days
            (date(2024, 5, 31), 1, Money(100)),  # 30 days
            (date(2024, 6, 30), 4, Money(400)),  # due today: not due
            (date(2024, 7, 31), 5, Money(500)),
        ],
    )
    assert [(b.key, b.count, b.amount) for b in ageing.buckets] == [
        ("not_due", 9, Money(900)),
        ("1_30", 1, Money(100)),
        ("31_60", 0, Money(0)),
        ("61_90", 2, Money(200)),
        ("over_90", 3, Money(300)),
    ]
    assert (ageing.count, ageing.total) == (15, Money(1_500))
    assert ageing.buckets[1].label == "1–30 dager"


def test_the_ageing_of_the_ledger_counts_open_invoices_only() -> None:
    from services.billing.application.receivables_reports import ageing
    from tests.fakes.billing import FakeBillingUnitOfWork
    from tests.fakes.ledger import an_invoice, issue

    uow = FakeBillingUnitOfWork()
    issue(uow, [an_invoice(1, "acc-a", {"water": 10_000}), an_invoice(2, "acc-b", {"water": 20_000})])
    issue(uow, [an_invoice(3, "acc-b", {"water": -5_000}, kind="credit_note", issue_date=date(2024, 2, 1))])
    issue(
        uow,
        [an_invoice(4, "acc-c", {"water": 7_000}, issue_date=date(2024, 7, 1), due_date=date(2024, 7, 22))],
    )

    found = ageing(uow, date(2024, 3, 1))  # 30 days after 31 January; invoice 4 not issued yet
    assert [(b.key, b.count, b.amount) for b in found.buckets if b.count] == [
        ("1_30", 2, Money(10_000 + 15_000))  # the credit note was set off against invoice 2
    ]
    assert ageing(uow, date(2024, 1, 9)).count == 0
