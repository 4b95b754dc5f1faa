"""Owners and who owned what, when."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from services.assessment.adapters.orm import owners, ownerships
from services.assessment.domain.ownership import OwnerKind, OwnerShare


class OwnershipRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def put_owner(self, owner_ref: str, kind: OwnerKind, name: str, identity_sealed: str) -> None:
        self._session.execute(delete(owners).where(owners.c.owner_ref == owner_ref))
        self._session.execute(
            insert(owners).values(
                owner_ref=owner_ref, kind=kind.value, name=name, identity_sealed=identity_sealed
            )
        )

    def latest_start(self, property_id: str) -> date | None:
        found: date | None = self._session.scalar(
            select(func.max(ownerships.c.valid_from)).where(ownerships.c.property_id == property_id)
        )
        return found

    def shares_from(self, property_id: str, valid_from: date) -> set[tuple[str, Fraction]]:
        """(owner reference, share) of the ownership of the property that began on `valid_from`."""
        rows = self._session.execute(
            select(
                ownerships.c.owner_ref, ownerships.c.share_numerator, ownerships.c.share_denominator
            ).where(ownerships.c.property_id == property_id, ownerships.c.valid_from == valid_from)
        )
        return {(r.owner_ref, Fraction(r.share_numerator, r.share_denominator)) for r in rows}

    def close_current(self, property_id: str, on: date) -> None:
        self._session.execute(
            update(ownerships)
            .where(ownerships.c.property_id == property_id, ownerships.c.valid_to.is_(None))
            .values(valid_to=on)
        )

    def add_shares(self, property_id: str, valid_from: date, shares: tuple[OwnerShare, ...]) -> None:
        self._session.execute(
            insert(ownerships),
            [
                {
                    "property_id": property_id,
                    "owner_ref": s.owner_ref,
                    "valid_from": valid_from,
                    "valid_to": None,
                    "share_numerator": s.share.numerator,
                    "share_denominator": s.share.denominator,
                }
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
