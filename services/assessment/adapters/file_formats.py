"""An import file's format, as the request declares it and as its content shows: one check for every import
(property CSV, GeoJSON and GeoPackage files, zones), so that a file given the wrong format is refused
naming `format` before it is read as something it is not."""

from __future__ import annotations

from services.assessment.application.ports import GEOJSON, GPKG
from services.platform.errors import InvalidInput

CSV = "csv"
_SQLITE = b"SQLite format 3\x00"

__all__ = ["CSV", "GEOJSON", "GPKG", "check_format", "content_format"]


def content_format(content: bytes) -> str | None:
    """GEOJSON or GPKG by the content's first bytes, or None when it is neither (a CSV, or unreadable)."""
    if content.startswith(_SQLITE):
        return GPKG
    if content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
        return GEOJSON
    return None


def check_format(content: bytes, declared: str) -> None:
    """Refuses content that is not what the request's format field says."""
    found = content_format(content) or CSV
    if found != declared and not (declared != CSV and found == CSV):  # GeoJSON/GPKG readers name the rest
        raise InvalidInput.single(
            "format", f"is {declared.upper()} but the content is {found.upper()}; give the format it is"
        )
