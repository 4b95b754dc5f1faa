"""One assessor-day solved by VROOM: which of a small pool of visits fit the day and in what order.

Times are whole minutes since the plan's epoch (the first day's midnight), so windows are absolute. VROOM
maximises the sum of job priorities before anything else, then the number of jobs, then travel time; the
weights below make one more urgent visit outweigh all less urgent ones in the pool (VROOM caps a priority
at 100, so with very many levels and jobs the steepest scale that fits is used).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import vroom

from services.assessment.adapters.route_geometry import road_metres, travel_minutes

_PROFILE = "travel"
_MAX_PRIORITY = 100


@dataclass(frozen=True)
class Job:
    """A visit as the solver sees it: `level` 0 (pinned) … 5 (least urgent), then `within`; windows in
    epoch minutes within which the visit must start."""

    index: int
    xy: np.ndarray
    minutes: int
    level: int
    windows: tuple[tuple[int, int], ...] = ()
    within: int = 0  # within a level, lower first (an appeal's deadline as a day number)


@dataclass
class DayDraft:
    """An assessor-day being planned: the visits it holds in order, with their start minutes."""

    number: int
    start_xy: np.ndarray
    metres_per_minute: float
    begin: int
    end: int
    order: list[int] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    levels: dict[int, int] = field(default_factory=dict)
    finish: int = 0  # back at the start point

    def slack(self) -> int:
        return self.end - (self.finish if self.order else self.begin)

    def centre(self, xy: np.ndarray) -> np.ndarray:
        return xy[self.order].mean(axis=0) if self.order else self.start_xy

    def level_counts(self) -> tuple[int, ...]:
        counts = Counter(self.levels[index] for index in self.order)
        return tuple(counts.get(level, 0) for level in range(6))


def weights(levels: Sequence[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """VROOM priority per level: the least urgent 1, each more urgent level one more than all less urgent
    jobs in the pool together (capped at 100)."""
    counts = Counter(levels)
    result: dict[tuple[int, int], int] = {}
    below = 0
    for level in sorted(counts, reverse=True):
        weight = min(below + 1, _MAX_PRIORITY)
        result[level] = weight
        below += weight * counts[level]
    return result


def solve(
    route: DayDraft, jobs: Sequence[Job], detour: float, exploration: int
) -> tuple[list[tuple[int, int]], int, list[int]]:
    """The jobs that fit `route`'s day: [(visit index, start minute)] in visiting order, the minute the
    assessor is back, and the indices left out.

    VROOM minimises centimetres travelled (durations in whole minutes only decide what fits), and of a
    route and its reverse, when both fit, the one starting with the lower visit index is kept: VROOM breaks
    ties between equal routes differently from run to run, and a plan must come out the same for the same
    input."""
    if not jobs:
        return [], route.begin, []
    points = np.vstack([route.start_xy[None, :]] + [job.xy[None, :] for job in jobs])
    metres = road_metres(points, points, detour)
    durations = travel_minutes(metres, route.metres_per_minute)
    problem = vroom.Input()
    problem.set_durations_matrix(_PROFILE, durations.astype(np.uint32))
    problem.set_costs_matrix(_PROFILE, np.rint(metres * 100).astype(np.uint32))  # centimetres: few ties
    problem.add_vehicle(
        vroom.Vehicle(
            1, start=0, end=0, profile=_PROFILE, time_window=vroom.TimeWindow(route.begin, route.end)
        )
    )
    weight = weights([(job.level, job.within) for job in jobs])
    for position, job in enumerate(jobs, start=1):
        windows = [vroom.TimeWindow(start, end) for start, end in job.windows]
        problem.add_job(
            vroom.Job(
                position,
                location=position,
                default_service=job.minutes,
                priority=weight[(job.level, job.within)],
                **({"time_windows": windows} if windows else {}),
            )
        )
    solution = problem.solve(exploration_level=exploration, nb_threads=1)
    # to_dict, not the routes DataFrame: the same steps at a thirtieth of the cost.
    steps = [step for vehicle in solution.to_dict().get("routes", []) for step in vehicle["steps"]]
    positions: list[int] = []
    vroom_order: list[tuple[int, int]] = []
    finish = route.begin
    for step in steps:
        if step["type"] == "job":
            position = int(step["id"])
            positions.append(position)
            vroom_order.append((jobs[position - 1].index, int(step["arrival"]) + int(step["waiting_time"])))
        elif step["type"] == "end":
            finish = int(step["arrival"])
    if not positions:
        return [], route.begin, [job.index for job in jobs]
    best = _either_way(route, jobs, durations, positions)
    # VROOM's own times stand should its order not fit when started as early as possible (never seen).
    order, finish = best if best is not None else (vroom_order, finish)
    planned = {index for index, _ in order}
    return order, finish, [job.index for job in jobs if job.index not in planned]


def in_window_order(
    route: DayDraft, jobs: Sequence[Job], detour: float
) -> tuple[list[tuple[int, int]], int] | None:
    """The jobs in the order of their windows (earliest first), each started as early as it may; None when
    that does not fit the day. For promised visits VROOM's search misses: their windows come from the
    arrivals of a route that fitted, so in that order they fit again."""
    points = np.vstack([route.start_xy[None, :]] + [job.xy[None, :] for job in jobs])
    durations = travel_minutes(road_metres(points, points, detour), route.metres_per_minute)
    positions = sorted(
        range(1, len(jobs) + 1),
        key=lambda p: (min(jobs[p - 1].windows, default=(route.begin, route.end)), jobs[p - 1].index),
    )
    return _schedule(route, jobs, durations, positions)


def in_given_order(
    route: DayDraft, jobs: Sequence[Job], detour: float
) -> tuple[list[tuple[int, int]], int] | None:
    """The jobs in the order given (a whole plan's solver chose it) or reversed, as in solve(), each
    started as early as it may; None when neither fits the day."""
    if not jobs:
        return [], route.begin
    points = np.vstack([route.start_xy[None, :]] + [job.xy[None, :] for job in jobs])
    durations = travel_minutes(road_metres(points, points, detour), route.metres_per_minute)
    return _either_way(route, jobs, durations, list(range(1, len(jobs) + 1)))


def _either_way(
    route: DayDraft, jobs: Sequence[Job], durations: np.ndarray, positions: list[int]
) -> tuple[list[tuple[int, int]], int] | None:
    """Of the route and its reverse, when both fit, the one starting with the lower visit index (VROOM
    breaks ties between equal routes differently from run to run); None when neither fits."""
    best: tuple[list[tuple[int, int]], int] | None = None
    for candidate in (positions, positions[::-1]):
        timed = _schedule(route, jobs, durations, candidate)
        if timed is not None and (best is None or _indices(timed[0]) < _indices(best[0])):
            best = timed
    return best


def _indices(order: list[tuple[int, int]]) -> list[int]:
    return [index for index, _ in order]


def _schedule(
    route: DayDraft, jobs: Sequence[Job], durations: np.ndarray, positions: Sequence[int]
) -> tuple[list[tuple[int, int]], int] | None:
    """Each visit started as early as travel and its windows allow; None when the order does not fit."""
    clock = route.begin
    here = 0
    order: list[tuple[int, int]] = []
    for position in positions:
        job = jobs[position - 1]
        clock += int(durations[here, position])
        if job.windows:
            opening = min((start for start, end in job.windows if end >= clock), default=None)
            if opening is None:
                return None
            clock = max(clock, opening)
        order.append((job.index, clock))
        clock += job.minutes
        here = position
    clock += int(durations[here, 0])
    return (order, clock) if clock <= route.end else None
