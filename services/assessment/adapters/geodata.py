"""Geodata files (GeoJSON, GeoPackage) read into WGS 84 lon/lat, their format and CRS checked first.

A GeoJSON is WGS 84 lon/lat (RFC 7946) unless a legacy "crs" member names another CRS; a GeoPackage
names its own. A named CRS that pyproj knows is transformed to the storage CRS; the coordinates are then
checked (services/assessment/domain/coordinates.py), so a file in the wrong place is refused naming the
feature and what to do, before anything is stored."""

from __future__ import annotations

import io
import json
import logging
import warnings
from typing import Any

import shapely

from services.assessment.adapters.file_formats import GEOJSON, check_format, content_format
from services.assessment.adapters.file_rows import FileLimits, RowErrors, check_size
from services.assessment.domain.coordinates import NORWAY, STORAGE_EPSG, Box, coordinate_problems
from services.platform.errors import InvalidInput

log = logging.getLogger(__name__)

# What a person is told when GDAL cannot read the file: never GDAL's own text (it names /vsimem/ paths and
# drivers), which goes to the log instead.
UNREADABLE = "not a readable GeoJSON or GeoPackage file: save it as GeoJSON (RFC 7946) or GeoPackage"

_CRS_EXAMPLE = 'e.g. "crs": {"type": "name", "properties": {"name": "EPSG:25833"}}'


def _named_crs(member: Any) -> Any:
    import pyproj

    name = member.get("properties", {}).get("name") if isinstance(member, dict) else None
    if not isinstance(member, dict) or member.get("type") != "name" or not isinstance(name, str):
        raise InvalidInput.single("crs", f"name the CRS, {_CRS_EXAMPLE}")
    try:
        crs = pyproj.CRS.from_user_input(name[:200])
    except pyproj.exceptions.CRSError:
        raise InvalidInput.single(
            "crs", f"unknown CRS {name[:60]!r}; name one such as EPSG:25833, EPSG:25832 or EPSG:4326"
        ) from None
    if not (crs.is_geographic or crs.is_projected):
        raise InvalidInput.single("crs", f"{name[:60]!r} is not a map CRS; name one such as EPSG:25833")
    return crs


def _geojson_crs(content: bytes) -> Any:
    """The CRS a GeoJSON's legacy "crs" member names, or None (RFC 7946: WGS 84 lon/lat); refuses a
    feature whose property holds a NUL character first."""
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return None  # the reader below names what is wrong with it
    if not isinstance(document, dict):
        return None
    _check_no_nul(document.get("features"))
    member = document.get("crs")
    return None if member is None else _named_crs(member)


def _check_no_nul(features: Any) -> None:
    """GDAL cuts a text at a NUL character ("P\\u0000-1" is read as "P"), so that a property id or a
    name with one would be stored as another: refused, naming the feature and the property."""
    if not isinstance(features, list):
        return
    errors = RowErrors("feature")
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if isinstance(properties, dict):
            for key, value in properties.items():
                if isinstance(value, str) and "\x00" in value:
                    errors.add(number, str(key)[:60], "has a NUL character (\\u0000); remove it")
    errors.raise_if_any()


def _label(crs: Any) -> str:
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else str(crs.name)[:60]


def read_geodata(
    content: bytes, limits: FileLimits, declared: str | None = None, region: Box = NORWAY
) -> Any:
    """A GeoDataFrame in WGS 84 lon/lat from GeoJSON or GeoPackage bytes, every feature's coordinates
    checked (inside `region`: Norway unless the caller studies elsewhere); refuses naming `content` when
    the file is larger (bytes, then features) than `limits` allow, and `format`, `crs` or each feature
    that lies in the wrong place."""
    import geopandas

    check_size(content, limits)
    if declared is not None:
        check_format(content, declared)
    named = _geojson_crs(content) if content_format(content) == GEOJSON else None
    try:
        with warnings.catch_warnings():
            # Read from memory, a GeoPackage has no file name for GDAL to check its extension against.
            warnings.filterwarnings("ignore", message=".*non conformant file extension")
            frame = geopandas.read_file(io.BytesIO(content))
    except Exception as exc:  # GDAL reports unreadable files with several exception types
        log.info("unreadable geodata (%d bytes): %s: %.500s", len(content), type(exc).__name__, exc)
        raise InvalidInput.single("content", UNREADABLE) from exc
    if len(frame) > limits.max_rows:
        raise InvalidInput.single(
            "content",
            f"the file has {len(frame):,} features; {limits.kind} may have at most {limits.max_rows:,}",
        )
    # GDAL says EPSG:4326 for every GeoJSON without a member: that is assumed (RFC 7946), and checked.
    crs = named if content_format(content) == GEOJSON else frame.crs
    geometries = frame.geometry.values
    if crs is not None and crs.is_projected:
        try:
            frame = frame.set_crs(crs, allow_override=True).to_crs(STORAGE_EPSG)
        except Exception as exc:  # pyproj reports a transformation it cannot make with several types
            log.info("cannot transform geodata from %s: %s: %.500s", _label(crs), type(exc).__name__, exc)
            raise InvalidInput.single(
                "crs", f"cannot transform from {_label(crs)}; give the file in EPSG:25833 or EPSG:4326"
            ) from exc
        _check(frame.geometry.values, region, crs=_label(crs))
        return frame
    _check(geometries, region, crs=None)
    if crs is not None and crs.to_epsg() != STORAGE_EPSG:
        frame = frame.set_crs(crs, allow_override=True).to_crs(STORAGE_EPSG)
        _check(frame.geometry.values, region, crs=_label(crs))
    else:
        frame = frame.set_crs(STORAGE_EPSG, allow_override=True)
    return frame


def _check(geometries: Any, region: Box, crs: str | None) -> None:
    coordinates, owners = shapely.get_coordinates(geometries, return_index=True)
    problems = coordinate_problems(coordinates[:, 0], coordinates[:, 1], owners, region, crs=crs)
    if problems:
        errors = RowErrors("feature")
        for index, problem in sorted(problems.items()):
            errors.add(index + 1, "geometry", problem)
        errors.raise_if_any()
