"""AssessmentService's planning RPCs (RequestVisit, PlanInspections, GetInspectionPlan, ListInspectionPlans,
ReplanInspections, GetInspectionDocuments): proto ⇄ command, nothing more. Mixed into the servicer in
grpc_api.py, whose __init__ sets the attributes declared here. A business date not given is today in Oslo,
read here and handed on, never inside a command."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time

from propertytax.assessment.v1 import inspections_pb2, property_pb2
from services.assessment.application.config import AssessmentConfig
from services.assessment.application.inspection_documents import DocumentChoice, get_plan, plan_documents
from services.assessment.application.inspection_needs import gather_needs
from services.assessment.application.inspection_plan_list import PlanSummary, list_inspection_plans
from services.assessment.application.owner_requests import request_visit
from services.assessment.application.plan_inspections import PlanPeriod, plan_inspections
from services.assessment.application.ports import (
    ImportFiles,
    InspectionDocuments,
    RoutePlanner,
    UnitOfWorkFactory,
)
from services.assessment.application.replan_inspections import Replan, replan_inspections
from services.assessment.domain.inspection_planning import Absence, Assessor, InspectionPlan, OwnerRequest
from services.assessment.domain.inspection_schedule import parse_hours
from services.platform.clock import oslo_today
from services.platform.dates import request_day
from services.platform.errors import Violations

_MINUTES = "%Y-%m-%dT%H:%M"


def _hours(text: str, field: str, problems: Violations) -> time | None:
    if not text.strip():
        return None
    try:
        return parse_hours(text)
    except ValueError as exc:
        problems.add(field, str(exc))
        return None


def _assessor_to_proto(assessor: Assessor) -> inspections_pb2.Assessor:
    return inspections_pb2.Assessor(
        assessor_id=assessor.assessor_id,
        name=assessor.name,
        transport=assessor.transport.value,
        start=property_pb2.Location(lon=assessor.start.lon, lat=assessor.start.lat),
        minutes_per_day=assessor.minutes_per_day,
    )


def plan_to_proto(plan: InspectionPlan) -> inspections_pb2.InspectionPlan:
    """A plan's version as the API gives it: days by day then assessor, times YYYY-MM-DDTHH:MM, km as
    text with 3 decimals."""
    routes = sorted(plan.solution.days, key=lambda r: (r.day, r.assessor_id))
    return inspections_pb2.InspectionPlan(
        plan_id=plan.plan_id,
        version=plan.version,
        first_day=plan.first_day.isoformat(),
        last_day=plan.last_day.isoformat(),
        made_on=plan.made_on.isoformat(),
        cause=plan.cause,
        days=[
            inspections_pb2.PlannedDay(
                assessor_id=route.assessor_id,
                date=route.day.isoformat(),
                stops=[
                    inspections_pb2.PlannedStop(
                        property_id=stop.property_id,
                        arrive=stop.arrive.strftime(_MINUTES),
                        leave=stop.leave.strftime(_MINUTES),
                        address=visit.need.address if visit else "",
                        reason=visit.need.reason.value if visit else "",
                        window_start=stop.window.start.strftime(_MINUTES),
                        window_end=stop.window.end.strftime(_MINUTES),
                        notify=bool(visit and visit.notify),
                    )
                    for stop in route.stops
                    for visit in (plan.visits.get(stop.property_id),)
                ],
                distance_km=f"{route.distance_km:.3f}",
                travel_minutes=route.travel_minutes,
            )
            for route in routes
        ],
        unplanned=[
            inspections_pb2.UnplannedNeed(property_id=u.property_id, reason=u.reason)
            for u in plan.solution.unplanned
        ],
        total_distance_km=f"{plan.solution.total_distance_km:.3f}",
        naive_distance_km=f"{plan.solution.naive_distance_km:.3f}",
        assessors=[_assessor_to_proto(a) for a in plan.assessors],
        needs=plan.needs,
    )


def summary_to_proto(summary: PlanSummary) -> inspections_pb2.InspectionPlanSummary:
    return inspections_pb2.InspectionPlanSummary(
        plan_id=summary.plan_id,
        version=summary.version,
        first_day=summary.first_day.isoformat(),
        last_day=summary.last_day.isoformat(),
        made_on=summary.made_on.isoformat(),
        cause=summary.cause,
        visits=summary.visits,
        unplanned=summary.unplanned,
        assessor_ids=list(summary.assessor_ids),
    )


class InspectionPlanRpcs:
    _uow: UnitOfWorkFactory
    _config: AssessmentConfig
    _files: ImportFiles
    _planner: RoutePlanner
    _inspection_documents: InspectionDocuments

    def RequestVisit(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        problems = Violations()
        if not request.property_id:
            problems.add("property_id", "is required")
        asked_on = request_day(request.asked_on, "asked_on", problems) or oslo_today()
        day = request_day(request.day, "day", problems)
        from_time = _hours(request.from_time, "from_time", problems)
        until_time = _hours(request.until_time, "until_time", problems)
        problems.raise_if_any()
        done = request_visit(
            self._uow(),
            OwnerRequest(
                request.property_id,
                asked_on,
                request.notify,
                day,
                from_time,
                until_time,
                request.note.strip(),
                # Checked by the domain (inspection_schedule: one line each, at most four, none empty).
                notice_name=request.notice_name.strip(),
                notice_lines=tuple(line.strip() for line in request.notice_address),
            ),
        )
        return inspections_pb2.RequestVisitResponse(
            property_id=done.property_id, needs_replan=done.needs_replan
        )

    def PlanInspections(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        problems = Violations()
        first = request_day(request.first_day, "first_day", problems, required=True)
        last = request_day(request.last_day, "last_day", problems, required=True)
        planned_on = request_day(request.planned_on, "planned_on", problems) or oslo_today()
        absences = []
        for index, absence in enumerate(request.absences):
            away = request_day(absence.first_day, f"absences[{index}].first_day", problems, required=True)
            until = request_day(absence.last_day, f"absences[{index}].last_day", problems) or away
            if away is not None and until is not None:
                absences.append(Absence(absence.assessor_id, away, until))
        if not request.assessors_csv:
            problems.add("assessors_csv", "is required (assessor_id, name, transport, start_lon, …)")
        problems.raise_if_any()
        assessors = self._files.assessors(request.assessors_csv)  # bad rows named "line N" as imports do
        assert first is not None and last is not None
        made = plan_inspections(
            self._uow(),
            PlanPeriod(first, last, tuple(assessors), tuple(absences), planned_on, dry_run=request.dry_run),
            self._config,
            self._planner,
            gather_needs,
        )
        return inspections_pb2.PlanInspectionsResponse(
            plan=plan_to_proto(made.plan),
            notices=len(made.notices),
            already_planned=made.already_planned,
            overlapping_plans=list(made.overlapping),
            stored=made.stored,
        )

    def GetInspectionPlan(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        plan = get_plan(self._uow(), request.plan_id, request.version)
        return inspections_pb2.GetInspectionPlanResponse(plan=plan_to_proto(plan))

    def ListInspectionPlans(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        problems = Violations()
        from_day = request_day(request.from_day, "from_day", problems)
        problems.raise_if_any()
        plans = list_inspection_plans(self._uow(), from_day)
        return inspections_pb2.ListInspectionPlansResponse(plans=[summary_to_proto(p) for p in plans])

    def ReplanInspections(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        problems = Violations()
        if not request.plan_id:
            problems.add("plan_id", "is required")
        absent_from = request_day(request.absent_from, "absent_from", problems)
        absent_until = request_day(request.absent_until, "absent_until", problems)
        replanned_on = request_day(request.replanned_on, "replanned_on", problems) or oslo_today()
        problems.raise_if_any()
        done = replan_inspections(
            self._uow(),
            Replan(request.plan_id, request.assessor_id, absent_from, absent_until, replanned_on),
            self._config,
            self._planner,
        )
        return inspections_pb2.ReplanInspectionsResponse(
            plan=plan_to_proto(done.plan),
            moved=list(done.moved),
            notices=len(done.notices),
            cancellations=len(done.cancellations),
            stored=done.stored,
            now_unplanned=list(done.now_unplanned),
        )

    def GetInspectionDocuments(  # type: ignore[no-untyped-def]  # noqa: N802
        self, request, context
    ) -> Iterator[inspections_pb2.GetInspectionDocumentsResponse]:
        everything = not (request.route_sheets or request.map or request.notices)
        choice = DocumentChoice(
            route_sheets=everything or request.route_sheets,
            map=everything or request.map,
            notices=everything or request.notices,
        )
        documents = plan_documents(
            self._uow(), self._inspection_documents, request.plan_id, request.version, choice
        )
        for name, content in documents:
            yield inspections_pb2.GetInspectionDocumentsResponse(
                document=inspections_pb2.InspectionDocument(name=name, content=content)
            )
