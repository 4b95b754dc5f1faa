"""Owners and who owned what, when. Written and read in bulk: an owners file records the changes of
thousands of properties in one transaction with a few statements."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from fractions import Fraction

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from services.assessment.adapters.orm import owners, ownerships
from services.assessment.adapters.repository import chunks
from services.assessment.domain.ownership import OwnerKind, OwnerShare
from services.platform.bulk import bulk_insert


class OwnershipRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def put_owners(self, found: Mapping[str, tuple[OwnerKind, str, str]]) -> None:
        """Owners by reference: (kind, name, sealed identity), each replacing what was stored for it."""
        for part in chunks(sorted(found)):
            self._session.execute(delete(owners).where(owners.c.owner_ref.in_(part)))
        bulk_insert(
            self._session,
            owners,
            [
                {"owner_ref": ref, "kind": kind.value, "name": name, "identity_sealed": sealed}
                for ref, (kind, name, sealed) in sorted(found.items())
            ],
        )

    def latest_starts(self, property_ids: Sequence[str]) -> dict[str, date]:
        """The first day of each property's newest ownership (properties without owners left out)."""
        found: dict[str, date] = {}
        for part in chunks(property_ids):
            rows = self._session.execute(
                select(ownerships.c.property_id, func.max(ownerships.c.valid_from).label("latest"))
                .where(ownerships.c.property_id.in_(part))
                .group_by(ownerships.c.property_id)
            )
            found.update((r.property_id, r.latest) for r in rows)
        return found

    def shares_by_start(
        self, property_ids: Sequence[str]
    ) -> dict[tuple[str, date], set[tuple[str, Fraction]]]:
        """(owner reference, share) of every ownership the properties have had, by (property, first day)."""
        found: dict[tuple[str, date], set[tuple[str, Fraction]]] = {}
        for part in chunks(property_ids):
            rows = self._session.execute(
                select(
                    ownerships.c.property_id,
                    ownerships.c.valid_from,
                    ownerships.c.owner_ref,
                    ownerships.c.share_numerator,
                    ownerships.c.share_denominator,
                ).where(ownerships.c.property_id.in_(part))
            )
            for r in rows:
                found.setdefault((r.property_id, r.valid_from), set()).add(
                    (r.owner_ref, Fraction(r.share_numerator, r.share_denominator))
                )
        return found

    def close_current(self, on: Mapping[str, date]) -> None:
        """Ends each property's current ownership on its day (exclusive)."""
        by_day: dict[date, list[str]] = {}
        for property_id, day in on.items():
            by_day.setdefault(day, []).append(property_id)
        for day, property_ids in sorted(by_day.items()):
            for part in chunks(sorted(property_ids)):
                self._session.execute(
                    update(ownerships)
                    .where(ownerships.c.property_id.in_(part), ownerships.c.valid_to.is_(None))
                    .values(valid_to=day)
                )

    def add_periods(self, periods: Sequence[tuple[str, date, date | None, tuple[OwnerShare, ...]]]) -> None:
        """(property, first day, end (exclusive; None while current), shares) as ownership rows."""
        bulk_insert(
            self._session,
            ownerships,
            [
                {
                    "property_id": property_id,
                    "owner_ref": s.owner_ref,
                    "valid_from": valid_from,
                    "valid_to": valid_to,
                    "share_numerator": s.share.numerator,
                    "share_denominator": s.share.denominator,
                }
                for property_id, valid_from, valid_to, shares in periods
                for s in shares
            ],
        )

    def current(self, property_id: str) -> list[tuple[OwnerShare, date, str]]:
        """(share, owned since, sealed identity) of today's owners."""
        rows = self._session.execute(
            select(ownerships, owners.c.kind, owners.c.name, owners.c.identity_sealed)
            .join(owners, owners.c.owner_ref == ownerships.c.owner_ref)
            .where(ownerships.c.property_id == property_id, ownerships.c.valid_to.is_(None))
            .order_by(owners.c.name)
        )
        return [
            (
                OwnerShare(
                    r.owner_ref, OwnerKind(r.kind), r.name, Fraction(r.share_numerator, r.share_denominator)
                ),
                r.valid_from,
                r.identity_sealed,
            )
            for r in rows
        ]
