"""Command: plan a period's inspections (issue 14 items 2, 3 and 5). Gathers the open needs, builds the
visits (owners' wishes as windows, appeal deadlines as latest days), the assessor-days, lets the route
planner fit them, and stores version 1 of a new plan with a notice to every owner who asked to be told:
the plan, the notices and their events (InspectionsPlanned, one InspectionScheduled per notice) in one
transaction. A dry run does all of it but the storing: nothing is kept, published or sent.

Refused: a plan made after its first day (planned_on; its notices would be issued after days it plans), a plan
with no open need to plan (first_day: all are in other plans or done; stored, an empty plan would hold its
days and assessors against a later plan), another plan over some of the same days with some of the same
assessors (first_day: those assessors would have two plans for one day, one blind to the other's absences and
visits; plans over the same days for other assessors are fine), and an assessor starting farther than
settings.max_start_km in a straight line from every need to visit (assessors_csv: a start in Stockholm is a
mistake in the file, not a day of travel).

Needs other plans hold are left out and counted (PlanMade.already_planned): a need another plan's latest
version visits on any day, past or future, is that plan's (a re-plan of it moves the visit), so a plan
for next week does not book again last week's visits whose results are not recorded yet. Except a visit
more than settings.results_due_days (inspections.yaml) before planned_on whose need is still open: its
result should have been recorded by then, so it counts as missed and the need is planned again. (A
recorded result closes the need: it is not gathered at all.)"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from services.assessment.application.config import AssessmentConfig
from services.assessment.application.ports import AssessmentUnitOfWork, PlanOverlap, RoutePlanner
from services.assessment.domain.inspection_needs import InspectionNeed, NeedStatus
from services.assessment.domain.inspection_planning import (
    Absence,
    Assessor,
    InspectionCancellation,
    InspectionCancelled,
    InspectionNotice,
    InspectionPlan,
    InspectionScheduled,
    InspectionsPlanned,
    PlanningProblem,
    PlanningSettings,
    Unplanned,
    Visit,
    plan_reference,
    straight_line_km,
)
from services.assessment.domain.inspection_schedule import (
    Place,
    Recipient,
    absence_problems,
    assessor_days,
    build_visits,
    notices_to_issue,
    period_problems,
    recipient,
    working_days,
)
from services.assessment.domain.property import Location
from services.platform.errors import InvalidInput, Violations
from services.platform.ids import new_id

NeedsGatherer = Callable[[AssessmentUnitOfWork, date], list[InspectionNeed]]


@dataclass(frozen=True)
class PlanPeriod:
    first_day: date
    last_day: date
    assessors: tuple[Assessor, ...]
    absences: tuple[Absence, ...]
    planned_on: date  # the business date of the plan (its notices are issued on it)
    dry_run: bool = False  # plan, but store, record and send nothing


@dataclass(frozen=True)
class PlanMade:
    plan: InspectionPlan  # a dry run's has plan_id "" and version 0
    notices: tuple[InspectionNotice, ...]  # a dry run's would be sent (their ids are throwaway)
    already_planned: int = 0  # open needs left out: another plan holds them (see the module's docstring)
    # Other plans over these days sharing an assessor, by plan id: always empty, since such a plan is
    # refused (kept for the API's overlapping_plans).
    overlapping: tuple[str, ...] = ()
    stored: bool = True


def plan_inspections(
    uow: AssessmentUnitOfWork,
    period: PlanPeriod,
    config: AssessmentConfig,
    planner: RoutePlanner,
    gather: NeedsGatherer,
) -> PlanMade:
    """Plans the period. InvalidInput naming first_day, last_day, planned_on, absences[i] or assessors_csv
    when the period, the plan's date or absences break the rules, another plan shares days and assessors, an
    assessor starts far from the work, no assessor-day is left to plan or no open need is left to plan
    (first_day: all are in other plans or done; an empty plan would only block its days for a later one);
    a plan whose needs all stay unplanned is still a plan. A dry run (period.dry_run) is refused alike,
    makes the same plan and notices and stores, records and commits nothing."""
    problems = Violations()
    period_problems(period.first_day, period.last_day, problems)
    if period.planned_on > period.first_day:
        problems.add(
            "planned_on", "a plan is made on or before its first day; plan from the day after instead"
        )
    absence_problems(
        period.absences,
        {a.assessor_id for a in period.assessors},
        problems,
        period=(period.first_day, period.last_day) if period.first_day <= period.last_day else None,
    )
    if not period.assessors:
        problems.add("assessors_csv", "the assessors file lists no assessor")
    problems.raise_if_any()
    settings = config.inspections
    days = working_days(period.first_day, period.last_day)
    slots = assessor_days(period.assessors, period.absences, days, settings)
    if not slots:
        raise InvalidInput.single("absences", "every assessor is absent on every working day of the period")
    longest = max(a.minutes_per_day for a in period.assessors)
    dry = period.dry_run
    with uow:
        overlapping = uow.inspection_plans.overlapping_plans(
            period.first_day, period.last_day, {a.assessor_id for a in period.assessors}
        )
        if overlapping:
            raise InvalidInput.single("first_day", _overlap_words(overlapping))
        found = open_needs(uow, gather, period.planned_on, settings)
        needs = found.needs
        if not needs:
            # An empty plan would still hold its days and assessors, refusing a later plan over them.
            raise InvalidInput.single("first_day", _nothing_to_plan(found.held, found.done))
        places = _places(uow, needs)
        _check_starts(period.assessors, [p.location for p in places.values() if p.location], settings)
        requests = uow.inspection_plans.requests([n.property_id for n in needs])
        visits, no_place = build_visits(needs, places, requests, days, settings, longest)
        solution = planner.plan(
            PlanningProblem(tuple(visits), {a.assessor_id: a for a in period.assessors}, slots, settings)
        )
        solution = replace(solution, unplanned=(*no_place, *solution.unplanned))
        plan = InspectionPlan(
            plan_id="" if dry else new_id(),
            version=0 if dry else 1,
            first_day=period.first_day,
            last_day=period.last_day,
            made_on=period.planned_on,
            cause="plan",
            assessors=period.assessors,
            absences=period.absences,
            solution=solution,
            needs=len(needs),
            visits={v.property_id: v for v in visits},
        )
        to = recipients(uow, _notified(plan), period.planned_on)
        notices = notices_to_issue(plan, period.planned_on, to, {}, (lambda: "") if dry else new_id)
        if not dry:
            store(uow, plan, notices)
            uow.commit()
    return PlanMade(plan, tuple(notices), found.held, (), not dry)


@dataclass(frozen=True)
class OpenNeeds:
    needs: list[InspectionNeed]  # open on the day and held by no plan, in the gatherer's order
    held: int  # open, but another plan holds them (the module's docstring)
    done: int  # gathered with a recorded result


def open_needs(
    uow: AssessmentUnitOfWork, gather: NeedsGatherer, on: date, settings: PlanningSettings
) -> OpenNeeds:
    """The needs to plan on the business date `on`: open, and not held by a plan (one whose latest version
    visits them on a day not more than settings.results_due_days before `on`: the module's docstring). A
    new plan plans these; a re-plan offers them the room its version has free."""
    # Gather marks PLANNED from its own date: not used here.
    held = uow.inspection_plans.visit_days(on - timedelta(days=settings.results_due_days))
    every = gather(uow, on)
    gathered = [n for n in every if n.status != NeedStatus.DONE]
    needs = [n for n in gathered if n.property_id not in held]
    return OpenNeeds(needs, len(gathered) - len(needs), len(every) - len(gathered))


def needs_to_visits(
    uow: AssessmentUnitOfWork,
    needs: Sequence[InspectionNeed],
    days: Sequence[date],
    settings: PlanningSettings,
    day_minutes: int,
) -> tuple[list[Visit], list[Unplanned]]:
    """build_visits for `needs` with the register's places and the owners' wishes."""
    requests = uow.inspection_plans.requests([n.property_id for n in needs])
    return build_visits(needs, _places(uow, needs), requests, days, settings, day_minutes)


def _places(uow: AssessmentUnitOfWork, needs: Sequence[InspectionNeed]) -> dict[str, Place]:
    props = uow.properties.get_many([n.property_id for n in needs])
    return {pid: Place(p.location, p.category) for pid, p in props.items()}


def _nothing_to_plan(held: int, done: int) -> str:
    """'no open need to plan: 3 needs are in other plans (re-plan them), 2 are done'."""
    return (
        f"no open need to plan: {held} {'need is' if held == 1 else 'needs are'} in other plans "
        f"(re-plan them), {done} {'is' if done == 1 else 'are'} done"
    )


def _overlap_words(overlapping: Sequence[PlanOverlap]) -> str:
    """'plan BEF-1A2B3C4D (06.05.2024–10.05.2024) has A1 and A2 too; …: an assessor …'"""
    each = "; ".join(
        f"plan {plan_reference(o.plan_id)} ({o.first_day:%d.%m.%Y}–{o.last_day:%d.%m.%Y}) has "
        f"{_joined(o.shared)} too"
        for o in overlapping
    )
    return (
        f"{each}: an assessor cannot be in two plans on one day; plan other days or other assessors, "
        "or re-plan that plan"
    )


def _joined(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _check_starts(
    assessors: Sequence[Assessor], locations: Sequence[Location], settings: PlanningSettings
) -> None:
    """InvalidInput naming assessors_csv when an assessor starts farther than settings.max_start_km in a
    straight line from every location to visit (none to visit: nothing to measure)."""
    if not locations:
        return
    limit = float(settings.max_start_km)
    problems = Violations()
    for assessor in assessors:
        if any(straight_line_km(assessor.start, where) <= limit for where in locations):
            continue
        nearest = min(straight_line_km(assessor.start, where) for where in locations)
        problems.add(
            "assessors_csv",
            f"{assessor.assessor_id} starts at longitude {assessor.start.lon:.4f}, latitude "
            f"{assessor.start.lat:.4f}, {nearest:.0f} km from the nearest property to visit; a start "
            f"must lie within {limit:g} km of the work: check the file's start_lon and start_lat",
        )
    problems.raise_if_any()


def _notified(plan: InspectionPlan) -> list[str]:
    return [pid for pid, visit in plan.visits.items() if visit.notify]


def recipients(uow: AssessmentUnitOfWork, property_ids: Collection[str], on: date) -> dict[str, Recipient]:
    """Whom each property's letter goes to: the name and address lines the owner's wish gives, else its
    owners on `on` as the register has them at the property's address."""
    found = {}
    wanted = sorted(property_ids)
    props = uow.properties.get_many(wanted)
    wishes = uow.inspection_plans.requests(wanted)
    for pid in wanted:
        names = [share.name for share, since, _ in uow.ownerships.current(pid) if since <= on]
        found[pid] = recipient(names, props[pid].address if pid in props else "", wishes.get(pid))
    return found


def store(
    uow: AssessmentUnitOfWork,
    plan: InspectionPlan,
    notices: Sequence[InspectionNotice],
    cancellations: Sequence[InspectionCancellation] = (),
) -> None:
    """The version, its letters and their events, in the caller's transaction."""
    uow.inspection_plans.add(plan, uow.now())
    uow.inspection_plans.add_notices(notices, uow.now())
    uow.inspection_plans.add_cancellations(cancellations, uow.now())
    uow.record(InspectionsPlanned(plan))
    for notice in notices:
        uow.record(InspectionScheduled(notice))
    for cancellation in cancellations:
        uow.record(InspectionCancelled(cancellation))
