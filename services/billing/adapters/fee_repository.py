"""Fee schedules, billing's fee facts per property and meter readings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from services.billing.adapters.fee_schedule_file import read_fee_schedule
from services.billing.adapters.orm import billing_properties, fee_facts, fee_schedules, meter_readings
from services.billing.application.ports import OwnFacts, StoredSchedule
from services.billing.domain.fee_schedule import FeeFacts, FeeSchedule, category_key
from services.platform.db import one_of

_CHUNK = 5000


class FeeScheduleRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, year: int, document: str, at: datetime) -> int:
        latest = self._session.scalar(
            select(func.max(fee_schedules.c.version)).where(fee_schedules.c.year == year)
        )
        version = int(latest or 0) + 1
        self._session.execute(
            insert(fee_schedules).values(year=year, version=version, document=document, stored_at=at)
        )
        return version

    def current(self, year: int) -> StoredSchedule | None:
        row = self._session.execute(
            select(fee_schedules)
            .where(fee_schedules.c.year == year)
            .order_by(fee_schedules.c.version.desc())
            .limit(1)
        ).first()
        return StoredSchedule(row.year, row.version, row.document, row.stored_at) if row else None

    def current_schedule(self, year: int) -> FeeSchedule | None:
        """The year's current schedule, read from its stored document (checked when it was put)."""
        stored = self.current(year)
        return read_fee_schedule(stored.document) if stored else None


class FeeFactsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def is_known(self, property_id: str) -> bool:
        found = self._session.scalar(
            select(billing_properties.c.property_id).where(billing_properties.c.property_id == property_id)
        )
        return found is not None

    def own(self, property_id: str) -> OwnFacts:
        row = self._session.execute(select(fee_facts).where(fee_facts.c.property_id == property_id)).first()
        if row is None:
            return OwnFacts()
        return OwnFacts(row.chimneys, row.connected_to_water, row.summer_only, row.no_wc)

    def set_own(self, property_id: str, facts: OwnFacts, at: datetime) -> None:
        self._session.execute(fee_facts.delete().where(fee_facts.c.property_id == property_id))
        self._session.execute(
            insert(fee_facts).values(
                property_id=property_id,
                chimneys=facts.chimneys,
                connected_to_water=facts.connected_to_water,
                summer_only=facts.summer_only,
                no_wc=facts.no_wc,
                updated_at=at,
            )
        )

    def meter_reading(self, property_id: str, year: int) -> Decimal | None:
        return self._session.scalar(
            select(meter_readings.c.m3).where(
                meter_readings.c.property_id == property_id, meter_readings.c.year == year
            )
        )

    def record_meter_reading(self, property_id: str, year: int, m3: Decimal, at: datetime) -> None:
        self._session.execute(
            meter_readings.delete().where(
                meter_readings.c.property_id == property_id, meter_readings.c.year == year
            )
        )
        self._session.execute(
            insert(meter_readings).values(property_id=property_id, year=year, m3=m3, recorded_at=at)
        )

    def facts_for(self, property_ids: Sequence[str], year: int) -> dict[str, FeeFacts]:
        """Everything the year's fees depend on, for the properties billing knows."""
        found: dict[str, FeeFacts] = {}
        for start in range(0, len(property_ids), _CHUNK):
            chunk = property_ids[start : start + _CHUNK]
            own = {
                r.property_id: OwnFacts(r.chimneys, r.connected_to_water, r.summer_only, r.no_wc)
                for r in self._session.execute(
                    select(fee_facts).where(one_of(self._session, fee_facts.c.property_id, chunk))
                ).all()
            }
            metered: dict[str, Decimal] = {
                pid: m3
                for pid, m3 in self._session.execute(
                    select(meter_readings.c.property_id, meter_readings.c.m3).where(
                        one_of(self._session, meter_readings.c.property_id, chunk),
                        meter_readings.c.year == year,
                    )
                ).all()
            }
            rows = self._session.execute(
                select(
                    billing_properties.c.property_id,
                    billing_properties.c.category,
                    billing_properties.c.dwelling_units,
                    billing_properties.c.bra_m2,
                ).where(one_of(self._session, billing_properties.c.property_id, chunk))
            )
            none = OwnFacts()  # a property without a row of its own has the defaults
            for property_id, category, units, bra_m2 in rows.all():
                facts = own.get(property_id, none)
                found[property_id] = FeeFacts(
                    category=category_key(category),
                    units=units,
                    bra_m2=bra_m2,
                    chimneys=facts.chimneys,
                    metered_m3=metered.get(property_id),
                    connected_to_water=facts.connected_to_water,
                    summer_only=facts.summer_only,
                    no_wc=facts.no_wc,
                )
        return found
