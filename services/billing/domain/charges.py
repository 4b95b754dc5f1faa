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
    start, stop, step = months.indices(12)
    if step != 1:
        return sum(_monthly_ore(annual.ore)[months])
    if stop <= start:
        return 0
    # The sum of those parts worked out directly (the billing run's innermost step, once per property
    # and charge): each month has the twelfth rounded towards zero, and months before `left` one øre more.
    base, left = divmod(abs(annual.ore), 12)
    whole = base * (stop - start) + max(0, min(stop, left) - start)
    return -whole if annual.ore < 0 else whole


def holder_parts(
    annual: Money, year: int, period: Period, holders: Sequence[Holding], changes: Sequence[date] = ()
) -> list[Money]:
    """Every holder's part of the year's `annual` amount for `period`, worked out together so that the
    parts of all holders add up to the property's amount for the days someone held it (all of it when
    the shares add up to 1), to the øre, whatever the shares and periods.

    `holders` are all holdings of the property (co-owners, sellers and buyers), in a fixed order: the
    øre left by rounding go to the largest remainders, ties to the earlier holder. `changes` are the
    property's ownership change dates. Each month's part is split by day at the changes and at the
    holdings' starts and ends (one exact allocation per month, so that the holders before and after a
    change together pay the month's part); the days held by the same set of holders are then added up
    over the period and split by their shares once, in one allocation (a holder's share alone, rounded
    on its own, would lose øre: three thirds of 1,000.00 are 333.34 + 333.33 + 333.33).

    Periods are whole months (billing periods); a month the period touches counts whole."""
    parts = _monthly_ore(annual.ore)
    bounds = {*changes, *(h.start for h in holders), *(h.end for h in holders)}
    by_holders: dict[tuple[int, ...], int] = {}  # the holders of some days → the amount of those days
    for y, m in period.months():
        if y != year:
            continue
        month = Period(date(y, m, 1), _next_month(y, m))
        cuts = sorted(c for c in bounds if month.start < c < month.end)
        if cuts:
            segments = [Period(a, b) for a, b in pairwise([month.start, *cuts, month.end])]
            amounts = [a.ore for a in allocate(Money(parts[m - 1]), [seg.days for seg in segments])]
        else:  # the usual case: no change inside the month
            segments, amounts = [month], [parts[m - 1]]
        for segment, amount in zip(segments, amounts, strict=True):
            # Every holding starts and ends at a cut, so it covers a segment wholly or not at all.
            active = tuple(
                i for i, h in enumerate(holders) if h.start <= segment.start and segment.end <= h.end
            )
            if active and amount:
                by_holders[active] = by_holders.get(active, 0) + amount
    result = [0] * len(holders)
    for active, amount in by_holders.items():
        shares = [holders[i].share for i in active]
        unheld = 1 - sum(shares, Fraction(0))  # shares short of 1: that part is no holder's
        split = split_by_shares(Money(amount), [*shares, unheld] if unheld > 0 else shares)
        for i, part in zip(active, split, strict=False):
            result[i] += part.ore
    return [Money(ore) for ore in result]


def amount_for_period(
    annual: Money, year: int, period: Period, holding: Holding, changes: Sequence[date] = ()
) -> Money:
    """One holding's part of the year's `annual` amount for the days of `period` it covers, as if it
    were the property's only holding (a share short of 1 is that share of the amount). A property's
    co-owners are split together, with `holder_parts`."""
    whole = whole_months_held(year, period, [holding], changes)
    if whole is not None:
        return Money(amount_in_months(annual, whole))
    return holder_parts(annual, year, period, [holding], changes)[0]
