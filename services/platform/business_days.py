"""Norwegian public holidays, business days and banking days. Shared by billing and appeals:

- business days (weekdays that are not public holidays): complaint deadlines, the courts' rule
  (domstolloven § 148), used by appeals;
- banking days (business days on which Norges Bank settles: not 24 December either; 31 December is a
  settlement day): payment due dates, used by billing. A payment made on a day banks do not settle is
  settled on the next banking day, so a due date never falls on one."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache


def easter_sunday(year: int) -> date:
    """Gregorian Easter (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 (the algorithm's own name)
    m = (a + 11 * h + 22 * l) // 451
    month = (h + l - 7 * m + 114) // 31
    day = (h + l - 7 * m + 114) % 31 + 1
    return date(year, month, day)


@cache
def public_holidays(year: int) -> frozenset[date]:
    easter = easter_sunday(year)
    movable = [-3, -2, 0, 1, 39, 49, 50]  # Maundy Thursday … Whit Monday
    fixed = [date(year, 1, 1), date(year, 5, 1), date(year, 5, 17), date(year, 12, 25), date(year, 12, 26)]
    return frozenset([*fixed, *(easter + timedelta(days=n) for n in movable)])


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def on_or_after_business_day(day: date) -> date:
    """The day itself when it is a business day, else the next one (the due-date rule)."""
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def bank_closing_days(year: int) -> frozenset[date]:
    """Days that are not public holidays but on which banks do not settle (Norges Bank's settlement
    calendar): Christmas Eve. New Year's Eve is a settlement day."""
    return frozenset({date(year, 12, 24)})


def is_banking_day(day: date) -> bool:
    return is_business_day(day) and day not in bank_closing_days(day.year)


def on_or_after_banking_day(day: date) -> date:
    """The day itself when banks settle on it, else the next banking day (the payment due-date rule)."""
    while not is_banking_day(day):
        day += timedelta(days=1)
    return day


def add_business_days(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        if is_business_day(day):
            count -= 1
    return day
