"""Dates as people type them on the command line: 2024-02-20 or 20.02.2024. Read before any call, so a
wrong one is named by its flag and says what is wrong ("February 2024 has 29 days"), never "YYYY-MM-DD"
echoed back from an API field. The reading itself is services/platform/dates.py (import files read the
same way)."""

from __future__ import annotations

import argparse

from services.platform.dates import FIRST_YEAR, LAST_YEAR, read_day

__all__ = ["FIRST_YEAR", "LAST_YEAR", "day_arg", "read_day"]


def day_arg(text: str) -> str:
    """An argparse type: a date checked here and sent as YYYY-MM-DD."""
    try:
        return read_day(text).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
