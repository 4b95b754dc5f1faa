"""Reads and writes properties."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from services.assessment.adapters.orm import properties
from services.assessment.domain.property import CadastralId, Location, Property, PropertyCategory


def _to_property(row: Any) -> Property:
    location = Location(row.lon, row.lat) if row.lon is not None and row.lat is not None else None
    return Property(
        property_id=row.property_id,
        cadastral_id=CadastralId.parse(row.cadastral_id),
        address=row.address,
        category=PropertyCategory(row.category),
        dwelling_units=row.dwelling_units,
        location=location,
    )


class PropertyRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, prop: Property, registered_at: datetime) -> None:
        self._session.execute(
            insert(properties).values(
                property_id=prop.property_id,
                cadastral_id=str(prop.cadastral_id),
                address=prop.address,
                category=prop.category.value,
                dwelling_units=prop.dwelling_units,
                lon=prop.location.lon if prop.location else None,
                lat=prop.location.lat if prop.location else None,
                registered_at=registered_at,
            )
        )

    def get(self, property_id: str) -> Property | None:
        row = self._session.execute(select(properties).where(properties.c.property_id == property_id)).first()
        return _to_property(row) if row else None

    def exists_cadastral(self, cadastral_id: CadastralId) -> bool:
        found = self._session.execute(
            select(properties.c.property_id).where(properties.c.cadastral_id == str(cadastral_id))
        ).first()
        return found is not None
