"""Inspection plans, owners' requests and notices in memory (application/ports.py
InspectionPlanRepository)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime

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

    def planned_property_ids(self, on: date) -> set[str]:
        found: set[str] = set()
        for plan_id in self.order:
            plan = self.get(plan_id)
            assert plan is not None
            for route in plan.solution.days:
                if route.day >= on:
                    found.update(stop.property_id for stop in route.stops)
        return found

    def put_request(self, request: OwnerRequest) -> None:
        self.wishes[request.property_id] = request

    def requests(self, property_ids: Collection[str]) -> dict[str, OwnerRequest]:
        return {pid: self.wishes[pid] for pid in property_ids if pid in self.wishes}

    def overlapping_plans(self, first_day: date, last_day: date, assessor_ids: Collection[str]) -> list[str]:
        found = []
        for plan_id in sorted(self.order):
            plan = self.get(plan_id)
            assert plan is not None
            shared = {a.assessor_id for a in plan.assessors} & set(assessor_ids)
            if plan.first_day <= last_day and first_day <= plan.last_day and shared:
                found.append(plan_id)
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
