"""AvtaleGiro agreements in SQL (application/avtalegiro_ports.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, all_, and_, bindparam, case, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from services.billing.adapters.orm import avtalegiro_agreements, avtalegiro_files
from services.billing.domain.avtalegiro import Agreement, AgreementChange, EndedBy
from services.platform.db import one_of

_COLUMNS = (
    avtalegiro_agreements.c.kid,
    avtalegiro_agreements.c.account_id,
    avtalegiro_agreements.c.active,
    avtalegiro_agreements.c.notify,
    avtalegiro_agreements.c.registered_on,
    avtalegiro_agreements.c.active_since,
    avtalegiro_agreements.c.ended_by,
)


class AgreementRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def apply(
        self, changes: Sequence[AgreementChange], accounts: Mapping[str, str], on: date, at: datetime
    ) -> None:
        """One upsert statement for all changes (the bank reports each KID's state, so the row is
        overwritten, not versioned: the file itself is the history)."""
        last = {change.kid: change for change in changes}  # a KID changed twice ends as its last change says
        rows = [
            {
                "kid": change.kid,
                "account_id": accounts[change.kid],
                "active": change.active,
                "notify": change.notify,
                "registered_on": on,
                "updated_at": at,
                "active_since": on if change.active else None,
                "ended_by": None if change.ended_by is None else change.ended_by.value,
            }
            for change in last.values()
        ]
        if not rows:
            return
        dialect = self._session.get_bind().dialect.name
        upsert = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(avtalegiro_agreements)
        kept, new = avtalegiro_agreements.c, upsert.excluded
        # A change of the bank-notice choice alone keeps the day the agreement became active.
        same_standing = and_(kept.active == new.active, kept.account_id == new.account_id)
        registered_on = case((same_standing, kept.registered_on), else_=new.registered_on)
        # Made active now (new, signed again, moved): from today; otherwise (kept, or ended) as it was.
        became_active = and_(new.active, ~and_(kept.active, kept.account_id == new.account_id))
        active_since = case((became_active, new.registered_on), else_=kept.active_since)
        self._session.execute(
            upsert.on_conflict_do_update(
                index_elements=["kid"],
                set_={
                    **{
                        name: new[name]
                        for name in ("account_id", "active", "notify", "updated_at", "ended_by")
                    },
                    "registered_on": registered_on,
                    "active_since": active_since,
                },
            ),
            rows,
        )

    def active_for(self, account_ids: Sequence[str]) -> dict[str, Agreement]:
        if not account_ids:
            return {}
        rows = self._session.execute(
            select(*_COLUMNS)
            .where(
                one_of(self._session, avtalegiro_agreements.c.account_id, list(account_ids)),
                avtalegiro_agreements.c.active.is_(True),
            )
            .order_by(avtalegiro_agreements.c.registered_on, avtalegiro_agreements.c.updated_at)
        )
        # ordered oldest first: an account's last registered active agreement is the one kept
        return {row.account_id: _agreement(row) for row in rows}

    def file_received_on(self, sha256: str) -> date | None:
        files = avtalegiro_files.c
        found: date | None = self._session.scalar(select(files.received_on).where(files.sha256 == sha256))
        return found

    def latest_file_sent_on(self) -> date | None:
        latest: date | None = self._session.scalar(select(func.max(avtalegiro_files.c.sent_on)))
        return latest

    def transmission_received_on(self, transmission: str) -> date | None:
        files = avtalegiro_files.c
        found: date | None = self._session.scalar(
            select(files.received_on).where(files.transmission == transmission)
        )
        return found

    def add_file(
        self, sha256: str, sent_on: date | None, received_on: date, at: datetime, transmission: str = ""
    ) -> None:
        self._session.execute(
            insert(avtalegiro_files).values(
                sha256=sha256,
                sent_on=sent_on,
                received_on=received_on,
                recorded_at=at,
                transmission=transmission or None,
            )
        )

    def latest_registered_on(self) -> date | None:
        latest: date | None = self._session.scalar(select(func.max(avtalegiro_agreements.c.registered_on)))
        return latest

    def active_not_in(self, kids: Sequence[str]) -> list[Agreement]:
        query = select(*_COLUMNS).where(avtalegiro_agreements.c.active.is_(True))
        postgresql = self._session.get_bind().dialect.name == "postgresql"
        if kids and postgresql:
            # one array parameter however many KIDs (a full list holds every agreement of the municipality)
            listed = bindparam(None, list(kids), type_=ARRAY(avtalegiro_agreements.c.kid.type))
            query = query.where(avtalegiro_agreements.c.kid != all_(listed))
        rows = self._session.execute(query.order_by(avtalegiro_agreements.c.kid))
        # SQLite has no arrays, and a NOT IN of tens of thousands of KIDs passes its limit of bound
        # parameters: there the active ones are read and the listed left out here
        listed_kids = set(kids) if not postgresql else set()
        return [_agreement(row) for row in rows if row.kid not in listed_kids]

    def get(self, kid: str) -> Agreement | None:
        row = self._session.execute(select(*_COLUMNS).where(avtalegiro_agreements.c.kid == kid)).first()
        return None if row is None else _agreement(row)

    def get_many(self, kids: Sequence[str]) -> dict[str, Agreement]:
        if not kids:
            return {}
        rows = self._session.execute(
            select(*_COLUMNS).where(one_of(self._session, avtalegiro_agreements.c.kid, list(kids)))
        )
        return {row.kid: _agreement(row) for row in rows}


def _agreement(row: Row[Any, Any, Any, Any, Any, Any, Any]) -> Agreement:
    return Agreement(
        kid=row.kid,
        account_id=row.account_id,
        active=row.active,
        notify=row.notify,
        registered_on=row.registered_on,
        active_since=row.active_since,
        ended_by=None if row.ended_by is None else EndedBy(row.ended_by),
    )
