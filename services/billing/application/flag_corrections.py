"""Event handlers' second half: when a tax base is corrected or a property changes hands, everyone who
held the property in the affected years is flagged, so that the next billing run settles what they were
invoiced (a credit note or a supplementary invoice) even when their own interval is not due."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from services.billing.application.ports import CorrectionFlagStore


def flag_holders(flags: CorrectionFlagStore, property_id: str, years: Iterable[int], now: datetime) -> None:
    flags.flag(
        (
            (account_id, year)
            for year in years
            for account_id in flags.holders_between(property_id, date(year, 1, 1), date(year + 1, 1, 1))
        ),
        now,
    )
