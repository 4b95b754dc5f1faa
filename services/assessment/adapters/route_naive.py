"""The naive plan a planner's travel is measured against (PlanningSolution.naive_distance_km)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from services.assessment.adapters.route_geometry import kilometres, road_metres, route_metres, travel_minutes


@dataclass(frozen=True)
class NaiveDay:
    start_xy: np.ndarray
    minutes: int
    metres_per_minute: float


def naive_distance_km(
    days: Sequence[NaiveDay], stops: Sequence[tuple[np.ndarray, int]], detour: float
) -> Decimal:
    """The same planned visits `stops` ((xy, minutes on site), already in property-id order) filling the
    same assessor-days in order (`days` sorted by date, then assessor id): each day takes as many as fit
    its minutes with travel and the way home, no windows heeded; a visit too long for even an empty day
    takes a day alone, and what is left when the days run out goes to the last day, so every visit is
    counted. Kilometres with 3 decimals, the sum of the days' rounded distances like a plan's total."""
    total = Decimal("0.000")
    if not days or not stops:
        return total
    position = 0
    for number, day in enumerate(days):
        taken: list[np.ndarray] = []
        here = day.start_xy
        used = 0
        last = number == len(days) - 1
        while position < len(stops):
            xy, minutes = stops[position]
            pair = np.vstack([here, xy])
            there = road_metres(pair[:1], pair[1:], detour)[0, 0]
            back = road_metres(xy[None, :], day.start_xy[None, :], detour)[0, 0]
            need = int(travel_minutes(np.array([there, back]), day.metres_per_minute).sum()) + minutes
            if taken and used + need > day.minutes and not last:
                break
            went = int(travel_minutes(np.array([there]), day.metres_per_minute)[0])
            used += went + minutes
            taken.append(xy)
            here = xy
            position += 1
        if taken:
            _, metres = route_metres(day.start_xy, np.vstack(taken), detour)
            total += kilometres(metres)
    return total
