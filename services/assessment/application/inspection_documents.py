"""Queries: a plan's version, and its documents (issue 14 items 5 and 6): a route sheet per assessor-day,
the plan's HTML map, and the owners' letters issued with that version (notices, and cancellations of
visits it left out), rendered from what they said when issued (so a letter is the same every time)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from services.assessment.application.ports import AssessmentUnitOfWork, InspectionDocuments
from services.assessment.domain.inspection_planning import InspectionPlan
from services.platform.errors import InvalidInput, NotFound


def get_plan(uow: AssessmentUnitOfWork, plan_id: str = "", version: int = 0) -> InspectionPlan:
    """A plan's version (0: the latest) — of the latest plan when `plan_id` is empty. NotFound when there
    is none; InvalidInput naming version when it is negative."""
    if version < 0:
        raise InvalidInput.single("version", "must be 1 or more (0: the latest)")
    with uow:
        wanted = plan_id or uow.inspection_plans.latest_plan_id()
        if not wanted:
            raise NotFound("no inspection plan yet: plan a period first")
        plan = uow.inspection_plans.get(wanted, version)
    if plan is None:
        raise NotFound(f"no inspection plan {wanted}" + (f" version {version}" if version else ""))
    return plan


@dataclass(frozen=True)
class DocumentChoice:
    route_sheets: bool = True
    map: bool = True
    notices: bool = True


def route_sheet_name(assessor_id: str, day: str) -> str:
    return f"route-{_safe(assessor_id)}-{day}.pdf"


def notice_name(property_id: str, version: int) -> str:
    return f"notice-{_safe(property_id)}-{version}.pdf"


def cancellation_name(property_id: str, version: int) -> str:
    return f"cancellation-{_safe(property_id)}-{version}.pdf"


def _safe(text: str) -> str:
    """A name part that is one file name (a property id's slashes would make folders)."""
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in text)


def plan_documents(
    uow: AssessmentUnitOfWork,
    documents: InspectionDocuments,
    plan_id: str,
    version: int,
    choice: DocumentChoice,
) -> Iterator[tuple[str, bytes]]:
    """(file name, content) of each chosen document, route sheets by day then assessor, then the map, then
    the notices by property, then the cancellations by property (`choice.notices` covers both)."""
    plan = get_plan(uow, plan_id, version)
    with uow:
        zones = uow.zones.index().zones
        notices = uow.inspection_plans.notices_of(plan.plan_id, plan.version) if choice.notices else []
        cancellations = (
            uow.inspection_plans.cancellations_of(plan.plan_id, plan.version) if choice.notices else []
        )
    if choice.route_sheets:
        for route in sorted(plan.solution.days, key=lambda r: (r.day, r.assessor_id)):
            if route.stops:
                yield (
                    route_sheet_name(route.assessor_id, route.day.isoformat()),
                    documents.route_sheet(plan, route, zones),
                )
    if choice.map:
        yield "plan-map.html", documents.plan_map(plan, zones)
    for notice in sorted(notices, key=lambda n: n.property_id):
        yield notice_name(notice.property_id, notice.plan_version), documents.notice(notice)
    for letter in sorted(cancellations, key=lambda c: c.property_id):
        yield cancellation_name(letter.property_id, letter.plan_version), documents.cancellation(letter)
