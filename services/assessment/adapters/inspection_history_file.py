"""The register's inspection history: past inspections and registered changes, one row per event."""

from __future__ import annotations

from services.assessment.adapters.file_rows import MIB, FileLimits, RowErrors, csv_rows
from services.assessment.domain.inspection_needs import HistoryEvent, HistoryRow
from services.platform.dates import read_day
from services.platform.errors import InvalidInput

# A few events per property: Oslo's 240,000 properties have some hundred thousand inspections a decade.
HISTORY_FILE = FileLimits("an inspection history file", 64 * MIB, 1_000_000)
_EVENTS = ", ".join(e.value for e in HistoryEvent)


def read_inspection_history(content: bytes) -> list[HistoryRow]:
    """Columns property_id, event (inspected, new_building, division, sectioning, fire, demolition; any
    case) and date (YYYY-MM-DD or dd.mm.yyyy); comma or semicolon, UTF-8 with or without BOM. Every bad
    row named by line and column; the same row twice is kept once (its first line)."""
    errors = RowErrors("line")
    _, rows = csv_rows(content, {"property_id", "event", "date"}, HISTORY_FILE, errors=errors)
    parsed: list[HistoryRow] = []
    seen: set[tuple[str, HistoryEvent, object]] = set()
    for line, values in rows:
        before = errors.total
        property_id = values.get("property_id", "")
        if not property_id:
            errors.add(line, "property_id", "is required")
        event: HistoryEvent | None = None
        try:
            event = HistoryEvent(values.get("event", "").lower())
        except ValueError:
            errors.add(line, "event", f"must be one of: {_EVENTS}")
        day = None
        try:
            day = read_day(values.get("date", ""))
        except ValueError as exc:
            errors.add(line, "date", str(exc))
        if errors.total > before or event is None or day is None:
            continue
        if (property_id, event, day) in seen:
            continue
        seen.add((property_id, event, day))
        parsed.append(HistoryRow(line, property_id, event, day))
    errors.raise_if_any()
    if not parsed:
        raise InvalidInput.single("content", "the file has no rows after its header")
    return parsed
