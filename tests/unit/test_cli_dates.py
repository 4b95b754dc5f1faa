"""Dates typed on the command line: both ways Norwegians write them, and a sentence saying what is wrong."""

from __future__ import annotations

from datetime import date

import pytest

from services.cli.dates import read_day

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("typed", "day"),
    [("2024-02-20", date(2024, 2, 20)), ("20.02.2024", date(2024, 2, 20)), (" 2024-2-9 ", date(2024, 2, 9)),
     ("29.02.2024", date(2024, 2, 29)), ("1.5.2024", date(2024, 5, 1))],
)  # fmt: skip
def test_a_date_is_read_either_way(typed: str, day: date) -> None:
    assert read_day(typed) == day


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("2024-02-30", "2024-02-30 is not a date (February 2024 has 29 days)"),
        ("31.04.2024", "31.04.2024 is not a date (April 2024 has 30 days)"),
        ("2023-02-29", "2023-02-29 is not a date (February 2023 has 28 days)"),
        ("2024-13-01", "2024-13-01 is not a date (there is no month 13)"),
        ("2024-00-10", "2024-00-10 is not a date (there is no month 0)"),
        ("0999-01-01", "0999-01-01: the year must be from 1900 to 2200"),
        ("20/02/2024", "'20/02/2024' is not a date: write it as YYYY-MM-DD (2024-02-20) or 20.02.2024"),
        ("", "'' is not a date: write it as YYYY-MM-DD (2024-02-20) or 20.02.2024"),
    ],
)
def test_a_wrong_date_says_why(typed: str, said: str) -> None:
    with pytest.raises(ValueError) as refused:
        read_day(typed)
    assert str(refused.value) == said


def test_a_long_text_is_quoted_short() -> None:
    with pytest.raises(ValueError) as refused:
        read_day("x" * 10_000)
    assert len(str(refused.value)) < 150
