"""A season of inspections planned: 20,000 needs, 10 assessors, 40 working days (the route planner alone).

python -m benchmarks.inspection_plan [--needs N] [--assessors N] [--days N]
    [--report reports/inspection-plan-20k.json]

The needs are as an Oslo season might hold them: a few hundred appeal cases with deadlines spread over the
season, registered changes (new buildings, divisions, sectioning, fire or demolition), properties the
register cannot value, never-inspected ones and the general revaluation; each property inside the city's
district polygons (data/oslo_zones.geojson, the synthetic register's placement), categories mixed as in the
register. Assessors travel by car, e-bike, bike and on foot from three offices, 450 minutes a day, over 40
working days (Norwegian public holidays skipped) from 2025-03-03. VroomRoutePlanner.plan is called directly
(no database) and measured:
- seconds: the whole plan (the goal: under 60 s);
- reduction: 1 - total_distance_km / naive_distance_km, the naive plan being the same planned visits in
  property-id order over the same assessor-days (the goal: at least 0.30).
The last measured report is kept in benchmarks/results/inspection-plan-20k.json.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.environment import write_report
from devstack.synthetic_register import points_in_zones
from services.assessment.adapters.route_planner import VroomRoutePlanner
from services.assessment.domain.inspection_needs import InspectionNeed, InspectionReason
from services.assessment.domain.inspection_planning import (
    DEFAULT_SETTINGS,
    Assessor,
    AssessorDay,
    PlanningProblem,
    Transport,
    Visit,
)
from services.assessment.domain.property import Location, PropertyCategory
from services.platform.business_days import is_business_day

FIRST_DAY = date(2025, 3, 3)
OFFICES = [  # Oslo kommune's tax offices as start points (lon, lat)
    Location(10.7522, 59.9133),  # city centre
    Location(10.8640, 59.9480),  # Økern
    Location(10.6820, 59.9330),  # Skøyen
]
TRANSPORTS = [Transport.CAR, Transport.CAR, Transport.CAR, Transport.CAR, Transport.EBIKE]
TRANSPORTS += [Transport.EBIKE, Transport.EBIKE, Transport.BIKE, Transport.BIKE, Transport.FOOT]
# The season's mix of reasons (appeal cases get deadlines), by share of the needs.
REASONS = [
    (InspectionReason.APPEAL, 0.015),
    (InspectionReason.NEW_BUILDING, 0.02),
    (InspectionReason.DIVISION, 0.01),
    (InspectionReason.SECTIONING, 0.01),
    (InspectionReason.FIRE_OR_DEMOLITION, 0.005),
    (InspectionReason.CANNOT_BE_VALUED, 0.04),
    (InspectionReason.NEVER_INSPECTED, 0.10),
    (InspectionReason.GENERAL_REVALUATION, 0.80),
]
CATEGORIES = [
    (PropertyCategory.HOUSING, 0.86),
    (PropertyCategory.COMMERCIAL, 0.08),
    (PropertyCategory.UNDEVELOPED, 0.03),
    (PropertyCategory.HOLIDAY_HOME, 0.01),
    (PropertyCategory.POWER, 0.005),
    (PropertyCategory.AGRICULTURE, 0.015),
]
MINUTES_PER_DAY = 450


def working_days(first: date, count: int) -> list[date]:
    days: list[date] = []
    day = first
    while len(days) < count:
        if is_business_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def season(needs: int, assessors: int, day_count: int, seed: int = 14) -> PlanningProblem:
    rng = random.Random(seed)
    days = working_days(FIRST_DAY, day_count)
    points = points_in_zones(needs, seed)
    reasons = rng.choices([r for r, _ in REASONS], [w for _, w in REASONS], k=needs)
    categories = rng.choices([c for c, _ in CATEGORIES], [w for _, w in CATEGORIES], k=needs)
    # Property ids as the register numbers them (not by place), so their order says nothing of geography.
    numbers = rng.sample(range(1, 10 * needs), needs)
    visits: list[Visit] = []
    for n in range(needs):
        reason = reasons[n]
        deadline = rng.choice(days[len(days) // 8 :]) if reason is InspectionReason.APPEAL else None
        need = InspectionNeed(
            property_id=f"0301-{numbers[n]:07d}",
            reason=reason,
            detail=reason.value,
            since=date(2015, 1, 1) + timedelta(days=rng.randrange(3650)),
            needed_by=deadline,
            appeal_case_id=f"K-2025-{n:05d}" if deadline else "",
        )
        visits.append(
            Visit(
                need=need,
                location=Location(float(points[n][0]), float(points[n][1])),
                minutes=DEFAULT_SETTINGS.inspection_minutes(categories[n]),
                latest_day=deadline,
            )
        )
    team = {
        f"T{n + 1:02d}": Assessor(
            f"T{n + 1:02d}",
            f"Taksator {n + 1}",
            TRANSPORTS[n % len(TRANSPORTS)],
            OFFICES[n % len(OFFICES)],
            MINUTES_PER_DAY,
        )
        for n in range(assessors)
    }
    assessor_days = tuple(
        AssessorDay(assessor_id, day, datetime.combine(day, DEFAULT_SETTINGS.day_starts_at), MINUTES_PER_DAY)
        for day in days
        for assessor_id in sorted(team)
    )
    return PlanningProblem(tuple(visits), team, assessor_days, DEFAULT_SETTINGS)


def run(needs: int, assessors: int, day_count: int) -> dict[str, Any]:
    problem = season(needs, assessors, day_count)
    began = time.perf_counter()
    solution = VroomRoutePlanner().plan(problem)
    seconds = time.perf_counter() - began
    planned = sum(len(route.stops) for route in solution.days)
    by_reason: dict[str, list[int]] = {}
    planned_ids = {stop.property_id for route in solution.days for stop in route.stops}
    for visit in problem.visits:
        counts = by_reason.setdefault(visit.need.reason.value, [0, 0])
        counts[0] += 1
        counts[1] += visit.property_id in planned_ids
    reduction = 1 - solution.total_distance_km / solution.naive_distance_km
    return {
        "benchmark": "inspection_plan",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "system": platform.platform(),
        },
        "needs": needs,
        "assessors": assessors,
        "working_days": day_count,
        "assessor_days": len(problem.days),
        "seconds": round(seconds, 2),
        "planned": planned,
        "share_planned": round(planned / needs, 4),
        "planned_by_reason": {reason: {"needs": n, "planned": p} for reason, (n, p) in by_reason.items()},
        "appeals_unplanned": sum(
            1 for visit in problem.visits if visit.need.priority == 1 and visit.property_id not in planned_ids
        ),
        "total_distance_km": float(solution.total_distance_km),
        "naive_distance_km": float(solution.naive_distance_km),
        "reduction": round(float(reduction), 4),
        "goal_seconds": 60,
        "goal_reduction": 0.30,
        "goal_met": seconds < 60 and reduction >= 0.30,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--needs", type=int, default=20_000)
    parser.add_argument("--assessors", type=int, default=10)
    parser.add_argument("--days", type=int, default=40)
    parser.add_argument("--report", type=Path, default=Path("reports/inspection-plan-20k.json"))
    args = parser.parse_args(argv)
    write_report(run(args.needs, args.assessors, args.days), args.report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
