"""The route sheet's map and the assessor's start (adapters/inspection_route_map.py): a day of one stop
shows where it starts as well, unless the start is more than 30 km off; a day of several keeps to its
district when the start is far from it."""

from __future__ import annotations

from typing import Any

import pytest
from reportlab.graphics.shapes import String

from services.assessment.adapters.inspection_route_map import route_drawing, start_near, to_metres
from services.assessment.domain.property import Location
from services.assessment.domain.zones import Zone
from tests.inspection_document_samples import oslo_zones

pytestmark = pytest.mark.unit

OSLO_S = Location(10.7600, 59.9095)
STOVNER = Location(10.9230, 59.9620)  # about 10 km from Oslo S
DRAMMEN = Location(10.2050, 59.7440)  # about 35 km from Stovner


@pytest.fixture(scope="module")
def zones() -> list[Zone]:
    return oslo_zones()


def _texts(drawing: Any) -> list[str]:
    return [shape.text for shape in drawing.contents if isinstance(shape, String)]


def _scale_bar_metres(drawing: Any) -> int:
    label = next(t for t in _texts(drawing) if t.endswith(" m") or t.endswith(" km"))
    number, unit = label.split()
    return int(number) * (1000 if unit == "km" else 1)


def test_a_one_stop_day_maps_the_start_and_the_stop_together(zones: list[Zone]) -> None:
    drawing = route_drawing(OSLO_S, [(1, STOVNER)], zones, width=480.0, min_height=250, max_height=420)

    texts = _texts(drawing)
    assert "Start" in texts and "Start (utenfor kartet)" not in texts
    # Zoomed out to the 10 km between them, not to a block around the stop.
    assert _scale_bar_metres(drawing) >= 1000
    assert "Stovner" in texts


def test_a_one_stop_day_keeps_the_note_when_the_start_is_beyond_30_km(zones: list[Zone]) -> None:
    drawing = route_drawing(DRAMMEN, [(1, STOVNER)], zones, width=480.0, min_height=250, max_height=420)

    texts = _texts(drawing)
    assert "Start (utenfor kartet)" in texts and "Start" not in texts
    assert _scale_bar_metres(drawing) <= 500


def test_the_one_stop_rule_is_the_distance_and_several_stops_keep_the_district_rule() -> None:
    stop = to_metres(STOVNER)
    assert start_near((stop[0] - 29_900.0, stop[1]), [stop])
    assert not start_near((stop[0] - 30_100.0, stop[1]), [stop])
    assert start_near(to_metres(OSLO_S), [stop, stop])  # the same stop twice is still one place
    beside = to_metres(Location(10.9300, 59.9580))
    assert not start_near(to_metres(OSLO_S), [stop, beside])
