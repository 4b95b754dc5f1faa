"""Invoice intervals chosen per invoice recipient, and the billing periods they cut a year into."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class InvoiceInterval(StrEnum):
    MONTHLY = "monthly"
    BIMONTHLY = "bimonthly"
    QUARTERLY = "quarterly"  # the default: more invoices cost more and raise more enquiries
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"

    @property
    def months(self) -> int:
        return {"monthly": 1, "bimonthly": 2, "quarterly": 3, "half_yearly": 6, "yearly": 12}[self.value]


DEFAULT_INTERVAL = InvoiceInterval.QUARTERLY


@dataclass(frozen=True, order=True)
class Period:
    """[start, end): the end day is the first day after the period."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def first_to_last(self) -> str:
        """First and last day, as invoices print a period: `2024-01-01..2024-06-30`."""
        return f"{self.start}..{self.last_day}"

    def months(self) -> list[tuple[int, int]]:
        """(year, month) of each calendar month the period covers."""
        found = []
        year, month = self.start.year, self.start.month
        while date(year, month, 1) < self.end:
            found.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found

    def overlap(self, other: Period) -> Period | None:
        start, end = max(self.start, other.start), min(self.end, other.end)
        return Period(start, end) if start < end else None


def _month_start(year: int, month: int) -> date:
    while month > 12:
        year, month = year + 1, month - 12
    return date(year, month, 1)


def periods_of_year(year: int, interval: InvoiceInterval) -> list[Period]:
    step = interval.months
    return [Period(_month_start(year, m), _month_start(year, m + step)) for m in range(1, 13, step)]


# Periods worked out once per (year, interval): a billing run asks for every recipient, and there are a
# handful of intervals (a Period is immutable, so every caller can share them).
_YEAR_PERIODS: dict[tuple[int, InvoiceInterval], tuple[Period, ...]] = {}


def _periods(year: int, interval: InvoiceInterval) -> tuple[Period, ...]:
    key = (year, interval)
    found = _YEAR_PERIODS.get(key)
    if found is None:
        if len(_YEAR_PERIODS) >= 1024:  # bounded, whatever years are asked for
            _YEAR_PERIODS.clear()
        found = _YEAR_PERIODS[key] = tuple(periods_of_year(year, interval))
    return found


def period_starting(year: int, month: int, interval: InvoiceInterval) -> Period | None:
    """The interval's period that starts in (year, month), if one does: who is due in a run."""
    return next((p for p in _periods(year, interval) if p.start == date(year, month, 1)), None)


def period_containing(year: int, month: int, interval: InvoiceInterval) -> Period:
    """The interval's period that (year, month) falls in: the term a recipient is billed to date for
    when it is settled in a month its interval does not start a period (a new owner, a correction)."""
    first = date(year, month, 1)
    return next(p for p in _periods(year, interval) if p.start <= first < p.end)


@dataclass(frozen=True)
class IntervalChoice:
    """An invoice recipient's interval from a date (the first day of a month)."""

    interval: InvoiceInterval
    valid_from: date


def interval_on(choices: list[IntervalChoice], day: date) -> InvoiceInterval:
    """The interval in force on a day: the latest choice from on or before it, else the default."""
    current = [c for c in choices if c.valid_from <= day]
    return max(current, key=lambda c: c.valid_from).interval if current else DEFAULT_INTERVAL
