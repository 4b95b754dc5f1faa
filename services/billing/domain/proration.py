"""Splitting an amount by days (owner changes mid-period) so that the parts add up to the øre."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import pairwise

from services.platform.money import Money


def days_between(start: date, end: date) -> int:
    """Days in [start, end): the end day is not included."""
    if end < start:
        raise ValueError("a period ends after it starts")
    return (end - start).days


def allocate(total: Money, weights: Sequence[int]) -> list[Money]:
    """`total` split in proportion to whole-number weights; the øre left by rounding down go to the
    largest remainders (ties to the earliest), so the parts always add up to the total exactly."""
    if not weights or any(w < 0 for w in weights) or sum(weights) == 0:
        raise ValueError("weights are non-negative and not all zero")
    whole = sum(weights)
    sign = -1 if total.ore < 0 else 1
    amount = abs(total.ore)
    shares = [amount * w // whole for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % whole), i))
    for i in remainders[: amount - sum(shares)]:
        shares[i] += 1
    return [Money(sign * s) for s in shares]


def prorate(total: Money, period_start: date, period_end: date, cuts: Sequence[date]) -> list[Money]:
    """`total` for [period_start, period_end) split at the cut dates (e.g. an owner change), by days."""
    points = [period_start, *sorted(c for c in cuts if period_start < c < period_end), period_end]
    return allocate(total, [days_between(a, b) for a, b in pairwise(points)])
