"""Late-payment interest by day from the dated rate table, split at each rate change, rounded once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.billing.adapters.collection_rules_file import load_collection_rules
from services.billing.domain.interest import interest, interest_on_changes, interest_parts, interest_start
from services.platform.money import Money

pytestmark = pytest.mark.unit

RATES = load_collection_rules().interest_rates  # Norway: 12.5 % to 2025-12-31, 12.0 % from 2026-01-01


def test_interest_across_the_new_year_takes_each_days_rate() -> None:
    # 10 000 kr due 2025-12-20: 21-31 Dec is 11 days at 12.5 %, 1-10 Jan is 10 days at 12.0 %.
    # 10 000 × (11 × 0.125 + 10 × 0.12) / 365 = 10 000 × 2.575 / 365 = 70.5479… → 70,55 kr
    start = interest_start(date(2025, 12, 20), None)
    assert start == date(2025, 12, 21)
    assert interest(Money.of(10_000), RATES, start, date(2026, 1, 11)) == Money.of("70.55")


def test_interest_is_rounded_once_per_charge_not_per_part() -> None:
    # 1 000 kr over the same days: 2.575 × 1000 / 365 = 7.0548 → 7,05 kr; rounding each part
    # (3.767 → 3,77 and 3.288 → 3,29) would give 7,06.
    assert interest(Money.of(1_000), RATES, date(2025, 12, 21), date(2026, 1, 11)) == Money.of("7.05")


def test_the_parts_split_at_the_rate_change() -> None:
    parts = interest_parts(RATES, date(2025, 12, 21), date(2026, 1, 11))
    assert [(p.start, p.end, p.rate, p.days) for p in parts] == [
        (date(2025, 12, 21), date(2026, 1, 1), Decimal("0.125"), 11),
        (date(2026, 1, 1), date(2026, 1, 11), Decimal("0.12"), 10),
    ]


def test_a_year_of_interest_at_one_rate() -> None:
    # 365 days of 2025 at 12.5 % on 1 234,56 kr = 154,32 kr
    assert interest(Money.of("1234.56"), RATES, date(2025, 1, 1), date(2026, 1, 1)) == Money.of("154.32")


def test_no_interest_on_a_credit_or_an_empty_stretch() -> None:
    assert interest(Money.of(-500), RATES, date(2025, 1, 1), date(2025, 2, 1)) == Money(0)
    assert interest(Money.of(500), RATES, date(2025, 2, 1), date(2025, 2, 1)) == Money(0)


def test_a_charge_starts_where_the_last_one_ended() -> None:
    assert interest_start(date(2025, 3, 1), date(2025, 4, 15)) == date(2025, 4, 15)
    assert interest_start(date(2025, 3, 1), None) == date(2025, 3, 2)


def test_a_day_before_the_table_is_refused() -> None:
    with pytest.raises(ValueError, match="no interest rate in force on 2019-05-01"):
        interest(Money.of(100), RATES, date(2019, 5, 1), date(2025, 1, 1))


@given(
    st.integers(min_value=1, max_value=10**9),
    st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 1, 1)),
    st.integers(min_value=0, max_value=400),
    st.integers(min_value=0, max_value=400),
)
def test_charging_in_two_stretches_differs_from_one_by_at_most_an_ore(
    ore: int, start: date, first: int, second: int
) -> None:
    middle, end = start + timedelta(days=first), start + timedelta(days=first + second)
    whole = interest(Money(ore), RATES, start, end)
    split = interest(Money(ore), RATES, start, middle) + interest(Money(ore), RATES, middle, end)
    assert abs(whole.ore - split.ore) <= 1


def test_each_day_bears_interest_on_what_was_open_that_day() -> None:
    # Due 26 April 2024, 3 127,14 kr open; 1 000 kr paid 3 May, 1 200 kr on 6 May: interest from 27 April
    # to 19 May on 3 127,14 for 6 days, 2 127,14 for 3 days and 927,14 for 14 days (not 927,14 for 23).
    changes = [
        (date(2024, 4, 5), Money(312_714)),
        (date(2024, 5, 3), Money(-100_000)),
        (date(2024, 5, 6), Money(-120_000)),
    ]
    charged = interest_on_changes(changes, RATES, date(2024, 4, 27), date(2024, 5, 20))
    day_ore = 312_714 * 6 + 212_714 * 3 + 92_714 * 14
    assert charged == Money.rounded(Decimal(day_ore) / 100 * Decimal("0.125") / 365) == Money(1306)
    assert charged != interest(Money(92_714), RATES, date(2024, 4, 27), date(2024, 5, 20))


def test_no_interest_on_days_the_principal_was_paid_or_in_credit() -> None:
    changes = [(date(2024, 4, 5), Money(100_000)), (date(2024, 5, 1), Money(-150_000))]
    assert interest_on_changes(changes, RATES, date(2024, 5, 1), date(2024, 6, 1)) == Money(0)
    # a constant principal gives what interest() gives
    flat = [(date(2024, 1, 5), Money(100_000))]
    start, end = date(2024, 2, 1), date(2025, 2, 1)
    assert interest_on_changes(flat, RATES, start, end) == interest(Money(100_000), RATES, start, end)


def test_a_share_of_the_principal_bears_interest_rounded_once() -> None:
    changes = [(date(2025, 1, 1), Money.of(1000))]
    whole = interest_on_changes(changes, RATES, date(2025, 1, 1), date(2025, 1, 13))  # 4.1096
    half = interest_on_changes(changes, RATES, date(2025, 1, 1), date(2025, 1, 13), Fraction(1, 2))
    assert (whole, half) == (Money.of("4.11"), Money.of("2.05"))  # 2.0548, not 4.11 / 2 = 2.055 → 2.06


def test_the_interest_share_is_the_part_of_codes_with_interest() -> None:
    rules = replace(load_collection_rules(), no_interest_codes=frozenset({"water"}))
    assert rules.interest_share({"property_tax": Money(3_000), "water": Money(1_000)}) == Fraction(3, 4)
    assert rules.interest_share({"water": Money(1_000)}) == 0
    assert rules.interest_share({"property_tax": Money(3_000)}) == 1
    assert rules.interest_share({}) == 1  # amounts not known: all of it
    assert load_collection_rules().interest_share({"water": Money(1_000)}) == 1  # none configured without
