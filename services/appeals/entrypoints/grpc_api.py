"""AppealsService over gRPC: proto ⇄ command, nothing more."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

import grpc

from propertytax.appeals.v1 import appeals_pb2, appeals_pb2_grpc
from propertytax.platform.v1 import money_pb2
from services.appeals.application import case_flow, committees, documents, oversight
from services.appeals.application.config import AppealsConfig
from services.appeals.application.ports import AppealsUnitOfWork, CaseFilter, DocumentRenderer
from services.appeals.application.register_appeal import register_appeal
from services.appeals.application.tax_notices import get_deadline, set_calendar
from services.appeals.domain.cases import CaseState, Outcome
from services.appeals.domain.committees import CommitteeKind, MemberRole
from services.appeals.domain.complaint import (
    Attachment,
    Channel,
    Complainant,
    ComplainantKind,
    Complaint,
    Ground,
    GroundKind,
)
from services.appeals.domain.deadlines import TaxYearCalendar
from services.appeals.domain.statistics import InstanceFigures
from services.appeals.entrypoints.proto_mapping import (
    case_to_proto,
    committee_to_proto,
    day,
    enum_from_proto,
    enum_to_proto,
    history_to_proto,
    meeting_to_proto,
    member_to_proto,
    money,
    money_from_proto,
)
from services.platform.auth import Role, current_principal
from services.platform.clock import oslo_today
from services.platform.errors import Violations
from services.platform.grpc_server import MethodRule, rule
from services.platform.money import Money

SERVICE_FULL_NAME = "propertytax.appeals.v1.AppealsService"
PDF = "application/pdf"
_READ = (Role.SECRETARIAT, Role.READER)

RULES: dict[str, MethodRule] = {
    "SetTaxYearCalendar": rule(Role.SECRETARIAT, changes_state=True),
    "GetComplaintDeadline": rule(*_READ, Role.SERVICE, changes_state=False),
    "RegisterAppeal": rule(Role.SECRETARIAT, changes_state=True),
    "GetAppealCase": rule(*_READ, changes_state=False),
    "ListAppealCases": rule(*_READ, changes_state=False),
    "AssignAppeal": rule(Role.SECRETARIAT, changes_state=True),
    "AdmitLateAppeal": rule(Role.SECRETARIAT, changes_state=True),
    "SendPreliminaryAnswer": rule(Role.SECRETARIAT, changes_state=True),
    "RequestInspection": rule(Role.SECRETARIAT, changes_state=True),
    "CompleteInspection": rule(Role.SECRETARIAT, Role.ASSESSOR, changes_state=True),
    "PrepareAppeal": rule(Role.SECRETARIAT, changes_state=True),
    "DeclareDisqualification": rule(Role.SECRETARIAT, changes_state=True),
    "ScheduleAppeal": rule(Role.SECRETARIAT, changes_state=True),
    "DecideAppeal": rule(Role.SECRETARIAT, changes_state=True),
    "ForwardAppeal": rule(Role.SECRETARIAT, changes_state=True),
    "CloseAppeal": rule(Role.SECRETARIAT, changes_state=True),
    "WithdrawAppeal": rule(Role.SECRETARIAT, changes_state=True),
    "CreateCommittee": rule(Role.SECRETARIAT, changes_state=True),
    "AddCommitteeMember": rule(Role.SECRETARIAT, changes_state=True),
    "ListCommittees": rule(*_READ, changes_state=False),
    "CreateMeeting": rule(Role.SECRETARIAT, changes_state=True),
    "ListMeetings": rule(*_READ, changes_state=False),
    "CheckQuorum": rule(*_READ, changes_state=False),
    "GetAppealLetter": rule(*_READ, changes_state=False),
    "GetMeetingDocument": rule(*_READ, changes_state=False),
    "GetAppealStatistics": rule(*_READ, changes_state=False),
}

E = TypeVar("E", bound=StrEnum)
D = TypeVar("D", date, None)
_LETTERS = {
    appeals_pb2.LETTER_KIND_ACKNOWLEDGEMENT: documents.LetterKind.ACKNOWLEDGEMENT,
    appeals_pb2.LETTER_KIND_PRELIMINARY_ANSWER: documents.LetterKind.PRELIMINARY_ANSWER,
    appeals_pb2.LETTER_KIND_DECISION: documents.LetterKind.DECISION,
}
_MEETING_DOCUMENTS = {
    appeals_pb2.MEETING_DOCUMENT_KIND_AGENDA: documents.MeetingDocument.AGENDA,
    appeals_pb2.MEETING_DOCUMENT_KIND_MINUTES: documents.MeetingDocument.MINUTES,
}
_ORDERS = {
    appeals_pb2.APPEAL_CASE_ORDER_UNSPECIFIED: "",
    appeals_pb2.APPEAL_CASE_ORDER_PRELIMINARY_ANSWER_DUE: "preliminary_answer_due",
    appeals_pb2.APPEAL_CASE_ORDER_COMPLAINT_DEADLINE: "deadline",
}


class _Request:
    """Reads a request's dates and enums, collecting every problem so that one answer names them all."""

    def __init__(self) -> None:
        self.problems = Violations()

    def day(self, text: str, field: str) -> date:
        """A required date (date.min stands in when it is bad: the request is refused anyway)."""
        if not text:
            self.problems.add(field, "a date as YYYY-MM-DD is required")
            return date.min
        return self.optional_day(text, field, date.min)

    def optional_day(self, text: str, field: str, default: D) -> date | D:
        if not text:
            return default
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.problems.add(field, "a date as YYYY-MM-DD")
            return default

    def enum(self, kind: type[E], value: int, field: str, *, required: bool = True) -> E | None:
        found = enum_from_proto(kind, value)
        if found is None and (required or value):
            choices = ", ".join(m.value for m in kind)
            self.problems.add(field, f"one of: {choices}")
        return found

    def check(self) -> None:
        self.problems.raise_if_any()


