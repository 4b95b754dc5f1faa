"""Issue 14, trial 2: a re-plan offers the open needs no plan holds the free room, after the pinned visits
(application/replan_inspections.py), and a version's naive distance is a first plan's: its planned visits
in property-id order over its assessor-days (RoutePlanner.naive_distance)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from services.assessment.application.owner_requests import request_visit
from services.assessment.application.replan_inspections import Replan, replan_inspections
from services.assessment.domain.inspection_planning import InspectionsPlanned, OwnerRequest
from services.assessment.domain.inspection_schedule import assessor_days, placements, working_days
from tests.fakes.assessment import FakeAssessmentUnitOfWork
from tests.fakes.route_planner import GreedyRoutePlanner
from tests.unit.inspection_plan_setup import CONFIG, Needs, need, own, pid, plan, register

pytestmark = pytest.mark.unit
REPLANNED_ON = date(2024, 5, 7)
WEDNESDAY = date(2024, 5, 8)


def test_a_replan_fills_free_room_with_needs_no_plan_holds_and_pinned_visits_stay() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 14)
    made = plan(uow, [need(n) for n in range(1, 9)])
    assert not made.plan.solution.unplanned
    planner = GreedyRoutePlanner()
    gather = Needs([need(n) for n in range(1, 15)])  # 9–14 are new since the plan
    command = Replan(made.plan.plan_id, "", None, None, REPLANNED_ON)
    result = replan_inspections(uow, command, CONFIG, planner, gather)
    assert result.stored and result.plan.version == 2
    after = placements(result.plan)
    before = placements(made.plan)
    assert {p: after[p] for p in before} == before  # pinned: assessor, day and window as they were
    assert set(after) == {pid(n) for n in range(1, 15)}
    assert all(day > REPLANNED_ON for p, (_, day, _) in after.items() if p not in before)
    assert result.plan.needs == 14 and result.moved == ()
    offered = [v.property_id for v in planner.problems[0].visits]
    pinned = {p.property_id for p in planner.problems[0].pins}
    assert offered[len(pinned) :] == [pid(n) for n in range(9, 15)]  # after the pinned ones
    assert gather.asked == [REPLANNED_ON]
    assert [type(e) for e in uow.events].count(InspectionsPlanned) == 2


def test_needs_other_plans_hold_are_not_offered() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 6)
    may = plan(uow, [need(n) for n in range(1, 4)])
    plan(uow, [need(n) for n in (4, 5)], first=date(2024, 5, 13), last=date(2024, 5, 17))
    planner = GreedyRoutePlanner()
    gather = Needs([need(n) for n in range(1, 7)])
    replan_inspections(uow, Replan(may.plan.plan_id, "", None, None, REPLANNED_ON), CONFIG, planner, gather)
    offered = {v.property_id for v in planner.problems[0].visits}
    assert pid(6) in offered and not offered & {pid(4), pid(5)}


def test_a_replan_that_changes_no_route_keeps_the_naive_distance() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 30)
    made = plan(uow, [need(n) for n in range(1, 31)])
    assert made.plan.solution.naive_distance_km > 0
    # An owner of a visit after the re-plan's date asks to be told: a notice, no route changes.
    later = made.plan.solution.days[-1].stops[0].property_id
    n = int(later.split("-")[1].split("/")[0])
    own(uow, n, f"Eier {n}")
    request_visit(uow, OwnerRequest(later, date(2024, 5, 2), True))
    gather = Needs([need(n) for n in range(1, 31)])
    command = Replan(made.plan.plan_id, "", None, None, date(2024, 5, 3))  # the Friday before
    result = replan_inspections(uow, command, CONFIG, GreedyRoutePlanner(), gather)
    assert result.stored and len(result.notices) == 1
    assert placements(result.plan) == placements(made.plan)
    assert result.plan.solution.naive_distance_km == made.plan.solution.naive_distance_km


def test_an_absence_replan_measures_the_naive_plan_over_the_versions_days() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 30)
    made = plan(uow, [need(n) for n in range(1, 31)])
    planner = GreedyRoutePlanner()
    command = Replan(made.plan.plan_id, "A2", WEDNESDAY, None, REPLANNED_ON)
    result = replan_inspections(uow, command, CONFIG, planner, Needs([]))
    planned = [result.plan.visits[s.property_id] for route in result.plan.solution.days for s in route.stops]
    days = assessor_days(
        result.plan.assessors,
        result.plan.absences,
        working_days(result.plan.first_day, result.plan.last_day),
        CONFIG.inspections,
    )
    expected = planner.naive_distance(replace(planner.problems[0], visits=tuple(planned), days=days, pins=()))
    assert result.plan.solution.naive_distance_km == expected
