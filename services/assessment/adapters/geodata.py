"""Geodata files (GeoJSON, GeoPackage) read into WGS 84 lon/lat, their format and CRS checked first.

A GeoJSON is WGS 84 lon/lat (RFC 7946) unless a legacy "crs" member names another CRS; a GeoPackage
names its own. A named CRS that pyproj knows is transformed to the storage CRS; the coordinates are then
checked (services/assessment/domain/coordinates.py), so a file in the wrong place is refused naming the
feature and what to do, before anything is stored."""

from __future__ import annotations

import io
import json
import warnings
from typing import Any

import shapely

from services.assessment.adapters.file_rows import FileLimits, RowErrors, check_size
from services.assessment.domain.coordinates import STORAGE_EPSG, coordinate_problems
from services.platform.errors import InvalidInput

GEOJSON = "geojson"
GPKG = "gpkg"
_SQLITE = b"SQLite format 3\x00"
_CRS_EXAMPLE = 'e.g. "crs": {"type": "name", "properties": {"name": "EPSG:25833"}}'


def content_format(content: bytes) -> str | None:
    """GEOJSON or GPKG by the content's first bytes, or None when it is neither."""
    if content.startswith(_SQLITE):
        return GPKG
    if content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
        return GEOJSON
    return None


def check_format(content: bytes, declared: str) -> None:
    """Refuses content that is not what the request's format field says."""
    found = content_format(content)
    if found is not None and found != declared:
        raise InvalidInput.single(
            "format", f"is {declared.upper()} but the content is {found.upper()}; give the format it is"
        )


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
    """The CRS a GeoJSON's legacy "crs" member names, or None (RFC 7946: WGS 84 lon/lat)."""
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return None  # the reader below names what is wrong with it
    member = document.get("crs") if isinstance(document, dict) else None
    return None if member is None else _named_crs(member)


def _label(crs: Any) -> str:
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else str(crs.name)[:60]


def read_geodata(content: bytes, limits: FileLimits, declared: str | None = None) -> Any:
    """A GeoDataFrame in WGS 84 lon/lat from GeoJSON or GeoPackage bytes, every feature's coordinates
    checked; refuses naming `content` when the file is larger (bytes, then features) than `limits` allow,
    and `format`, `crs` or each feature that lies in the wrong place."""
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
        raise InvalidInput.single(
            "content", f"not a readable GeoJSON or GeoPackage: {str(exc)[:200]}"
        ) from exc
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
            raise InvalidInput.single(
                "crs", f"cannot transform from {_label(crs)}: {str(exc)[:120]}"
            ) from exc
        _check(frame.geometry.values, crs=_label(crs))
        return frame
    _check(geometries, crs=None)
    if crs is not None and crs.to_epsg() != STORAGE_EPSG:
        frame = frame.set_crs(crs, allow_override=True).to_crs(STORAGE_EPSG)
        _check(frame.geometry.values, crs=_label(crs))
    else:
        frame = frame.set_crs(STORAGE_EPSG, allow_override=True)
    return frame


def _check(geometries: Any, crs: str | None) -> None:
    coordinates, owners = shapely.get_coordinates(geometries, return_index=True)
    problems = coordinate_problems(coordinates[:, 0], coordinates[:, 1], owners, crs=crs)
    if problems:
        errors = RowErrors("feature")
        for index, problem in sorted(problems.items()):
            errors.add(index + 1, "geometry", problem)
        errors.raise_if_any()