def _actor() -> str:
    return current_principal.get().subject


def _new_value(given: money_pb2.Money, present: bool) -> Money | None:
    return money_from_proto(given, "new_value") if present else None


def _figures(f: InstanceFigures) -> appeals_pb2.InstanceFigures:
    return appeals_pb2.InstanceFigures(
        instance=enum_to_proto(f.instance),
        cases=f.cases,
        decided=f.decided,
        decided_by_year_end=f.decided_by_year_end,
        share_decided_by_year_end="" if f.share_by_year_end is None else str(f.share_by_year_end),
        median_days="" if f.median_days is None else str(f.median_days),
        mean_days="" if f.mean_days is None else str(f.mean_days),
        max_days=f.max_days,
    )


@dataclass(frozen=True)
class Wiring:
    """What the servicer works with, given by the composition root (service.py)."""

    uow: Callable[[], AppealsUnitOfWork]
    config: AppealsConfig
    documents: DocumentRenderer


class AppealsServicer(appeals_pb2_grpc.AppealsServiceServicer):
    def __init__(self, wiring: Wiring) -> None:
        self._uow = wiring.uow
        self._config = wiring.config
        self._documents = wiring.documents

    def SetTaxYearCalendar(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        given = _Request()
        calendar = request.calendar
        announced = given.day(calendar.list_announced_on, "calendar.list_announced_on")
        sent = given.optional_day(calendar.bills_dispatched_on, "calendar.bills_dispatched_on", None)
        given.check()
        stored = set_calendar(self._uow(), TaxYearCalendar(calendar.tax_year, announced, sent))
        return appeals_pb2.SetTaxYearCalendarResponse(
            calendar=appeals_pb2.TaxYearCalendar(
                tax_year=stored.tax_year,
                list_announced_on=day(stored.list_announced_on),
                bills_dispatched_on=day(stored.bills_dispatched_on),
            )
        )

    def GetComplaintDeadline(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        answer = get_deadline(self._uow(), request.property_id, request.tax_year, self._config.policy)
        return appeals_pb2.GetComplaintDeadlineResponse(
            deadline=day(answer.deadline.deadline),
            list_announced_on=day(answer.deadline.announced_on),
            bill_dispatched_on=day(answer.deadline.dispatched_on),
            tax_base_version=answer.notice.tax_base_version,
            valuation_version=answer.notice.valuation_version,
            value=money(answer.notice.value),
            bill_dispatch_basis=enum_to_proto(answer.deadline.basis),
        )

    def RegisterAppeal(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        given = _Request()
        who = request.complainant
        kind = given.enum(ComplainantKind, who.kind, "complainant.kind")
        channel = given.enum(Channel, request.channel, "channel")
        grounds = [
            # A ground of no known kind is refused; OTHER only stands in while the rest is checked.
            Ground(given.enum(GroundKind, g.kind, f"grounds[{n}].kind") or GroundKind.OTHER, g.text.strip())
            for n, g in enumerate(request.grounds)
        ]
        complaint = Complaint(
            property_id=request.property_id.strip(),
            tax_year=request.tax_year,
            complainant=Complainant(
                kind or ComplainantKind.OWNER,
                who.name.strip(),
                tuple(line.strip() for line in who.address_lines if line.strip()),
                who.owner_ref.strip(),
                who.represents.strip(),
            ),
            received_on=given.day(request.received_on, "received_on"),
            channel=channel or Channel.POST,
            grounds=tuple(grounds),
            attachments=tuple(Attachment(a.reference.strip(), a.title.strip()) for a in request.attachments),
            postmarked_on=given.optional_day(request.postmarked_on, "postmarked_on", None),
        )
        # The acknowledgement is dated on its own business date, by default the day received.
        acknowledged = given.optional_day(request.acknowledged_on, "acknowledged_on", None)
        case = register_appeal(
            self._uow(), complaint, self._config, oslo_today(), _actor(), given.problems, acknowledged
        )
        return appeals_pb2.RegisterAppealResponse(case=case_to_proto(case))

    def GetAppealCase(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        case, history = oversight.get_case(self._uow(), request.case_id)
        return appeals_pb2.GetAppealCaseResponse(case=case_to_proto(case), history=history_to_proto(history))

    def ListAppealCases(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        given = _Request()
        states = tuple(
            s
            for n, v in enumerate(request.states)
            if (s := given.enum(CaseState, v, f"states[{n}]")) is not None
        )
        overdue = given.optional_day(
            request.preliminary_answer_overdue_on, "preliminary_answer_overdue_on", None
        )
        order = _ORDERS.get(request.order)
        if order is None:
            given.problems.add("order", "one of the AppealCaseOrder values")
        given.check()
        filters = CaseFilter(
            states=states,
            tax_year=request.tax_year,
            property_id=request.property_id,
            committee_id=request.committee_id,
            meeting_id=request.meeting_id,
            preliminary_answer_overdue_on=overdue,
            late_only=request.late_only,
            order=order or "",
        )
        cases, token = oversight.list_cases(self._uow(), filters, request.page_size, request.page_token)
        return appeals_pb2.ListAppealCasesResponse(
            cases=[case_to_proto(c) for c in cases], next_page_token=token
        )

    def AssignAppeal(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        today = oslo_today()
        given = _Request()
        on = given.optional_day(request.assigned_on, "assigned_on", today)
        given.check()
        case = case_flow.assign(
            self._uow(), request.case_id, request.case_officer, request.committee_id, on, today, _actor()
        )
        return appeals_pb2.AssignAppealResponse(case=case_to_proto(case))

    def AdmitLateAppeal(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        today = oslo_today()
        given = _Request()
        on = given.optional_day(request.admitted_on, "admitted_on", today)
        given.check()
        case = case_flow.admit_late(self._uow(), request.case_id, request.reasons, on, today, _actor())
        return appeals_pb2.AdmitLateAppealResponse(case=case_to_proto(case))

    def SendPreliminaryAnswer(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        today = oslo_today()
        given = _Request()
        on = given.optional_day(request.sent_on, "sent_on", today)
        expected = given.day(request.expected_decision_on, "expected_decision_on")
        given.check()
        case = case_flow.send_preliminary_answer(
            self._uow(), request.case_id, request.reason, expected, on, today, _actor(), self._config.office
        )
        return appeals_pb2.SendPreliminaryAnswerResponse(case=case_to_proto(case))

    def RequestInspection(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        today = oslo_today()
        given = _Request()
        on = given.optional_day(request.requested_on, "requested_on", today)
        needed_by = given.optional_day(request.needed_by, "needed_by", None)
        given.check()
        case = case_flow.request_inspection(
            self._uow(), request.case_id, request.note, on, today, _actor(), needed_by
        )
        return appeals_pb2.RequestInspectionResponse(case=case_to_proto(case))

    def CompleteInspection(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        today = oslo_today()
        given = _Request()
        on = given.optional_day(request.completed_on, "completed_on", today)
        given.check()
        case = case_flow.complete_inspection(
            self._uow(), request.case_id, request.findings, on, today, _actor()
        )
        return appeals_pb2.CompleteInspectionResponse(case=case_to_proto(case))

    def PrepareAppeal(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        today = oslo_today()
        given = _Request()
        on = given.optional_day(request.prepared_on, "prepared_on", today)
        given.check()
        case = case_flow.prepare(self._uow(), request.case_id, request.recommendation, on, today, _actor())
        return appeals_pb2.PrepareAppealResponse(case=case_to_proto(case))

    def DeclareDisqualification(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        today = oslo_today()
        given = _Request()
        on = given.optional_day(request.declared_on, "declared_on", today)
        given.check()
        case = case_flow.disqualify(
            self._uow(), request.case_id, request.member_id, request.reason, on, today, _actor()
        )
        return appeals_pb2.DeclareDisqualificationResponse(case=case_to_proto(case))

    def ScheduleAppeal(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        today = oslo_today()
        given = _Request()
        on = given.optional_day(request.scheduled_on, "scheduled_on", today)
        given.check()
        case = case_flow.schedule(self._uow(), request.case_id, request.meeting_id, on, today, _actor())
        return appeals_pb2.ScheduleAppealResponse(case=case_to_proto(case))

    def DecideAppeal(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        given = _Request()
        outcome = given.enum(Outcome, request.outcome, "outcome")
        given.check()
        decision = case_flow.DecisionInput(
            meeting_id=request.meeting_id,
            outcome=outcome,
            new_value=_new_value(request.new_value, request.HasField("new_value")),
            reasons=request.reasons,
            participant_ids=tuple(request.participant_ids),
        )
        case = case_flow.decide(self._uow(), request.case_id, decision, self._config, oslo_today(), _actor())
        return appeals_pb2.DecideAppealResponse(case=case_to_proto(case))

    def ForwardAppeal(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        today = oslo_today()
        given = _Request()
        on = given.optional_day(request.requested_on, "requested_on", today)
        given.check()
        case = case_flow.forward(
            self._uow(), request.case_id, on, request.late_reasons, self._config.policy, today, _actor()
        )
        return appeals_pb2.ForwardAppealResponse(case=case_to_proto(case))

    def CloseAppeal(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        today = oslo_today()
        given = _Request()
        on = given.optional_day(request.closed_on, "closed_on", today)
        given.check()
        case = case_flow.close(self._uow(), request.case_id, request.reason, on, today, _actor())
        return appeals_pb2.CloseAppealResponse(case=case_to_proto(case))

    def WithdrawAppeal(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        today = oslo_today()
        given = _Request()
        on = given.optional_day(request.withdrawn_on, "withdrawn_on", today)
        given.check()
        case = case_flow.withdraw(self._uow(), request.case_id, request.reason, on, today, _actor())
        return appeals_pb2.WithdrawAppealResponse(case=case_to_proto(case))

    def CreateCommittee(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        kind = enum_from_proto(CommitteeKind, request.kind)
        committee = committees.create_committee(self._uow(), request.name, kind)
        return appeals_pb2.CreateCommitteeResponse(committee=committee_to_proto(committee, []))

    def AddCommitteeMember(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        given = _Request()
        role = given.enum(MemberRole, request.role, "role")
        term = (given.day(request.term_start, "term_start"), given.day(request.term_end, "term_end"))
        member = committees.add_member(
            self._uow(),
            request.committee_id,
            request.name,
            role,
            term,
            request.executive_board,
            given.problems,
        )
        return appeals_pb2.AddCommitteeMemberResponse(member=member_to_proto(member))

    def ListCommittees(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        found = committees.list_committees(self._uow())
        return appeals_pb2.ListCommitteesResponse(committees=[committee_to_proto(c, m) for c, m in found])

    def CreateMeeting(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        given = _Request()
        meets_on = given.day(request.meets_on, "meets_on")
        meeting = committees.create_meeting(
            self._uow(), request.committee_id, meets_on, request.location, given.problems
        )
        return appeals_pb2.CreateMeetingResponse(meeting=meeting_to_proto(meeting, []))

    def ListMeetings(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        given = _Request()
        start = given.optional_day(request.from_date, "from_date", None)
        end = given.optional_day(request.to_date, "to_date", None)
        given.check()
        found = committees.list_meetings(self._uow(), request.committee_id, start, end)
        return appeals_pb2.ListMeetingsResponse(meetings=[meeting_to_proto(m, cases) for m, cases in found])

    def CheckQuorum(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        checked = committees.check_quorum(
            self._uow(), request.meeting_id, request.case_id, list(request.participant_ids)
        )
        return appeals_pb2.CheckQuorumResponse(
            quorate=checked.quorate,
            seats=checked.seats,
            required=checked.required,
            counted=checked.counted,
            problems=list(checked.problems),
        )

    def GetAppealLetter(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        rendered = documents.letter(self._uow(), request.case_id, _LETTERS.get(request.kind), self._documents)
        return appeals_pb2.GetAppealLetterResponse(
            content=rendered.content, media_type=PDF, file_name=rendered.file_name
        )

    def GetMeetingDocument(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        kind = _MEETING_DOCUMENTS.get(request.kind)
        rendered = documents.meeting_document(
            self._uow(), request.meeting_id, kind, self._config.office, self._documents
        )
        return appeals_pb2.GetMeetingDocumentResponse(
            content=rendered.content, media_type=PDF, file_name=rendered.file_name
        )

    def GetAppealStatistics(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        given = _Request()
        as_of = given.optional_day(request.as_of, "as_of", oslo_today())
        given.check()
        figures = oversight.statistics(self._uow(), request.tax_year, as_of)
        return appeals_pb2.GetAppealStatisticsResponse(
            tax_year=figures.tax_year,
            as_of=day(figures.as_of),
            received=figures.received,
            late=figures.late,
            outside_committees=figures.outside_committees,
            withdrawn=figures.withdrawn,
            open=figures.open,
            overdue_preliminary_answers=figures.overdue_preliminary_answers,
            valuation_committee=_figures(figures.valuation_committee),
            appeals_committee=_figures(figures.appeals_committee),
            by_state=[
                appeals_pb2.StateCount(state=enum_to_proto(state), cases=count)
                for state, count in sorted(
                    figures.by_state.items(), key=lambda item: list(CaseState).index(item[0])
                )
            ],
        )


def add_to_server(server: grpc.Server, wiring: Wiring) -> None:
    appeals_pb2_grpc.add_AppealsServiceServicer_to_server(AppealsServicer(wiring), server)
