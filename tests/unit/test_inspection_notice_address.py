"""Issue 14 item 8: an owner's wish may say whom the notice goes to and where (an heir, a guardian, the
owner's postal address): checked when asked (domain/inspection_schedule.py request_problems), used for the
notices (application/plan_inspections.py recipients), each part falling back to its default alone."""

from __future__ import annotations

from datetime import date

import pytest

from services.assessment.application.owner_requests import request_visit
from services.assessment.domain.inspection_planning import OwnerRequest
from services.platform.errors import InvalidInput
from tests.fakes.assessment import FakeAssessmentUnitOfWork
from tests.unit.inspection_plan_setup import need, own, pid, plan, register

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
