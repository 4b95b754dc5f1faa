"""Issue 14 trial fix: the window an owner is told lies inside the hours they asked for (an owner who
asked for 10:00–12:00 was told 09:30–11:30): domain/inspection_planning.py notice_window, and the route
planner that makes the stops' windows (adapters/route_planner.py)."""

from __future__ import annotations

from datetime import datetime

import pytest

from services.assessment.adapters.route_planner import VroomRoutePlanner
from services.assessment.domain.inspection_needs import InspectionReason
from services.assessment.domain.inspection_planning import Window, notice_window
from tests.unit.test_route_planner import CAR, MONDAY, day, problem, scattered, visit

pytestmark = pytest.mark.unit
DAY_STARTS = datetime(2024, 5, 6, 8, 0)


def at(hours: int, minutes: int = 0) -> datetime:
    return datetime(2024, 5, 6, hours, minutes)


def test_without_an_owners_window_the_told_window_lies_around_the_arrival() -> None:
    assert notice_window(at(10), DAY_STARTS) == Window(at(9, 30), at(11, 30))
    assert notice_window(at(10, 5), DAY_STARTS) == Window(at(10), at(12))
    assert notice_window(at(8, 10), DAY_STARTS) == Window(at(8), at(10))


@pytest.mark.parametrize(
    ("arrive", "asked", "told"),
    [
        (at(10), (at(10), at(12)), (at(10), at(12))),  # 09:30–11:30 would start before the owner's
        (at(11, 50), (at(10), at(12)), (at(10), at(12))),  # 11:30–13:30 would end after it
        (at(11, 10), (at(10), at(14)), (at(11), at(13))),  # inside already: as without
        (at(13, 40), (at(10), at(14)), (at(12), at(14))),
        (at(10, 20), (at(10), at(11)), (at(10), at(11))),  # an hour asked for: that hour
    ],
)
def test_the_told_window_lies_inside_the_hours_the_owner_asked_for(
    arrive: datetime, asked: tuple[datetime, datetime], told: tuple[datetime, datetime]
) -> None:
    elsewhere = Window(datetime(2024, 5, 7, 10), datetime(2024, 5, 7, 12))  # the same hours another day
    assert notice_window(arrive, DAY_STARTS, 120, (elsewhere, Window(*asked))) == Window(*told)


def test_the_planner_tells_owners_who_asked_for_10_to_12_a_window_within_it() -> None:
    places = scattered(12, seed=5, spread=0.02)
    asked = Window(at(10), at(12))
    visits = [visit(n, where) for n, where in enumerate(places, start=1)]
    wishing = [visit(70 + n, places[n], InspectionReason.NEVER_INSPECTED, windows=(asked,)) for n in range(3)]
    answer = VroomRoutePlanner().plan(problem([*visits, *wishing], [day(CAR, MONDAY)], assessors=(CAR,)))
    stops = {s.property_id: s for r in answer.days for s in r.stops}
    told = [stops[v.property_id] for v in wishing if v.property_id in stops]
    assert len(told) == 3
    assert any(s.arrive > at(10, 30) for s in told)  # an arrival that would have been told past 12:00
    for stop in told:
        assert asked.start <= stop.window.start and stop.window.end <= asked.end, stop
        assert stop.window.start <= stop.arrive <= stop.window.end
