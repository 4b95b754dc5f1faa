"""Property imports: CSV with lon/lat, GeoJSON and GeoPackage."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from services.assessment.adapters.file_formats import CSV, check_format
from services.assessment.adapters.file_rows import (
    PROPERTY_FILE,
    RowErrors,
    check_size,
    csv_rows,
    read_number,
)
from services.assessment.adapters.geodata import read_geodata
from services.assessment.adapters.owner_files import property_row_owner
from services.assessment.application.import_rows import PropertyRow
from services.assessment.domain.coordinates import coordinate_problem
from services.assessment.domain.property import (
    BRA_M2,
    PLOT_M2,
    CadastralId,
    Floor,
    Location,
    PropertyCategory,
    PropertyFacts,
)
from services.platform.errors import InvalidInput
from services.platform.money import Money
from services.platform.numbers import NOK, Bounds, bounds

REQUIRED_COLUMNS = {"property_id", "category"}
# What a register row may plausibly hold; the domain checks the same facts again, whatever brought them.
UNITS = bounds(0, 10000, 0, "1")
BUILD_YEAR = bounds(1000, 2100, 0, "1962")
# Read wide, then checked by the coordinate rules (domain/coordinates.py), which say what is wrong: out of
# range, projected metres, swapped, outside Norway. GIS exports write up to 15 decimals.
LONGITUDE = bounds(-100_000_000, 100_000_000, 15, "10,7522")
LATITUDE = bounds(-100_000_000, 100_000_000, 15, "59,9139")
CSV_REMEDY = "the CSV's lon and lat are WGS 84 degrees: transform the points to EPSG:4326 first"


def _category(text: str) -> PropertyCategory:
    try:
        return PropertyCategory(text.strip().lower())
    except ValueError:
        raise ValueError(
            f"unknown category {text!r}; use one of {', '.join(c.value for c in PropertyCategory)}"
        ) from None


def _row(
    line: int, values: dict[str, Any], errors: RowErrors, location: Location | None
) -> PropertyRow | None:
    before = errors.total
    property_id = str(values.get("property_id") or "").strip()
    if not property_id:
        errors.add(line, "property_id", "is required")
    category: PropertyCategory | None = None
    try:
        category = _category(str(values.get("category") or ""))
    except ValueError as exc:
        errors.add(line, "category", str(exc))

    def number(column: str, limits: Bounds) -> Decimal | None:
        return read_number(values, column, line, errors, limits)

    units = number("units", UNITS)
    housing_value = number("housing_value", NOK)
    bra = number("bra_m2", BRA_M2) or Decimal(0)
    plot = number("plot_m2", PLOT_M2) or Decimal(0)
    build_year = number("build_year", BUILD_YEAR)
    if location is None and (str(values.get("lon") or "") or str(values.get("lat") or "")):
        refused = errors.total
        lon, lat = number("lon", LONGITUDE), number("lat", LATITUDE)
        if lon is not None and lat is not None:
            problem = coordinate_problem([float(lon)], [float(lat)], remedy=CSV_REMEDY)
            if problem:
                errors.add(line, "lon/lat", problem)
            else:
                location = Location(float(lon), float(lat))
        elif errors.total == refused:  # one of them is missing, rather than refused
            errors.add(line, "lon/lat", "both must be given, as WGS84 degrees")
    cadastral = str(values.get("cadastral_id") or "").strip()
    if not cadastral:
        try:
            cadastral = str(CadastralId.parse(property_id))
        except ValueError:
            cadastral = ""
    if errors.total > before or category is None:
        return None
    facts = PropertyFacts(
        cadastral_id=cadastral,
        address=str(values.get("address") or "").strip(),
        category=category,
        dwelling_units=int(units or 0),
        location=location,
        floors=(Floor(1, bra),) if bra > 0 else (),
        plot_m2=plot,
        build_year=int(build_year) if build_year else None,
        exemption_code=str(values.get("exempt_reason") or values.get("exemption_code") or "").strip(),
    )
    return PropertyRow(line, property_id, facts, None if housing_value is None else Money.of(housing_value))


def _check_unique_ids(rows: list[PropertyRow], errors: RowErrors) -> None:
    first_line: dict[str, int] = {}
    for row in rows:
        if row.property_id in first_line:
            errors.add(
                row.line,
                "property_id",
                f"{row.property_id} is also on {errors.unit} {first_line[row.property_id]}",
            )
        first_line.setdefault(row.property_id, row.line)


def read_properties_csv(content: bytes) -> list[PropertyRow]:
    """A register CSV; content that is a GeoJSON or GeoPackage is refused naming `format`. A row that names
    an owner (owner_name, national_id or organisation_number, with from_date, postcode, city …) carries
    its ownership change, read as an owners file's row is."""
    check_size(content, PROPERTY_FILE)
    check_format(content, CSV)
    errors = RowErrors("line")
    _, rows = csv_rows(content, REQUIRED_COLUMNS, errors=errors)
    parsed = []
    for line, values in rows:
        row = _row(line, values, errors, None)
        owners = property_row_owner(line, values, errors) if row is not None else None
        if row is not None:
            parsed.append(replace(row, owners=owners))
    _check_unique_ids(parsed, errors)
    errors.raise_if_any()
    return parsed


def read_properties_geo(content: bytes, declared: str | None = None) -> list[PropertyRow]:
    """Points or parcel polygons; `declared` is the request's format (geojson or gpkg), checked."""
    frame = read_geodata(content, PROPERTY_FILE, declared)
    missing = sorted(REQUIRED_COLUMNS - set(frame.columns))
    if missing:
        raise InvalidInput.single("content", f"features lack the properties: {', '.join(missing)}")
    errors = RowErrors("feature")
    parsed: list[PropertyRow | None] = []
    columns = [c for c in frame.columns if c != "geometry"]
    for number, (geometry, *values) in enumerate(
        zip(frame.geometry, *(frame[c] for c in columns), strict=True), start=1
    ):
        record = {c: ("" if _missing(v) else str(v)) for c, v in zip(columns, values, strict=True)}
        location = None
        wkt = None
        if geometry is None or geometry.is_empty:
            errors.add(number, "geometry", "is missing")
        elif geometry.geom_type == "Point":
            location = Location(float(geometry.x), float(geometry.y))
        elif geometry.geom_type in ("Polygon", "MultiPolygon"):
            if not geometry.is_valid:
                errors.add(number, "geometry", "the parcel polygon is not valid (self-intersecting?)")
            point = geometry.representative_point()
            location = Location(float(point.x), float(point.y))
            wkt = geometry.wkt
        else:
            errors.add(number, "geometry", f"{geometry.geom_type} is neither a point nor a parcel polygon")
        row = _row(number, record, errors, location)
        parsed.append(
            PropertyRow(row.line, row.property_id, row.facts, row.housing_value, wkt) if row else None
        )
    found = [row for row in parsed if row is not None]
    _check_unique_ids(found, errors)
    errors.raise_if_any()
    return found


def _missing(value: Any) -> bool:
    try:
        import pandas

        return bool(pandas.isna(value))
    except (TypeError, ValueError):
        return False
