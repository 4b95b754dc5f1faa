"""A case's request for a re-inspection becomes InspectionRequested, which assessment queues as a need:
with the case's deadline for it (needed_by), by default the preliminary answer's expected decision date when
that is later, else six weeks after the request."""

from __future__ import annotations

from datetime import date

import pytest

from propertytax.appeals.v1 import events_pb2
from services.appeals.adapters.event_payloads import event_to_proto
from services.appeals.application import case_flow
from services.appeals.domain import cases as flow
from services.appeals.domain.cases import AppealCase, CaseState, InspectionRequested
from services.appeals.domain.complaint import (
    Channel,
    Complainant,
    ComplainantKind,
    Complaint,
    Ground,
    GroundKind,
)
from services.appeals.domain.deadlines import TaxNotice, TaxYearCalendar
from services.appeals.domain.policy import AppealsPolicy
from services.platform.errors import InvalidInput
from services.platform.money import Money
from tests.fakes.appeals import FakeAppealsUnitOfWork

pytestmark = pytest.mark.unit

TODAY = date(2024, 6, 10)
ON = date(2024, 4, 22)
NOTICE = TaxNotice("p1", 2024, 1, 3, Money.of(9_000_000), date(2024, 2, 20))


def registered() -> AppealCase:
    complaint = Complaint(
        property_id="p1",
        tax_year=2024,
        complainant=Complainant(ComplainantKind.OWNER, "Kari Nordmann", ("Storgata 1", "0155 Oslo"), "o-1"),
        received_on=date(2024, 3, 20),
        channel=Channel.EMAIL,
        grounds=(Ground(GroundKind.AREA, "BRA er 80 m², ikke 120 m²"),),
    )
    calendar = TaxYearCalendar(2024, date(2024, 2, 26))
    return flow.register("case-1", "2024-00001", complaint, NOTICE, calendar, AppealsPolicy(), "sek").case


def test_a_request_without_a_day_of_use_is_needed_within_six_weeks() -> None:
    change = flow.request_inspection(registered(), " Mål opp BRA. ", ON, TODAY, "sek")

    assert change.case.state == CaseState.INSPECTION_REQUESTED
    assert change.events == (InspectionRequested("case-1", "p1", 2024, ON, "Mål opp BRA.", date(2024, 6, 3)),)


def test_a_preliminary_answer_s_later_expected_date_is_the_default_day_of_use() -> None:
    answered = flow.send_preliminary_answer(
        registered(), "Nemnda møtes i august.", date(2024, 8, 20), date(2024, 4, 5), TODAY, "sek"
    ).case
    [event] = flow.request_inspection(answered, "Befaring.", ON, TODAY, "sek").events
    assert isinstance(event, InspectionRequested) and event.needed_by == date(2024, 8, 20)


def test_an_expected_date_before_six_weeks_after_the_request_is_still_the_day_of_use() -> None:
    # The committee promised a decision by 15 May: the inspection is of no use to the case after it.
    answered = flow.send_preliminary_answer(
        registered(), "Befaring først.", date(2024, 5, 15), date(2024, 4, 5), TODAY, "sek"
    ).case
    [event] = flow.request_inspection(answered, "Befaring.", ON, TODAY, "sek").events
    assert isinstance(event, InspectionRequested) and event.needed_by == date(2024, 5, 15)


def test_an_expected_date_already_passed_gives_six_weeks() -> None:
    answered = flow.send_preliminary_answer(
        registered(), "Befaring først.", date(2024, 4, 10), date(2024, 4, 5), TODAY, "sek"
    ).case
    [event] = flow.request_inspection(answered, "Befaring.", ON, TODAY, "sek").events
    assert isinstance(event, InspectionRequested) and event.needed_by == date(2024, 6, 3)


def test_a_day_of_use_given_is_kept_and_one_before_the_request_is_refused_on_its_field() -> None:
    [event] = flow.request_inspection(registered(), "Befaring.", ON, TODAY, "sek", date(2024, 5, 2)).events
    assert isinstance(event, InspectionRequested) and event.needed_by == date(2024, 5, 2)
    same_day = flow.request_inspection(registered(), "Befaring.", ON, TODAY, "sek", ON).events[0]
    assert isinstance(same_day, InspectionRequested) and same_day.needed_by == ON

    with pytest.raises(InvalidInput) as refused:
        flow.request_inspection(registered(), "Befaring.", ON, TODAY, "sek", date(2024, 4, 21))
    assert [v.field for v in refused.value.violations] == ["needed_by"]


def test_the_event_is_published_keyed_by_the_case_with_every_field_assessment_reads() -> None:
    event = InspectionRequested("case-1", "p1", 2024, ON, "Mål opp BRA.", date(2024, 6, 3))
    key, payload = event_to_proto(event)
    assert key == "case-1"
    assert payload == events_pb2.InspectionRequested(
        case_id="case-1",
        property_id="p1",
        tax_year=2024,
        requested_on="2024-04-22",
        note="Mål opp BRA.",
        needed_by="2024-06-03",
    )


def test_the_command_stores_the_request_and_its_event_in_one_transaction() -> None:
    fake = FakeAppealsUnitOfWork()
    fake.cases.add(registered(), fake.now())
    case = case_flow.request_inspection(fake, "case-1", "Befaring.", ON, TODAY, "sek", date(2024, 5, 31))

    assert fake.cases.get("case-1") == case and case.state == CaseState.INSPECTION_REQUESTED
    assert fake.events == [InspectionRequested("case-1", "p1", 2024, ON, "Befaring.", date(2024, 5, 31))]
    assert fake.commits == 1
