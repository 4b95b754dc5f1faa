"""Reads and writes billing's property records."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from services.billing.adapters.orm import billing_properties
from services.billing.domain.billing_property import BillingProperty
from services.platform.clock import Clock, utc_now


class BillingPropertyRepository:
    def __init__(self, session: Session, clock: Clock = utc_now) -> None:
        self._session = session
        self._clock = clock

    def get(self, property_id: str) -> BillingProperty | None:
        row = self._session.execute(
            select(billing_properties).where(billing_properties.c.property_id == property_id)
        ).first()
        if row is None:
            return None
        return BillingProperty(
            property_id=row.property_id,
            cadastral_id=row.cadastral_id,
            address=row.address,
            category=row.category,
            dwelling_units=row.dwelling_units,
            source_event_id=row.source_event_id,
        )

    def add(self, prop: BillingProperty) -> None:
        self._session.execute(
            insert(billing_properties).values(
                property_id=prop.property_id,
                cadastral_id=prop.cadastral_id,
                address=prop.address,
                category=prop.category,
                dwelling_units=prop.dwelling_units,
                source_event_id=prop.source_event_id,
                created_at=self._clock(),
            )
        )
