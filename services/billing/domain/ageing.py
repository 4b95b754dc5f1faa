"""The ageing of receivables (aldersfordelt reskontro): what is open on invoices by days past due.

Buckets: not due (due today or later), 1–30, 31–60, 61–90 and over 90 days past due, each with how many
invoices and how much is open on them (whole øre). The total is what is open on invoices: the ledger's
receivables on invoice claims (credits, which are not overdue, are not aged).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from services.platform.money import Money

# (key, label, first day past due, last day past due or None) — "not due" is 0 or fewer days past due.
BUCKETS: tuple[tuple[str, str, int | None, int | None], ...] = (
    ("not_due", "Ikke forfalt", None, 0),
    ("1_30", "1–30 dager", 1, 30),
    ("31_60", "31–60 dager", 31, 60),
    ("61_90", "61–90 dager", 61, 90),
    ("over_90", "Over 90 dager", 91, None),
)


@dataclass(frozen=True)
class AgeingBucket:
    key: str
    label: str
    count: int
    amount: Money


@dataclass(frozen=True)
class Ageing:
    as_of: date
    buckets: tuple[AgeingBucket, ...]

    @property
    def count(self) -> int:
        return sum(b.count for b in self.buckets)

    @property
    def total(self) -> Money:
        return Money(sum(b.amount.ore for b in self.buckets))


def bucket_of(days_past_due: int) -> str:
    for key, _, first, last in BUCKETS:
        if (first is None or days_past_due >= first) and (last is None or days_past_due <= last):
            return key
    raise AssertionError("the buckets cover every day")


def age(as_of: date, groups: Iterable[tuple[date, int, Money]]) -> Ageing:
    """The buckets from open invoices grouped by due date: (due date, count, open amount)."""
    counts = {key: 0 for key, *_ in BUCKETS}
    amounts = {key: 0 for key, *_ in BUCKETS}
    for due_date, count, amount in groups:
        key = bucket_of((as_of - due_date).days)
        counts[key] += count
        amounts[key] += amount.ore
    return Ageing(
        as_of, tuple(AgeingBucket(key, label, counts[key], Money(amounts[key])) for key, label, *_ in BUCKETS)
    )
