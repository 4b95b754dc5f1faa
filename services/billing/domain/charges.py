"""What a property owes for a period: a yearly amount spread over the months exactly, prorated by day
and by ownership share when the property changes hands."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import lru_cache
from itertools import pairwise

from services.billing.domain.intervals import Period
from services.billing.domain.proration import allocate
from services.platform.money import Money


@lru_cache(maxsize=65536)
def _monthly_ore(annual_ore: int) -> tuple[int, ...]:
    # allocate() with twelve equal weights, written out: every month gets the twelfth rounded towards
    # zero, and the øre left over go one each to the first months.
    sign = -1 if annual_ore < 0 else 1
    base, left = divmod(abs(annual_ore), 12)
    return tuple(sign * (base + (1 if month < left else 0)) for month in range(12))


def monthly_parts(annual: Money) -> list[Money]:
    """The yearly amount in 12 parts that add up exactly (the first months get any extra øre)."""
    return [Money(ore) for ore in _monthly_ore(annual.ore)]


def _next_month(year: int, month: int) -> date:
    return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)


@dataclass(frozen=True)
class Holding:
    """An invoice recipient's share of a property over [start, end)."""

    start: date
    end: date
    share: Fraction = Fraction(1)


def split_by_shares(amount: Money, shares: Sequence[Fraction]) -> list[Money]:
    """One amount split between co-owners by their shares, exactly (largest remainders)."""
    denominator = math.lcm(*(s.denominator for s in shares))
    return allocate(amount, [int(s * denominator) for s in shares])


def whole_months_held(
    year: int, period: Period, holdings: Sequence[Holding], changes: Sequence[date] = ()
) -> slice | None:
    """The usual case, and a billing run's hot path: one holder alone through a period of whole months
    with no change of owner inside it. Then the amount for the period of any yearly amount is the sum of
    these monthly parts, with nothing to split; otherwise None."""
    if len(holdings) != 1:
        return None
    holding = holdings[0]
    if (
        period.start.day != 1
        or period.end.day != 1
        or period.start.year != year
        or holding.share != 1
        or holding.start > period.start
        or holding.end < period.end
        or any(period.start < c < period.end for c in changes)
    ):
        return None
    return slice(period.start.month - 1, 12 if period.end.year > year else period.end.month - 1)


def amount_in_months(annual: Money, months: slice) -> int:
    """The monthly parts of a yearly amount for the months of a `whole_months_held` slice, in øre."""
    return sum(_monthly_ore(annual.ore)[months])


def amount_for_period(
    annual: Money, year: int, period: Period, holding: Holding, changes: Sequence[date] = ()
) -> Money:
    """The holder's part of the year's `annual` amount for the days of `period` the holding covers.

    `changes` are the property's ownership change dates. Each month's part is split by day at all of them
    with one exact allocation, so that the holders before and after a change together pay the month's
    part to the øre."""
    whole = whole_months_held(year, period, [holding], changes)
    if whole is not None:
        return Money(amount_in_months(annual, whole))
    parts = _monthly_ore(annual.ore)
    held = Period(holding.start, holding.end)
    total = 0
    for y, m in period.months():
        if y != year:
            continue
        month = Period(date(y, m, 1), _next_month(y, m))
        if month.overlap(held) is None:
            continue
        cuts = sorted({c for c in (*changes, holding.start, holding.end) if month.start < c < month.end})
        if not cuts:  # held the whole month (the usual case): its part, with no split to make
            total += parts[m - 1]
            continue
        bounds = [month.start, *cuts, month.end]
        segments = [Period(a, b) for a, b in pairwise(bounds)]
        shares = allocate(Money(parts[m - 1]), [seg.days for seg in segments])
        total += sum(share.ore for seg, share in zip(segments, shares, strict=True) if seg.overlap(held))
    if holding.share == 1:
        return Money(total)
    return split_by_shares(Money(total), [holding.share, 1 - holding.share])[0]
