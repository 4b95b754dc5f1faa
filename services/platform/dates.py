"""Dates as people write them, on the command line and in import files: 2024-02-20 or 20.02.2024. A wrong
one says what is wrong ("February 2024 has 29 days"), never only "YYYY-MM-DD"."""

from __future__ import annotations

import calendar
import re
from datetime import date

from services.platform.errors import Violations
from services.platform.numbers import _echoed

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NORWEGIAN = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
# English names, not calendar.month_name: that one follows the machine's locale.
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
FIRST_YEAR, LAST_YEAR = 1900, 2200  # as the services' years (common.year_arg)


def read_day(text: str) -> date:
    """The date `text` names (YYYY-MM-DD or dd.mm.yyyy); ValueError with a sentence for a person."""
    written = text.strip()
    iso = _ISO.fullmatch(written)
    norwegian = _NORWEGIAN.fullmatch(written)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    elif norwegian:
        day, month, year = (int(part) for part in norwegian.groups())
    else:
        raise ValueError(f"{_echoed(text)} is not a date: write it as YYYY-MM-DD (2024-02-20) or 20.02.2024")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"{written}: the year must be from {FIRST_YEAR} to {LAST_YEAR}")
    if not 1 <= month <= 12:
        raise ValueError(f"{written} is not a date (there is no month {month})")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise ValueError(f"{written} is not a date ({_MONTHS[month - 1]} {year} has {days} days)")
    return date(year, month, day)


def request_day(text: str, field: str, problems: Violations, required: bool = False) -> date | None:
    """A date of a request (YYYY-MM-DD or dd.mm.yyyy) as `read_day` reads it, None when empty; a bad one,
    or a missing one when `required`, is a violation of `field` in `problems`."""
    if not text.strip():
        if required:
            problems.add(field, "is required (YYYY-MM-DD)")
        return None
    try:
        return read_day(text)
    except ValueError as exc:
        problems.add(field, str(exc))
        return None
