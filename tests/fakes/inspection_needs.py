"""Inspection needs, history and field results in memory (application/ports.py InspectionNeedRepository).

The register's entries are read from the fake's properties and housing values, as the SQL repository
reads those tables: give them with `InMemoryInspectionNeeds(properties, housing_values)` (the assessment
fake's unit of work does)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Protocol

from services.assessment.domain.field_results import FieldResult
from services.assessment.domain.inspection_needs import (
    HistoryEvent,
    InspectionNeed,
    NeedStatus,
    RegisterEntry,
)
from services.assessment.domain.property import Property
from services.platform.clock import oslo_date
from services.platform.money import Money


class _Properties(Protocol):
    rows: dict[str, Property]
    registered_at: dict[str, datetime]


class _HousingValues(Protocol):
    values: dict[tuple[str, str, int], Money]


class InMemoryInspectionNeeds:
    def __init__(
        self, properties: _Properties | None = None, housing_values: _HousingValues | None = None
    ) -> None:
        self._properties = properties
        self._housing_values = housing_values
        self.history_rows: list[tuple[str, HistoryEvent, date]] = []
        self.appeals: dict[str, InspectionNeed] = {}  # case id → need (status open or done)
        # (result, valuation id or None, recorded at)
        self.results: list[tuple[FieldResult, str | None, datetime]] = []
        self.result_ids: list[str] = []

    def add_history(self, rows: Sequence[tuple[str, HistoryEvent, date]]) -> tuple[int, int]:
        inspections = changes = 0
        for row in rows:
            if row in self.history_rows:
                continue
            self.history_rows.append(row)
            if row[1] == HistoryEvent.INSPECTED:
                inspections += 1
            else:
                changes += 1
        return inspections, changes

    def history(self, property_ids: Sequence[str]) -> dict[str, list[tuple[HistoryEvent, date]]]:
        wanted = set(property_ids)
        return {pid: rows for pid, rows in self.all_history().items() if pid in wanted}

    def all_history(self) -> dict[str, list[tuple[HistoryEvent, date]]]:
        found: dict[str, list[tuple[HistoryEvent, date]]] = {}
        for pid, event, day in sorted(self.history_rows, key=lambda r: (r[0], r[2], r[1].value)):
            found.setdefault(pid, []).append((event, day))
        return found

    def register_entries(self) -> list[RegisterEntry]:
        if self._properties is None:
            return []
        valued = {
            pid
            for (pid, _, _), value in (self._housing_values.values if self._housing_values else {}).items()
            if value.ore > 0
        }
        return [
            RegisterEntry(
                prop.property_id,
                prop.address,
                prop.exemption_code,
                oslo_date(self._properties.registered_at[prop.property_id]),
                prop.property_id in valued,
            )
            for _, prop in sorted(self._properties.rows.items())
        ]

    def queue_appeal(self, need: InspectionNeed) -> None:
        self.appeals[need.appeal_case_id] = replace(need, status=NeedStatus.OPEN)

    def appeal_needs(self) -> list[InspectionNeed]:
        return [n for _, n in sorted(self.appeals.items()) if n.status == NeedStatus.OPEN]

    def mark_done(self, property_id: str, on: date) -> list[InspectionNeed]:
        closed = [n for n in self.appeal_needs() if n.property_id == property_id and n.since <= on]
        for need in closed:
            self.appeals[need.appeal_case_id] = replace(need, status=NeedStatus.DONE)
        return closed

    def add_result(
        self, result: FieldResult, result_id: str, valuation_id: str | None, recorded_at: datetime
    ) -> None:
        self.results.append((result, valuation_id, recorded_at))
        self.result_ids.append(result_id)
