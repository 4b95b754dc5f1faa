"""Time: instants in UTC, calendar dates in Europe/Oslo (where deadlines and due dates live)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def oslo_date(instant: datetime) -> date:
    """The calendar date in Oslo at an instant (an event at 23:30 UTC on 31 Dec is 1 Jan in Oslo)."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime: instants must carry a time zone")
    return instant.astimezone(OSLO).date()


def oslo_today(clock: Clock = utc_now) -> date:
    return oslo_date(clock())
