from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.platform.money import Money, to_decimal

pytestmark = pytest.mark.unit


def test_money_is_made_from_text_int_or_decimal_exactly() -> None:
    assert Money.of("4480").ore == 448_000
    assert Money.of(Decimal("0.01")).ore == 1
    assert Money.of(12).nok == Decimal("12.00")


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        Money.of(0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        to_decimal(1.5)  # type: ignore[arg-type]


def test_fractions_of_an_ore_need_explicit_rounding() -> None:
    with pytest.raises(ValueError, match="fractions of an øre"):
        Money.of("1.005")
    assert Money.rounded("1.005").ore == 101  # half away from zero
    assert Money.rounded("-1.005").ore == -101
    assert Money.rounded("1.004").ore == 100


def test_arithmetic_and_scaling() -> None:
    assert Money.of("10.50") + Money.of("0.50") == Money.of("11")
    assert Money.of("10") - Money.of("12") == Money.of("-2")
    # Oslo 2024: (6,300,000 − 4,700,000) × 2.8 ‰ = 4,480 NOK
    assert Money.of(1_600_000).times(Decimal("0.0028")) == Money.of(4480)


def test_not_a_number_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="not a number"):
        Money.of("12,50")
    with pytest.raises(ValueError, match="finite"):
        Money.of("NaN")


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_nok_round_trip(ore: int) -> None:
    amount = Money(ore)
    assert Money.of(amount.nok) == amount
