"""An unreadable zones or property file is refused in plain words; GDAL's own text goes to the log only."""

from __future__ import annotations

import logging
import os

import pytest

from services.assessment.adapters.file_rows import FileLimits
from services.assessment.adapters.geodata import UNREADABLE, read_geodata
from services.platform.errors import InvalidInput

pytestmark = pytest.mark.unit

LIMITS = FileLimits("a zones file", 10_000_000, 10_000)


@pytest.mark.parametrize(
    "content",
    [
        b"SQLite format 3\x00" + os.urandom(4096),  # a GeoPackage's header, then noise
        os.urandom(4096),
        b'{"type": "FeatureCollection", "features": [{"type": "Feat',
    ],
)
def test_an_unreadable_file_is_refused_in_plain_words(
    content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.INFO, "services.assessment.adapters.geodata"),
        pytest.raises(InvalidInput) as refused,
    ):
        read_geodata(content, LIMITS)
    assert [(v.field, v.description) for v in refused.value.violations] == [("content", UNREADABLE)]
    assert (
        UNREADABLE == "not a readable GeoJSON or GeoPackage file: save it as GeoJSON (RFC 7946) or GeoPackage"
    )
    assert "unreadable geodata" in caplog.text  # the library's detail, for the operator
