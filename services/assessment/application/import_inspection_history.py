"""Command: import the register's inspection history (past inspections and registered changes); all rows
or none."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from services.assessment.application.import_rows import MAX_REPORTED
from services.assessment.application.ports import AssessmentUnitOfWork
from services.assessment.domain.inspection_needs import HistoryRow
from services.platform.errors import Violations


@dataclass(frozen=True)
class HistoryImported:
    rows: int  # rows read (the same row twice counted once)
    inspections: int  # past inspections newly recorded
    changes: int  # registered changes newly recorded


def import_inspection_history(
    uow: AssessmentUnitOfWork, rows: Sequence[HistoryRow], today: date
) -> HistoryImported:
    """Records each row once (a row stored before is not counted again). Refuses the whole file, naming
    each line and column, when a row's date is after `today` (the request's business date: the history
    is of what has happened) or its property is not in the register."""
    with uow:
        known = uow.properties.existing_ids(sorted({r.property_id for r in rows}))
        refused = [
            (row.line, f"date: {row.day.isoformat()} is after today ({today.isoformat()})")
            for row in rows
            if row.day > today
        ] + [
            (row.line, f"property_id: no property {row.property_id} in the register")
            for row in rows
            if row.property_id not in known
        ]
        _refuse(sorted(refused))
        inspections, changes = uow.inspection_needs.add_history(
            [(r.property_id, r.event, r.day) for r in rows]
        )
        uow.commit()
    return HistoryImported(len(rows), inspections, changes)


def _refuse(refused: list[tuple[int, str]]) -> None:
    """InvalidInput naming each (line, "column: message"), the first MAX_REPORTED of them and a count."""
    problems = Violations()
    for line, message in refused[:MAX_REPORTED]:
        problems.add(f"line {line}", message)
    if len(refused) > MAX_REPORTED:
        problems.add("content", f"… and {len(refused) - MAX_REPORTED} more errors")
    problems.raise_if_any()
