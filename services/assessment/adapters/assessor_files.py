"""Assessors files (issue 14 item 2): who inspects, how they travel, where their day starts and how many
minutes it has. CSV with a header (comma or semicolon, UTF-8 with or without BOM); all or nothing: every
bad row is named by line and column, and no assessor is taken from a file with one."""

from __future__ import annotations

from services.assessment.adapters.file_rows import FileLimits, RowErrors, csv_rows, read_number
from services.assessment.domain.coordinates import coordinate_problem
from services.assessment.domain.inspection_planning import Assessor, Transport
from services.assessment.domain.property import Location
from services.platform.numbers import bounds, read_decimal

COLUMNS = ("assessor_id", "name", "transport", "start_lon", "start_lat", "minutes_per_day")
# An office has tens of assessors; a file of thousands is surely another file.
ASSESSORS_FILE = FileLimits("an assessors file", 1024 * 1024, 1_000)
MIN_MINUTES, MAX_MINUTES = 60, 720  # an hour to twelve hours a day, travel included
_LON = bounds(-180, 180, 9, "10,7522")
_LAT = bounds(-90, 90, 9, "59,9139")
# Wide enough to recognise projected metres (UTM northings run to 10 million) and say so, not "out of range".
_ANY_COORDINATE = bounds(-100_000_000, 100_000_000, 9, "10,7522")
_DEGREES_AT_MOST = 1000  # beyond this a "degree" is surely a metre
_MINUTES = bounds(MIN_MINUTES, MAX_MINUTES, 0, "420")
_TRANSPORTS = ", ".join(t.value for t in Transport)


def read_assessors(content: bytes) -> list[Assessor]:
    """The file's assessors in file order. InvalidInput naming every bad row by line and column: a missing
    column, an empty id or name, an unknown transport, coordinates that are not WGS 84 lon/lat in Norway
    (swapped, projected metres, elsewhere), minutes outside 60–720, an id given twice; a file with no
    assessor."""
    errors = RowErrors("line")
    _, rows = csv_rows(content, set(COLUMNS), ASSESSORS_FILE, errors=errors)
    found: list[Assessor] = []
    first_line: dict[str, int] = {}
    for line, values in rows:
        before = errors.total
        assessor_id = values.get("assessor_id", "")
        if not assessor_id:
            errors.add(line, "assessor_id", "is required")
        elif assessor_id in first_line:
            errors.add(line, "assessor_id", f"{assessor_id} is already on line {first_line[assessor_id]}")
        else:
            first_line[assessor_id] = line
        name = values.get("name", "")
        if not name:
            errors.add(line, "name", "is required")
        transport = values.get("transport", "").lower()
        if transport not in {t.value for t in Transport}:
            errors.add(line, "transport", f"{values.get('transport', '')!r}: choose one of {_TRANSPORTS}")
        metres = _projected_metres(values)
        if metres:
            errors.add(line, "start_lon", metres)
            lon = lat = None
        else:
            lon = read_number(values, "start_lon", line, errors, _LON)
            lat = read_number(values, "start_lat", line, errors, _LAT)
        for column, value in (("start_lon", lon), ("start_lat", lat)):
            if value is None and not values.get(column):
                errors.add(line, column, "is required")
        if lon is not None and lat is not None:
            # Swapped (latitude in longitude's place), elsewhere: the rules the imports share.
            problem = coordinate_problem(
                [float(lon)], [float(lat)], remedy="give WGS 84 degrees, longitude first"
            )
            if problem:
                errors.add(line, "start_lon", problem)
        minutes = read_number(values, "minutes_per_day", line, errors, _MINUTES)
        if minutes is None and not values.get("minutes_per_day"):
            errors.add(line, "minutes_per_day", f"is required ({MIN_MINUTES}–{MAX_MINUTES})")
        if errors.total == before and lon is not None and lat is not None and minutes is not None:
            found.append(
                Assessor(
                    assessor_id, name, Transport(transport), Location(float(lon), float(lat)), int(minutes)
                )
            )
    errors.raise_if_any()
    if not found:
        errors.add(1, "assessor_id", "the file lists no assessor")
        errors.raise_if_any()
    return found


def _projected_metres(values: dict[str, str]) -> str | None:
    """What to do when start_lon/start_lat hold metres of a projection (a GIS export in UTM, say) rather
    than degrees, else None (then the degrees' own checks apply)."""
    written: list[str] = []
    big = False
    for column in ("start_lon", "start_lat"):
        text = str(values.get(column) or "").strip()
        written.append(text)
        try:
            big = big or abs(read_decimal(text, _ANY_COORDINATE)) > _DEGREES_AT_MOST
        except ValueError:
            continue
    if not big:
        return None
    given = [repr(text) for text in written if text]
    verb = "look" if len(given) > 1 else "looks"
    return (
        f"{' and '.join(given)} {verb} like projected metres (e.g. EPSG:25833, UTM zone 33N), not degrees: "
        "the file wants longitude and latitude in degrees (WGS 84), e.g. 10.75 and 59.91"
    )
