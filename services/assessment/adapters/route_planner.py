"""The routing solver behind application/ports.py RoutePlanner (pyvroom).

VROOM solves one assessor-day of a few dozen visits in milliseconds but a season (hundreds of assessor-days,
thousands of visits) in minutes on two cores, so the season is cut into day-sized problems first. A small
plan (up to WHOLE_VISITS visits) is instead solved at once, every assessor-day a vehicle (route_whole.py), so
who goes where and in what order are chosen together: cut first, a light week went to one assessor while
those starting nearer stayed idle. Steps 1 and 5 apply to both; steps 2–4 to a season:

1. Pinned visits go to their assessor-day (a visit whose owner was told a window weighs like a pinned
   one). Visits no working day can take are unplanned at once.
2. Candidates: the other visits in urgency order (priority, deadline, oldest cause, property id) until
   their minutes on site fill the free days to FILL (the rest of a day goes to travel).
3. The candidates without owners' windows, in Hilbert-curve order, are cut into as many compact pieces as
   it takes days filled so; each piece goes to the assessor with the most to lose by not getting it
   (regret), judged by the travel time from their start point at their transport's speed, each assessor
   at most as many pieces as days. An assessor's pieces holding the earliest deadlines get the earliest
   days. Candidates with owners' windows go to the allowed day whose cluster is nearest.
4. Each day is solved by VROOM (route_day.py): which of its pool fit, in what order, at what times.
5. Repair: appeal needs and windowed candidates left out try the nearest allowed days again (a more urgent
   visit may push out less urgent ones, never a pinned one); then, twice over, each day with time left is
   offered the most urgent unplanned visits within reach, nearest first; last, the owners' windows beyond
   the candidates take what room is left.
A day's new solution is kept only when it plans more urgent work than before (counts per level compared
most urgent first), so no repair ever trades a more urgent visit for less urgent ones.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import numpy as np

from services.assessment.adapters.route_day import DayDraft, Job, in_given_order, in_window_order, solve
from services.assessment.adapters.route_geometry import (
    hilbert_order,
    kilometres,
    metres_per_minute,
    project,
    road_metres,
    route_metres,
    travel_minutes,
)
from services.assessment.adapters.route_naive import NaiveDay, naive_distance_km
from services.assessment.adapters.route_whole import solve_all
from services.assessment.domain.inspection_needs import urgency
from services.assessment.domain.inspection_planning import (
    AssessorDay,
    DayRoute,
    PlanningProblem,
    PlanningSolution,
    Stop,
    Transport,
    Unplanned,
    Visit,
    Window,
    notice_window,
)

FILL = 0.75  # the share of a free day's minutes the first cut fills with time on site
URGENT_TRIES = 8  # allowed days an appeal need or a windowed visit left out tries again, nearest first
TOP_UP_ROUNDS = 2
TOP_UP_POOL = 6  # unplanned visits offered to a day with time left, per round
# A plan this small is solved at once (route_whole.py), a larger one cut into day clusters first. Measured
# on two cores (season-like visits around Oslo, VROOM's level 0): 100 visits over 20 assessor-days 0.2 s,
# 300 over 100 in 3 s, 300 over 400 in 4 s, 400 over 100 in 6.7 s; at level 2 the last but one takes
# 47 s for 2 % less travel, so the search's full effort only where it stays a fraction of a second.
WHOLE_VISITS = 300
WHOLE_JOB_DAYS = 40_000  # visits × assessor-days
WHOLE_FULL_EFFORT = 1_000  # visits × assessor-days solved at the planner's exploration level, not 0
PINNED = 0  # the solver's level of a pinned or promised visit: above every priority
_NEVER = date.max.toordinal()


class VroomRoutePlanner:
    """RoutePlanner with pyvroom. `exploration_level` 0–5 is VROOM's search effort per day: on the season
    benchmark 5 plans 5 visits more of 3,229 than 2 at almost twice the time, with the same travel."""

    def __init__(self, exploration_level: int = 2) -> None:
        self._exploration = exploration_level

    def plan(self, problem: PlanningProblem) -> PlanningSolution:
        return _Planning(problem, self._exploration).run()

    def naive_distance(self, problem: PlanningProblem) -> Decimal:
        """The naive plan of all problem.visits (route_naive.py): in property-id order over problem.days,
        no windows, pins or deadlines heeded; the same kilometres plan() gives for the visits it plans."""
        planning = _Planning(problem, self._exploration)
        return planning.naive(range(len(planning.visits)))


class _Planning:
    def __init__(self, problem: PlanningProblem, exploration: int) -> None:
        self.problem = problem
        self.exploration = exploration
        self.visits = problem.visits
        self.detour = float(problem.settings.detour_factor)
        self.days: list[AssessorDay] = sorted(
            (day for day in problem.days if day.assessor_id in problem.assessors),
            key=lambda day: (day.day, day.assessor_id, day.starts_at),
        )
        self.epoch = datetime.combine(self.days[0].day, time()) if self.days else datetime.min
        self.xy = project([visit.location for visit in self.visits])
        starts = project([problem.assessors[day.assessor_id].start for day in self.days])
        self.drafts = [self._draft(number, day, starts[number]) for number, day in enumerate(self.days)]
        self.day_ordinal = np.array([day.day.toordinal() for day in self.days], dtype=np.int64)
        self.latest = np.array(
            [visit.latest_day.toordinal() if visit.latest_day else _NEVER for visit in self.visits],
            dtype=np.int64,
        )
        self.pinned_day = self._pinned_days()
        # An owner who was told a window was promised the visit: it weighs like a pin.
        self.level = [
            PINNED if index in self.pinned_day or visit.promised else visit.need.priority
            for index, visit in enumerate(self.visits)
        ]
        self.rank = sorted(
            range(len(self.visits)), key=lambda index: (self.level[index], urgency(self.visits[index].need))
        )
        # Each visit's windows in epoch minutes: a start rounded up, an end down, so arrivals stay inside.
        self.spans = [
            [(self._minute(w.start, up=True), self._minute(w.end)) for w in _windows(visit)]
            for visit in self.visits
        ]
        self.windowed = {index for index, visit in enumerate(self.visits) if _windows(visit)}
        self.where: dict[int, int] = {}  # visit index -> day number, while planned
        self.hopeless: set[int] = set()  # no working day can take it
        self.pin_missing: set[int] = set()
        self.allowed: dict[int, list[int]] = {}  # the days a visit may take, once worked out
        self.shortest = min((visit.minutes for visit in self.visits), default=0)
        self.free: set[int] = set()  # no pin, no window, some working day can take it
        # Which visits a day with time left may take: free ones not planned yet.
        self.topping = np.zeros(len(self.visits), dtype=bool)

    def _draft(self, number: int, day: AssessorDay, start_xy: np.ndarray) -> DayDraft:
        assessor = self.problem.assessors[day.assessor_id]
        begin = self._minute(day.starts_at)
        return DayDraft(
            number=number,
            start_xy=start_xy,
            metres_per_minute=metres_per_minute(self.problem.settings.speed_kmh[assessor.transport]),
            begin=begin,
            end=begin + day.minutes,
            finish=begin,
        )

    def _minute(self, moment: datetime, up: bool = False) -> int:
        seconds = (moment - self.epoch).total_seconds()
        return int(-(-seconds // 60)) if up else int(seconds // 60)

    def _pinned_days(self) -> dict[int, int]:
        by_key = {(day.assessor_id, day.day): number for number, day in enumerate(self.days)}
        pins = {pin.property_id: pin for pin in self.problem.pins}
        result: dict[int, int] = {}
        for index, visit in enumerate(self.visits):
            pin = pins.get(visit.property_id)
            if pin is not None:
                result[index] = by_key.get((pin.assessor_id, pin.day), -1)
        return result

    # --- which days a visit may take ------------------------------------------------------------------

    def _job(self, index: int, number: int) -> Job | None:
        """The visit as a job of that day, or None when the day cannot take it."""
        visit = self.visits[index]
        draft = self.drafts[number]
        if self.pinned_day.get(index, number) != number or self.latest[index] < self.day_ordinal[number]:
            return None
        spans: list[tuple[int, int]] = []
        for first, last in self.spans[index]:
            start = max(first, draft.begin)
            end = min(last, draft.end - visit.minutes)
            if start <= end:
                spans.append((start, end))
        if self.spans[index] and not spans:
            return None
        level = self.level[index]
        # Among appeal cases the earlier deadline first (urgency()'s order: none last).
        within = (visit.need.needed_by or date.max).toordinal() if level == 1 else 0
        return Job(index, self.xy[index], visit.minutes, level, tuple(spans), within)

    def _allowed_days(self, index: int) -> list[int]:
        if index not in self.allowed:
            self.allowed[index] = [n for n in range(len(self.days)) if self._job(index, n) is not None]
        return self.allowed[index]

    # --- the passes -------------------------------------------------------------------------------------

    def run(self) -> PlanningSolution:
        pools: list[list[int]] = [[] for _ in self.days]
        free: list[int] = []
        windowed: list[int] = []
        first_day = int(self.day_ordinal.min()) if self.days else _NEVER
        for index in self.rank:
            pinned = self.pinned_day.get(index)
            if pinned is not None:
                if pinned < 0 or self._job(index, pinned) is None:
                    self.pin_missing.add(index)
                else:
                    pools[pinned].append(index)
            elif index in self.windowed:
                if self._allowed_days(index):
                    windowed.append(index)
                else:
                    self.hopeless.add(index)
            elif not self.days or self.latest[index] < first_day:
                self.hopeless.add(index)
            else:
                free.append(index)
        self.free = set(free)
        self.topping[free] = True
        if len(self.visits) <= WHOLE_VISITS and len(self.visits) * len(self.days) <= WHOLE_JOB_DAYS:
            early = self._whole([index for index in self.rank if index in self.free or index in windowed])
        else:
            early = self._by_clusters(free, windowed, pools)
        self._repair([index for index in self.rank if self.level[index] == 1 or index in early])
        for _ in range(TOP_UP_ROUNDS):
            for number in range(len(self.days)):
                self._top_up(number)
        # Owners' windows beyond the candidates, and any a repair pushed out: into what room is left, never
        # before more urgent visits.
        self._repair(windowed)
        return self._solution()

    def _by_clusters(self, free: list[int], windowed: list[int], pools: list[list[int]]) -> list[int]:
        """Steps 2–4 of a season: the candidates cut into day clusters, each day solved alone. The
        windowed candidates, for the repair to try again."""
        chosen = self._candidates(free, windowed, pools)
        self._cut([index for index in chosen if index in self.free], pools)
        early = [index for index in chosen if index in self.windowed]
        for index in early:
            nearest = min(
                self._allowed_days(index),
                key=lambda number: (self._reach(index, number, pools[number]), number),
            )
            pools[nearest].append(index)
        for number, pool in enumerate(pools):
            self._settle(number, pool)
        return early

    def _whole(self, open_: list[int]) -> list[int]:
        """A small plan at once (route_whole.py): the pinned visits and every visit some day may take,
        each with the days it may take. A day whose order does not fit again as timed here, or that lost a
        pinned visit, is solved alone as a season's day is. Nothing is left for the repair to retry first
        (it still offers what is unplanned)."""
        pinned = [index for index in self.rank if index in self.pinned_day and index not in self.pin_missing]
        indices = [*pinned, *open_]
        allowed = [self._allowed_days(index) for index in indices]
        whole: list[Job] = []
        for index, days in zip(indices, allowed, strict=True):
            job = self._job(index, days[0])  # a day it may take: its level and order within it
            assert job is not None
            # Not the windows as that day clipped them: the visit's own, each day's hours are its vehicle's.
            spans = tuple(sorted((start, end) for start, end in self.spans[index] if start <= end))
            whole.append(Job(index, job.xy, job.minutes, job.level, spans, job.within))
        effort = self.exploration if len(self.visits) * len(self.days) <= WHOLE_FULL_EFFORT else 0
        routes = self._earlier(solve_all(self.drafts, whole, allowed, self.detour, effort))
        for number, route in enumerate(routes):
            draft = self.drafts[number]
            day_jobs = [job for job in (self._job(index, number) for index in route) if job is not None]
            timed = in_given_order(draft, day_jobs, self.detour) if len(day_jobs) == len(route) else None
            lost = [index for index in pinned if self.pinned_day[index] == number and index not in route]
            if timed is None or lost:
                self._settle(number, [*route, *lost])
            else:
                self._keep(draft, *timed)
        return []

    def _candidates(self, free: list[int], windowed: list[int], pools: list[list[int]]) -> list[int]:
        """The free and windowed visits, most urgent first, whose minutes on site fill the days to FILL."""
        budget = 0
        for number, draft in enumerate(self.drafts):
            pinned = sum(self.visits[index].minutes for index in pools[number])
            budget += int(max(0, draft.end - draft.begin - pinned) * FILL)
        chosen: list[int] = []
        position = {index: place for place, index in enumerate(self.rank)}
        for index in sorted([*free, *windowed], key=position.__getitem__):
            budget -= self.visits[index].minutes
            if budget < 0:
                break
            chosen.append(index)
        return chosen

    def _cut(self, candidates: list[int], pools: list[list[int]]) -> None:
        """Compact day-sized pieces of the candidates, each to an assessor's free day (steps 3)."""
        pinned_minutes = [sum(self.visits[index].minutes for index in pool) for pool in pools]
        free_days = [
            number
            for number, draft in enumerate(self.drafts)
            if draft.end - draft.begin - pinned_minutes[number] >= 60
        ]
        if not free_days or not candidates:
            return
        order = [candidates[position] for position in hilbert_order(self.xy[candidates])]
        minutes = np.array([self.visits[index].minutes for index in order], dtype=float)
        before = np.cumsum(minutes) - minutes
        # As many pieces as it takes days filled to FILL, not one per free day: a light load stays together.
        day_fill = FILL * float(
            np.mean([self.drafts[n].end - self.drafts[n].begin - pinned_minutes[n] for n in free_days])
        )
        count = min(len(free_days), max(1, math.ceil(minutes.sum() / day_fill)))
        piece_of = np.minimum((before / minutes.sum() * count).astype(int), count - 1)
        pieces: list[list[int]] = [[] for _ in range(count)]
        for index, piece in zip(order, piece_of, strict=True):
            pieces[int(piece)].append(index)
        pieces = [piece for piece in pieces if piece]
        assessors = sorted({self.days[number].assessor_id for number in free_days})
        slots = {name: [n for n in free_days if self.days[n].assessor_id == name] for name in assessors}
        sample = {name: slots[name][0] for name in assessors}
        centres = np.array([self.xy[piece].mean(axis=0) for piece in pieces])
        cost = np.column_stack(
            [
                2
                * road_metres(centres, self.drafts[sample[name]].start_xy[None, :], self.detour)[:, 0]
                / self.drafts[sample[name]].metres_per_minute
                for name in assessors
            ]
        )
        left = [len(slots[name]) for name in assessors]
        owner = _regret_assignment(cost, left)
        for column, name in enumerate(assessors):
            mine = [p for p in range(len(pieces)) if owner[p] == column]
            mine.sort(key=lambda p: (min(int(self.latest[index]) for index in pieces[p]), p))
            for number, piece in zip(slots[name], mine, strict=False):
                pools[number].extend(
                    index for index in pieces[piece] if self.latest[index] >= self.day_ordinal[number]
                )

    def _earlier(self, routes: list[list[int]]) -> list[list[int]]:
        """Each assessor's routes moved to their earliest idle days that take them as they are: VROOM
        weighs an earlier day by a centimetre only, and may not look for it."""
        for name in sorted(self.problem.assessors):
            mine = [number for number in range(len(self.days)) if self.days[number].assessor_id == name]
            for place, idle in enumerate(mine):
                if routes[idle]:
                    continue
                for later in mine[place + 1 :]:
                    jobs = [self._job(index, idle) for index in routes[later]]
                    if (
                        routes[later]
                        and all(job is not None for job in jobs)
                        and in_given_order(self.drafts[idle], [job for job in jobs if job], self.detour)
                    ):
                        routes[idle], routes[later] = routes[later], []
                        break
        return routes

    def _reach(self, index: int, number: int, pool: Sequence[int]) -> float:
        draft = self.drafts[number]
        centre = self.xy[list(pool)].mean(axis=0) if pool else draft.start_xy
        return float(np.hypot(*(self.xy[index] - centre)) * self.detour / draft.metres_per_minute)

    def _settle(self, number: int, pool: list[int]) -> None:
        jobs = [job for job in (self._job(index, number) for index in pool) if job is not None]
        draft = self.drafts[number]
        order, finish, left = solve(draft, jobs, self.detour, self.exploration)
        if any(self.level[index] == PINNED for index in left):
            order, finish, left = solve(draft, jobs, self.detour, 5)
        if any(self.level[index] == PINNED for index in left):
            promised = in_window_order(draft, [job for job in jobs if job.level == PINNED], self.detour)
            if promised is not None:
                order, finish = promised
        self._keep(draft, order, finish)

    def _keep(self, draft: DayDraft, order: list[tuple[int, int]], finish: int) -> None:
        for index in draft.order:
            self.where.pop(index, None)
            self.topping[index] = index in self.free
        draft.order = [index for index, _ in order]
        draft.starts = [start for _, start in order]
        draft.levels = {index: self.level[index] for index in draft.order}
        draft.finish = finish
        for index in draft.order:
            self.where[index] = draft.number
            self.topping[index] = False

    def _try(self, number: int, extra: Sequence[int], keep_windows: bool = False) -> bool:
        """Solve the day again with `extra` offered; kept only if it plans more urgent work (the levels'
        counts compared most urgent first), so a pinned or more urgent visit is never pushed out; with
        `keep_windows` also only if every visit of the day with an owner's window stays."""
        draft = self.drafts[number]
        jobs = [job for job in (self._job(index, number) for index in [*draft.order, *extra]) if job]
        if len(jobs) == len(draft.order):
            return False
        order, finish, _ = solve(draft, jobs, self.detour, self.exploration)
        before = draft.level_counts()
        after = [0] * 6
        for index, _ in order:
            after[self.level[index]] += 1
        if tuple(after) <= before:
            return False
        if keep_windows:
            planned = {index for index, _ in order}
            if any(index in self.windowed and index not in planned for index in draft.order):
                return False
        self._keep(draft, order, finish)
        return True

    def _open(self, index: int) -> bool:
        return index not in self.where and index not in self.hopeless and index not in self.pinned_day

    def _repair(self, indices: Sequence[int]) -> None:
        """Each visit still open tries the nearest days that may take it, up to URGENT_TRIES of them: one
        with room for it, or holding a less urgent visit it may push out."""
        for index in indices:
            if not self._open(index):
                continue
            options = sorted(
                (number for number in self._allowed_days(index) if self._could_take(number, index)),
                key=lambda number: (self._reach(index, number, self.drafts[number].order), number),
            )
            for number in options[:URGENT_TRIES]:
                if self._try(number, [index]):
                    break

    def _could_take(self, number: int, index: int) -> bool:
        draft = self.drafts[number]
        level = self.level[index]
        return draft.slack() >= self.visits[index].minutes or any(
            other > level for other in draft.levels.values()
        )

    def _top_up(self, number: int) -> None:
        draft = self.drafts[number]
        if draft.slack() < self.shortest + 2:
            return
        open_ = self.topping & (self.latest >= self.day_ordinal[number])
        if not open_.any():
            return
        centre = draft.centre(self.xy)
        metres = np.hypot(*(self.xy - centre).T) * self.detour
        open_ &= metres <= draft.slack() / 2 * draft.metres_per_minute
        chosen = np.flatnonzero(open_)
        if not len(chosen):
            return
        levels = np.array([self.level[index] for index in chosen])
        best = chosen[np.lexsort((chosen, metres[chosen], levels))][:TOP_UP_POOL]
        # Visits free to go anywhere never push out an owner's window: it has few days it may take.
        self._try(number, [int(index) for index in best], keep_windows=True)

    # --- the answer -------------------------------------------------------------------------------------

    def _solution(self) -> PlanningSolution:
        routes: list[DayRoute] = []
        for draft, day in zip(self.drafts, self.days, strict=True):
            if draft.order:
                routes.append(self._route(draft, day))
        unplanned = tuple(
            Unplanned(self.visits[index].property_id, self._reason(index))
            for index in self.rank
            if index not in self.where
        )
        return PlanningSolution(
            days=tuple(routes),
            unplanned=unplanned,
            total_distance_km=sum((route.distance_km for route in routes), start=kilometres(0)),
            naive_distance_km=self.naive(self.where),
        )

    def naive(self, planned: Iterable[int]) -> Decimal:
        """The naive plan's kilometres of the visits `planned` (indices): in property-id order over every
        assessor-day of the problem (route_naive.py)."""
        ordered = sorted(planned, key=lambda index: self.visits[index].property_id)
        return naive_distance_km(
            [NaiveDay(d.start_xy, d.end - d.begin, d.metres_per_minute) for d in self.drafts],
            [(self.xy[index], self.visits[index].minutes) for index in ordered],
            self.detour,
        )

    def _route(self, draft: DayDraft, day: AssessorDay) -> DayRoute:
        stops: list[Stop] = []
        for index, start in zip(draft.order, draft.starts, strict=True):
            visit = self.visits[index]
            arrive = self.epoch + timedelta(minutes=start)
            # The told window lies inside the hours the owner asked for (the arrival already does).
            window = visit.promised or notice_window(
                arrive, day.starts_at, self.problem.settings.notice_window_minutes, visit.windows
            )
            stops.append(Stop(visit.property_id, arrive, arrive + timedelta(minutes=visit.minutes), window))
        legs, metres = route_metres(draft.start_xy, self.xy[draft.order], self.detour)
        return DayRoute(
            assessor_id=day.assessor_id,
            day=day.day,
            stops=tuple(stops),
            distance_km=kilometres(metres),
            travel_minutes=int(travel_minutes(np.array(legs), draft.metres_per_minute).sum()),
        )

    def _alone(self, index: int) -> tuple[int, int] | None:
        """When no assessor-day the visit may take (its windows and deadline allow) could take it even
        alone, start → visit → start with its minutes on site: the shortest such trip in minutes and its
        day's number. None when some day could (or none may take it: another reason says why)."""
        visit = self.visits[index]
        shortest: tuple[int, int] | None = None
        for number in self._allowed_days(index):
            draft = self.drafts[number]
            job = self._job(index, number)
            assert job is not None
            metres = road_metres(draft.start_xy[None, :], self.xy[index][None, :], self.detour)[0]
            there = int(travel_minutes(metres, draft.metres_per_minute)[0])
            # Straight there at the day's start (or waiting for the owner's window), on site, and back.
            for first, last in job.windows or ((draft.begin, draft.end),):
                start = max(first, draft.begin + there)
                if start <= last and start + visit.minutes + there <= draft.end:
                    return None
            trip = 2 * there + visit.minutes
            if shortest is None or trip < shortest[0]:
                shortest = (trip, number)
        return shortest

    def _reason(self, index: int) -> str:
        visit = self.visits[index]
        if index in self.pinned_day:
            pin = next(p for p in self.problem.pins if p.property_id == visit.property_id)
            if index in self.pin_missing and self.pinned_day[index] < 0:
                return f"pinned to {pin.assessor_id} on {pin.day.isoformat()}, who has no working day then"
            return f"no room on {pin.assessor_id}'s day {pin.day.isoformat()} it is pinned to"
        windows = _windows(visit)
        if windows and visit.latest_day and all(w.start.date() > visit.latest_day for w in windows):
            told = ", ".join(_span(window) for window in windows[:3])
            return f"the owner's window {told} is after the case's deadline {visit.latest_day.isoformat()}"
        alone = self._alone(index)
        if alone is not None:
            trip, number = alone
            transport = self.problem.assessors[self.days[number].assessor_id].transport
            length = self.drafts[number].end - self.drafts[number].begin
            return (
                f"no assessor can reach it and back within a day (shortest: {trip} min "
                f"{_BY[transport]}, day {length} min)"
            )
        if len(windows) > 3:
            told = ", ".join(_span(window) for window in windows[:3])
            return f"the owner's windows {told} … ({len(windows)} in all) have no assessor free"
        if windows:
            told = ", ".join(_span(window) for window in windows)
            return f"the owner's window {told} has no assessor free"
        if index in self.hopeless:
            if visit.latest_day is not None and self.days:
                return f"no working day before the case's deadline {visit.latest_day.isoformat()}"
            return "no working day left in the period"
        if visit.latest_day is not None:
            return f"no room before the case's deadline {visit.latest_day.isoformat()}"
        return "no room in the period: more urgent visits fill the assessors' days"


