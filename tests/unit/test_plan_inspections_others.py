"""Issue 14 item 3 (trial fixes): a plan leaves out the open needs other plans hold (visited on any day,
unless more than results_due_days past without a result: missed) and counts them; a plan sharing days and
an assessor with another is refused; a dry run makes the same plan and notices as a real one but stores,
records and sends nothing (application/plan_inspections.py)."""

from __future__ import annotations

from datetime import date

import pytest

from services.assessment.application.owner_requests import request_visit
from services.assessment.application.plan_inspections import PlanMade, PlanPeriod, plan_inspections
from services.assessment.domain.inspection_planning import Assessor, OwnerRequest, plan_reference
from services.assessment.domain.inspection_schedule import placements
from services.platform.errors import InvalidInput
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


def _later(uow: FakeAssessmentUnitOfWork, count: int, planned_on: date) -> PlanMade:
    """A plan for the week of 27 May (20 May is Whit Monday) by A3, of needs 1 to `count`."""
    period = PlanPeriod(date(2024, 5, 27), date(2024, 5, 31), (A3,), (), planned_on)
    return plan_inspections(
        uow, period, CONFIG, GreedyRoutePlanner(), Needs([need(n) for n in range(1, count + 1)])
    )


def test_last_weeks_visits_without_a_result_stay_that_plans_until_results_are_due() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 12)
    first = make_plan(uow, [need(n) for n in range(1, 7)], assessors=(A1,), last=MONDAY)
    on_monday = set(placements(first.plan))
    assert on_monday  # visited on 6 May, no result recorded (the needs are still open)
    # 14 days later (results_due_days) the visits still hold their needs: not booked again.
    held = _later(uow, 12, date(2024, 5, 20))
    assert held.already_planned == len(on_monday)
    assert not on_monday & set(placements(held.plan))


def test_a_visit_more_than_results_due_days_past_without_a_result_is_missed_and_planned_again() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 12)
    first = make_plan(uow, [need(n) for n in range(1, 7)], assessors=(A1,), last=MONDAY)
    on_monday = set(placements(first.plan))
    missed = _later(uow, 12, date(2024, 5, 21))  # 15 days after the visits
    assert missed.already_planned == 0
    assert on_monday <= set(placements(missed.plan))


def test_a_plan_sharing_days_and_an_assessor_with_another_is_refused_real_or_dry() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 6)
    shared = make_plan(uow, [need(1)], assessors=(A1, A2))
    apart = make_plan(uow, [need(2)], assessors=(A3,))  # same days, another assessor: fine
    assert apart.stored and apart.overlapping == ()
    later = make_plan(uow, [need(3)], assessors=(A2,), first=NEXT_MONDAY, last=date(2024, 5, 17))
    assert later.stored and later.overlapping == ()
    for dry_run in (False, True):
        period = PlanPeriod(WEDNESDAY, FRIDAY, (A2, A1), (), date(2024, 4, 22), dry_run=dry_run)
        with pytest.raises(InvalidInput) as caught:
            plan_inspections(uow, period, CONFIG, GreedyRoutePlanner(), Needs([need(4)]))
        [violation] = caught.value.violations
        assert violation.field == "first_day"
        reference = plan_reference(shared.plan.plan_id)
        assert len(reference) == 12 and reference in violation.description
        assert "(06.05.2024–10.05.2024) has A1 and A2 too" in violation.description
        assert plan_reference(apart.plan.plan_id) not in violation.description
    assert len(uow.inspection_plans.order) == 3 and uow.commits == 3  # nothing of the refused ones


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
