"""Recipients flagged for correction: the next billing run settles their invoices of the year."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import and_, insert, select
from sqlalchemy.orm import Session

from services.billing.adapters.orm import holdings, pending_corrections
from services.platform.db import one_of


class CorrectionFlags:
    def __init__(self, session: Session) -> None:
        self._session = session

    def flag(self, pairs: Iterable[tuple[str, int]], at: datetime) -> None:
        wanted = set(pairs)
        if not wanted:
            return
        existing = {
            (account, year)
            for account, year in self._session.execute(
                select(pending_corrections.c.account_id, pending_corrections.c.tax_year).where(
                    pending_corrections.c.account_id.in_({account for account, _ in wanted})
                )
            )
        }
        new = sorted(wanted - existing)
        if new:
            self._session.execute(
                insert(pending_corrections),
                [{"account_id": a, "tax_year": y, "flagged_at": at} for a, y in new],
            )

    def holders_between(self, property_id: str, start: date, end: date) -> list[str]:
        """Accounts that held the property on some day of [start, end)."""
        return list(
            self._session.scalars(
                select(holdings.c.account_id)
                .where(
                    holdings.c.property_id == property_id,
                    holdings.c.valid_from < end,
                    and_(holdings.c.valid_to.is_(None) | (holdings.c.valid_to > start)),
                )
                .distinct()
            )
        )

    def flagged(self, account_ids: Sequence[str]) -> dict[str, set[int]]:
        found: dict[str, set[int]] = {}
        rows = self._session.execute(
            select(pending_corrections.c.account_id, pending_corrections.c.tax_year).where(
                one_of(self._session, pending_corrections.c.account_id, account_ids)
            )
        )
        for account_id, year in rows:
            found.setdefault(account_id, set()).add(year)
        return found

    def clear(self, account_ids: Sequence[str]) -> None:
        self._session.execute(
            pending_corrections.delete().where(pending_corrections.c.account_id.in_(account_ids))
        )
