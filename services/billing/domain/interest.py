"""Late-payment interest (forsinkelsesrente) on an open principal, by day, from a dated rate table.

Interest runs from the day after the due date (forsinkelsesrenteloven § 2) to the day it is charged; a
stretch of days crossing a rate change (1 January, 1 July) is split there, each day at the rate in force
on it, a day being a 365th of the yearly rate. The sum is rounded to the øre once per charge (half up, as
Money.rounded rounds), not per part, so splitting a stretch at a rate change never loses an øre.

A charge covers [start, end) and is stored (interest_charges: document_number, period_start, period_end)
so that the next charge starts where it ended: no day is charged twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from services.platform.money import Money

DAYS_IN_YEAR = Decimal(365)


@dataclass(frozen=True)
class InterestCharge:
    """Interest charged on an invoice for [period_start, period_end) and the ledger entry posting it."""

    document_number: int
    period_start: date
    period_end: date  # exclusive
    amount: Money
    entry_id: str


@dataclass(frozen=True)
class InterestPart:
    start: date
    end: date  # exclusive
    rate: Decimal  # yearly, as a fraction (0.125)

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def interest_parts(rates: Sequence[tuple[date, Decimal]], start: date, end: date) -> list[InterestPart]:
    """[start, end) split at each rate change of the table (ascending (from, rate) rows); ValueError when
    a day falls before the table's first row."""
    if end <= start:
        return []
    if not rates or start < rates[0][0]:
        raise ValueError(f"no interest rate in force on {start.isoformat()}")
    parts: list[InterestPart] = []
    for n, (valid_from, rate) in enumerate(rates):
        valid_to = rates[n + 1][0] if n + 1 < len(rates) else date.max
        part_start, part_end = max(start, valid_from), min(end, valid_to)
        if part_start < part_end:
            parts.append(InterestPart(part_start, part_end, rate))
    return parts


def interest(principal: Money, rates: Sequence[tuple[date, Decimal]], start: date, end: date) -> Money:
    """Interest on `principal` for the days [start, end): Σ days × rate / 365 over the parts, rounded
    once. Nothing on a principal of 0 or less (a credit earns no interest) or an empty stretch."""
    if principal.ore <= 0 or end <= start:
        return Money(0)
    day_rates = sum((part.rate * part.days for part in interest_parts(rates, start, end)), Decimal(0))
    return Money.rounded(principal.nok * day_rates / DAYS_IN_YEAR)


def interest_on_changes(
    changes: Sequence[tuple[date, Money]],
    rates: Sequence[tuple[date, Decimal]],
    start: date,
    end: date,
    share: Fraction = Fraction(1),
) -> Money:
    """Interest for the days [start, end) on a principal that changed over time: `changes` are the
    principal's net movements by the day they take effect (ascending; the invoice, then payments and
    set-offs lowering it), so each day bears interest on what was open that day, not on what is open at
    the end (a part payment on 3 May stops interest on its amount from 3 May). Days with nothing open (or a
    credit) bear none. Only `share` of the principal bears interest (the part of codes charged with
    interest, CollectionRules.interest_share). Σ principal × share × rate × days / 365 over the stretches,
    rounded once."""
    if end <= start:
        return Money(0)
    open_ore = sum(amount.ore for on, amount in changes if on <= start)
    later = sorted((on, amount.ore) for on, amount in changes if start < on < end)
    total = Decimal(0)
    stretch_start = start
    for on, amount_ore in [*later, (end, 0)]:
        if open_ore > 0 and on > stretch_start:
            day_rates = sum(
                (part.rate * part.days for part in interest_parts(rates, stretch_start, on)), Decimal(0)
            )
            total += Money(open_ore).nok * day_rates
        stretch_start, open_ore = on, open_ore + amount_ore
    return Money.rounded(total * share.numerator / share.denominator / DAYS_IN_YEAR)


def interest_start(due_date: date, charged_through: date | None) -> date:
    """The first day not yet charged: the day after the due date, or where the last charge ended."""
    first = due_date + timedelta(days=1)
    return max(first, charged_through) if charged_through is not None else first
