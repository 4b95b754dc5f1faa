"""Issue 14 items 4 and 5: a re-plan after an assessor falls ill moves only that assessor's visits in the
absence, keeps told owners' windows, sends changed notices again (naming the one replaced), and grants
owners' wishes for another time (application/replan_inspections.py)."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from services.assessment.application.owner_requests import request_visit
from services.assessment.application.plan_inspections import PlanMade
from services.assessment.application.replan_inspections import Replan, replan_inspections
from services.assessment.domain.inspection_planning import (
    InspectionScheduled,
    InspectionsPlanned,
    OwnerRequest,
)
from services.assessment.domain.inspection_schedule import PAST, placements
from services.platform.errors import InvalidInput, NotFound
from tests.fakes.assessment import FakeAssessmentUnitOfWork
from tests.fakes.route_planner import GreedyRoutePlanner
from tests.unit.inspection_plan_setup import CONFIG, FRIDAY, MONDAY, need, own, pid, plan, register

pytestmark = pytest.mark.unit
WEDNESDAY = date(2024, 5, 8)
REPLANNED_ON = date(2024, 5, 7)


def _planned(uow: FakeAssessmentUnitOfWork, count: int = 20, told: tuple[int, ...] = ()) -> PlanMade:
    register(uow, count)
    for n in told:
        own(uow, n, f"Eier {n}")
        request_visit(uow, OwnerRequest(pid(n), date(2024, 4, 1), True))
    return plan(uow, [need(n) for n in range(1, count + 1)])


def _replan(uow: FakeAssessmentUnitOfWork, plan_id: str, assessor: str = "A2", **kw: object):  # type: ignore[no-untyped-def]
    command = Replan(
        plan_id,
        assessor,
        kw.get("absent_from", WEDNESDAY),  # type: ignore[arg-type]
        kw.get("absent_until"),  # type: ignore[arg-type]
        REPLANNED_ON,
    )
    return replan_inspections(uow, command, CONFIG, GreedyRoutePlanner())


def test_only_the_ill_assessors_visits_in_the_absence_move() -> None:
    uow = FakeAssessmentUnitOfWork()
    made = _planned(uow, 45, told=tuple(range(1, 46)))
    before = placements(made.plan)
    affected = {p for p, (who, day, _) in before.items() if who == "A2" and day >= WEDNESDAY}
    assert affected  # the test means something only if A2 had visits from Wednesday
    result = _replan(uow, made.plan.plan_id)
    after = placements(result.plan)
    assert set(result.moved) <= affected
    for property_id, placed in before.items():
        if property_id not in affected:
            assert after[property_id] == placed  # same assessor, day and window
    assert not any(who == "A2" and day >= WEDNESDAY for who, day, _ in after.values())
    assert result.plan.version == 2 and result.plan.made_on == REPLANNED_ON
    assert "A2" in result.plan.cause
    assert uow.inspection_plans.get(made.plan.plan_id, 1) == made.plan  # version 1 unchanged


def test_owners_of_moved_visits_get_a_new_notice_naming_the_old_one() -> None:
    uow = FakeAssessmentUnitOfWork()
    made = _planned(uow, 45, told=tuple(range(1, 46)))
    first = {n.property_id: n for n in made.notices}
    uow.events.clear()
    result = _replan(uow, made.plan.plan_id)
    still_planned = set(placements(result.plan))
    assert {n.property_id for n in result.notices} == set(result.moved) & still_planned
    for notice in result.notices:
        assert notice.replaces == first[notice.property_id].notice_id
        assert notice.plan_version == 2 and notice.issued_on == REPLANNED_ON
    kinds = [type(e) for e in uow.events]
    assert kinds.count(InspectionsPlanned) == 1 and kinds.count(InspectionScheduled) == len(result.notices)


def _on_wednesday(made: PlanMade) -> str:
    """A property the plan visits on Wednesday, after the re-plan's date."""
    return next(p for p, (_, day, _) in sorted(placements(made.plan).items()) if day == WEDNESDAY)


