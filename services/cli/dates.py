"""Dates as people type them on the command line: 2024-02-20 or 20.02.2024. Read before any call, so a
wrong one is named by its flag and says what is wrong ("February 2024 has 29 days"), never "YYYY-MM-DD"
echoed back from an API field. The reading itself is services/platform/dates.py (import files read the
same way)."""

from __future__ import annotations

import argparse

from services.cli.common import BadInput
from services.cli.output import day
from services.platform.dates import FIRST_YEAR, LAST_YEAR, read_day

__all__ = ["FIRST_YEAR", "LAST_YEAR", "check_period", "day_arg", "read_day"]


def day_arg(text: str) -> str:
    """An argparse type: a date checked here and sent as YYYY-MM-DD."""
    try:
        return read_day(text).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def check_period(
    first: str | None, last: str | None, first_flag: str = "--from", last_flag: str = "--to"
) -> None:
    """A period given as two day_arg flags, refused before calling when it starts after its last day: in
    the officer's flags and dates ("--from 30.06.2024 is after --to 01.01.2024"), not a service field's
    name. Either left out is no period to check."""
    if first and last and first > last:  # both YYYY-MM-DD, so text order is date order
        raise BadInput(f"{first_flag} {day(first)} is after {last_flag} {day(last)}")
