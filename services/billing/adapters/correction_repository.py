"""Recipients flagged for correction: the next billing run settles their invoices of the year."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import and_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from services.billing.adapters.orm import holdings, pending_corrections
from services.billing.application.ports import Flag
from services.platform.db import one_of


class CorrectionFlags:
    def __init__(self, session: Session) -> None:
        self._session = session

    def flag(self, pairs: Iterable[tuple[str, int]], at: datetime) -> None:
        """Flags (account, year) pairs; a pair flagged already is flagged again (its time moves on), so
        that a run which read the old flag and settles it does not clear this newer one (see clear)."""
        rows = [{"account_id": a, "tax_year": y, "flagged_at": at} for a, y in sorted(set(pairs))]
        if not rows:
            return
        dialect = self._session.get_bind().dialect.name
        upsert = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(pending_corrections)
        self._session.execute(
            upsert.on_conflict_do_update(
                index_elements=["account_id", "tax_year"], set_={"flagged_at": upsert.excluded.flagged_at}
            ),
            rows,
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

    def flagged(self, account_ids: Sequence[str], lock: bool = True) -> list[Flag]:
        """The accounts' flags, locked (unless told not to: a preview settles nothing) until the reading
        transaction ends: a correction arriving meanwhile waits, and flags again after it (see flag)."""
        query = select(
            pending_corrections.c.account_id,
            pending_corrections.c.tax_year,
            pending_corrections.c.flagged_at,
        ).where(one_of(self._session, pending_corrections.c.account_id, account_ids))
        rows = self._session.execute(query.with_for_update() if lock else query)
        return [Flag(account_id, year, at) for account_id, year, at in rows.all()]

    def clear(self, settled: Sequence[Flag]) -> None:
        """Removes the flags a run read and settled, and only those: not one set again since."""
        for flag in settled:
            self._session.execute(
                pending_corrections.delete().where(
                    pending_corrections.c.account_id == flag.account_id,
                    pending_corrections.c.tax_year == flag.tax_year,
                    pending_corrections.c.flagged_at == flag.flagged_at,
                )
            )
