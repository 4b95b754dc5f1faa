"""Command: re-plan after an assessor falls ill, and grant owners' wishes for another time (issue 14 items
4 and 5). A new version of the plan in which only the affected visits move: the days up to the re-plan's
date stay as they were, every later stop stays with its assessor and day (its window kept), the absent
assessor's visits in the absence and the visits whose owner asked for another time are fitted anew into
the days after the re-plan's date (with the visits the earlier version left unplanned). Owners are told
day and window: an owner who asked to be told gets a notice when the visit's day or window is not the
one they hold a notice of (never told, moved, or cancelled since), naming the letter it replaces; an
owner told of a visit this version leaves unplanned gets a cancellation letter. A visit planned again
after a cancellation gets a notice that replaces the cancellation (so the letters of a visit form one
chain: notice, cancellation, notice).

A re-plan dated before the plan's latest version is refused (business dates do not go back). One that
would change nothing (no visit placed otherwise, no letter, no assessor-day lost, e.g. the assessor is
already absent those days in the plan) stores no version: Replanned.stored is False and the plan is the
latest version as it was."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.assessment.application.config import AssessmentConfig
from services.assessment.application.inspection_needs import gather_needs
from services.assessment.application.plan_inspections import (
    NeedsGatherer,
    needs_to_visits,
    open_needs,
    recipients,
    store,
)
from services.assessment.application.ports import AssessmentUnitOfWork, RoutePlanner
from services.assessment.domain.inspection_planning import (
    Absence,
    InspectionCancellation,
    InspectionNotice,
    InspectionPlan,
    PlanningProblem,
    PlanningSolution,
)
from services.assessment.domain.inspection_schedule import (
    assessor_days,
    cancellations_to_issue,
    moved,
    newcomers,
    notices_to_issue,
    placements,
    replan_input,
    working_days,
)
from services.platform.errors import InvalidInput, NotFound, Violations
from services.platform.ids import new_id


@dataclass(frozen=True)
class Replan:
    plan_id: str
    assessor_id: str  # "" when only owners' wishes are granted
    absent_from: date | None
    absent_until: date | None  # None: to the end of the period
    replanned_on: date


@dataclass(frozen=True)
class Replanned:
    plan: InspectionPlan
    moved: tuple[str, ...]  # assessor, day or window changed, or no longer planned (property ids)
    notices: tuple[InspectionNotice, ...]
    cancellations: tuple[InspectionCancellation, ...] = ()
    stored: bool = True  # False: the re-plan would change nothing, `plan` is the latest version as it was
    now_unplanned: tuple[str, ...] = ()  # planned in the earlier version, unplanned in this (property ids)


def _absence(command: Replan, plan: InspectionPlan) -> Absence | None:
    """The new absence, checked against the plan. InvalidInput naming assessor_id, absent_from or
    absent_until."""
    problems = Violations()
    if not command.assessor_id:
        if command.absent_from or command.absent_until:
            problems.add("assessor_id", "name the assessor who is absent")
        problems.raise_if_any()
        return None
    if command.assessor_id not in {a.assessor_id for a in plan.assessors}:
        problems.add("assessor_id", f"{command.assessor_id} is no assessor of plan {plan.plan_id}")
    period = f"the plan's period ({plan.first_day.isoformat()} to {plan.last_day.isoformat()})"
    start = command.absent_from
    if start is None:
        problems.add("absent_from", "is required with an assessor")
    elif not plan.first_day <= start <= plan.last_day:
        problems.add("absent_from", f"must lie in {period}")
    until = command.absent_until or plan.last_day
    if command.absent_until is not None:
        if not plan.first_day <= until <= plan.last_day:
            problems.add("absent_until", f"must lie in {period}")
        elif start is not None and until < start:
            problems.add("absent_until", "the last day away must not be before the first")
    problems.raise_if_any()
    assert start is not None
    return Absence(command.assessor_id, start, until)


def replan_inspections(
    uow: AssessmentUnitOfWork,
    command: Replan,
    config: AssessmentConfig,
    planner: RoutePlanner,
    gather: NeedsGatherer = gather_needs,
) -> Replanned:
    """A new version of the plan (the module's docstring), or none when nothing would change. NotFound
    for an unknown plan; InvalidInput naming replanned_on (before the latest version's date, or no
    working day after it), assessor_id, absent_from or absent_until."""
    settings = config.inspections
    with uow:
        plan = uow.inspection_plans.get(command.plan_id)
        if plan is None:
            raise NotFound(f"no inspection plan {command.plan_id}")
        if command.replanned_on < plan.made_on:
            raise InvalidInput.single(
                "replanned_on",
                f"must not be before version {plan.version}'s date ({plan.made_on:%d.%m.%Y})",
            )
        absence = _absence(command, plan)
        absences = (*plan.absences, absence) if absence else plan.absences
        days = working_days(plan.first_day, plan.last_day)
        ahead = [day for day in days if day > command.replanned_on]
        if not ahead:
            raise InvalidInput.single(
                "replanned_on", f"the plan has no working day after it (its last is {days[-1].isoformat()})"
            )
        slots = assessor_days(plan.assessors, absences, ahead, settings)
        if not slots:
            raise InvalidInput.single("assessor_id", "no assessor-day would be left in the period")
        planned = [stop.property_id for route in plan.solution.days for stop in route.stops]
        planned += [u.property_id for u in plan.solution.unplanned]
        notices = uow.inspection_plans.latest_notices(planned)
        requests = uow.inspection_plans.requests(planned)
        longest = max(a.minutes_per_day for a in plan.assessors)
        fitted = replan_input(plan, absence, notices, requests, days, settings, longest, command.replanned_on)
        # Needs no plan holds (new since, or left by a plan's re-plan) take the free room, after the pins.
        known = set(plan.visits) | set(planned)
        fresh = [
            n
            for n in open_needs(uow, gather, command.replanned_on, settings).needs
            if n.property_id not in known
        ]
        built, no_place = needs_to_visits(uow, fresh, days, settings, longest)
        added, past = newcomers(built, command.replanned_on)
        assessors = {a.assessor_id: a for a in plan.assessors}
        solution = planner.plan(
            PlanningProblem((*fitted.visits, *added), assessors, slots, settings, fitted.pins)
        )
        # The days kept count as they were in the plan's distance; the naive one is the version's own, as
        # a first plan's: its planned visits in property-id order over all its assessor-days.
        kept_km = sum((route.distance_km for route in fitted.kept), Decimal(0))
        routes = tuple(sorted((*fitted.kept, *solution.days), key=lambda r: (r.day, r.assessor_id)))
        visits = {**plan.visits, **{v.property_id: v for v in (*fitted.visits, *added)}}
        planned_now = [visits[stop.property_id] for route in routes for stop in route.stops]
        naive = planner.naive_distance(
            PlanningProblem(
                tuple(planned_now),
                assessors,
                assessor_days(plan.assessors, absences, days, settings),
                settings,
            )
        )
        solution = PlanningSolution(
            days=routes,
            unplanned=(*solution.unplanned, *fitted.unplanned, *no_place, *past),
            total_distance_km=solution.total_distance_km + kept_km,
            naive_distance_km=naive,
        )
        cause = (
            f"{command.assessor_id} absent {absence.first_day:%d.%m.%Y}–{absence.last_day:%d.%m.%Y}"
            if absence
            else "owners' requests granted"
        )
        new = InspectionPlan(
            plan_id=plan.plan_id,
            version=uow.inspection_plans.next_version(plan.plan_id),
            first_day=plan.first_day,
            last_day=plan.last_day,
            made_on=command.replanned_on,
            cause=cause,
            assessors=plan.assessors,
            absences=absences,
            solution=solution,
            needs=plan.needs + len(fresh),
            visits=visits,
        )
        changed = moved(plan, new)
        told = {pid for pid, v in new.visits.items() if v.notify} | set(notices)
        to = recipients(uow, told, command.replanned_on)
        issued = notices_to_issue(new, command.replanned_on, to, notices, new_id)
        cancelled = cancellations_to_issue(new, command.replanned_on, to, notices, new_id)
        same_days = assessor_days(plan.assessors, plan.absences, days, settings) == assessor_days(
            plan.assessors, absences, days, settings
        )
        if same_days and placements(plan) == placements(new) and not issued and not cancelled:
            return Replanned(plan, (), (), (), stored=False)
        store(uow, new, issued, cancelled)
        uow.commit()
    gone = tuple(sorted(set(placements(plan)) - set(placements(new))))
    return Replanned(new, tuple(changed), tuple(issued), tuple(cancelled), True, gone)
