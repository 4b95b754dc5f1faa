"""Zone polygons with factors, from GeoJSON or GeoPackage."""

from __future__ import annotations

from decimal import Decimal

import shapely

from services.assessment.adapters.file_rows import ZONES_FILE, RowErrors
from services.assessment.adapters.geodata import read_geodata
from services.assessment.domain.coordinates import NORWAY, Box
from services.assessment.domain.zones import Zone
from services.platform.errors import InvalidInput, Violations
from services.platform.identity import check_free_text
from services.platform.numbers import bounds, read_node

ZONE_FACTOR = bounds("0.1", 10, 6, "1,15")  # a zone's value factor, relative to the standard rate


def read_zones(
    content: bytes,
    id_property: str = "zone_id",
    name_property: str = "name",
    factor_property: str = "factor",
    declared: str | None = None,
    region: Box = NORWAY,
) -> list[Zone]:
    """Zones in WGS 84 lon/lat; `declared` is the request's format (geojson or gpkg), checked. A file whose
    coordinates lie in the wrong place (swapped, metres without a CRS, out of range, outside `region`) is
    refused by feature."""
    frame = read_geodata(content, ZONES_FILE, declared, region)
    missing = sorted({id_property, factor_property} - set(frame.columns))
    if missing:
        raise InvalidInput.single("content", f"features lack the properties: {', '.join(missing)}")
    errors = RowErrors("feature")
    zones: list[Zone] = []
    seen: set[str] = set()
    names = frame[name_property] if name_property in frame.columns else frame[id_property]
    built_up = frame["built_up"] if "built_up" in frame.columns else [True] * len(frame)
    for number, (geometry, zone_id, name, factor_text, is_built_up) in enumerate(
        zip(frame.geometry, frame[id_property], names, frame[factor_property], built_up, strict=True), start=1
    ):
        zone_id = str(zone_id or "").strip()
        if not zone_id or zone_id == "nan":
            errors.add(number, id_property, "is required")
            continue
        if zone_id in seen:
            errors.add(number, id_property, f"zone {zone_id!r} appears twice")
        seen.add(zone_id)
        name = "" if _missing(name) else str(name).strip()
        found = Violations()  # zone ids and names are stored and shown: no identity number in them
        check_free_text(found, id_property, zone_id)
        check_free_text(found, name_property, name)
        for violation in found.items:
            errors.add(number, violation.field, violation.description)
        factor = Decimal(0)
        try:
            factor = read_node(factor_text, ZONE_FACTOR)
        except ValueError as exc:
            errors.add(number, factor_property, str(exc))
        if geometry is None or geometry.geom_type not in ("Polygon", "MultiPolygon"):
            errors.add(number, "geometry", "a zone is a polygon or multipolygon")
            continue
        if not geometry.is_valid:
            reason = shapely.is_valid_reason(geometry)[:120]
            errors.add(
                number, "geometry", f"the polygon is not valid ({reason}); repair it (e.g. make_valid)"
            )
            continue
        if found.count:
            continue
        zones.append(Zone(zone_id, name or zone_id, factor, geometry, bool(is_built_up)))
    errors.raise_if_any()
    if not zones:
        raise InvalidInput.single("content", "no zones in the file")
    return zones


def _missing(value: object) -> bool:
    """A feature without the property: None, or NaN where GDAL fills a column."""
    return value is None or (isinstance(value, float) and value != value)
