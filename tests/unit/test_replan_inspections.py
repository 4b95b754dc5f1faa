"""Issue 14 items 4 and 5: a re-plan after an assessor falls ill moves only that assessor's visits in the
absence, keeps told owners' windows, sends changed notices again (naming the one replaced), and grants
owners' wishes for another time (application/replan_inspections.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta
from decimal import Decimal

import pytest

from services.assessment.application.owner_requests import request_visit
from services.assessment.application.plan_inspections import PlanMade
from services.assessment.application.replan_inspections import Replan, replan_inspections
from services.assessment.domain.inspection_planning import (
    InspectionCancellation,
    InspectionCancelled,
    InspectionScheduled,
    InspectionsPlanned,
    OwnerRequest,
    Window,
)
from services.assessment.domain.inspection_schedule import (
    PAST,
    Recipient,
    cancellations_to_issue,
    moved,
    notices_to_issue,
    placements,
)
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


def _on(made: PlanMade, assessor: str, day: date) -> list[str]:
    return sorted(p for p, (who, on, _) in placements(made.plan).items() if (who, on) == (assessor, day))


def test_an_owner_who_asked_to_be_told_after_the_plan_is_told_when_the_visit_moves() -> None:
    uow = FakeAssessmentUnitOfWork()
    made = _planned(uow, 45)  # nobody asked to be told: no notice
    assert made.notices == ()
    moving = _on(made, "A2", WEDNESDAY)[0]
    staying = _on(made, "A1", WEDNESDAY)[0]
    for wishing in (moving, staying):  # to be told, no day or hours: no reason to move
        request_visit(uow, OwnerRequest(wishing, date(2024, 4, 25), True))
    result = _replan(uow, made.plan.plan_id)  # A2 ill from Wednesday
    assert moving in result.moved
    told = {n.property_id: n for n in result.notices}
    for wishing in (moving, staying):  # the moved one to its new place, the other of the place it keeps
        _, day, window = placements(result.plan)[wishing]
        assert (told[wishing].day, told[wishing].window, told[wishing].replaces) == (day, window, "")
    assert result.plan.visits[moving].notify and result.plan.visits[staying].notify


def test_an_owner_holding_a_notice_of_the_day_and_window_gets_no_other() -> None:
    uow = FakeAssessmentUnitOfWork()
    made = _planned(uow, 10, told=tuple(range(1, 11)))
    first = {n.property_id: n for n in made.notices}
    route = made.plan.solution.days[0]
    # The same day and windows with another assessor: the owners are told day and window only.
    other = "A2" if route.assessor_id == "A1" else "A1"
    swapped = replace(
        made.plan,
        version=2,
        solution=replace(
            made.plan.solution, days=(replace(route, assessor_id=other), *made.plan.solution.days[1:])
        ),
    )
    assert moved(made.plan, swapped) == sorted(s.property_id for s in route.stops)
    recipients = {pid: Recipient("Eier", ("Testveien",)) for pid in first}
    assert notices_to_issue(swapped, REPLANNED_ON, recipients, first, lambda: "new") == []
    # Another window on the same day: a notice, naming the one it replaces.
    stop = route.stops[0]
    later = Window(stop.window.start + timedelta(hours=1), stop.window.end + timedelta(hours=1))
    shifted = replace(
        swapped,
        solution=replace(
            swapped.solution,
            days=(
                replace(route, stops=(replace(stop, window=later), *route.stops[1:])),
                *made.plan.solution.days[1:],
            ),
        ),
    )
    [notice] = notices_to_issue(shifted, REPLANNED_ON, recipients, first, lambda: "new")
    assert (notice.property_id, notice.window, notice.replaces) == (
        stop.property_id,
        later,
        first[stop.property_id].notice_id,
    )


def test_an_owner_told_of_a_visit_the_replan_leaves_out_gets_a_cancellation() -> None:
    uow = FakeAssessmentUnitOfWork()
    made = _planned(uow, 55, told=tuple(range(1, 56)))
    first = {n.property_id: n for n in made.notices}
    uow.events.clear()
    result = _replan(uow, made.plan.plan_id)  # A1 alone cannot take all of A2's Wednesday and Friday
    left_out = set(result.moved) - set(placements(result.plan))
    assert left_out  # the test means something only if some visit found no room
    assert {c.property_id for c in result.cancellations} == left_out
    for letter in result.cancellations:
        cancelled = first[letter.property_id]
        assert letter.replaces == cancelled.notice_id
        assert (letter.cancelled_day, letter.cancelled_window) == (cancelled.day, cancelled.window)
        assert (letter.plan_version, letter.issued_on) == (2, REPLANNED_ON)
        assert letter.recipient_name == f"Eier {int(letter.property_id.split('-')[1].split('/')[0])}"
        assert letter.notice_id not in {n.notice_id for n in made.notices}
    events = uow.events_of(InspectionCancelled)
    assert [e.cancellation for e in events] == list(result.cancellations)  # type: ignore[attr-defined]
    assert uow.inspection_plans.cancellations_of(made.plan.plan_id, 2) == list(result.cancellations)
    assert uow.inspection_plans.notices_of(made.plan.plan_id, 2) == list(result.notices)
    latest = uow.inspection_plans.latest_notices(left_out)
    assert all(isinstance(letter, InspectionCancellation) for letter in latest.values())
    # A later re-plan with no more room sends no second letter: they were told it is off.
    again = _replan(uow, made.plan.plan_id, assessor="", absent_from=None)
    assert again.cancellations == ()
    assert not {n.property_id for n in again.notices} & (left_out - set(placements(again.plan)))


def test_a_visit_planned_again_after_a_cancellation_gets_a_notice_replacing_it() -> None:
    uow = FakeAssessmentUnitOfWork()
    made = _planned(uow, 10, told=tuple(range(1, 11)))
    first = {n.property_id: n for n in made.notices}
    property_id = sorted(first)[0]
    cancelled = cancellations_to_issue(
        replace(made.plan, version=2, solution=replace(made.plan.solution, days=())),
        REPLANNED_ON,
        {},
        {property_id: first[property_id]},
        lambda: "cancel-1",
    )
    assert [(c.notice_id, c.replaces) for c in cancelled] == [("cancel-1", first[property_id].notice_id)]
    assert cancelled[0].recipient_name == first[property_id].recipient_name  # as told, when no one else
    [notice] = notices_to_issue(
        replace(made.plan, version=3), REPLANNED_ON, {}, {**first, property_id: cancelled[0]}, lambda: "n-2"
    )
    assert (notice.property_id, notice.replaces) == (property_id, "cancel-1")
    assert (notice.day, notice.window) == (first[property_id].day, first[property_id].window)  # told again


def test_a_replan_dated_before_the_latest_version_is_refused() -> None:
    uow = FakeAssessmentUnitOfWork()
    made = _planned(uow, 10)  # made on 22.04.2024
    command = Replan(made.plan.plan_id, "A2", WEDNESDAY, None, date(2024, 4, 21))
    with pytest.raises(InvalidInput) as caught:
        replan_inspections(uow, command, CONFIG, GreedyRoutePlanner())
    [violation] = caught.value.violations
    assert (violation.field, violation.description) == (
        "replanned_on",
        "must not be before version 1's date (22.04.2024)",
    )
    second = _replan(uow, made.plan.plan_id)  # version 2, made on 7 May
    assert second.stored and second.plan.version == 2
    command = Replan(made.plan.plan_id, "A1", FRIDAY, None, date(2024, 5, 6))
    with pytest.raises(InvalidInput) as later:
        replan_inspections(uow, command, CONFIG, GreedyRoutePlanner())
    assert later.value.violations[0].description == "must not be before version 2's date (07.05.2024)"
    assert uow.inspection_plans.next_version(made.plan.plan_id) == 3


def test_a_replan_that_changes_nothing_stores_no_version() -> None:
    uow = FakeAssessmentUnitOfWork()
    made = _planned(uow, 45, told=(1, 2, 3))
    first = _replan(uow, made.plan.plan_id)  # A2 ill from Wednesday
    assert first.stored and first.plan.version == 2
    uow.events.clear()
    commits = uow.commits
    again = _replan(uow, made.plan.plan_id, absent_from=FRIDAY)  # already absent then in version 2
    assert not again.stored
    assert again.plan == first.plan and again.plan.version == 2
    assert (again.moved, again.notices, again.cancellations, again.now_unplanned) == ((), (), (), ())
    assert uow.events == [] and uow.commits == commits
    assert uow.inspection_plans.next_version(made.plan.plan_id) == 3
    nothing = _replan(uow, made.plan.plan_id, assessor="", absent_from=None)  # no wish since
    assert not nothing.stored and nothing.plan == first.plan


def test_an_absence_on_a_day_without_visits_is_still_a_new_version() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 2)
    made = plan(uow, [need(1), need(2)])  # two visits: A1 on Monday, A2 has no visit at all
    assert {who for who, _, _ in placements(made.plan).values()} == {"A1"}
    result = _replan(uow, made.plan.plan_id)  # A2 ill from Wednesday: no visit moves, a day is lost
    assert result.stored and result.plan.version == 2 and result.moved == ()
    assert result.plan.absences[-1].assessor_id == "A2"


def test_now_unplanned_names_the_visits_the_new_version_leaves_out() -> None:
    uow = FakeAssessmentUnitOfWork()
    made = _planned(uow, 55)
    result = _replan(uow, made.plan.plan_id)  # A1 alone cannot take all of A2's Wednesday and Friday
    gone = set(placements(made.plan)) - set(placements(result.plan))
    assert gone  # the test means something only if some visit found no room
    assert result.now_unplanned == tuple(sorted(gone))
    assert set(result.now_unplanned) <= set(result.moved)
    assert set(result.now_unplanned) <= {u.property_id for u in result.plan.solution.unplanned}


def test_a_granted_wish_for_a_day_outside_the_period_leaves_the_visit_unplanned_saying_so() -> None:
    uow = FakeAssessmentUnitOfWork()
    made = _planned(uow, 45, told=tuple(range(1, 46)))
    wishing = _on_wednesday(made)
    request_visit(uow, OwnerRequest(wishing, date(2024, 4, 25), True, date(2024, 9, 5)))
    result = _replan(uow, made.plan.plan_id, assessor="", absent_from=None)
    reasons = {u.property_id: u.reason for u in result.plan.solution.unplanned}
    assert reasons[wishing] == "the owner's day (05.09.2024) is outside the period"
    assert result.now_unplanned == (wishing,)
    assert [c.property_id for c in result.cancellations] == [wishing]
