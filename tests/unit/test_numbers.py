"""Numbers people type are read within plausible bounds, and nothing typed reaches arithmetic that fails."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.platform.money import Money
from services.platform.numbers import AREA_M2, COUNT, METER_M3, NOK, read_decimal, read_int


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("132,5", "132.5"),
        ("132.5", "132.5"),
        ("7 500 000,50", "7500000.50"),
        ("7\u00a0500\u00a0000", "7500000"),
    ],
)
def test_both_separators_and_thousands_spaces_are_read(text: str, expected: str) -> None:
    assert read_decimal(text, NOK) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1e12", "out of range"),  # the meter reading that made a preview total 16 trillion kr
        ("9" * 29, "out of range"),  # the 29-digit reading that made previews answer INTERNAL
        ("1e2000000", "out of range"),  # converted before its range was checked: 90 s, 738 MiB
        ("-1", "out of range"),
        ("12,3456", "too many decimals"),
        ("1,2.3", "mixes separators"),
        ("abc", "not a number"),
        ("NaN", "not a number"),
        ("Infinity", "not a number"),
        ("1" * 41, "too long"),
    ],
)
def test_absurd_meter_readings_are_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as refused:
        read_decimal(text, METER_M3)
    assert "10000000" in str(refused.value)  # the message says what is accepted
    assert len(str(refused.value)) < 200


def test_a_count_is_whole() -> None:
    assert read_int("3", COUNT) == 3
    with pytest.raises(ValueError, match="whole number"):
        read_int("2,5", COUNT)


@given(st.text(max_size=60))
def test_any_text_is_a_number_in_range_or_a_value_error(text: str) -> None:
    try:
        number = read_decimal(text, AREA_M2)
    except ValueError:
        return
    assert AREA_M2.minimum <= number <= AREA_M2.maximum
    Money.rounded(number)  # and arithmetic on it never fails


@pytest.mark.parametrize("text", ["1e30", "1e400", "1e-400", "-1e25"])
def test_money_refuses_amounts_beyond_reach_as_bad_input(text: str) -> None:
    with pytest.raises(ValueError, match="out of range"):
        Money.rounded(text)


# Issue 11's trial: "-0" was stored and echoed as "-0", "１２" (full-width) accepted as 12.
@pytest.mark.parametrize(
    ("text", "stored"), [("-0", "0"), ("-0,00", "0.00"), ("+0", "0"), ("0e5", "0"), ("+12", "12")]
)
def test_a_negative_zero_or_a_plus_sign_is_stored_plainly(text: str, stored: str) -> None:
    assert str(read_decimal(text, METER_M3)) == stored


@pytest.mark.parametrize("text", ["１２", "١٢", "१२", "1２", "１２,5"])
def test_digits_other_than_0_to_9_are_refused_saying_so(text: str) -> None:
    with pytest.raises(ValueError, match="type it with 0-9"):
        read_decimal(text, METER_M3)


@given(st.text(max_size=45))
def test_a_number_read_never_reads_as_negative_zero(text: str) -> None:
    try:
        number = read_decimal(text, METER_M3)
    except ValueError:
        return
    assert not str(number).startswith("-")
    assert str(number).isascii()
