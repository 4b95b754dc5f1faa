"""Command: plan a period's inspections (issue 14 items 2, 3 and 5). Gathers the open needs, builds the
visits (owners' wishes as windows, appeal deadlines as latest days), the assessor-days, lets the route
planner fit them, and stores version 1 of a new plan with a notice to every owner who asked to be told:
the plan, the notices and their events (InspectionsPlanned, one InspectionScheduled per notice) in one
transaction. A dry run does all of it but the storing: nothing is kept, published or sent.

Needs another plan visits on or after the period's first day are left out (a re-plan of that plan moves
them) and counted; other plans over the same days that share an assessor are named, since those
assessors would have two plans for one day."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date

from services.assessment.application.config import AssessmentConfig
from services.assessment.application.ports import AssessmentUnitOfWork, RoutePlanner
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
    already_planned: int = 0  # open needs left out: another plan visits them on or after first_day
    overlapping: tuple[str, ...] = ()  # other plans over these days sharing an assessor, by plan id
    stored: bool = True


def plan_inspections(
    uow: AssessmentUnitOfWork,
    period: PlanPeriod,
    config: AssessmentConfig,
    planner: RoutePlanner,
    gather: NeedsGatherer,
) -> PlanMade:
    """Plans the period. InvalidInput naming first_day, last_day, absences[i] or assessors_csv when the
    period or absences break the rules or no assessor-day is left to plan; a plan whose needs all stay
    unplanned is still a plan. A dry run (period.dry_run) makes the same plan and notices and stores,
    records and commits nothing."""
    problems = Violations()
    period_problems(period.first_day, period.last_day, problems)
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
        # A need is open on the plan's business date; it is another plan's when that plan visits it on or
        # after this period's first day (gather marks PLANNED from its own date: not used here).
        held = uow.inspection_plans.planned_property_ids(period.first_day)
        gathered = [n for n in gather(uow, period.planned_on) if n.status != NeedStatus.DONE]
        needs = [n for n in gathered if n.property_id not in held]
        overlapping = uow.inspection_plans.overlapping_plans(
            period.first_day, period.last_day, {a.assessor_id for a in period.assessors}
        )
        ids = [n.property_id for n in needs]
        props = uow.properties.get_many(ids)
        places = {pid: Place(p.location, p.category) for pid, p in props.items()}
        requests = uow.inspection_plans.requests(ids)
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
    return PlanMade(plan, tuple(notices), len(gathered) - len(needs), tuple(overlapping), not dry)


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
