"""Exact splits: pro rata by largest remainder, and cover in the order fee, interest, principal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.billing.domain.allocation import cover, cover_in_turn, split_pro_rata
from services.billing.domain.ledger import ClaimBalance, Component
from services.platform.money import Money


def test_pro_rata_gives_the_leftover_ore_to_the_largest_remainders() -> None:
    assert split_pro_rata(100, [1, 1, 1]) == [34, 33, 33]
    assert split_pro_rata(10, [3, 7]) == [3, 7]
    assert split_pro_rata(-100, [1, 1, 1]) == [-34, -33, -33]
    assert split_pro_rata(5, [0, 2, 0]) == [0, 5, 0]
    assert split_pro_rata(0, [0, 0]) == [0, 0]
    with pytest.raises(ValueError):
        split_pro_rata(1, [0, 0])
    with pytest.raises(ValueError):
        split_pro_rata(1, [-1, 2])


@given(st.integers(-(10**12), 10**12), st.lists(st.integers(0, 10**9), min_size=1, max_size=8).filter(any))
def test_pro_rata_parts_add_up_and_stay_within_one_ore_of_the_exact_share(
    total: int, weights: list[int]
) -> None:
    parts = split_pro_rata(total, weights)
    assert sum(parts) == total
    whole = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part * whole - total * weight) < whole  # |part − exact| < 1 øre


def test_a_payment_covers_fee_then_interest_then_principal() -> None:
    balance = ClaimBalance("D1", "acc", Money(3_500), Money(1_200), Money(100_000))
    covered = cover(Money(4_000), balance)
    assert covered.parts == ((Component.FEE, Money(3_500)), (Component.INTEREST, Money(500)))
    assert (covered.applied, covered.left) == (Money(4_000), Money(0))
    over = cover(Money(200_000), balance)
    assert (over.applied, over.left) == (Money(104_700), Money(95_300))
    assert cover(Money(100), ClaimBalance("D2", "acc", principal=Money(-5))).parts == ()


def test_cover_in_turn_pays_the_claims_in_the_order_given() -> None:
    first = ClaimBalance("D1", "acc", principal=Money(300))
    second = ClaimBalance("D2", "acc", fee=Money(50), principal=Money(300))
    covers, left = cover_in_turn(Money(400), [first, second])
    assert [(c.claim, c.parts) for c in covers] == [
        ("D1", ((Component.PRINCIPAL, Money(300)),)),
        ("D2", ((Component.FEE, Money(50)), (Component.PRINCIPAL, Money(50)))),
    ]
    assert left == Money(0)
    assert cover_in_turn(Money(700), [first, second])[1] == Money(50)
