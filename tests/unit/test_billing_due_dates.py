"""Payment due dates fall on banking days (Norges Bank's settlement calendar: weekends, public holidays
and 24 December are closed; 31 December settles), while complaint deadlines keep the public-holiday
calendar (the courts' rule)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.billing.domain.invoice_plan import due_date
from services.platform.business_days import (
    is_banking_day,
    is_business_day,
    on_or_after_banking_day,
    on_or_after_business_day,
    public_holidays,
)

pytestmark = pytest.mark.unit


def test_a_due_date_on_christmas_eve_moves_past_christmas_and_the_weekend() -> None:
    # 24 Dec 2025 (Wednesday) is closed for settlement, 25/26 are holidays, 27/28 a weekend.
    assert due_date(date(2025, 12, 3), 21) == date(2025, 12, 29)
    # 24 Dec 2021 (Friday), 25/26 a weekend (and holidays).
    assert due_date(date(2021, 12, 3), 21) == date(2021, 12, 27)
    # 24 Dec 2024 (Tuesday) → 27 Dec (Friday).
    assert due_date(date(2024, 12, 3), 21) == date(2024, 12, 27)


def test_new_years_eve_is_a_due_date_when_it_is_a_weekday() -> None:
    assert due_date(date(2025, 12, 10), 21) == date(2025, 12, 31)  # Wednesday
    assert due_date(date(2024, 12, 10), 21) == date(2024, 12, 31)  # Tuesday
    assert is_banking_day(date(2025, 12, 31))
    assert due_date(date(2022, 12, 10), 21) == date(2023, 1, 2)  # Saturday 31 Dec, 1 Jan a holiday


def test_complaint_deadlines_keep_the_public_holiday_calendar() -> None:
    # Christmas Eve is no public holiday: a deadline may end on it (appeals' rule is unchanged).
    assert is_business_day(date(2025, 12, 24))
    assert on_or_after_business_day(date(2025, 12, 24)) == date(2025, 12, 24)
    assert not is_banking_day(date(2025, 12, 24))
    assert on_or_after_banking_day(date(2025, 12, 24)) == date(2025, 12, 29)


@given(st.dates(date(1990, 1, 1), date(2100, 12, 1)), st.integers(0, 90))
def test_a_due_date_is_never_a_weekend_a_holiday_or_christmas_eve(issued: date, days: int) -> None:
    due = due_date(issued, days)
    assert due.weekday() < 5
    assert due not in public_holidays(due.year)
    assert (due.month, due.day) != (12, 24)
    assert issued + timedelta(days=days) <= due <= issued + timedelta(days=days + 6)
    # the first banking day on or after the nominal date: every day between is closed
    day = issued + timedelta(days=days)
    while day < due:
        assert not is_banking_day(day)
        day += timedelta(days=1)
