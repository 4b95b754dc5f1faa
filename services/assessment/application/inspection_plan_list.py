"""Query: the stored inspection plans in brief (ListInspectionPlans): the latest version of each, newest
period first, for the office to find a plan's id without remembering it."""

from __future__ import annotations

from datetime import date

from services.assessment.application.ports import AssessmentUnitOfWork, PlanSummary

__all__ = ["PlanSummary", "list_inspection_plans"]


def list_inspection_plans(uow: AssessmentUnitOfWork, from_day: date | None) -> list[PlanSummary]:
    """The latest version of each plan whose period has a day on or after `from_day` (None: every plan),
    newest period first (by first day, then last day, then plan id, all descending). Read only."""
    with uow:
        return uow.inspection_plans.summaries(from_day)
