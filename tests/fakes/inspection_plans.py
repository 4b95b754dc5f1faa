"""Inspection plans, owners' requests and notices in memory (application/ports.py
InspectionPlanRepository)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime

from services.assessment.domain.inspection_planning import InspectionNotice, InspectionPlan, OwnerRequest


class InMemoryInspectionPlans:
    def __init__(self) -> None:
        self.plans: dict[tuple[str, int], InspectionPlan] = {}
        self.order: list[str] = []  # plan ids in the order their first version was stored
        self.wishes: dict[str, OwnerRequest] = {}
        self.notices: list[InspectionNotice] = []

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

    def add_notices(self, notices: Sequence[InspectionNotice], at: datetime) -> None:
        self.notices.extend(notices)

    def latest_notices(self, property_ids: Collection[str]) -> dict[str, InspectionNotice]:
        wanted = set(property_ids)
        found: dict[str, InspectionNotice] = {}
        for notice in sorted(self.notices, key=lambda n: (n.issued_on, n.plan_version)):
            if notice.property_id in wanted:
                found[notice.property_id] = notice
        return found

    def notices_of(self, plan_id: str, version: int) -> list[InspectionNotice]:
        return sorted(
            (n for n in self.notices if (n.plan_id, n.plan_version) == (plan_id, version)),
            key=lambda n: n.property_id,
        )
