"""Issue 14 trial fixes to planning's rules (application/plan_inspections.py): a plan is made on or before
its first day, an assessor's start far from every need is a mistake in the file, an owner's day outside
the period is said as the reason the visit stays unplanned; and the plans listed in brief
(application/inspection_plan_list.py)."""

from __future__ import annotations

from datetime import date

import pytest

from services.assessment.application.inspection_plan_list import PlanSummary, list_inspection_plans
from services.assessment.application.owner_requests import request_visit
from services.assessment.application.plan_inspections import PlanPeriod, plan_inspections
from services.assessment.application.replan_inspections import Replan, replan_inspections
from services.assessment.domain.inspection_planning import (
    DEFAULT_SETTINGS,
    Assessor,
    OwnerRequest,
    straight_line_km,
)
from services.assessment.domain.inspection_schedule import placements
from services.assessment.domain.property import Location
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
    pid,
    plan,
    register,
)

pytestmark = pytest.mark.unit
STOCKHOLM = Location(18.0686, 59.3293)


def _period(planned_on: date, assessors: tuple[Assessor, ...] = (A1, A2)) -> PlanPeriod:
    return PlanPeriod(MONDAY, FRIDAY, assessors, (), planned_on)


def test_a_plan_made_after_its_first_day_is_refused_naming_planned_on() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 3)
    needs = Needs([need(n) for n in range(1, 4)])
    with pytest.raises(InvalidInput) as caught:
        plan_inspections(uow, _period(date(2024, 5, 7)), CONFIG, GreedyRoutePlanner(), needs)
    [violation] = caught.value.violations
    assert violation.field == "planned_on"
    assert violation.description == (
        "a plan is made on or before its first day; plan from the day after instead"
    )
    assert not uow.inspection_plans.plans and uow.commits == 0
    made = plan_inspections(uow, _period(MONDAY), CONFIG, GreedyRoutePlanner(), needs)  # the first day: fine
    assert made.stored and made.plan.made_on == MONDAY


def test_the_straight_line_is_the_great_circle() -> None:
    assert straight_line_km(CENTRE, CENTRE) == 0
    assert straight_line_km(CENTRE, STOCKHOLM) == pytest.approx(417, abs=3)  # Oslo–Stockholm
    assert straight_line_km(Location(10.75, 59.91), Location(10.75, 60.91)) == pytest.approx(111.2, abs=0.1)


def test_an_assessor_starting_far_from_every_need_is_refused_naming_the_file_and_assessor() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 5)
    abroad = Assessor("A7", "Sven Svensson", A1.transport, STOCKHOLM, 420)
    with pytest.raises(InvalidInput) as caught:
        plan_inspections(uow, _period(date(2024, 4, 22), (A1, abroad)), CONFIG, GreedyRoutePlanner(),
                         Needs([need(n) for n in range(1, 6)]))  # fmt: skip
    [violation] = caught.value.violations
    assert violation.field == "assessors_csv"
    assert violation.description.startswith("A7 starts at longitude 18.0686, latitude 59.3293, 41")
    assert "within 50 km" in violation.description
    assert not uow.inspection_plans.plans


def test_a_start_within_max_start_km_of_one_need_is_fine() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 5)
    near = Assessor("A8", "Liv Lie", A1.transport, Location(10.75, 60.30), 420)  # ~43 km north
    assert 40 < straight_line_km(near.start, Location(10.71, 59.90)) < float(DEFAULT_SETTINGS.max_start_km)
    made = plan_inspections(uow, _period(date(2024, 4, 22), (near,)), CONFIG, GreedyRoutePlanner(),
                            Needs([need(n) for n in range(1, 6)]))  # fmt: skip
    assert made.stored


def test_an_owners_day_outside_the_period_is_the_reason_the_visit_stays_unplanned() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 3)
    request_visit(uow, OwnerRequest(pid(2), date(2024, 4, 1), True, date(2024, 9, 5)))
    made = plan(uow, [need(n) for n in range(1, 4)])
    unplanned = {u.property_id: u.reason for u in made.plan.solution.unplanned}
    assert unplanned == {pid(2): "the owner's day (05.09.2024) is outside the period"}
    assert set(placements(made.plan)) == {pid(1), pid(3)}


def test_the_plans_are_listed_latest_version_newest_period_first() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 8, without_location=[8])
    may = plan(uow, [need(n) for n in (1, 2, 8)])
    june = plan(uow, [need(n) for n in (3, 4)], first=date(2024, 6, 3), last=date(2024, 6, 7))
    command = Replan(may.plan.plan_id, "A2", MONDAY, None, date(2024, 4, 30))
    # Only May's needs open: 5–7 would take May's free room (gathered from the register by default).
    gather = Needs([need(n) for n in (1, 2, 8)])
    replanned = replan_inspections(uow, command, CONFIG, GreedyRoutePlanner(), gather)
    assert replanned.stored
    listed = list_inspection_plans(uow, None)
    assert [s.plan_id for s in listed] == [june.plan.plan_id, may.plan.plan_id]
    assert listed[1] == PlanSummary(
        may.plan.plan_id,
        2,
        MONDAY,
        FRIDAY,
        date(2024, 4, 30),
        replanned.plan.cause,
        visits=2,
        unplanned=1,
        assessor_ids=("A1", "A2"),
    )
    assert listed[0].version == 1 and listed[0].cause == "plan" and listed[0].visits == 2
    assert [s.plan_id for s in list_inspection_plans(uow, FRIDAY)] == [june.plan.plan_id, may.plan.plan_id]
    assert [s.plan_id for s in list_inspection_plans(uow, date(2024, 5, 11))] == [june.plan.plan_id]
    assert list_inspection_plans(uow, date(2024, 6, 8)) == []
