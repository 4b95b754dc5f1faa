"""Command: an owner's wish for the visit (issue 14 item 5): to be told when the assessor comes, and the
day and/or hours that suit them. Stored per property, replacing an earlier wish; a property already in a
plan gets it at the next re-plan (the office grants it there)."""

from __future__ import annotations

from dataclasses import dataclass

from services.assessment.application.ports import AssessmentUnitOfWork
from services.assessment.domain.inspection_planning import DEFAULT_SETTINGS, OwnerRequest, PlanningSettings
from services.assessment.domain.inspection_schedule import request_problems
from services.platform.errors import NotFound, Violations
from services.platform.identity import REASON_LENGTH, check_free_text


@dataclass(frozen=True)
class VisitRequested:
    property_id: str
    needs_replan: bool  # a plan visits the property already: the wish waits for a re-plan


def request_visit(
    uow: AssessmentUnitOfWork, request: OwnerRequest, settings: PlanningSettings = DEFAULT_SETTINGS
) -> VisitRequested:
    """Stores the wish. InvalidInput naming day, from_time, until_time, notice_name, notice_lines or note
    when they break the rules (domain/inspection_schedule.py request_problems: the hours within the
    working day of `settings`, the configured AssessmentConfig.inspections); NotFound for a property not
    in the register."""
    problems = Violations()
    request_problems(request, problems, settings)
    check_free_text(problems, "note", request.note, REASON_LENGTH)
    problems.raise_if_any()
    with uow:
        if uow.properties.get(request.property_id) is None:
            raise NotFound(f"no property {request.property_id}")
        uow.inspection_plans.put_request(request)
        planned = request.property_id in uow.inspection_plans.planned_property_ids(request.asked_on)
        uow.commit()
    return VisitRequested(request.property_id, planned)
