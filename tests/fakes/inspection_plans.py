"""Inspection plans, owners' requests and notices in memory (application/ports.py
InspectionPlanRepository)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime

from services.assessment.application.ports import PlanOverlap, PlanSummary
from services.assessment.domain.field_results import has_visit
from services.assessment.domain.inspection_planning import (
    InspectionCancellation,
    InspectionNotice,
    InspectionPlan,
    OwnerLetter,
    OwnerRequest,
)


class InMemoryInspectionPlans:
    def __init__(self) -> None:
        self.plans: dict[tuple[str, int], InspectionPlan] = {}
        self.order: list[str] = []  # plan ids in the order their first version was stored
        self.wishes: dict[str, OwnerRequest] = {}
        self.notices: list[InspectionNotice] = []
        self.cancellations: list[InspectionCancellation] = []
        self.letters: list[OwnerLetter] = []  # notices and cancellations in the order issued

    def next_version(self, plan_id: str) -> int:
        return max((v for pid, v in self.plans if pid == plan_id), default=0) + 1

    def add(self, plan: InspectionPlan, at: datetime) -> None:
        key = (plan.plan_id, plan.version)
        if key in self.plans:
            raise ValueError(f"plan {key} stored twice")
        self.plans[key] = plan
        if plan.version == 1:
            self.order.append(plan.plan_id)

    def get(self, plan_id: str, version: int = 0) -> InspectionPlan | None:
        if not version:
            version = self.next_version(plan_id) - 1
        return self.plans.get((plan_id, version))

    def latest_plan_id(self) -> str | None:
        return self.order[-1] if self.order else None

    def _latest(self) -> list[InspectionPlan]:
        found = [self.get(plan_id) for plan_id in self.order]
        return [plan for plan in found if plan is not None]

    def planned_property_ids(self, on: date) -> set[str]:
        return set(self.visit_days(on))

    def visit_days(self, on: date) -> dict[str, date]:
        found: dict[str, date] = {}
        for plan in self._latest():
            for route in plan.solution.days:
                if route.day >= on:
                    for stop in route.stops:
                        found[stop.property_id] = max(route.day, found.get(stop.property_id, route.day))
        return found

    def summaries(self, from_day: date | None) -> list[PlanSummary]:
        plans = [p for p in self._latest() if from_day is None or p.last_day >= from_day]
        plans.sort(key=lambda p: (p.first_day, p.last_day, p.plan_id), reverse=True)
        return [
            PlanSummary(
                p.plan_id,
                p.version,
                p.first_day,
                p.last_day,
                p.made_on,
                p.cause,
                sum(len(route.stops) for route in p.solution.days),
                len(p.solution.unplanned),
                tuple(a.assessor_id for a in p.assessors),
            )
            for p in plans
        ]

    def put_request(self, request: OwnerRequest) -> None:
        self.wishes[request.property_id] = request

    def requests(self, property_ids: Collection[str]) -> dict[str, OwnerRequest]:
        return {pid: self.wishes[pid] for pid in property_ids if pid in self.wishes}

    def overlapping_plans(
        self, first_day: date, last_day: date, assessor_ids: Collection[str]
    ) -> list[PlanOverlap]:
        found = []
        for plan in sorted(self._latest(), key=lambda p: p.plan_id):
            shared = tuple(a.assessor_id for a in plan.assessors if a.assessor_id in set(assessor_ids))
            if plan.first_day <= last_day and first_day <= plan.last_day and shared:
                found.append(PlanOverlap(plan.plan_id, plan.first_day, plan.last_day, shared))
        return found

    def add_notices(self, notices: Sequence[InspectionNotice], at: datetime) -> None:
        self.notices.extend(notices)
        self.letters.extend(notices)

    def add_cancellations(self, cancellations: Sequence[InspectionCancellation], at: datetime) -> None:
        self.cancellations.extend(cancellations)
        self.letters.extend(cancellations)

    def latest_notices(self, property_ids: Collection[str]) -> dict[str, OwnerLetter]:
        wanted = set(property_ids)
        found: dict[str, OwnerLetter] = {}
        for letter in sorted(
            self.letters, key=lambda n: (n.issued_on, n.plan_version)
        ):  # stable: issue order
            if letter.property_id in wanted:
                found[letter.property_id] = letter
        return found

    def cancellations_of(self, plan_id: str, version: int) -> list[InspectionCancellation]:
        return sorted(
            (c for c in self.cancellations if (c.plan_id, c.plan_version) == (plan_id, version)),
            key=lambda c: c.property_id,
        )

    def notices_of(self, plan_id: str, version: int) -> list[InspectionNotice]:
        return sorted(
            (n for n in self.notices if (n.plan_id, n.plan_version) == (plan_id, version)),
            key=lambda n: n.property_id,
        )

    def visits_of(self, property_id: str) -> list[InspectionPlan]:
        plans = [p for p in self._latest() if has_visit(p, property_id)]
        return sorted(plans, key=lambda p: (p.first_day, p.last_day, p.plan_id), reverse=True)
