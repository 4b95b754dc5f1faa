"""Issue 14 item 8: an owner's wish may say whom the notice goes to and where (an heir, a guardian, the
owner's postal address): checked when asked (domain/inspection_schedule.py request_problems), used for the
notices (application/plan_inspections.py recipients), each part falling back to its default alone."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

import pytest

from services.assessment.application.owner_requests import request_visit
from services.assessment.domain.inspection_planning import DEFAULT_SETTINGS, OwnerRequest
from services.assessment.domain.inspection_schedule import recipient
from services.assessment.domain.property import Property, PropertyCategory
from services.platform.errors import InvalidInput
from tests.fakes.assessment import FakeAssessmentUnitOfWork
from tests.unit.inspection_plan_setup import CENTRE, need, own, pid, plan, register

pytestmark = pytest.mark.unit
ASKED = date(2024, 4, 1)


def _wish(n: int, name: str = "", lines: tuple[str, ...] = ()) -> OwnerRequest:
    return OwnerRequest(pid(n), ASKED, True, notice_name=name, notice_lines=lines)


def test_the_notice_goes_to_the_name_and_lines_the_owner_gave_each_or_its_default() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 4)
    for n in range(1, 5):
        own(uow, n, f"Eier {n}")
    postal = ("Postboks 12", "9730 Karasjok")
    request_visit(uow, _wish(1, "Dødsboet etter Eier 1 v/ Anne Eriksen", postal))
    request_visit(uow, _wish(2, "Verge Per Olsen"))
    request_visit(uow, _wish(3, lines=postal))
    request_visit(uow, _wish(4))
    made = plan(uow, [need(n) for n in range(1, 5)])
    to = {n.property_id: (n.recipient_name, n.recipient_lines) for n in made.notices}
    assert to == {
        pid(1): ("Dødsboet etter Eier 1 v/ Anne Eriksen", postal),
        pid(2): ("Verge Per Olsen", ("Testveien 2",)),
        pid(3): ("Eier 3", postal),
        pid(4): ("Eier 4", ("Testveien 4",)),
    }
    stored = uow.inspection_plans.requests([pid(1)])[pid(1)]
    assert (stored.notice_name, stored.notice_lines) == ("Dødsboet etter Eier 1 v/ Anne Eriksen", postal)


@pytest.mark.parametrize(
    ("name", "lines", "field"),
    [
        ("x" * 81, (), "notice_name"),
        ("Kari\nNordmann", (), "notice_name"),
        ("Kari\tNordmann", (), "notice_name"),
        ("", ("a", "b", "c", "d", "e"), "notice_lines"),
        ("", ("Postboks 12", "y" * 81), "notice_lines"),
        ("", ("Postboks 12", "   "), "notice_lines"),
        ("", ("Postboks\u200b 12",), "notice_lines"),
        ("", ("Postboks 12\n9730 Karasjok",), "notice_lines"),
        ("", ("Postboks 12", "Karasjok"), "notice_lines"),  # no postcode
        ("", ("9730Karasjok",), "notice_lines"),
        ("", ("Storgata 1", "Oslo 0150"), "notice_lines"),
    ],
)
def test_a_notice_address_that_breaks_the_rules_is_refused_naming_the_field(
    name: str, lines: tuple[str, ...], field: str
) -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 1)
    with pytest.raises(InvalidInput) as caught:
        request_visit(uow, _wish(1, name, lines))
    assert {v.field for v in caught.value.violations} == {field}
    assert not uow.inspection_plans.wishes


def test_four_lines_of_eighty_characters_are_fine() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 1)
    request_visit(uow, _wish(1, "n" * 80, tuple("l" * 80 for _ in range(4))))
    assert len(uow.inspection_plans.wishes[pid(1)].notice_lines) == 4


def test_an_address_abroad_of_three_lines_or_more_needs_no_norwegian_postcode() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 2)
    request_visit(uow, _wish(1, "Kari Nordmann", ("Storgatan 1", "111 22 Stockholm", "Sverige")))
    request_visit(uow, _wish(2, lines=("Postboks 12", "0150 Oslo")))
    assert len(uow.inspection_plans.wishes) == 2


@pytest.mark.parametrize(
    ("name", "lines", "fields"),
    [
        ("Verge Per Olsen", (), {"notice_name"}),
        ("", ("Postboks 12", "9730 Karasjok"), {"notice_lines"}),
        ("Verge Per Olsen", ("Postboks 12", "9730 Karasjok"), {"notice_name", "notice_lines"}),
    ],
)
def test_a_notice_address_without_asking_for_the_notice_is_refused(
    name: str, lines: tuple[str, ...], fields: set[str]
) -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 1)
    with pytest.raises(InvalidInput) as caught:
        request_visit(uow, replace(_wish(1, name, lines), notify=False))
    assert {v.field for v in caught.value.violations} == fields
    assert {v.description for v in caught.value.violations} == {
        "a notice address is for the owner's notice: ask for the notice too (notify)"
    }
    assert not uow.inspection_plans.wishes


@pytest.mark.parametrize(
    ("hours", "fields"),
    [
        ((time(18), time(20)), {"from_time", "until_time"}),
        ((time(7), time(9)), {"from_time"}),
        ((time(15), time(17)), {"until_time"}),
    ],
)
def test_hours_outside_the_working_day_are_refused_naming_the_end_outside(
    hours: tuple[time, time], fields: set[str]
) -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 1)
    with pytest.raises(InvalidInput) as caught:
        request_visit(uow, OwnerRequest(pid(1), ASKED, False, None, *hours))
    assert {v.field for v in caught.value.violations} == fields
    assert all("the working day is 08:00–16:00" in v.description for v in caught.value.violations)
    assert not uow.inspection_plans.wishes


def test_the_working_day_is_the_settings_day_start_and_longest_day() -> None:
    uow = FakeAssessmentUnitOfWork()
    register(uow, 2)
    request_visit(uow, OwnerRequest(pid(1), ASKED, False, None, time(8), time(16)))  # the whole day: fine
    late = replace(DEFAULT_SETTINGS, day_starts_at=time(10), longest_day_minutes=600)  # 10:00–20:00
    request_visit(uow, OwnerRequest(pid(2), ASKED, False, None, time(18), time(20)), late)
    with pytest.raises(InvalidInput) as caught:
        request_visit(uow, OwnerRequest(pid(2), ASKED, False, None, time(9), time(11)), late)
    assert caught.value.violations[0].description == (
        "09:00 is outside the working hours: the working day is 10:00–20:00"
    )
    assert set(uow.inspection_plans.wishes) == {pid(1), pid(2)}


@pytest.mark.parametrize(
    ("address", "lines"),
    [
        ("Nordstrandveien 45 B, 1163 Oslo", ("Nordstrandveien 45 B", "1163 Oslo")),
        ("Storgata 1 ,  0150  Oslo", ("Storgata 1", "0150 Oslo")),
        ("Sjøgata 3, 9730 Karasjok", ("Sjøgata 3", "9730 Karasjok")),
        ("Testveien 4", ("Testveien 4",)),  # no postcode: one line, as it is
        ("Gnr 12, bnr 3", ("Gnr 12, bnr 3",)),  # a comma but no postcode
        ("Storgata 1, 150 Oslo", ("Storgata 1, 150 Oslo",)),  # three digits is no postcode
    ],
)
def test_the_propertys_address_is_split_into_street_and_postcode_lines(
    address: str, lines: tuple[str, ...]
) -> None:
    assert recipient(["Kari Nordmann"], address).lines == lines


def test_a_notice_to_the_propertys_address_has_the_postcode_line_alone() -> None:
    uow = FakeAssessmentUnitOfWork()
    uow.properties.add(
        Property(pid(1), None, "Nordstrandveien 45 B, 1163 Oslo", PropertyCategory.HOUSING, 1, CENTRE),
        uow.now(),
    )
    own(uow, 1, "Kari Nordmann")
    request_visit(uow, _wish(1))
    made = plan(uow, [need(1)])
    assert [(n.recipient_name, n.recipient_lines) for n in made.notices] == [
        ("Kari Nordmann", ("Nordstrandveien 45 B", "1163 Oslo"))
    ]
