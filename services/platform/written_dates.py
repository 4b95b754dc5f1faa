"""Dates, times and spans written out the way a Norwegian (bokmål) letter writes them: "mandag 6. mai 2024",
"kl. 10.00" (Språkrådet: a full stop between hours and minutes), "1 t 25 min"."""

from __future__ import annotations

from datetime import date, datetime, time

WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
MONTHS = (
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
)


def written_day(day: date) -> str:
    """2024-05-06 → 'mandag 6. mai 2024'."""
    return f"{WEEKDAYS[day.weekday()]} {day.day}. {MONTHS[day.month - 1]} {day.year}"


def clock(moment: datetime | time) -> str:
    """10:05 → '10.05' (24-hour clock, no 'kl.')."""
    return f"{moment.hour:02d}.{moment.minute:02d}"


def duration(minutes: int) -> str:
    """85 → '1 t 25 min', 60 → '1 t', 40 → '40 min' (whole minutes)."""
    hours, rest = divmod(max(minutes, 0), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} t {rest} min" if rest else f"{hours} t"
