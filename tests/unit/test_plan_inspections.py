"""Issue 14 items 2, 3 and 5: planning a period — working days, assessor-days, owners' windows, notices
and events in one transaction, the bad input that is refused (application/plan_inspections.py)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from services.assessment.application.owner_requests import request_visit
from services.assessment.domain.inspection_needs import InspectionReason, NeedStatus
from services.assessment.domain.inspection_planning import (
    DEFAULT_SETTINGS,
    Absence,
    InspectionScheduled,
    InspectionsPlanned,
    OwnerRequest,
)
from services.assessment.domain.inspection_schedule import NO_LOCATION, assessor_days, working_days
from services.platform.errors import InvalidInput, NotFound
from tests.fakes.assessment import FakeAssessmentUnitOfWork
from tests.fakes.route_planner import GreedyRoutePlanner
from tests.unit.inspection_plan_setup import A1, A2, FRIDAY, MONDAY, need, own, pid, plan, register

pytestmark = pytest.mark.unit


def _fields(caught: pytest.ExceptionInfo[InvalidInput]) -> set[str]:
    return {v.field for v in caught.value.violations}


def test_working_days_leave_out_weekends_and_public_holidays() -> None:
    # 9 May 2024 is Ascension Day, 17 May Constitution Day; 11–12 May a weekend.
    days = working_days(date(2024, 5, 6), date(2024, 5, 17))
    assert days == [date(2024, 5, d) for d in (6, 7, 8, 10, 13, 14, 15, 16)]


def test_an_absent_assessor_has_no_day_while_away() -> None:
    days = working_days(MONDAY, FRIDAY)
    slots = assessor_days(
        [A1, A2], [Absence("A2", date(2024, 5, 7), date(2024, 5, 8))], days, DEFAULT_SETTINGS
    )
    assert [(s.assessor_id, s.day.day) for s in slots] == [
        ("A1", 6), ("A2", 6), ("A1", 7), ("A1", 8), ("A1", 10), ("A2", 10)
    ]  # fmt: skip
    assert slots[0].starts_at == datetime(2024, 5, 6, 8, 0) and slots[0].minutes == 420


def test_a_plan_is_stored_with_its_event_and_every_need_accounted_for() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 12, without_location=[12])
    made = plan(uow, [need(n) for n in range(1, 13)])
    stored = uow.inspection_plans.get(made.plan.plan_id)
    assert stored == made.plan and stored.version == 1 and stored.cause == "plan"
    assert stored.made_on == date(2024, 4, 22) and stored.needs == 12
    planned = {s.property_id for r in stored.solution.days for s in r.stops}
    unplanned = {u.property_id: u.reason for u in stored.solution.unplanned}
    assert unplanned == {pid(12): NO_LOCATION}
    assert planned | set(unplanned) == {pid(n) for n in range(1, 13)}
    assert [type(e) for e in uow.events] == [InspectionsPlanned]
    assert uow.commits == 1


def test_capacity_and_working_days_are_kept() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 60)
    made = plan(uow, [need(n) for n in range(1, 61)], absences=(Absence("A2", MONDAY, MONDAY),))
    for route in made.plan.solution.days:
        assert route.day in working_days(MONDAY, FRIDAY)
        assert (route.assessor_id, route.day) != ("A2", MONDAY)
        assert route.stops[-1].leave <= datetime.combine(route.day, time(8)) + timedelta(minutes=420)
    assert made.plan.solution.unplanned  # 60 visits of 45 minutes do not fit in 7 assessor-days


def test_the_open_needs_only_are_planned_and_appeal_cases_first() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 30)
    needs = [need(n) for n in range(1, 29)]
    needs.insert(0, need(29, InspectionReason.APPEAL, needed_by=date(2024, 5, 7), appeal_case_id="K-1"))
    needs.append(need(30, status=NeedStatus.DONE))
    made = plan(uow, needs, assessors=(A1,), last=MONDAY)  # one assessor-day: room for a few
    planned = [s.property_id for r in made.plan.solution.days for s in r.stops]
    assert pid(29) in planned
    assert pid(30) not in planned and pid(30) not in {u.property_id for u in made.plan.solution.unplanned}
    assert made.plan.needs == 29


def test_an_owners_day_and_hours_are_kept_and_the_owner_who_asked_is_told() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 6)
    own(uow, 3, "Kari Nordmann", "Ola Nordmann")
    request_visit(
        uow, OwnerRequest(pid(3), date(2024, 4, 20), True, date(2024, 5, 8), time(13, 0), time(15, 0))
    )
    request_visit(uow, OwnerRequest(pid(4), date(2024, 4, 20), False, None, time(14, 0), time(16, 0)))
    made = plan(uow, [need(n) for n in range(1, 7)])
    route, stop = made.plan.stop_of(pid(3)) or (None, None)
    assert route is not None and stop is not None
    assert route.day == date(2024, 5, 8) and time(13) <= stop.arrive.time() <= time(15)
    _, other = made.plan.stop_of(pid(4)) or (None, None)
    assert other is not None and time(14) <= other.arrive.time() <= time(16)
    [notice] = made.notices  # only the owner who asked to be told
    assert notice.property_id == pid(3) and notice.day == date(2024, 5, 8)
    assert notice.recipient_name == "Kari Nordmann og Ola Nordmann"
    assert notice.window == stop.window and notice.issued_on == date(2024, 4, 22) and not notice.replaces
    assert "Befaring" in notice.purpose
    scheduled = uow.events_of(InspectionScheduled)
    assert [e.notice for e in scheduled] == [notice]  # type: ignore[attr-defined]
    assert uow.inspection_plans.notices_of(made.plan.plan_id, 1) == [notice]


def test_an_appeal_need_is_never_planned_after_its_deadline() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 40)
    needs = [need(n) for n in range(1, 40)]
    needs.append(need(40, InspectionReason.APPEAL, needed_by=date(2024, 5, 3), appeal_case_id="K-2"))
    made = plan(uow, needs)
    assert made.plan.stop_of(pid(40)) is None
    assert pid(40) in {u.property_id for u in made.plan.solution.unplanned}


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [
        (FRIDAY, MONDAY, "last_day"),  # backwards
        (date(2024, 5, 11), date(2024, 5, 12), "last_day"),  # a weekend: no working day
        (date(2024, 1, 1), date(2024, 12, 31), "last_day"),  # more than 120 working days
    ],
)
def test_a_period_that_cannot_be_planned_is_refused_naming_the_field(
    first: date, last: date, field: str
) -> None:
    uow = FakeAssessmentUnitOfWork()
    with pytest.raises(InvalidInput) as caught:
        plan(uow, [], first=first, last=last)
    assert field in _fields(caught)
    assert uow.commits == 0 and not uow.inspection_plans.plans


def test_no_assessor_day_left_is_refused_naming_the_absences() -> None:
    uow = FakeAssessmentUnitOfWork()
    with pytest.raises(InvalidInput) as caught:
        plan(uow, [], assessors=(A1,), absences=(Absence("A1", MONDAY, FRIDAY),))
    assert _fields(caught) == {"absences"}
    with pytest.raises(InvalidInput) as unknown:
        plan(uow, [], absences=(Absence("A9", MONDAY, FRIDAY),))
    assert _fields(unknown) == {"absences[0].assessor_id"}


def test_an_absence_with_no_day_in_the_period_is_refused_and_nothing_stored() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 1)
    june = date(2024, 6, 3)  # a mistyped month: the period is a week in May
    with pytest.raises(InvalidInput) as caught:
        plan(uow, [need(1)], absences=(Absence("A2", june, june),))
    assert _fields(caught) == {"absences[0]"}
    assert "has no day in the period" in caught.value.violations[0].description
    assert uow.inspection_plans.latest_plan_id() is None


def test_a_plan_with_every_need_unplanned_is_still_a_plan() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 2, without_location=[1, 2])
    made = plan(uow, [need(1), need(2)])
    assert not made.plan.solution.days and len(made.plan.solution.unplanned) == 2
    assert uow.inspection_plans.latest_plan_id() == made.plan.plan_id


def test_the_planner_is_given_the_owners_windows_and_the_deadline() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 3)
    request_visit(uow, OwnerRequest(pid(1), date(2024, 4, 20), False, None, time(9, 0), time(11, 0)))
    request_visit(uow, OwnerRequest(pid(2), date(2024, 4, 20), True, date(2024, 5, 7)))
    planner = GreedyRoutePlanner()
    plan(uow, [need(1), need(2), need(3, needed_by=date(2024, 5, 8))], planner=planner)
    visits = {v.property_id: v for v in planner.problems[0].visits}
    assert [w.start.day for w in visits[pid(1)].windows] == [6, 7, 8, 10]  # every working day, 09–11
    assert {(w.start.time(), w.end.time()) for w in visits[pid(1)].windows} == {(time(9), time(11))}
    [whole_day] = visits[pid(2)].windows
    assert whole_day.start == datetime(2024, 5, 7, 8) and whole_day.end == datetime(2024, 5, 7, 15)
    assert visits[pid(2)].notify and not visits[pid(1)].notify
    assert visits[pid(3)].latest_day == date(2024, 5, 8) and visits[pid(3)].minutes == 45


@pytest.mark.parametrize(
    ("wish", "field"),
    [
        (OwnerRequest(pid(1), date(2024, 5, 8), True, date(2024, 5, 7)), "day"),  # before they asked
        (OwnerRequest(pid(1), date(2024, 4, 1), True, date(2024, 5, 11)), "day"),  # a Saturday
        (OwnerRequest(pid(1), date(2024, 4, 1), True, None, time(15), time(13)), "until_time"),
        (OwnerRequest(pid(1), date(2024, 4, 1), True, None, time(15), None), "until_time"),
    ],
)
def test_a_wish_that_breaks_the_rules_is_refused_and_nothing_stored(wish: OwnerRequest, field: str) -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 1)
    with pytest.raises(InvalidInput) as caught:
        request_visit(uow, wish)
    assert _fields(caught) == {field}
    assert not uow.inspection_plans.wishes


def test_a_wish_replaces_the_earlier_one_and_says_when_a_plan_has_the_property() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 2)
    first = request_visit(uow, OwnerRequest(pid(1), date(2024, 4, 1), False))
    assert not first.needs_replan
    plan(uow, [need(1), need(2)])
    again = request_visit(uow, OwnerRequest(pid(1), date(2024, 4, 25), True, date(2024, 5, 10)))
    assert again.needs_replan
    assert uow.inspection_plans.wishes[pid(1)].day == date(2024, 5, 10)
    with pytest.raises(NotFound):
        request_visit(uow, OwnerRequest("0301-999/9/0/0", date(2024, 4, 1), True))
