"""Issue 10, cases 6, 12 and 13 through AppealsService (SQLite and PostgreSQL): billing's InvoiceIssued,
through the idempotent inbox, dates the year's bill and so the complaint deadline; a levy's
TaxBaseDetermined is dated on the levy's business date; acts take their date from the request and letters
are dated on their act; a decision's outcome and effect agree; an agenda keeps its cases after the meeting
decided them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import grpc
import pytest

from propertytax.appeals.v1 import appeals_pb2, events_pb2
from propertytax.billing.v1 import events_pb2 as billing_events
from services.platform.auth import Role
from services.platform.grpc_status import field_violations
from services.platform.messaging.inbox_processor import Outcome
from services.platform.runtime import ServiceRuntime
from tests.integration.appeals_fixtures import (
    Api,
    appeals_service,
    envelope,
    feed,
    feed_batch,
    tax_base_determined,
)
from tests.pdf_text import pdf_text

SECRET = "appeals-dates-test-secret-0123456789abcdef"
MACHINE_DAY = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # when the 2024 levy happened to be run
PROPERTY = "0301-208/1/0/0"
OTHER = "0301-209/3/0/0"
ap = appeals_pb2


def _levied(property_id: str, levied_on: str = "2024-02-20") -> bytes:
    event = tax_base_determined(property_id, 2024, 900_000_000)
    event.levied_on = levied_on
    return envelope(event, property_id, MACHINE_DAY)


def _invoice(number: int, issue_date: str, *taxes: tuple[str, int]) -> bytes:
    event = billing_events.InvoiceIssued(
        invoice_number=number,
        account_id="owner-abc",
        property_ids=sorted({p for p, _ in taxes}),
        issue_date=issue_date,
        property_taxes=[billing_events.InvoicedPropertyTax(property_id=p, tax_year=y) for p, y in taxes],
    )
    return envelope(event, "owner-abc", MACHINE_DAY)


@pytest.fixture
def service(database_url: str, tmp_path: Path) -> Iterator[ServiceRuntime]:
    with appeals_service(database_url, tmp_path, SECRET) as running:
        assert feed_batch(running, _levied(PROPERTY), _levied(OTHER)) == [Outcome.HANDLED] * 2
        yield running


@pytest.fixture
def secretariat(service: ServiceRuntime) -> Iterator[Api]:
    channel = grpc.insecure_channel(f"127.0.0.1:{service.server.port}")
    api = Api(channel, SECRET, Role.SECRETARIAT)
    api.SetTaxYearCalendar(
        ap.SetTaxYearCalendarRequest(
            calendar=ap.TaxYearCalendar(tax_year=2024, list_announced_on="2024-02-26")
        )
    )
    yield api
    channel.close()


def _deadline(api: Api, property_id: str = PROPERTY) -> Any:
    return api.GetComplaintDeadline(ap.GetComplaintDeadlineRequest(property_id=property_id, tax_year=2024))


def _complaint(received_on: str = "2024-03-20", **fields: Any) -> Any:
    return ap.RegisterAppealRequest(
        property_id=fields.get("property_id", PROPERTY),
        tax_year=2024,
        complainant=ap.Complainant(
            kind=ap.COMPLAINANT_KIND_OWNER, name="Kari Nordmann", address_lines=["Storgata 1", "0155 Oslo"]
        ),
        received_on=received_on,
        channel=ap.COMPLAINT_CHANNEL_EMAIL,
        grounds=fields.get("grounds") or [ap.Ground(kind=ap.GROUND_KIND_AREA, text="80 m²")],
        acknowledged_on=fields.get("acknowledged_on", ""),
    )


def _refused(call: Any, request: Any) -> dict[str, str]:
    with pytest.raises(grpc.RpcError) as refused:
        call(request)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT, refused.value.details()
    return field_violations(refused.value)


def test_the_first_invoice_with_the_tax_dates_the_bill_and_the_deadline(
    service: ServiceRuntime, secretariat: Api
) -> None:
    # Before billing has invoiced the tax: the levy's business date, not the day the events were written.
    before = _deadline(secretariat)
    assert (before.bill_dispatched_on, before.bill_dispatch_basis) == ("2024-02-20", ap.DISPATCH_BASIS_LEVY)
    assert before.deadline == "2024-04-08"  # from the announcement, 26 February
    # The bills that carried the 2024 tax went out 5 April; a fees-only invoice and another year's tax
    # change nothing; a later invoice and a replay of the first change nothing either.
    outcomes = feed(
        service,
        _invoice(7, "2024-03-01"),
        _invoice(8, "2024-03-02", (PROPERTY, 2023)),
        _invoice(9, "2024-04-05", (PROPERTY, 2024), (OTHER, 2024)),
        _invoice(10, "2024-06-05", (PROPERTY, 2024)),
    )
    assert outcomes == [Outcome.HANDLED] * 4
    first = _invoice(9, "2024-04-05", (PROPERTY, 2024))
    assert feed(service, first, first) == [Outcome.HANDLED, Outcome.DUPLICATE]
    after = _deadline(secretariat)
    assert (after.bill_dispatched_on, after.bill_dispatch_basis) == (
        "2024-04-05",
        ap.DISPATCH_BASIS_FIRST_INVOICE,
    )
    # 5 April + 6 weeks = 17 May (Constitution Day), then a weekend and Whit Monday: Tuesday 21 May.
    assert after.deadline == "2024-05-21"
    # An earlier invoice of the same tax arriving late moves the date back.
    assert feed(service, _invoice(5, "2024-04-02", (OTHER, 2024))) == [Outcome.HANDLED]
    assert _deadline(secretariat, OTHER).bill_dispatched_on == "2024-04-02"
    case = secretariat.RegisterAppeal(_complaint("2024-05-21")).case
    assert not case.late and case.deadline == "2024-05-21"
    assert case.bill_dispatch_basis == ap.DISPATCH_BASIS_FIRST_INVOICE


def test_the_recorded_dispatch_counts_until_an_invoice_is_known(secretariat: Api) -> None:
    secretariat.SetTaxYearCalendar(
        ap.SetTaxYearCalendarRequest(
            calendar=ap.TaxYearCalendar(
                tax_year=2024, list_announced_on="2024-02-26", bills_dispatched_on="2024-03-11"
            )
        )
    )
    found = _deadline(secretariat)
    assert (found.bill_dispatched_on, found.bill_dispatch_basis) == ("2024-03-11", ap.DISPATCH_BASIS_CALENDAR)


def test_the_acknowledgement_is_dated_on_its_act_and_promises_an_answer_in_its_year(secretariat: Api) -> None:
    case = secretariat.RegisterAppeal(_complaint("2024-03-20")).case
    assert case.acknowledged_on == "2024-03-20" and case.preliminary_answer_due == "2024-04-03"
    letter = secretariat.GetAppealLetter(
        ap.GetAppealLetterRequest(case_id=case.case_id, kind=ap.LETTER_KIND_ACKNOWLEDGEMENT)
    )
    text = pdf_text(letter.content)
    assert "Dato: 20.03.2024" in text and "innen 03.04.2024" in text and "30.11.2026" not in text
    later = secretariat.RegisterAppeal(_complaint("2024-03-20", acknowledged_on="2024-03-25")).case
    letter = secretariat.GetAppealLetter(
        ap.GetAppealLetterRequest(case_id=later.case_id, kind=ap.LETTER_KIND_ACKNOWLEDGEMENT)
    )
    assert "Dato: 25.03.2024" in pdf_text(letter.content)
    assert _refused(secretariat.RegisterAppeal, _complaint("2024-03-20", acknowledged_on="2024-03-19")) == {
        "acknowledged_on": "cannot be before the complaint was received"
    }
    assert "acknowledged_on" in _refused(secretariat.RegisterAppeal, _complaint(acknowledged_on="20.03.2024"))


def _committee(api: Api, meets_on: str) -> tuple[str, list[str]]:
    committee = api.CreateCommittee(
        ap.CreateCommitteeRequest(name="Sakkyndig nemnd", kind=ap.COMMITTEE_KIND_VALUATION)
    ).committee.committee_id
    members = [
        api.AddCommitteeMember(
            ap.AddCommitteeMemberRequest(
                committee_id=committee, name=name, role=role, term_start="2023-01-01", term_end="2027-12-31"
            )
        ).member.member_id
        for name, role in (("Leder", ap.MEMBER_ROLE_CHAIR), ("Medlem", ap.MEMBER_ROLE_MEMBER))
    ]
    return committee, members


def _meeting(api: Api, committee: str, meets_on: str) -> str:
    return str(
        api.CreateMeeting(
            ap.CreateMeetingRequest(committee_id=committee, meets_on=meets_on, location="Rådhuset")
        ).meeting.meeting_id
    )


def _history(api: Api, case_id: str) -> list[tuple[str, str]]:
    return [(h.action, h.on) for h in api.GetAppealCase(ap.GetAppealCaseRequest(case_id=case_id)).history]


def _agenda(api: Api, meeting_id: str) -> str:
    return pdf_text(
        api.GetMeetingDocument(
            ap.GetMeetingDocumentRequest(meeting_id=meeting_id, kind=ap.MEETING_DOCUMENT_KIND_AGENDA)
        ).content
    )


def test_acts_are_dated_from_the_request_and_the_agenda_keeps_its_cases(secretariat: Api) -> None:
    committee, members = _committee(secretariat, "2024-05-15")
    may, june = _meeting(secretariat, committee, "2024-05-15"), _meeting(secretariat, committee, "2024-06-12")
    kept = secretariat.RegisterAppeal(_complaint("2024-03-20")).case.case_id
    moved = secretariat.RegisterAppeal(_complaint("2024-03-21")).case.case_id
    withdrawn = secretariat.RegisterAppeal(_complaint("2024-03-22")).case.case_id
    for case_id in (kept, moved, withdrawn):
        secretariat.AssignAppeal(
            ap.AssignAppealRequest(case_id=case_id, case_officer="Hansen", assigned_on="2024-03-25")
        )
        secretariat.PrepareAppeal(
            ap.PrepareAppealRequest(case_id=case_id, recommendation="Ikke medhold.", prepared_on="2024-04-10")
        )
        secretariat.ScheduleAppeal(
            ap.ScheduleAppealRequest(case_id=case_id, meeting_id=may, scheduled_on="2024-04-12")
        )
    secretariat.DeclareDisqualification(
        ap.DeclareDisqualificationRequest(
            case_id=kept, member_id=members[1], reason="Nabo.", declared_on="2024-04-15"
        )
    )
    secretariat.ScheduleAppeal(
        ap.ScheduleAppealRequest(case_id=moved, meeting_id=june, scheduled_on="2024-04-20")
    )
    assert _history(secretariat, kept)[1:] == [
        ("assign", "2024-03-25"),
        ("prepare", "2024-04-10"),
        ("schedule", "2024-04-12"),
        ("disqualify", "2024-04-15"),
    ]
    assert _refused(
        secretariat.ScheduleAppeal,
        ap.ScheduleAppealRequest(case_id=moved, meeting_id=may, scheduled_on="2024-03-01"),
    ) == {"scheduled_on": "cannot be before the complaint was received"}
    secretariat.WithdrawAppeal(ap.WithdrawAppealRequest(case_id=withdrawn, withdrawn_on="2024-05-02"))
    secretariat.DecideAppeal(
        ap.DecideAppealRequest(
            case_id=kept,
            meeting_id=may,
            outcome=events_pb2.APPEAL_OUTCOME_NOT_UPHELD,
            reasons="Riktig areal.",
            participant_ids=members[:1],
        )
    )
    # The May agenda as planned: the decided and the withdrawn case, not the one moved to June.
    agenda = _agenda(secretariat, may)
    assert "Ingen saker er satt opp" not in agenda
    numbers = {
        c: secretariat.GetAppealCase(ap.GetAppealCaseRequest(case_id=c)).case.case_number
        for c in (kept, moved, withdrawn)
    }
    assert numbers[kept] in agenda and numbers[withdrawn] in agenda and numbers[moved] not in agenda
    assert numbers[moved] in _agenda(secretariat, june)
    minutes = pdf_text(
        secretariat.GetMeetingDocument(
            ap.GetMeetingDocumentRequest(meeting_id=may, kind=ap.MEETING_DOCUMENT_KIND_MINUTES)
        ).content
    )
    assert numbers[kept] in minutes and numbers[withdrawn] not in minutes
    (listed,) = [
        m
        for m in secretariat.ListMeetings(ap.ListMeetingsRequest(committee_id=committee)).meetings
        if m.meeting_id == may
    ]
    assert set(listed.agenda_case_ids) == {kept, withdrawn} and list(listed.decided_case_ids) == [kept]


def test_an_upheld_complaint_about_the_value_without_a_new_value_is_refused(secretariat: Api) -> None:
    committee, members = _committee(secretariat, "2024-05-15")
    may = _meeting(secretariat, committee, "2024-05-15")
    case_id = secretariat.RegisterAppeal(_complaint("2024-03-20")).case.case_id
    secretariat.PrepareAppeal(
        ap.PrepareAppealRequest(case_id=case_id, recommendation="Medhold.", prepared_on="2024-04-10")
    )
    secretariat.ScheduleAppeal(
        ap.ScheduleAppealRequest(case_id=case_id, meeting_id=may, scheduled_on="2024-04-12")
    )
    decide = ap.DecideAppealRequest(
        case_id=case_id,
        meeting_id=may,
        outcome=events_pb2.APPEAL_OUTCOME_UPHELD,
        reasons="Arealet er mindre.",
        participant_ids=members,
    )
    assert list(_refused(secretariat.DecideAppeal, decide)) == ["new_value"]
    case = secretariat.GetAppealCase(ap.GetAppealCaseRequest(case_id=case_id)).case
    assert case.state == ap.APPEAL_CASE_STATE_SCHEDULED  # nothing closed
    decide.new_value.ore = 800_000_000
    assert secretariat.DecideAppeal(decide).case.value_in_force.ore == 800_000_000
