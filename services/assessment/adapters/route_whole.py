"""A small plan solved by VROOM at once: every assessor-day a vehicle (its start point, its hours, its
speed), every visit a job (its windows, its urgency, the days it may take), so that who goes where and in
what order are chosen together. Cutting a small plan into day clusters first can hand a whole light week
to one assessor while colleagues starting nearer stay idle; a season is too large for this (route_planner
keeps the cut there).

Times are the epoch minutes of route_day.py. The objective is VROOM's: the sum of priorities first, then
the number of visits, then centimetres travelled; each vehicle's fixed cost of a centimetre per day number
settles ties of equal travel for the earlier day (the same plan for the same input).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import vroom

from services.assessment.adapters.route_day import DayDraft, Job, weights
from services.assessment.adapters.route_geometry import road_metres, travel_minutes


def solve_all(
    drafts: Sequence[DayDraft],
    jobs: Sequence[Job],
    allowed: Sequence[Sequence[int]],
    detour: float,
    exploration: int,
) -> list[list[int]]:
    """For each of `drafts` (by position) the visit indices VROOM gives that day, in visiting order.

    `allowed[k]` are the draft positions job k may take (pins, deadlines, the owner's windows already
    weighed); a job whose days are all the drafts needs no skill, the others one skill per distinct set of
    days. Job windows are absolute (the day's hours are the vehicle's). Jobs left out are in no list."""
    if not drafts or not jobs:
        return [[] for _ in drafts]
    starts: dict[tuple[float, float], int] = {}
    for draft in drafts:
        starts.setdefault((float(draft.start_xy[0]), float(draft.start_xy[1])), len(starts))
    points = np.vstack(
        [np.array(list(starts), dtype=float).reshape(-1, 2), *[job.xy[None, :] for job in jobs]]
    )
    metres = road_metres(points, points, detour)
    problem = vroom.Input()
    profiles: dict[float, str] = {}
    for speed in sorted({draft.metres_per_minute for draft in drafts}):
        profiles[speed] = f"speed{len(profiles)}"
        problem.set_durations_matrix(profiles[speed], travel_minutes(metres, speed).astype(np.uint32))
        problem.set_costs_matrix(profiles[speed], np.rint(metres * 100).astype(np.uint32))
    everywhere = set(range(len(drafts)))
    skill_of: dict[frozenset[int], int] = {}
    for days in allowed:
        key = frozenset(days)
        if key != everywhere and key not in skill_of:
            skill_of[key] = len(skill_of) + 1
    for position, draft in enumerate(drafts):
        where = starts[(float(draft.start_xy[0]), float(draft.start_xy[1]))]
        problem.add_vehicle(
            vroom.Vehicle(
                position + 1,
                start=where,
                end=where,
                profile=profiles[draft.metres_per_minute],
                skills={skill for days, skill in skill_of.items() if position in days},
                time_window=vroom.TimeWindow(draft.begin, draft.end),
                costs=vroom.VehicleCosts(fixed=position),
            )
        )
    weight = weights([(job.level, job.within) for job in jobs])
    for number, (job, days) in enumerate(zip(jobs, allowed, strict=True)):
        key = frozenset(days)
        windows = [vroom.TimeWindow(start, end) for start, end in job.windows]
        problem.add_job(
            vroom.Job(
                number + 1,
                location=len(starts) + number,
                default_service=job.minutes,
                priority=weight[(job.level, job.within)],
                **({"skills": {skill_of[key]}} if key in skill_of else {}),
                **({"time_windows": windows} if windows else {}),
            )
        )
    solution = problem.solve(exploration_level=exploration, nb_threads=1)
    routes: list[list[int]] = [[] for _ in drafts]
    for route in solution.to_dict().get("routes", []):
        mine = routes[int(route["vehicle"]) - 1]
        mine.extend(jobs[int(step["id"]) - 1].index for step in route["steps"] if step["type"] == "job")
    return routes
