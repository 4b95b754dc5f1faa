"""Issue 14, trial 2: a plan with no open need to plan is refused (stored, "0 visits planned of 0 open
needs" held its week against a later plan), a dry run too (application/plan_inspections.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from services.assessment.application.plan_inspections import PlanPeriod, plan_inspections
from services.assessment.domain.inspection_needs import NeedStatus
from services.platform.errors import InvalidInput
from tests.fakes.assessment import FakeAssessmentUnitOfWork
from tests.fakes.route_planner import GreedyRoutePlanner
from tests.unit.inspection_plan_setup import A1, A2, CONFIG, FRIDAY, MONDAY, Needs, need, plan, register

pytestmark = pytest.mark.unit


def _refusal(caught: pytest.ExceptionInfo[InvalidInput]) -> list[tuple[str, str]]:
    return [(v.field, v.description) for v in caught.value.violations]


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_plan_with_no_open_need_is_refused_and_stores_nothing(dry_run: bool) -> None:
    uow = FakeAssessmentUnitOfWork()
    period = PlanPeriod(MONDAY, FRIDAY, (A1, A2), (), date(2024, 4, 22), dry_run=dry_run)
    with pytest.raises(InvalidInput) as caught:
        plan_inspections(uow, period, CONFIG, GreedyRoutePlanner(), Needs([]))
    assert _refusal(caught) == [
        ("first_day", "no open need to plan: 0 needs are in other plans (re-plan them), 0 are done")
    ]
    assert uow.commits == 0 and not uow.inspection_plans.plans


def test_the_refusal_counts_the_needs_in_other_plans_and_those_done() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 5)
    plan(uow, [need(n) for n in range(1, 4)])  # holds 1–3 (the greedy planner plans them all)
    done = [replace(need(n), status=NeedStatus.DONE) for n in (4, 5)]
    with pytest.raises(InvalidInput) as caught:
        plan(
            uow,
            [need(n) for n in range(1, 4)] + done,
            assessors=(A1,),
            first=date(2024, 5, 13),
            last=date(2024, 5, 17),
        )
    assert _refusal(caught) == [
        ("first_day", "no open need to plan: 3 needs are in other plans (re-plan them), 2 are done")
    ]
    assert len(uow.inspection_plans.plans) == 1


def test_one_need_says_is() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 1)
    plan(uow, [need(1)])
    with pytest.raises(InvalidInput) as caught:
        plan(
            uow,
            [need(1), replace(need(2), status=NeedStatus.DONE)],
            first=date(2024, 5, 13),
            last=date(2024, 5, 17),
        )
    assert caught.value.violations[0].description == (
        "no open need to plan: 1 need is in other plans (re-plan them), 1 is done"
    )


def test_a_need_without_a_place_is_still_a_need_to_plan() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 1, without_location=(1,))
    made = plan(uow, [need(1)])
    assert made.stored and made.plan.needs == 1 and len(made.plan.solution.unplanned) == 1
