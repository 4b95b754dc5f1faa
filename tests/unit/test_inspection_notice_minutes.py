"""A notice says how long the assessor stays (InspectionNotice.visit_minutes, the stop's leave − arrive): set
when issued, kept in the letter's JSON body, and 0 for bodies stored before it was kept
(domain/inspection_schedule.py notices_to_issue, adapters/inspection_plan_json.py)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from services.assessment.adapters.inspection_plan_json import notice_from_json, notice_to_json
from services.assessment.application.owner_requests import request_visit
from services.assessment.domain.inspection_planning import DEFAULT_SETTINGS, InspectionNotice, OwnerRequest
from services.assessment.domain.property import PropertyCategory
from tests.fakes.assessment import FakeAssessmentUnitOfWork
from tests.unit.inspection_plan_setup import need, own, pid, plan, register

pytestmark = pytest.mark.unit


def _told(count: int) -> list[InspectionNotice]:
    uow = FakeAssessmentUnitOfWork()
    register(uow, count)
    for n in range(1, count + 1):
        own(uow, n, f"Eier {n}")
        request_visit(uow, OwnerRequest(pid(n), date(2024, 4, 1), True))
    return list(plan(uow, [need(n) for n in range(1, count + 1)]).notices)


def test_a_notice_says_the_planned_minutes_on_site() -> None:
    notices = _told(3)
    assert len(notices) == 3
    housing = DEFAULT_SETTINGS.minutes_per_inspection[PropertyCategory.HOUSING]
    assert {n.visit_minutes for n in notices} == {housing}


def test_the_minutes_are_the_stops_leave_minus_arrive() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 2)
    for n in (1, 2):
        own(uow, n, f"Eier {n}")
        request_visit(uow, OwnerRequest(pid(n), date(2024, 4, 1), True))
    made = plan(uow, [need(1), need(2)])
    for notice in made.notices:
        found = made.plan.stop_of(notice.property_id)
        assert found is not None
        _, stop = found
        assert notice.visit_minutes == (stop.leave - stop.arrive).total_seconds() // 60 > 0


def test_the_minutes_are_kept_in_the_letters_body() -> None:
    notice = replace(_told(1)[0], visit_minutes=75)
    assert notice_from_json(notice_to_json(notice)) == notice
    assert json.loads(notice_to_json(notice))["visit_minutes"] == 75


def test_a_body_stored_before_the_minutes_were_kept_reads_as_zero() -> None:
    notice = _told(1)[0]
    raw = json.loads(notice_to_json(notice))
    del raw["visit_minutes"]
    assert notice_from_json(json.dumps(raw)) == replace(notice, visit_minutes=0)
