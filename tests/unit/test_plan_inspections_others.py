"""Issue 14 item 3 (trial fixes): a plan says what other plans hold — the open needs they visit on or after
its first day (left out and counted) and the plans over the same days sharing an assessor — and a dry run
makes the same plan and notices as a real one but stores, records and sends nothing
(application/plan_inspections.py)."""

from __future__ import annotations

from datetime import date

import pytest

from services.assessment.application.owner_requests import request_visit
from services.assessment.application.plan_inspections import PlanPeriod, plan_inspections
from services.assessment.domain.inspection_planning import Assessor, OwnerRequest
from services.assessment.domain.inspection_schedule import placements
from tests.fakes.assessment import FakeAssessmentUnitOfWork
from tests.fakes.route_planner import GreedyRoutePlanner
from tests.unit.inspection_plan_setup import (
    A1,
    A2,
    CENTRE,
    CONFIG,
    FRIDAY,
    MONDAY,
    Needs,
    need,
    own,
    pid,
    register,
)
from tests.unit.inspection_plan_setup import plan as make_plan

pytestmark = pytest.mark.unit
WEDNESDAY = date(2024, 5, 8)
NEXT_MONDAY = date(2024, 5, 13)
A3 = Assessor("A3", "Per Hansen", A1.transport, CENTRE, 420)


def test_needs_another_plan_visits_from_the_first_day_on_are_left_out_and_counted() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 12)
    first = make_plan(uow, [need(n) for n in range(1, 7)], assessors=(A1,))
    held = set(placements(first.plan))
    assert held == {pid(n) for n in range(1, 7)}
    second = make_plan(uow, [need(n) for n in range(1, 13)], assessors=(A3,))
    assert second.already_planned == 6
    assert set(placements(second.plan)) == {pid(n) for n in range(7, 13)}
    assert second.plan.needs == 6


def test_a_visit_before_the_first_day_does_not_hold_the_need() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 12)
    first = make_plan(uow, [need(n) for n in range(1, 7)], assessors=(A1,), last=MONDAY)
    on_monday = set(placements(first.plan))
    assert on_monday
    second = make_plan(
        uow, [need(n) for n in range(1, 13)], assessors=(A3,), first=NEXT_MONDAY, last=date(2024, 5, 17)
    )
    assert second.already_planned == 0
    assert on_monday <= set(placements(second.plan))


def test_plans_over_the_same_days_sharing_an_assessor_are_named() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 6)
    shared = make_plan(uow, [need(1)], assessors=(A1, A2))
    apart = make_plan(uow, [need(2)], assessors=(A3,))  # same days, another assessor
    later = make_plan(uow, [need(3)], assessors=(A2,), first=NEXT_MONDAY, last=date(2024, 5, 17))
    made = make_plan(uow, [need(4)], assessors=(A2,), first=WEDNESDAY, last=FRIDAY)
    assert made.overlapping == (shared.plan.plan_id,)
    assert apart.plan.plan_id not in made.overlapping and later.plan.plan_id not in made.overlapping
    assert make_plan(uow, [need(5)], assessors=(A3,), first=NEXT_MONDAY, last=NEXT_MONDAY).overlapping == ()


def _period(dry_run: bool) -> PlanPeriod:
    return PlanPeriod(MONDAY, FRIDAY, (A1, A2), (), date(2024, 4, 22), dry_run=dry_run)


def test_a_dry_run_makes_the_plan_and_notices_and_keeps_nothing() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 20)
    for n in (2, 5):
        own(uow, n, f"Eier {n}")
        request_visit(uow, OwnerRequest(pid(n), date(2024, 4, 1), True))
    commits = uow.commits
    needs = Needs([need(n) for n in range(1, 21)])
    dry = plan_inspections(uow, _period(True), CONFIG, GreedyRoutePlanner(), needs)
    assert not dry.stored and dry.plan.plan_id == "" and dry.plan.version == 0
    assert [n.property_id for n in dry.notices] == [pid(2), pid(5)]
    assert all(n.notice_id == "" and n.plan_id == "" for n in dry.notices)
    assert not uow.inspection_plans.plans and not uow.inspection_plans.notices
    assert uow.events == [] and uow.commits == commits
    real = plan_inspections(uow, _period(False), CONFIG, GreedyRoutePlanner(), needs)
    assert real.stored and real.plan.version == 1 and real.plan.plan_id
    assert real.plan.solution == dry.plan.solution  # the same plan
    assert [(n.property_id, n.day, n.window) for n in real.notices] == [
        (n.property_id, n.day, n.window) for n in dry.notices
    ]
    assert uow.inspection_plans.get(real.plan.plan_id) == real.plan
