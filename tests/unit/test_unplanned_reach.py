"""Issue 14, trial 2: a visit no assessor-day could take even alone (start → visit → start with its minutes
on site longer than the day) says so, rather than blaming more urgent visits (adapters/route_planner.py
_reason), and the plan map says it in Norwegian (adapters/inspection_unplanned_words.py)."""

from __future__ import annotations

import math
import re
from datetime import datetime

import pytest
from pyproj import Transformer

from services.assessment.adapters.inspection_unplanned_words import unplanned_words
from services.assessment.adapters.route_planner import VroomRoutePlanner
from services.assessment.domain.inspection_planning import (
    DEFAULT_SETTINGS,
    Assessor,
    Transport,
    Window,
)
from services.assessment.domain.property import Location
from tests.unit.test_route_planner import MONDAY, OFFICE, TUESDAY, day, problem, visit

pytestmark = pytest.mark.unit
WALKER = Assessor("A3", "Per Fotgjenger", Transport.FOOT, OFFICE, 360)
FAR = Location(10.93, 59.9133)  # some 10 km east of the office: 174 minutes' walk each way
NEAR = Location(10.76, 59.915)
_UTM33 = Transformer.from_crs("EPSG:4326", "EPSG:25833", always_xy=True)
REACH = re.compile(
    r"^no assessor can reach it and back within a day \(shortest: (\d+) min on foot, day 360 min\)$"
)


def _walk(a: Location, b: Location) -> int:
    (ax, bx), (ay, by) = _UTM33.transform([a.lon, b.lon], [a.lat, b.lat])
    metres = math.hypot(ax - bx, ay - by) * float(DEFAULT_SETTINGS.detour_factor)
    return math.ceil(metres / (float(DEFAULT_SETTINGS.speed_kmh[Transport.FOOT]) * 1000 / 60) - 1e-9)


def test_a_visit_too_far_for_the_day_even_alone_says_so_with_the_shortest_trip() -> None:
    urgent = visit(1, FAR, minutes=45)
    easy = [visit(n, NEAR, minutes=20) for n in range(2, 5)]
    answer = VroomRoutePlanner().plan(problem([urgent, *easy], [day(WALKER, MONDAY, 360)], (WALKER,)))
    reasons = {u.property_id: u.reason for u in answer.unplanned}
    assert set(reasons) == {urgent.property_id}
    found = REACH.match(reasons[urgent.property_id])
    assert found is not None, reasons
    assert int(found[1]) == 2 * _walk(OFFICE, FAR) + 45 > 360


def test_the_shortest_trip_over_the_days_is_named() -> None:
    walker_b = Assessor("A4", "Kari Gående", Transport.FOOT, Location(10.90, 59.9133), 360)
    far = visit(1, FAR, minutes=45)
    # A4 starts nearer: the trip fits in A4's day, so it is planned there.
    planned = VroomRoutePlanner().plan(
        problem([far], [day(WALKER, MONDAY, 360), day(walker_b, TUESDAY, 360)], (WALKER, walker_b))
    )
    assert not planned.unplanned
    # A day too short even for A4: the reason names A4's shorter trip.
    short = VroomRoutePlanner().plan(
        problem([far], [day(WALKER, MONDAY, 360), day(walker_b, TUESDAY, 60)], (WALKER, walker_b))
    )
    assert [u.reason for u in short.unplanned] == [
        f"no assessor can reach it and back within a day (shortest: {2 * _walk(walker_b.start, FAR) + 45} "
        "min on foot, day 60 min)"
    ]


def test_an_owners_window_counts_waiting_for_it() -> None:
    # Five km away: there and back fits the day alone, but not after waiting for the owner's window.
    where = Location(10.842, 59.9133)
    noon = Window(datetime(2024, 5, 6, 12), datetime(2024, 5, 6, 12, 15))
    assert 2 * _walk(OFFICE, where) + 45 <= 360 and 4 * 60 + 45 + _walk(OFFICE, where) > 360
    windowed = visit(1, where, minutes=45, windows=(noon,))
    answer = VroomRoutePlanner().plan(problem([windowed], [day(WALKER, MONDAY, 360)], (WALKER,)))
    assert len(answer.unplanned) == 1
    assert answer.unplanned[0].reason.startswith("no assessor can reach it and back within a day")


def test_a_visit_that_fits_alone_but_finds_no_room_says_so() -> None:
    full = [visit(n, NEAR, minutes=100) for n in range(1, 6)]
    answer = VroomRoutePlanner().plan(problem(full, [day(WALKER, MONDAY, 360)], (WALKER,)))
    assert answer.unplanned
    assert all(
        u.reason == "no room in the period: more urgent visits fill the assessors' days"
        for u in answer.unplanned
    )


@pytest.mark.parametrize(
    ("by", "words"),
    [("on foot", "til fots"), ("by bike", "på sykkel"), ("by e-bike", "på elsykkel"), ("by car", "med bil")],
)
def test_the_map_says_it_in_norwegian(by: str, words: str) -> None:
    reason = f"no assessor can reach it and back within a day (shortest: 364 min {by}, day 360 min)"
    assert unplanned_words(reason) == (
        f"ingen taksator rekker fram og tilbake på en arbeidsdag (korteste: 364 min {words}, dagen 360 min)"
    )


def test_the_planners_reason_is_one_the_map_knows() -> None:
    answer = VroomRoutePlanner().plan(problem([visit(1, FAR)], [day(WALKER, MONDAY, 360)], (WALKER,)))
    words = unplanned_words(answer.unplanned[0].reason)
    assert words.startswith("ingen taksator rekker fram og tilbake") and "til fots" in words
