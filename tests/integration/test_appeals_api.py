"""AppealsService over gRPC on SQLite and PostgreSQL: a complaint through both committees to a decision
that changes the value, refusals with the right status and field violations, letters and meeting
documents in Norwegian, oversight lists and the year's figures; assessment's events through the
idempotent consumer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import grpc
import pytest
from sqlalchemy import select

from propertytax.appeals.v1 import appeals_pb2, events_pb2
from propertytax.assessment.v1 import events_pb2 as assessment_events
from propertytax.assessment.v1 import tax_pb2
from propertytax.platform.v1 import money_pb2
from services.appeals.adapters.orm import platform_tables
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
    outbox_events,
    tax_base_determined,
)
from tests.pdf_text import pdf_text

SECRET = "appeals-api-test-secret-0123456789abcdef"
LEVIED = datetime(2024, 2, 20, 9, 30, tzinfo=UTC)  # the levy's TaxBaseDetermined: the bill's dispatch
PROPERTY = "0301-208/1/0/0"
OTHER = "0301-209/3/0/0"
ap = appeals_pb2


@pytest.fixture
def service(database_url: str, tmp_path: Path) -> Iterator[ServiceRuntime]:
    with appeals_service(database_url, tmp_path, SECRET) as running:
        outcomes = feed_batch(
            running,
            envelope(tax_base_determined(PROPERTY, 2024, 900_000_000, valuation_version=2), PROPERTY, LEVIED),
            envelope(tax_base_determined(OTHER, 2024, 500_000_000), OTHER, LEVIED),
        )
        assert outcomes == [Outcome.HANDLED, Outcome.HANDLED]
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


def _refused(
    call: Any, request: Any, code: grpc.StatusCode = grpc.StatusCode.INVALID_ARGUMENT
) -> dict[str, str]:
    with pytest.raises(grpc.RpcError) as refused:
        call(request)
    assert refused.value.code() == code, refused.value.details()
    return (
        field_violations(refused.value)
        if code == grpc.StatusCode.INVALID_ARGUMENT
        else {"": refused.value.details() or ""}
    )


def _complaint(received_on: str = "2024-03-20", *grounds: tuple[Any, str], **fields: Any) -> Any:
    return ap.RegisterAppealRequest(
        property_id=fields.get("property_id", PROPERTY),
        tax_year=2024,
        complainant=ap.Complainant(
            kind=ap.COMPLAINANT_KIND_OWNER,
            name=fields.get("name", "Kari Nordmann"),
            address_lines=["Storgata 1", "0155 Oslo"],
            owner_ref="owner-abc",
        ),
        received_on=received_on,
        channel=ap.COMPLAINT_CHANNEL_EMAIL,
        grounds=[ap.Ground(kind=k, text=t) for k, t in grounds]
        or [ap.Ground(kind=ap.GROUND_KIND_AREA, text="80 m²")],
        attachments=[ap.Attachment(reference="arkiv/2024/17", title="Plantegning")],
    )


def _committees(api: Api) -> dict[str, Any]:
    """A valuation and an appeals committee, each with chair, two members and a deputy, and a meeting."""
    made: dict[str, Any] = {}
    for key, kind, name, meets_on in (
        ("valuation", ap.COMMITTEE_KIND_VALUATION, "Sakkyndig nemnd", "2024-05-15"),
        ("appeals", ap.COMMITTEE_KIND_APPEALS, "Sakkyndig klagenemnd", "2024-09-10"),
    ):
        committee = api.CreateCommittee(ap.CreateCommitteeRequest(name=name, kind=kind)).committee
        members = [
            api.AddCommitteeMember(
                ap.AddCommitteeMemberRequest(
                    committee_id=committee.committee_id,
                    name=f"{name} {who}",
                    role=role,
                    term_start="2023-01-01",
                    term_end="2027-12-31",
                )
            ).member
            for who, role in (
                ("leder", ap.MEMBER_ROLE_CHAIR),
                ("medlem A", ap.MEMBER_ROLE_MEMBER),
                ("medlem B", ap.MEMBER_ROLE_MEMBER),
                ("vara", ap.MEMBER_ROLE_DEPUTY),
            )
        ]
        meeting = api.CreateMeeting(
            ap.CreateMeetingRequest(
                committee_id=committee.committee_id, meets_on=meets_on, location="Rådhuset"
            )
        ).meeting
        made[key] = (committee, [m.member_id for m in members], meeting)
    return made


def test_a_complaint_through_both_committees_to_a_new_value(
    secretariat: Api, service: ServiceRuntime
) -> None:
    committees = _committees(secretariat)
    valuation, (chair, member_a, member_b, deputy), first_meeting = committees["valuation"]
    _, appeals_members, second_meeting = committees["appeals"]

    deadline = secretariat.GetComplaintDeadline(
        ap.GetComplaintDeadlineRequest(property_id=PROPERTY, tax_year=2024)
    )
    assert (deadline.deadline, deadline.bill_dispatched_on, deadline.valuation_version) == (
        "2024-04-08",
        "2024-02-20",
        2,
    )
    case = secretariat.RegisterAppeal(
        _complaint(
            "2024-03-20",
            (ap.GROUND_KIND_AREA, "BRA er 80 m²"),
            (ap.GROUND_KIND_TAX_AUTHORITY_VALUE, "For høy"),
        )
    ).case
    assert (case.state, case.case_number, case.deadline, case.late) == (
        ap.APPEAL_CASE_STATE_REGISTERED,
        "2024-00001",
        "2024-04-08",
        False,
    )
    assert (case.disputed_valuation_version, case.disputed_value.ore, case.preliminary_answer_due) == (
        2,
        900_000_000,
        "2024-04-03",
    )
    case_id = case.case_id
    secretariat.AssignAppeal(
        ap.AssignAppealRequest(
            case_id=case_id, case_officer="Ola Saksbehandler", committee_id=valuation.committee_id
        )
    )
    secretariat.SendPreliminaryAnswer(
        ap.SendPreliminaryAnswerRequest(
            case_id=case_id,
            reason="Vi må måle opp boligen.",
            expected_decision_on="2024-06-01",
            sent_on="2024-04-02",
        )
    )
    secretariat.RequestInspection(
        ap.RequestInspectionRequest(case_id=case_id, note="Mål BRA", requested_on="2024-04-05")
    )
    secretariat.CompleteInspection(
        ap.CompleteInspectionRequest(case_id=case_id, findings="BRA 118 m²", completed_on="2024-04-20")
    )
    secretariat.PrepareAppeal(
        ap.PrepareAppealRequest(
            case_id=case_id, recommendation="Ikke medhold: arealet stemmer.", prepared_on="2024-04-25"
        )
    )
    secretariat.DeclareDisqualification(
        ap.DeclareDisqualificationRequest(case_id=case_id, member_id=member_b, reason="Nabo til klageren")
    )
    case = secretariat.ScheduleAppeal(
        ap.ScheduleAppealRequest(case_id=case_id, meeting_id=first_meeting.meeting_id)
    ).case
    assert case.state == ap.APPEAL_CASE_STATE_SCHEDULED and case.meeting_id == first_meeting.meeting_id

    # The disqualified member may not take part; the deputy may stand in.
    check = ap.CheckQuorumRequest(meeting_id=first_meeting.meeting_id, case_id=case_id)
    blocked = secretariat.CheckQuorum(
        ap.CheckQuorumRequest(**_fields(check), participant_ids=[chair, member_b])
    )
    assert not blocked.quorate and "disqualified" in blocked.problems[0]
    taking_part = [chair, member_a, deputy]
    fine = secretariat.CheckQuorum(ap.CheckQuorumRequest(**_fields(check), participant_ids=taking_part))
    assert (fine.quorate, fine.seats, fine.required, fine.counted) == (True, 3, 2, 3)
    decide = ap.DecideAppealRequest(
        case_id=case_id,
        meeting_id=first_meeting.meeting_id,
        outcome=events_pb2.APPEAL_OUTCOME_NOT_UPHELD,
        reasons="Befaringen viser at arealet er riktig.",
        participant_ids=[chair, member_a, member_b],
    )
    assert (
        "disqualified" in _refused(secretariat.DecideAppeal, decide, grpc.StatusCode.FAILED_PRECONDITION)[""]
    )
    del decide.participant_ids[:]
    decide.participant_ids.extend(taking_part)
    case = secretariat.DecideAppeal(decide).case
    assert case.state == ap.APPEAL_CASE_STATE_DECIDED and case.further_appeal_by == "2024-06-05"

    case = secretariat.ForwardAppeal(ap.ForwardAppealRequest(case_id=case_id, requested_on="2024-05-27")).case
    assert case.state == ap.APPEAL_CASE_STATE_FORWARDED
    # A meeting of the wrong committee is refused.
    wrong = ap.ScheduleAppealRequest(case_id=case_id, meeting_id=first_meeting.meeting_id)
    assert (
        "appeals committee"
        in _refused(secretariat.ScheduleAppeal, wrong, grpc.StatusCode.FAILED_PRECONDITION)[""]
    )
    secretariat.ScheduleAppeal(
        ap.ScheduleAppealRequest(case_id=case_id, meeting_id=second_meeting.meeting_id)
    )
    case = secretariat.DecideAppeal(
        ap.DecideAppealRequest(
            case_id=case_id,
            meeting_id=second_meeting.meeting_id,
            outcome=events_pb2.APPEAL_OUTCOME_PARTLY_UPHELD,
            new_value=money_pb2.Money(ore=750_000_000),
            reasons="Boligen har lavere standard enn lagt til grunn; indre faktor settes til 0,9.",
            participant_ids=appeals_members[:3],
        )
    ).case
    assert (case.state, case.outcome, case.value_in_force.ore) == (
        ap.APPEAL_CASE_STATE_CLOSED,
        events_pb2.APPEAL_OUTCOME_PARTLY_UPHELD,
        750_000_000,
    )
    assert [d.instance for d in case.decisions] == [
        events_pb2.APPEAL_INSTANCE_VALUATION_COMMITTEE,
        events_pb2.APPEAL_INSTANCE_APPEALS_COMMITTEE,
    ]

    # Events through the outbox: what assessment reads to correct the tax base is there.
    events = [e for e in outbox_events(service) if e.envelope.subject == case_id]
    assert [type(e.payload).__name__ for e in events] == [
        "AppealRegistered",
        "InspectionRequested",
        "AppealDecided",
        "AppealDecided",
        "AppealClosed",
    ]
    requested = events[1].payload
    assert isinstance(requested, events_pb2.InspectionRequested)
    # Of use until the decision date the preliminary answer promised (later than the request).
    assert (requested.property_id, requested.requested_on, requested.needed_by) == (
        PROPERTY,
        "2024-04-05",
        "2024-06-01",
    )
    first, final = events[2].payload, events[3].payload
    assert isinstance(first, events_pb2.AppealDecided) and not first.HasField("new_value")
    assert isinstance(final, events_pb2.AppealDecided) and final.HasField("new_value")
    assert (final.case_id, final.property_id, final.tax_year, final.new_value.ore, final.decided_on) == (
        case_id,
        PROPERTY,
        2024,
        750_000_000,
        "2024-09-10",
    )
    assert final.reasons.startswith("Boligen har lavere standard")

    # Every step is in the case's history, by whom, and every state-changing call in the audit log.
    got = secretariat.GetAppealCase(ap.GetAppealCaseRequest(case_id=case_id))
    assert [h.action for h in got.history] == [
        "register",
        "assign",
        "send_preliminary_answer",
        "request_inspection",
        "complete_inspection",
        "prepare",
        "disqualify",
        "schedule",
        "decide",
        "forward",
        "schedule",
        "decide",
    ]
    assert {h.actor for h in got.history} == {"tester"}
    assert got.history[-1].to_state == ap.APPEAL_CASE_STATE_CLOSED
    audit = platform_tables.audit
    with service.engine.connect() as conn:
        audited = [r.method.rsplit("/", 1)[1] for r in conn.execute(select(audit.c.method, audit.c.outcome))]
    assert (
        audited.count("DecideAppeal") == 3 and "RegisterAppeal" in audited and "GetAppealCase" not in audited
    )

    # Letters and meeting documents, in Norwegian.
    def letter(kind: Any) -> str:
        found = secretariat.GetAppealLetter(ap.GetAppealLetterRequest(case_id=case_id, kind=kind))
        assert found.content.startswith(b"%PDF") and found.media_type == "application/pdf"
        return pdf_text(found.content)

    receipt = letter(ap.LETTER_KIND_ACKNOWLEDGEMENT)
    for text in (
        "Vi har mottatt klagen din",
        "2024-00001",
        "08.04.2024",
        "Klagen kom inn i tide",
        "må du klage til Skatteetaten",
    ):
        assert text in receipt, text
    assert "Foreløpig svar" in letter(ap.LETTER_KIND_PRELIMINARY_ANSWER)
    decision = letter(ap.LETTER_KIND_DECISION)
    for text in (
        "Klagen tas delvis til følge.",
        "Verdien endres fra 9 000 000,00 kr til 7 500 000,00 kr",
        "indre faktor settes til 0,9",
        "kan ikke påklages",
    ):
        assert text in decision, text
    minutes = secretariat.GetMeetingDocument(
        ap.GetMeetingDocumentRequest(
            meeting_id=first_meeting.meeting_id, kind=ap.MEETING_DOCUMENT_KIND_MINUTES
        )
    )
    text = pdf_text(minutes.content)
    assert minutes.content.startswith(b"%PDF")
    assert "Møteprotokoll" in text and "Klagen tas ikke til følge." in text and "Sakkyndig nemnd vara" in text
    present = text[text.index("Til stede:") : text.index("Forfall:")]
    assert "Sakkyndig nemnd medlem B" not in present  # disqualified: not among those present, nor absent
    assert "Forfall: ingen." in text and "deltok ikke: Sakkyndig nemnd medlem B." in text


def _fields(message: Any) -> dict[str, Any]:
    return {f.name: v for f, v in message.ListFields()}


def test_the_first_instance_letter_tells_the_right_to_go_further(secretariat: Api) -> None:
    _, members, meeting = _committees(secretariat)["valuation"]
    case_id = secretariat.RegisterAppeal(_complaint()).case.case_id
    secretariat.PrepareAppeal(ap.PrepareAppealRequest(case_id=case_id, recommendation="Ikke medhold."))
    secretariat.ScheduleAppeal(ap.ScheduleAppealRequest(case_id=case_id, meeting_id=meeting.meeting_id))
    agenda = secretariat.GetMeetingDocument(
        ap.GetMeetingDocumentRequest(meeting_id=meeting.meeting_id, kind=ap.MEETING_DOCUMENT_KIND_AGENDA)
    )
    text = pdf_text(agenda.content)
    assert (
        "Saksliste" in text
        and "2024-00001" in text
        and "Innstilling fra eiendomsskattekontoret: Ikke medhold." in text
    )
    secretariat.DecideAppeal(
        ap.DecideAppealRequest(
            case_id=case_id,
            meeting_id=meeting.meeting_id,
            outcome=events_pb2.APPEAL_OUTCOME_NOT_UPHELD,
            reasons="Verdien er riktig.",
            participant_ids=members[:2],
        )
    )
    letter = secretariat.GetAppealLetter(
        ap.GetAppealLetterRequest(case_id=case_id, kind=ap.LETTER_KIND_DECISION)
    )
    text = pdf_text(letter.content)
    assert "Klagen tas ikke til følge." in text and "sakkyndig klagenemnd" in text and "05.06.2024" in text
    # Not before the decision (the meeting on 15 May), the case's last step.
    early = ap.CloseAppealRequest(case_id=case_id, reason="Ikke påklaget.", closed_on="2024-05-14")
    assert set(_refused(secretariat.CloseAppeal, early)) == {"closed_on"}
    closed = secretariat.CloseAppeal(
        ap.CloseAppealRequest(case_id=case_id, reason="Klager ba ikke om klagenemnd.")
    )
    assert closed.case.state == ap.APPEAL_CASE_STATE_CLOSED
    assert closed.case.outcome == events_pb2.APPEAL_OUTCOME_NOT_UPHELD


def test_bad_input_names_every_field_and_illegal_steps_are_refused(
    secretariat: Api, service: ServiceRuntime
) -> None:
    bad = _complaint("2024-13-01", name="Ola 31129956715")
    bad.channel = ap.COMPLAINT_CHANNEL_UNSPECIFIED
    bad.grounds.append(ap.Ground(kind=ap.GroundKind.ValueType(99)))
    bad.tax_year = 0
    assert set(_refused(secretariat.RegisterAppeal, bad)) == {
        "received_on",
        "channel",
        "grounds[1].kind",
        "tax_year",
        "complainant.name",
    }
    # A property appeals never heard of is most likely mistyped; one known from another year is not billed.
    assert (
        _refused(secretariat.RegisterAppeal, _complaint(property_id="nowhere"), grpc.StatusCode.NOT_FOUND)[""]
        == "no property nowhere is known to appeals (no tax for it has been levied)"
    )
    other_year = _complaint()
    other_year.tax_year = 2023
    assert (
        "no bill for property"
        in _refused(secretariat.RegisterAppeal, other_year, grpc.StatusCode.FAILED_PRECONDITION)[""]
    )
    _refused(secretariat.GetAppealCase, ap.GetAppealCaseRequest(case_id="missing"), grpc.StatusCode.NOT_FOUND)
    assert set(_refused(secretariat.GetAppealCase, ap.GetAppealCaseRequest())) == {"case_id"}
    assert set(
        _refused(
            secretariat.SetTaxYearCalendar,
            ap.SetTaxYearCalendarRequest(calendar=ap.TaxYearCalendar(tax_year=2024, bills_dispatched_on="x")),
        )
    ) == {"calendar.list_announced_on", "calendar.bills_dispatched_on"}
    assert set(
        _refused(
            secretariat.ListAppealCases,
            ap.ListAppealCasesRequest(states=[ap.AppealCaseState.ValueType(42)], page_size=5000),
        )
    ) == {"states[0]"}
    assert set(_refused(secretariat.ListAppealCases, ap.ListAppealCasesRequest(page_size=5000))) == {
        "page_size"
    }

    case_id = secretariat.RegisterAppeal(_complaint()).case.case_id
    # Not prepared, so not on a meeting; no decision, so no decision letter.
    early = ap.ForwardAppealRequest(case_id=case_id)
    assert (
        "cannot forward"
        in _refused(secretariat.ForwardAppeal, early, grpc.StatusCode.FAILED_PRECONDITION)[""]
    )
    _refused(
        secretariat.GetAppealLetter,
        ap.GetAppealLetterRequest(case_id=case_id, kind=ap.LETTER_KIND_DECISION),
        grpc.StatusCode.FAILED_PRECONDITION,
    )
    assert set(_refused(secretariat.GetAppealLetter, ap.GetAppealLetterRequest(case_id=case_id))) == {"kind"}
    answer = ap.SendPreliminaryAnswerRequest(
        case_id=case_id, reason="", expected_decision_on="", sent_on="2024-01-01"
    )
    assert set(_refused(secretariat.SendPreliminaryAnswer, answer)) == {"expected_decision_on"}
    answer.expected_decision_on = "2024-01-02"
    assert set(_refused(secretariat.SendPreliminaryAnswer, answer)) == {"reason", "sent_on"}
    committee = secretariat.CreateCommittee(
        ap.CreateCommitteeRequest(name="Nemnd", kind=ap.COMMITTEE_KIND_VALUATION)
    )
    board = ap.AddCommitteeMemberRequest(
        committee_id=committee.committee.committee_id,
        name="Formannskapsmedlem",
        role=ap.MEMBER_ROLE_MEMBER,
        term_start="2024-01-01",
        term_end="2027-12-31",
        executive_board=True,
    )
    assert "executive board" in _refused(secretariat.AddCommitteeMember, board)["executive_board"]
    backwards = ap.AddCommitteeMemberRequest(
        committee_id=committee.committee.committee_id, name="", term_start="2027-01-01", term_end="2024-01-01"
    )
    assert set(_refused(secretariat.AddCommitteeMember, backwards)) == {"name", "role", "term_end"}
    secretariat.PrepareAppeal(
        ap.PrepareAppealRequest(case_id=case_id, recommendation="Medhold.", prepared_on="2024-04-25")
    )
    before_preparing = ap.WithdrawAppealRequest(case_id=case_id, withdrawn_on="2024-04-24")
    assert set(_refused(secretariat.WithdrawAppeal, before_preparing)) == {"withdrawn_on"}
    withdrawn = secretariat.WithdrawAppeal(ap.WithdrawAppealRequest(case_id=case_id, reason="Trukket")).case
    assert withdrawn.state == ap.APPEAL_CASE_STATE_WITHDRAWN
    assert (
        "cannot withdraw"
        in _refused(
            secretariat.WithdrawAppeal,
            ap.WithdrawAppealRequest(case_id=case_id),
            grpc.StatusCode.FAILED_PRECONDITION,
        )[""]
    )

    # Only the secretariat changes cases; readers read; assessors see nothing of them.
    channel = grpc.insecure_channel(f"127.0.0.1:{service.server.port}")
    reader, assessor = Api(channel, SECRET, Role.READER), Api(channel, SECRET, Role.ASSESSOR)
    assert len(reader.ListAppealCases(ap.ListAppealCasesRequest()).cases) == 1
    _refused(reader.RegisterAppeal, _complaint(), grpc.StatusCode.PERMISSION_DENIED)
    _refused(assessor.ListAppealCases, ap.ListAppealCasesRequest(), grpc.StatusCode.PERMISSION_DENIED)
    channel.close()


def test_late_and_outside_complaints(secretariat: Api) -> None:
    outside = secretariat.RegisterAppeal(
        _complaint("2024-03-01", (ap.GROUND_KIND_RATES_OR_TERMS, "For høy promille"))
    ).case
    assert (outside.state, outside.outcome) == (
        ap.APPEAL_CASE_STATE_CLOSED,
        events_pb2.APPEAL_OUTCOME_OUTSIDE_COMMITTEES,
    )
    receipt = secretariat.GetAppealLetter(
        ap.GetAppealLetterRequest(case_id=outside.case_id, kind=ap.LETTER_KIND_ACKNOWLEDGEMENT)
    )
    text = pdf_text(receipt.content)
    assert "kommunestyrets generelle vedtak" in text and "Saken er derfor avsluttet" in text

    # Received after 8 April (Monday), posted on time: in time. Posted after: late.
    posted = _complaint("2024-04-10")
    posted.channel, posted.postmarked_on = ap.COMPLAINT_CHANNEL_POST, "2024-04-08"
    assert not secretariat.RegisterAppeal(posted).case.late
    late = secretariat.RegisterAppeal(_complaint("2024-04-09")).case
    assert late.late and late.late_admission == ""
    text = pdf_text(
        secretariat.GetAppealLetter(
            ap.GetAppealLetterRequest(case_id=late.case_id, kind=ap.LETTER_KIND_ACKNOWLEDGEMENT)
        ).content
    )
    assert "Klagen kom inn etter fristen" in text
    admitted = secretariat.AdmitLateAppeal(
        ap.AdmitLateAppealRequest(
            case_id=late.case_id, reasons="Klageren lå på sykehus.", admitted_on="2024-04-15"
        )
    ).case
    assert admitted.late_admission == "Klageren lå på sykehus."
    listed = secretariat.ListAppealCases(ap.ListAppealCasesRequest(late_only=True)).cases
    assert [c.case_id for c in listed] == [late.case_id]


def test_oversight_lists_and_the_years_figures(secretariat: Api, service: ServiceRuntime) -> None:
    valuation, members, meeting = _committees(secretariat)["valuation"]
    december = secretariat.CreateMeeting(
        ap.CreateMeetingRequest(
            committee_id=valuation.committee_id, meets_on="2025-01-15", location="Rådhuset"
        )
    ).meeting
    ids = [
        secretariat.RegisterAppeal(_complaint(received, property_id=prop)).case.case_id
        for received, prop in (
            ("2024-03-01", PROPERTY),
            ("2024-03-05", OTHER),
            ("2024-03-10", PROPERTY),
            ("2024-03-20", OTHER),
        )
    ]
    secretariat.SendPreliminaryAnswer(
        ap.SendPreliminaryAnswerRequest(
            case_id=ids[3], reason="Mange klager.", expected_decision_on="2024-06-30", sent_on="2024-03-25"
        )
    )
    # Overdue preliminary answers on 1 April: due 15, 19 and 24 March and not sent; the fourth was answered.
    overdue = secretariat.ListAppealCases(
        ap.ListAppealCasesRequest(
            preliminary_answer_overdue_on="2024-04-01", order=ap.APPEAL_CASE_ORDER_PRELIMINARY_ANSWER_DUE
        )
    ).cases
    assert [c.case_id for c in overdue] == ids[:3]
    for case_id, on in ((ids[0], meeting), (ids[1], meeting), (ids[2], december)):
        secretariat.PrepareAppeal(ap.PrepareAppealRequest(case_id=case_id, recommendation="Medhold."))
        secretariat.ScheduleAppeal(ap.ScheduleAppealRequest(case_id=case_id, meeting_id=on.meeting_id))
    on_meeting = secretariat.ListAppealCases(ap.ListAppealCasesRequest(meeting_id=meeting.meeting_id)).cases
    assert {c.case_id for c in on_meeting} == set(ids[:2])
    scheduled = secretariat.ListAppealCases(
        ap.ListAppealCasesRequest(
            states=[ap.APPEAL_CASE_STATE_SCHEDULED], committee_id=valuation.committee_id, page_size=2
        )
    )
    rest = secretariat.ListAppealCases(
        ap.ListAppealCasesRequest(
            states=[ap.APPEAL_CASE_STATE_SCHEDULED],
            committee_id=valuation.committee_id,
            page_size=2,
            page_token=scheduled.next_page_token,
        )
    )
    assert {c.case_id for c in [*scheduled.cases, *rest.cases]} == set(ids[:3]) and not rest.next_page_token
    for case_id in ids[:2]:
        secretariat.DecideAppeal(
            ap.DecideAppealRequest(
                case_id=case_id,
                meeting_id=meeting.meeting_id,
                outcome=events_pb2.APPEAL_OUTCOME_UPHELD,
                new_value=money_pb2.Money(ore=400_000_000),
                reasons="Feil areal.",
                participant_ids=members[:3],
            )
        )
    secretariat.DecideAppeal(
        ap.DecideAppealRequest(
            case_id=ids[2],
            meeting_id=december.meeting_id,
            outcome=events_pb2.APPEAL_OUTCOME_NOT_UPHELD,
            reasons="Riktig verdi.",
            participant_ids=members[:2],
        )
    )
    secretariat.ForwardAppeal(ap.ForwardAppealRequest(case_id=ids[2], requested_on="2025-01-20"))
    meetings = secretariat.ListMeetings(ap.ListMeetingsRequest(committee_id=valuation.committee_id)).meetings
    assert [m.meets_on for m in meetings] == ["2024-05-15", "2025-01-15"]
    # The agenda as planned keeps the cases the meeting decided (issue 10, case 13).
    assert set(meetings[0].decided_case_ids) == set(ids[:2]) == set(meetings[0].agenda_case_ids)

    figures = secretariat.GetAppealStatistics(
        ap.GetAppealStatisticsRequest(tax_year=2024, as_of="2025-02-01")
    )
    first = figures.valuation_committee
    # Four complaints; two decided 15 May (75 and 71 days after receipt), one 15 January 2025; one open.
    assert (figures.received, figures.open, figures.overdue_preliminary_answers) == (4, 2, 0)
    assert (first.cases, first.decided, first.decided_by_year_end, first.share_decided_by_year_end) == (
        4,
        3,
        2,
        "50.0",
    )
    assert (first.median_days, first.max_days) == ("75.0", 311)
    second = figures.appeals_committee
    assert (second.cases, second.decided, second.share_decided_by_year_end, second.median_days) == (
        1,
        0,
        "0.0",
        "",
    )
    assert {s.state: s.cases for s in figures.by_state} == {
        ap.APPEAL_CASE_STATE_PRELIMINARY_ANSWER_SENT: 1,
        ap.APPEAL_CASE_STATE_FORWARDED: 1,
        ap.APPEAL_CASE_STATE_CLOSED: 2,
    }
    # As of 1 April 2024 every case was waiting for the first instance, three for a preliminary answer.
    april = secretariat.GetAppealStatistics(ap.GetAppealStatisticsRequest(tax_year=2024, as_of="2024-04-01"))
    assert (april.received, april.open, april.overdue_preliminary_answers) == (4, 4, 3)
    assert {s.state: s.cases for s in april.by_state} == {
        ap.APPEAL_CASE_STATE_REGISTERED: 3,
        ap.APPEAL_CASE_STATE_PRELIMINARY_ANSWER_SENT: 1,
    }
    # The overdue list on a past day is the cases overdue then, decided since or not; today there are none.
    then = secretariat.ListAppealCases(
        ap.ListAppealCasesRequest(
            preliminary_answer_overdue_on="2024-04-01", order=ap.APPEAL_CASE_ORDER_PRELIMINARY_ANSWER_DUE
        )
    ).cases
    assert [c.case_id for c in then] == ids[:3]
    now = secretariat.ListAppealCases(ap.ListAppealCasesRequest(preliminary_answer_overdue_on="2025-02-01"))
    assert not now.cases


def test_assessment_events_set_the_bill_and_are_handled_once(
    service: ServiceRuntime, secretariat: Api
) -> None:
    corrected = assessment_events.TaxBaseCorrected(
        previous=tax_pb2.TaxBase(property_id=PROPERTY, tax_year=2024, version=1),
        current=tax_pb2.TaxBase(
            property_id=PROPERTY,
            tax_year=2024,
            version=2,
            valuation_version=3,
            value=money_pb2.Money(ore=800_000_000),
        ),
        reason="§ 17",
    )
    once = envelope(corrected, PROPERTY, datetime(2024, 9, 2, 8, tzinfo=UTC))
    stale = envelope(
        tax_base_determined(PROPERTY, 2024, 900_000_000), PROPERTY, datetime(2024, 9, 3, tzinfo=UTC)
    )
    assert feed(service, once, once, stale) == [Outcome.HANDLED, Outcome.DUPLICATE, Outcome.HANDLED]
    deadline = secretariat.GetComplaintDeadline(
        ap.GetComplaintDeadlineRequest(property_id=PROPERTY, tax_year=2024)
    )
    # The corrected bill gets its own six weeks (2 September + 6 weeks); the older version changed nothing.
    assert (deadline.deadline, deadline.tax_base_version, deadline.value.ore) == (
        "2024-10-14",
        2,
        800_000_000,
    )

    # A levy's poll in one batch: per property and year the newest version wins, in any order.
    levy = [
        envelope(
            tax_base_determined("p9", 2024, 100_000_000 * v, version=v),
            "p9",
            datetime(2024, 2, v, tzinfo=UTC),
        )
        for v in (1, 3, 2)
    ]
    assert feed_batch(service, *levy) == [Outcome.HANDLED] * 3
    p9 = secretariat.GetComplaintDeadline(ap.GetComplaintDeadlineRequest(property_id="p9", tax_year=2024))
    assert (p9.tax_base_version, p9.value.ore, p9.bill_dispatched_on) == (3, 300_000_000, "2024-02-03")

    case = secretariat.RegisterAppeal(_complaint("2024-09-10")).case
    secretariat.RequestInspection(
        ap.RequestInspectionRequest(case_id=case.case_id, note="Befaring", requested_on="2024-09-12")
    )
    inspected = assessment_events.InspectionCompleted(
        property_id=PROPERTY,
        inspected_on="2024-09-20",
        findings="Kjelleren er ikke innredet.",
        appeal_case_id=case.case_id,
    )
    assert feed(service, envelope(inspected, PROPERTY, datetime(2024, 9, 20, tzinfo=UTC))) == [
        Outcome.HANDLED
    ]
    got = secretariat.GetAppealCase(ap.GetAppealCaseRequest(case_id=case.case_id))
    assert got.case.state == ap.APPEAL_CASE_STATE_INSPECTED
    assert (got.case.inspection_completed_on, got.case.inspection_findings) == (
        "2024-09-20",
        "Kjelleren er ikke innredet.",
    )
    assert got.history[-1].actor == "assessment"
