"""A simple greedy route planner for unit tests of the planning commands (application/ports.py
RoutePlanner): it keeps the problem's rules — pins, windows, promised windows, latest days, the day's
minutes with the way back — without caring much for short routes (the real one is adapters/
route_planner.py). Pinned visits go first to their assessor-day, then the free ones in the order given
(most urgent first), each appended to the first assessor-day where it fits."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal

from services.assessment.domain.inspection_planning import (
    AssessorDay,
    DayRoute,
    PlanningProblem,
    PlanningSolution,
    Stop,
    Unplanned,
    Visit,
    Window,
    notice_window,
)
from services.assessment.domain.property import Location

NO_ROOM = "no room in the assessors' days"
TOO_LATE = "no assessor-day before its latest day"


def km(a: Location, b: Location) -> float:
    """Straight line on a local flat earth (enough for a test)."""
    dx = (a.lon - b.lon) * 111.32 * math.cos(math.radians((a.lat + b.lat) / 2))
    dy = (a.lat - b.lat) * 110.57
    return math.hypot(dx, dy)


@dataclass
class _Day:
    slot: AssessorDay
    start: Location
    speed_kmh: float
    detour: float
    now: datetime
    here: Location
    stops: list[Stop] = field(default_factory=list)
    km_so_far: float = 0.0
    travel: float = 0.0

    def minutes_to(self, where: Location) -> float:
        return km(self.here, where) * self.detour / self.speed_kmh * 60

    def try_add(self, visit: Visit, minutes_window: int) -> bool:
        if visit.latest_day is not None and self.slot.day > visit.latest_day:
            return False
        arrive = self.now + timedelta(minutes=math.ceil(self.minutes_to(visit.location)))
        windows = (visit.promised,) if visit.promised else visit.windows
        if windows:
            fitting = [w for w in windows if w.start.date() == self.slot.day and arrive <= w.end]
            if not fitting:
                return False
            arrive = max(arrive, min(w.start for w in fitting))
        leave = arrive + timedelta(minutes=visit.minutes)
        back = km(visit.location, self.start) * self.detour / self.speed_kmh * 60
        if leave + timedelta(minutes=back) > self.slot.starts_at + timedelta(minutes=self.slot.minutes):
            return False
        window = visit.promised or notice_window(arrive, self.slot.starts_at, minutes_window, visit.windows)
        distance = km(self.here, visit.location) * self.detour
        self.km_so_far += distance
        self.travel += self.minutes_to(visit.location)
        self.stops.append(Stop(visit.property_id, arrive, leave, window))
        self.now, self.here = leave, visit.location
        return True

    def route(self) -> DayRoute:
        back = km(self.here, self.start) * self.detour
        total = self.km_so_far + back if self.stops else 0.0
        travel = self.travel + (back / self.speed_kmh * 60 if self.stops else 0.0)
        return DayRoute(
            self.slot.assessor_id,
            self.slot.day,
            tuple(self.stops),
            Decimal(str(round(total, 3))).quantize(Decimal("0.001")),
            round(travel),
        )


class GreedyRoutePlanner:
    def __init__(self) -> None:
        self.problems: list[PlanningProblem] = []  # what it was asked, for tests to look at

    def plan(self, problem: PlanningProblem) -> PlanningSolution:
        self.problems.append(problem)
        settings = problem.settings
        days: dict[tuple[str, object], _Day] = {}
        for slot in problem.days:
            assessor = problem.assessors[slot.assessor_id]
            days[(slot.assessor_id, slot.day)] = _Day(
                slot,
                assessor.start,
                float(settings.speed_kmh[assessor.transport]),
                float(settings.detour_factor),
                slot.starts_at,
                assessor.start,
            )
        pinned = {p.property_id: p for p in problem.pins}
        unplanned: list[Unplanned] = []
        by_id = {v.property_id: v for v in problem.visits}
        for pid, pin in pinned.items():
            day = days.get((pin.assessor_id, pin.day))
            if day is None or not day.try_add(by_id[pid], settings.notice_window_minutes):
                unplanned.append(Unplanned(pid, NO_ROOM))
        for visit in problem.visits:
            if visit.property_id in pinned:
                continue
            if not any(d.try_add(visit, settings.notice_window_minutes) for d in days.values()):
                late = visit.latest_day is not None and all(
                    d.slot.day > visit.latest_day for d in days.values()
                )
                unplanned.append(Unplanned(visit.property_id, TOO_LATE if late else NO_ROOM))
        routes = tuple(d.route() for d in days.values() if d.stops)
        total = sum((r.distance_km for r in routes), Decimal(0))
        planned = {s.property_id for r in routes for s in r.stops}
        naive = self.naive_distance(
            replace(problem, visits=tuple(v for v in problem.visits if v.property_id in planned))
        )
        return PlanningSolution(routes, tuple(unplanned), total, naive)

    def naive_distance(self, problem: PlanningProblem) -> Decimal:
        """The visits in property id order filling the days in order (by day, then assessor id): each day
        takes what fits its minutes with the way back (at least one), the last day the rest."""
        settings = problem.settings
        detour = float(settings.detour_factor)
        visits = sorted(problem.visits, key=lambda v: v.property_id)
        days = sorted(problem.days, key=lambda d: (d.day, d.assessor_id))
        total, position = 0.0, 0
        for number, slot in enumerate(days):
            assessor = problem.assessors[slot.assessor_id]
            per_minute = float(settings.speed_kmh[assessor.transport]) / 60
            here, used, taken = assessor.start, 0.0, 0
            while position < len(visits):
                where = visits[position].location
                need = (km(here, where) + km(where, assessor.start)) * detour / per_minute
                if taken and used + need + visits[position].minutes > slot.minutes and number < len(days) - 1:
                    break
                used += km(here, where) * detour / per_minute + visits[position].minutes
                total += km(here, where)
                here, taken, position = where, taken + 1, position + 1
            total += km(here, assessor.start)
        return Decimal(str(round(total * detour, 3))).quantize(Decimal("0.001"))


__all__ = ["NO_ROOM", "TOO_LATE", "GreedyRoutePlanner", "Window"]
