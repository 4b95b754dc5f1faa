"""Splitting an amount by weights (days, shares) so that the parts add up to the øre."""

from __future__ import annotations

from collections.abc import Sequence

from services.platform.money import Money


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
