"""Dates and times as Norwegian letters write them (services/platform/written_dates.py)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from services.platform.written_dates import clock, duration, written_day


@pytest.mark.parametrize(
    ("day", "written"),
    [
        (date(2024, 5, 6), "mandag 6. mai 2024"),
        (date(2024, 5, 11), "lørdag 11. mai 2024"),
        (date(2024, 12, 29), "søndag 29. desember 2024"),
        (date(2025, 1, 1), "onsdag 1. januar 2025"),
    ],
)
def test_a_day_is_written_out_with_weekday_and_month_in_words(day: date, written: str) -> None:
    assert written_day(day) == written


def test_the_clock_has_a_full_stop_between_hours_and_minutes() -> None:
    assert clock(time(10, 0)) == "10.00"
    assert clock(datetime(2024, 5, 6, 8, 5)) == "08.05"


@pytest.mark.parametrize(
    ("minutes", "written"), [(0, "0 min"), (40, "40 min"), (60, "1 t"), (85, "1 t 25 min")]
)
def test_a_duration_is_hours_and_minutes(minutes: int, written: str) -> None:
    assert duration(minutes) == written