# How an assessor travels, in the reasons' words.
_BY = {
    Transport.FOOT: "on foot",
    Transport.BIKE: "by bike",
    Transport.EBIKE: "by e-bike",
    Transport.CAR: "by car",
}


def _windows(visit: Visit) -> tuple[Window, ...]:
    return (visit.promised,) if visit.promised is not None else visit.windows


def _span(window: Window) -> str:
    end = window.end.strftime("%H:%M" if window.end.date() == window.start.date() else "%Y-%m-%d %H:%M")
    return f"{window.start:%Y-%m-%d %H:%M}–{end}"


def _regret_assignment(cost: np.ndarray, slots: list[int]) -> list[int]:
    """Each row to a column with slots left: the row that loses most by not getting its best column goes
    first (ties: the lower row). Rows beyond the slots get -1."""
    rows = cost.shape[0]
    owner = [-1] * rows
    left = np.array(slots, dtype=np.int64)
    waiting = np.ones(rows, dtype=bool)
    while waiting.any() and (left > 0).any():
        usable = np.where(left > 0, 0.0, np.inf)[None, :] + cost
        ordered = np.sort(usable, axis=1)
        second = ordered[:, 1] if usable.shape[1] > 1 else np.full(rows, np.inf)
        regret = np.where(np.isinf(second), 1e18, second - ordered[:, 0])
        regret = np.where(waiting, regret, -np.inf)
        row = int(np.argmax(regret))
        column = int(np.argmin(usable[row]))
        owner[row] = column
        left[column] -= 1
        waiting[row] = False
    return owner
