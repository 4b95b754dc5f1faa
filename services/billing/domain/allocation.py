"""Exact splits of an amount: over the components of a claim in the order of cover, and pro rata over
weights by largest remainder. The parts always add up to the whole, to the øre.

Source: inkassoforskriften § 1-2 (4) (a payment covers costs, then interest, then the principal);
largest-remainder rounding so that no øre is created or lost (bokføringsloven § 4, the ledger balances).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.billing.domain.ledger import COVER_ORDER, ClaimBalance, Component
from services.platform.money import Money


def split_pro_rata(total: int, weights: Sequence[int]) -> list[int]:
    """`total` øre split in proportion to `weights` (non-negative, not all 0 unless total is 0), each part
    rounded down and the øre left over given to the largest remainders (ties: the earlier weight). The
    parts add up to `total` exactly; a negative total is split as its mirror. Raises ValueError for
    negative weights or a total to split over no weight."""
    if any(w < 0 for w in weights):
        raise ValueError("weights are not negative")
    whole = sum(weights)
    if whole == 0:
        if total == 0:
            return [0] * len(weights)
        raise ValueError(f"{total} øre cannot be split over weights that add up to 0")
    sign, amount = (-1, -total) if total < 0 else (1, total)
    quotients = [divmod(amount * w, whole) for w in weights]
    parts = [q for q, _ in quotients]
    left = amount - sum(parts)
    by_remainder = sorted(range(len(weights)), key=lambda n: (-quotients[n][1], n))
    for n in by_remainder[:left]:
        parts[n] += 1
    return [sign * p for p in parts]


@dataclass(frozen=True)
class Cover:
    """What an amount covers of one claim, per component, and what is left of the amount."""

    claim: str
    parts: tuple[tuple[Component, Money], ...]  # only the components it covers (> 0), in cover order
    left: Money

    @property
    def applied(self) -> Money:
        return Money(sum(m.ore for _, m in self.parts))


def cover(amount: Money, balance: ClaimBalance) -> Cover:
    """`amount` (≥ 0) applied to the claim's open components in COVER_ORDER (fee, interest, principal),
    each up to what is open on it (a component at or below 0 takes nothing)."""
    if amount.ore < 0:
        raise ValueError("only a positive amount covers a claim")
    left = amount.ore
    parts = []
    for component in COVER_ORDER:
        take = min(left, max(0, balance.of(component).ore))
        if take:
            parts.append((component, Money(take)))
            left -= take
    return Cover(balance.claim, tuple(parts), Money(left))


def cover_in_turn(amount: Money, balances: Sequence[ClaimBalance]) -> tuple[list[Cover], Money]:
    """`amount` applied to the claims in the order given (oldest due first), each in cover order; the
    covers with something applied, and what is left over."""
    covers = []
    left = amount
    for balance in balances:
        if left.ore == 0:
            break
        covered = cover(left, balance)
        if covered.parts:
            covers.append(covered)
        left = covered.left
    return covers, left
