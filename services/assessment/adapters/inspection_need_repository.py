"""Inspection needs over SQL (implements application/ports.py InspectionNeedRepository): the inspection
history and registered changes, appeal cases' requests, field results, and the bulk reads of the register
that reckoning every property's need takes (a few queries for 240,000 properties, never one per property)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, and_, select, update
from sqlalchemy.orm import Session

from services.assessment.adapters.orm import (
    housing_values,
    inspection_appeal_needs,
    inspection_history,
    inspection_results,
    properties,
)
from services.assessment.adapters.repository import chunks
from services.assessment.domain.field_results import FieldResult
from services.assessment.domain.inspection_needs import (
    HistoryEvent,
    InspectionNeed,
    InspectionReason,
    NeedStatus,
    RegisterEntry,
)
from services.platform.bulk import bulk_insert
from services.platform.clock import oslo_date, utc_now

OPEN, DONE = NeedStatus.OPEN.value, NeedStatus.DONE.value
HistoryKey = tuple[str, HistoryEvent, date]


class InspectionNeedRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_history(self, rows: Sequence[HistoryKey]) -> tuple[int, int]:
        """Each (property, event, day) row kept once, whatever was stored before; returns the (inspections,
        changes) newly recorded."""
        wanted = list(dict.fromkeys(rows))
        new: list[HistoryKey] = []
        for part in chunks(wanted, 1000):
            keys = [(pid, event.value, day) for pid, event, day in part]
            query = _history_query().where(inspection_history.c.property_id.in_(sorted({k[0] for k in keys})))
            stored = {(r.property_id, r.event, r.day) for r in self.session.execute(query)}
            new += [row for row, key in zip(part, keys, strict=True) if key not in stored]
        at = utc_now()
        bulk_insert(
            self.session,
            inspection_history,
            [{"property_id": p, "event": e.value, "day": d, "recorded_at": at} for p, e, d in new],
        )
        inspections = sum(1 for _, event, _ in new if event == HistoryEvent.INSPECTED)
        return inspections, len(new) - inspections

    def history(self, property_ids: Sequence[str]) -> dict[str, list[tuple[HistoryEvent, date]]]:
        found: dict[str, list[tuple[HistoryEvent, date]]] = {}
        for part in chunks(list(property_ids)):
            query = _history_query().where(inspection_history.c.property_id.in_(part))
            for row in self.session.execute(query):
                found.setdefault(row.property_id, []).append((HistoryEvent(row.event), row.day))
        return found

    def all_history(self) -> dict[str, list[tuple[HistoryEvent, date]]]:
        found: dict[str, list[tuple[HistoryEvent, date]]] = {}
        events = {e.value: e for e in HistoryEvent}
        for property_id, event, day in self.session.execute(_history_query()).all():
            found.setdefault(property_id, []).append((events[event], day))
        return found

    def register_entries(self) -> list[RegisterEntry]:
        valued = (
            select(housing_values.c.property_id)
            .where(housing_values.c.value_ore > 0)
            .group_by(housing_values.c.property_id)
            .subquery()
        )
        query = (
            select(
                properties.c.property_id,
                properties.c.address,
                properties.c.exemption_code,
                properties.c.registered_at,
                valued.c.property_id.is_not(None).label("has_housing_value"),
            )
            .outerjoin(valued, valued.c.property_id == properties.c.property_id)
            .order_by(properties.c.property_id)
        )
        # An import registers thousands of properties at one instant: each instant's day is reckoned once.
        days: dict[datetime, date] = {}
        found: list[RegisterEntry] = []
        for pid, address, code, registered_at, has_value in self.session.execute(query).all():
            registered_on = days.get(registered_at)
            if registered_on is None:
                registered_on = days[registered_at] = oslo_date(_aware(registered_at))
            found.append(RegisterEntry(pid, address, code, registered_on, bool(has_value)))
        return found

    def queue_appeal(self, need: InspectionNeed) -> None:
        """The case's need, replacing an earlier one of the same case (a request made again), open again."""
        self.session.execute(
            inspection_appeal_needs.delete().where(inspection_appeal_needs.c.case_id == need.appeal_case_id)
        )
        self.session.execute(
            inspection_appeal_needs.insert().values(
                case_id=need.appeal_case_id,
                property_id=need.property_id,
                since=need.since,
                needed_by=need.needed_by,
                note=need.detail,
                status=OPEN,
                done_on=None,
                noted_at=utc_now(),
            )
        )

    def appeal_needs(self) -> list[InspectionNeed]:
        query = (
            select(inspection_appeal_needs)
            .where(inspection_appeal_needs.c.status == OPEN)
            .order_by(inspection_appeal_needs.c.case_id)
        )
        return [_appeal_need(r) for r in self.session.execute(query)]

    def mark_done(self, property_id: str, on: date) -> list[InspectionNeed]:
        """Closes the property's open appeal needs requested on or before `on` (an inspection cannot answer
        a request made after it); returns them, in case id order."""
        table = inspection_appeal_needs
        where = and_(table.c.property_id == property_id, table.c.status == OPEN, table.c.since <= on)
        query = select(table).where(where).order_by(table.c.case_id)
        closed = [_appeal_need(r) for r in self.session.execute(query)]
        if closed:
            self.session.execute(update(table).where(where).values(status=DONE, done_on=on))
        return closed

    def add_result(
        self, result: FieldResult, result_id: str, valuation_id: str | None, recorded_at: datetime
    ) -> None:
        body = {
            "floors": [[f.level, str(f.bra_m2)] for f in result.floors],
            "plot_m2": None if result.plot_m2 is None else str(result.plot_m2),
            "inner_factor": str(result.inner_factor),
            "inner_reason": result.inner_reason,
            "outer_factor": str(result.outer_factor),
            "outer_reason": result.outer_reason,
            "notes": result.notes,
            "photo_refs": list(result.photo_refs),
        }
        self.session.execute(
            inspection_results.insert().values(
                result_id=result_id,
                valuation_id=valuation_id,
                property_id=result.property_id,
                inspected_on=result.inspected_on,
                assessor_id=result.assessor_id,
                body=json.dumps(body, ensure_ascii=False),
                recorded_at=recorded_at,
            )
        )


def _history_query() -> Select[Any]:
    return select(
        inspection_history.c.property_id, inspection_history.c.event, inspection_history.c.day
    ).order_by(inspection_history.c.property_id, inspection_history.c.day, inspection_history.c.event)


def _appeal_need(row: Any) -> InspectionNeed:
    return InspectionNeed(
        property_id=row.property_id,
        reason=InspectionReason.APPEAL,
        detail=row.note,
        since=row.since,
        needed_by=row.needed_by,
        appeal_case_id=row.case_id,
        status=NeedStatus(row.status),
    )


def _aware(moment: datetime) -> datetime:
    # SQLite gives back the UTC instants the columns were written with, but without their zone.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