def test_a_granted_wish_frees_the_visit_into_the_requested_day() -> None:
    uow = FakeAssessmentUnitOfWork()
    made = _planned(uow, 45, told=tuple(range(1, 46)))
    wishing = _on_wednesday(made)
    asked = request_visit(uow, OwnerRequest(wishing, date(2024, 4, 25), True, FRIDAY, time(10), time(12)))
    assert asked.needs_replan
    result = _replan(uow, made.plan.plan_id, assessor="", absent_from=None)
    new_route, stop = result.plan.stop_of(wishing) or (None, None)
    assert new_route is not None and stop is not None
    assert new_route.day == FRIDAY and time(10) <= stop.arrive.time() <= time(12)
    assert result.moved == (wishing,)
    [notice] = result.notices
    first = next(n for n in made.notices if n.property_id == wishing)
    assert notice.day == FRIDAY and notice.replaces == first.notice_id
    assert result.plan.cause == "owners' requests granted"


def test_a_wish_made_before_the_notice_is_no_reason_to_move() -> None:
    uow = FakeAssessmentUnitOfWork()
    made = _planned(uow, told=(3,))
    result = _replan(uow, made.plan.plan_id, assessor="", absent_from=None)
    assert result.moved == () and result.notices == ()


@pytest.mark.parametrize(
    ("assessor", "kw", "field"),
    [
        ("A9", {}, "assessor_id"),  # not in the plan
        ("A2", {"absent_from": date(2024, 5, 13)}, "absent_from"),  # after the period
        ("A2", {"absent_until": date(2024, 5, 31)}, "absent_until"),
        ("A2", {"absent_from": FRIDAY, "absent_until": WEDNESDAY}, "absent_until"),
        ("A2", {"absent_from": None}, "absent_from"),
    ],
)
def test_a_replan_that_does_not_fit_the_plan_is_refused_naming_the_field(
    assessor: str, kw: dict[str, object], field: str
) -> None:
    uow = FakeAssessmentUnitOfWork()
    made = _planned(uow)
    with pytest.raises(InvalidInput) as caught:
        _replan(uow, made.plan.plan_id, assessor=assessor, **kw)
    assert {v.field for v in caught.value.violations} == {field}
    assert uow.inspection_plans.next_version(made.plan.plan_id) == 2  # nothing stored


def test_a_replan_of_an_unknown_plan_is_not_found() -> None:
    with pytest.raises(NotFound):
        _replan(FakeAssessmentUnitOfWork(), "no-such-plan")


def test_freed_visits_go_to_days_after_the_replan_never_into_the_past() -> None:
    uow = FakeAssessmentUnitOfWork()
    made = _planned(uow, 45)
    late = date(2024, 5, 7)  # re-planned on Tuesday for an absence from Monday
    command = Replan(made.plan.plan_id, "A2", MONDAY, None, late)
    result = replan_inspections(uow, command, CONFIG, GreedyRoutePlanner())
    before = placements(made.plan)
    assert any(before[p][1] <= late for p in result.moved)  # visits of Monday and Tuesday were freed
    for property_id in result.moved:
        assert before[property_id][0] == "A2"
        placed = placements(result.plan).get(property_id)
        assert placed is None or placed[1] > late


def test_a_wish_for_a_day_already_past_leaves_the_visit_unplanned_with_why() -> None:
    uow = FakeAssessmentUnitOfWork()
    made = _planned(uow, 45, told=tuple(range(1, 46)))
    wishing = _on_wednesday(made)
    request_visit(uow, OwnerRequest(wishing, date(2024, 4, 25), True, MONDAY))
    result = _replan(uow, made.plan.plan_id, assessor="", absent_from=None)  # on Tuesday
    assert result.plan.stop_of(wishing) is None
    assert {u.property_id: u.reason for u in result.plan.solution.unplanned}[wishing] == PAST
    assert result.moved == (wishing,) and result.notices == ()


def test_the_days_up_to_the_replan_stay_as_they_were() -> None:
    uow = FakeAssessmentUnitOfWork()
    made = _planned(uow, 45)
    result = _replan(uow, made.plan.plan_id, absent_from=MONDAY)  # A2 ill all week, re-planned Tuesday
    past = [r for r in made.plan.solution.days if r.day <= REPLANNED_ON and r.assessor_id == "A1"]
    assert past and all(r in result.plan.solution.days for r in past)
    assert not any(r.assessor_id == "A2" for r in result.plan.solution.days)
    kept = sum((r.distance_km for r in past), Decimal(0))
    assert result.plan.solution.total_distance_km == sum(
        (r.distance_km for r in result.plan.solution.days), Decimal(0)
    )
    assert result.plan.solution.naive_distance_km >= kept
