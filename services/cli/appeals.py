"""`propertytax appeals …`: the committee secretariat's commands, thin calls onto AppealsService."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import grpc

from propertytax.appeals.v1 import appeals_pb2, appeals_pb2_grpc, events_pb2
from propertytax.platform.v1 import money_pb2
from services.cli.common import (
    add_remote_options,
    caller_for,
    kroner,
    page_size_arg,
    print_json,
    print_rpc_error,
    write_document,
    year_arg,
)

ap = appeals_pb2


def _choices(enum: Any, prefix: str) -> dict[str, int]:
    """CLI words for a proto enum: APPEAL_CASE_STATE_REGISTERED → "registered"."""
    return {
        name.removeprefix(prefix).lower(): value
        for name, value in enum.items()
        if not name.endswith("UNSPECIFIED")
    }


STATES = _choices(ap.AppealCaseState, "APPEAL_CASE_STATE_")
CHANNELS = _choices(ap.ComplaintChannel, "COMPLAINT_CHANNEL_")
GROUNDS = _choices(ap.GroundKind, "GROUND_KIND_")
OUTCOMES = {
    k: v
    for k, v in _choices(events_pb2.AppealOutcome, "APPEAL_OUTCOME_").items()
    if k in ("upheld", "partly_upheld", "not_upheld", "dismissed")
}
KINDS = _choices(ap.CommitteeKind, "COMMITTEE_KIND_")
ROLES = _choices(ap.MemberRole, "MEMBER_ROLE_")
LETTERS = _choices(ap.LetterKind, "LETTER_KIND_")
MEETING_DOCUMENTS = _choices(ap.MeetingDocumentKind, "MEETING_DOCUMENT_KIND_")
ORDERS = {"received": 0, **_choices(ap.AppealCaseOrder, "APPEAL_CASE_ORDER_")}


def _stub(args: argparse.Namespace) -> tuple[Any, appeals_pb2_grpc.AppealsServiceStub]:
    caller = caller_for(args, "appeals")
    return caller, appeals_pb2_grpc.AppealsServiceStub(caller.channel)


def _call(args: argparse.Namespace, method: str, request: Any) -> Any:
    caller, stub = _stub(args)
    return caller.call(getattr(stub, method), request)


def _show(args: argparse.Namespace, method: str, request: Any) -> int:
    print_json(_call(args, method, request))
    return 0


def _show_naming_flags(args: argparse.Namespace, method: str, request: Any, flags: dict[str, str]) -> int:
    """As _show, but a refusal names the command's flags for the request's fields (new_value →
    --new-value-nok), so the user sees which option to change."""
    try:
        return _show(args, method, request)
    except grpc.RpcError as exc:
        return print_rpc_error(exc, flags)


def _pair(text: str, what: str) -> tuple[str, str]:
    kind, sep, rest = text.partition(":")
    if not sep:
        raise SystemExit(f"{what} is KIND:TEXT, e.g. area:'BRA er 80 m²'")
    return kind.strip(), rest.strip()


def cmd_calendar(args: argparse.Namespace) -> int:
    calendar = ap.TaxYearCalendar(
        tax_year=args.year, list_announced_on=args.announced, bills_dispatched_on=args.bills_dispatched or ""
    )
    return _show(args, "SetTaxYearCalendar", ap.SetTaxYearCalendarRequest(calendar=calendar))


def cmd_deadline(args: argparse.Namespace) -> int:
    request = ap.GetComplaintDeadlineRequest(property_id=args.property_id, tax_year=args.year)
    return _show(args, "GetComplaintDeadline", request)


def cmd_register(args: argparse.Namespace) -> int:
    grounds = []
    for given in args.ground:
        kind, text = _pair(given, "--ground")
        if kind not in GROUNDS:
            raise SystemExit(f"--ground kinds: {', '.join(GROUNDS)}")
        grounds.append(ap.Ground(kind=GROUNDS[kind], text=text))  # type: ignore[arg-type]
    request = ap.RegisterAppealRequest(
        property_id=args.property,
        tax_year=args.year,
        complainant=ap.Complainant(
            kind=ap.COMPLAINANT_KIND_REPRESENTATIVE if args.represents else ap.COMPLAINANT_KIND_OWNER,
            name=args.name,
            address_lines=args.address,
            owner_ref=args.owner_ref or "",
            represents=args.represents or "",
        ),
        received_on=args.received,
        channel=CHANNELS[args.channel],  # type: ignore[arg-type]
        postmarked_on=args.postmarked or "",
        acknowledged_on=args.on or "",
        grounds=grounds,
        attachments=[
            ap.Attachment(reference=r, title=t)
            for r, t in (_pair(a, "--attachment") for a in args.attachment)
        ],
    )
    return _show_naming_flags(args, "RegisterAppeal", request, _REGISTER_FLAGS)


_REGISTER_FLAGS = {
    "property_id": "--property",
    "tax_year": "--year",
    "complainant.name": "--name",
    "complainant.address_lines": "--address",
    "complainant.owner_ref": "--owner-ref",
    "complainant.represents": "--represents",
    "received_on": "--received",
    "channel": "--channel",
    "postmarked_on": "--postmarked",
    "acknowledged_on": "--on",
    "grounds": "--ground",
    "attachments": "--attachment",
}


def cmd_show(args: argparse.Namespace) -> int:
    return _show(args, "GetAppealCase", ap.GetAppealCaseRequest(case_id=args.case_id))


def cmd_list(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    request = ap.ListAppealCasesRequest(
        page_size=args.page_size,
        page_token=args.page_token,
        states=[STATES[s] for s in args.state],  # type: ignore[misc]
        tax_year=args.year,
        committee_id=args.committee or "",
        meeting_id=args.meeting or "",
        preliminary_answer_overdue_on=args.overdue_on or "",
        late_only=args.late,
        property_id=args.property or "",
        order=ORDERS[args.order],  # type: ignore[arg-type]
    )
    page = caller.call(stub.ListAppealCases, request)
    if args.all:
        found = list(page.cases)
        while page.next_page_token:
            request.page_token = page.next_page_token
            page = caller.call(stub.ListAppealCases, request)
            found.extend(page.cases)
        page = ap.ListAppealCasesResponse(cases=found)
    print_json(page)
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    request = ap.AssignAppealRequest(
        case_id=args.case_id,
        case_officer=args.officer or "",
        committee_id=args.committee or "",
        assigned_on=args.on or "",
    )
    return _show_naming_flags(args, "AssignAppeal", request, {"assigned_on": "--on"})


def cmd_admit_late(args: argparse.Namespace) -> int:
    request = ap.AdmitLateAppealRequest(case_id=args.case_id, reasons=args.reasons, admitted_on=args.on or "")
    return _show(args, "AdmitLateAppeal", request)


def cmd_preliminary_answer(args: argparse.Namespace) -> int:
    request = ap.SendPreliminaryAnswerRequest(
        case_id=args.case_id, reason=args.reason, expected_decision_on=args.expected, sent_on=args.on or ""
    )
    return _show(args, "SendPreliminaryAnswer", request)


def cmd_inspection_request(args: argparse.Namespace) -> int:
    request = ap.RequestInspectionRequest(case_id=args.case_id, note=args.note, requested_on=args.on or "")
    return _show(args, "RequestInspection", request)


def cmd_inspection_complete(args: argparse.Namespace) -> int:
    request = ap.CompleteInspectionRequest(
        case_id=args.case_id, findings=args.findings, completed_on=args.on or ""
    )
    return _show(args, "CompleteInspection", request)


def cmd_prepare(args: argparse.Namespace) -> int:
    request = ap.PrepareAppealRequest(
        case_id=args.case_id, recommendation=args.recommendation, prepared_on=args.on or ""
    )
    return _show(args, "PrepareAppeal", request)


def cmd_disqualify(args: argparse.Namespace) -> int:
    request = ap.DeclareDisqualificationRequest(
        case_id=args.case_id, member_id=args.member_id, reason=args.reason, declared_on=args.on or ""
    )
    return _show_naming_flags(args, "DeclareDisqualification", request, {"declared_on": "--on"})


def cmd_schedule(args: argparse.Namespace) -> int:
    request = ap.ScheduleAppealRequest(
        case_id=args.case_id, meeting_id=args.meeting_id, scheduled_on=args.on or ""
    )
    return _show_naming_flags(args, "ScheduleAppeal", request, {"scheduled_on": "--on"})


def cmd_decide(args: argparse.Namespace) -> int:
    request = ap.DecideAppealRequest(
        case_id=args.case_id,
        meeting_id=args.meeting,
        outcome=OUTCOMES[args.outcome],  # type: ignore[arg-type]
        reasons=args.reasons,
        participant_ids=args.member,
    )
    if args.new_value_nok is not None:
        request.new_value.CopyFrom(money_pb2.Money(ore=args.new_value_nok.ore))
    flags = {"new_value": "--new-value-nok", "outcome": "--outcome", "reasons": "--reasons"}
    return _show_naming_flags(args, "DecideAppeal", request, flags)


def cmd_forward(args: argparse.Namespace) -> int:
    request = ap.ForwardAppealRequest(
        case_id=args.case_id, requested_on=args.requested_on or "", late_reasons=args.late_reasons or ""
    )
    return _show(args, "ForwardAppeal", request)


def cmd_close(args: argparse.Namespace) -> int:
    request = ap.CloseAppealRequest(case_id=args.case_id, reason=args.reason, closed_on=args.on or "")
    return _show(args, "CloseAppeal", request)


def cmd_withdraw(args: argparse.Namespace) -> int:
    request = ap.WithdrawAppealRequest(
        case_id=args.case_id, reason=args.reason or "", withdrawn_on=args.on or ""
    )
    return _show(args, "WithdrawAppeal", request)


def cmd_committee_create(args: argparse.Namespace) -> int:
    request = ap.CreateCommitteeRequest(name=args.name, kind=KINDS[args.kind])  # type: ignore[arg-type]
    return _show(args, "CreateCommittee", request)


def cmd_committee_member(args: argparse.Namespace) -> int:
    request = ap.AddCommitteeMemberRequest(
        committee_id=args.committee_id,
        name=args.name,
        role=ROLES[args.role],  # type: ignore[arg-type]
        term_start=args.term_start,
        term_end=args.term_end,
    )
    return _show(args, "AddCommitteeMember", request)


def cmd_committee_list(args: argparse.Namespace) -> int:
    return _show(args, "ListCommittees", ap.ListCommitteesRequest())


def cmd_meeting_create(args: argparse.Namespace) -> int:
    request = ap.CreateMeetingRequest(
        committee_id=args.committee_id, meets_on=args.date, location=args.location
    )
    return _show(args, "CreateMeeting", request)


def cmd_meeting_list(args: argparse.Namespace) -> int:
    request = ap.ListMeetingsRequest(
        committee_id=args.committee or "", from_date=args.from_date or "", to_date=args.to_date or ""
    )
    return _show(args, "ListMeetings", request)


def cmd_meeting_quorum(args: argparse.Namespace) -> int:
    request = ap.CheckQuorumRequest(
        meeting_id=args.meeting_id, case_id=args.case_id, participant_ids=args.member
    )
    return _show(args, "CheckQuorum", request)


def _write(document: Any, out: str) -> int:
    target = write_document(out, "--out", document.content, document.file_name)
    written = {"out": target, "file_name": document.file_name, "bytes": len(document.content)}
    (sys.stderr if target == "-" else sys.stdout).write(
        json.dumps(written, indent=2, ensure_ascii=False) + "\n"
    )
    return 0


def cmd_meeting_document(args: argparse.Namespace) -> int:
    request = ap.GetMeetingDocumentRequest(
        meeting_id=args.meeting_id,
        kind=MEETING_DOCUMENTS[args.kind],  # type: ignore[arg-type]
    )
    return _write(_call(args, "GetMeetingDocument", request), args.out)


def cmd_letter(args: argparse.Namespace) -> int:
    request = ap.GetAppealLetterRequest(case_id=args.case_id, kind=LETTERS[args.kind])  # type: ignore[arg-type]
    return _write(_call(args, "GetAppealLetter", request), args.out)


def cmd_statistics(args: argparse.Namespace) -> int:
    request = ap.GetAppealStatisticsRequest(tax_year=args.year, as_of=args.as_of or "")
    return _show(args, "GetAppealStatistics", request)


def _command(parent: Any, name: str, help_text: str, func: Any) -> argparse.ArgumentParser:
    command: argparse.ArgumentParser = parent.add_parser(name, help=help_text)
    add_remote_options(command)
    command.set_defaults(func=func)
    return command


def _case_command(parent: Any, name: str, help_text: str, func: Any) -> argparse.ArgumentParser:
    command = _command(parent, name, help_text, func)
    command.add_argument("case_id")
    return command


def _dated(command: argparse.ArgumentParser, flag: str = "--on") -> None:
    command.add_argument(flag, help="YYYY-MM-DD (default today)")


def add_commands(appeals: Any) -> None:
    c = _command(
        appeals, "calendar", "record the year's display announcement (and bills' dispatch)", cmd_calendar
    )
    c.add_argument("year", type=year_arg)
    c.add_argument("--announced", required=True, help="day the display of the tax list was announced")
    c.add_argument("--bills-dispatched", help="day the levy's bills went out, when later than the levy")
    c = _command(appeals, "deadline", "a property's complaint deadline for a year", cmd_deadline)
    c.add_argument("property_id")
    c.add_argument("year", type=year_arg)

    c = _command(appeals, "register", "register a complaint as received", cmd_register)
    c.add_argument("--property", required=True)
    c.add_argument("--year", type=year_arg, required=True)
    c.add_argument("--name", required=True, help="the complainant (never a national identity number)")
    c.add_argument("--address", action="append", required=True, help="an address line; repeat for each")
    c.add_argument("--owner-ref", help="the owner's reference from assessment")
    c.add_argument("--represents", help="for a representative: the owner's name")
    c.add_argument("--received", required=True, help="YYYY-MM-DD")
    c.add_argument("--channel", required=True, choices=sorted(CHANNELS))
    c.add_argument("--postmarked", help="postmark of a letter, YYYY-MM-DD")
    c.add_argument("--on", help="the acknowledgement's business date, YYYY-MM-DD (default the day received)")
    c.add_argument(
        "--ground", action="append", required=True, help=f"KIND:TEXT, kinds: {', '.join(GROUNDS)}; repeatable"
    )
    c.add_argument("--attachment", action="append", default=[], help="REFERENCE:TITLE; repeatable")
    _case_command(appeals, "show", "one case with its decisions and history", cmd_show)

    c = _command(appeals, "list", "list cases; filters combine", cmd_list)
    c.add_argument("--state", action="append", default=[], choices=sorted(STATES))
    c.add_argument("--year", type=year_arg, default=0)
    c.add_argument("--committee")
    c.add_argument("--meeting")
    c.add_argument(
        "--overdue-on",
        help="cases whose preliminary answer was overdue on this day (due before it, not sent by it)",
    )
    c.add_argument("--late", action="store_true", help="late complaints only")
    c.add_argument("--property")
    c.add_argument("--order", choices=sorted(ORDERS), default="received")
    c.add_argument("--page-size", type=page_size_arg, default=0)
    c.add_argument("--page-token", default="")
    c.add_argument("--all", action="store_true", help="follow the pages to the end")

    c = _case_command(appeals, "assign", "name the case officer and/or the committee", cmd_assign)
    c.add_argument("--officer")
    c.add_argument("--committee")
    _dated(c)
    c = _case_command(appeals, "admit-late", "admit a late complaint, with reasons", cmd_admit_late)
    c.add_argument("--reasons", required=True)
    _dated(c)
    c = _case_command(appeals, "preliminary-answer", "record the preliminary answer", cmd_preliminary_answer)
    c.add_argument("--reason", required=True, help="why the reply takes time")
    c.add_argument("--expected", required=True, help="expected decision date, YYYY-MM-DD")
    _dated(c)
    inspection = appeals.add_parser("inspection", help="re-inspections").add_subparsers(
        dest="inspection_action", required=True
    )
    c = _case_command(inspection, "request", "ask the assessors for a re-inspection", cmd_inspection_request)
    c.add_argument("--note", required=True)
    _dated(c)
    c = _case_command(inspection, "complete", "record the re-inspection's findings", cmd_inspection_complete)
    c.add_argument("--findings", required=True)
    _dated(c)
    c = _case_command(appeals, "prepare", "record the office's preparation for the committee", cmd_prepare)
    c.add_argument("--recommendation", required=True)
    _dated(c)
    c = _case_command(appeals, "disqualify", "a member is disqualified in the case", cmd_disqualify)
    c.add_argument("member_id")
    c.add_argument("--reason", required=True)
    _dated(c)
    c = _case_command(appeals, "schedule", "put the case on a meeting's agenda", cmd_schedule)
    c.add_argument("meeting_id")
    _dated(c)
    c = _case_command(appeals, "decide", "record a committee's decision", cmd_decide)
    c.add_argument("--meeting", required=True)
    c.add_argument("--outcome", required=True, choices=sorted(OUTCOMES))
    c.add_argument(
        "--new-value-nok",
        type=kroner,
        help="the new value when the decision changes it, e.g. 7500000 or 7500000,50",
    )
    c.add_argument("--reasons", required=True, help="brief reasons")
    c.add_argument("--member", action="append", default=[], help="member taking part; repeat for each")
    c = _case_command(
        appeals, "forward", "send to the expert appeals committee at the complainant's request", cmd_forward
    )
    c.add_argument("--requested-on", help="YYYY-MM-DD (default today)")
    c.add_argument("--late-reasons", help="why a late request is considered anyway")
    c = _case_command(appeals, "close", "end a case the complainant did not take further", cmd_close)
    c.add_argument("--reason", required=True)
    _dated(c)
    c = _case_command(appeals, "withdraw", "the complainant withdrew the complaint", cmd_withdraw)
    c.add_argument("--reason")
    _dated(c)
    c = _case_command(appeals, "letter", "write a letter to the complainant as PDF", cmd_letter)
    c.add_argument("kind", choices=sorted(LETTERS))
    c.add_argument("--out", required=True, help="file (or directory) to write, - for stdout")
    c = _command(
        appeals, "statistics", "the year's figures: share decided by year end, handling times", cmd_statistics
    )
    c.add_argument("year", type=year_arg)
    c.add_argument("--as-of", help="YYYY-MM-DD (default today)")

    committee = appeals.add_parser("committee", help="the expert committees").add_subparsers(
        dest="committee_action", required=True
    )
    c = _command(committee, "create", "create a committee", cmd_committee_create)
    c.add_argument("--name", required=True)
    c.add_argument("--kind", required=True, choices=sorted(KINDS))
    c = _command(committee, "add-member", "appoint a member for a term", cmd_committee_member)
    c.add_argument("committee_id")
    c.add_argument("--name", required=True)
    c.add_argument("--role", required=True, choices=sorted(ROLES))
    c.add_argument("--from", dest="term_start", required=True, help="first day of the term")
    c.add_argument("--to", dest="term_end", required=True, help="last day of the term")
    _command(committee, "list", "the committees with their members", cmd_committee_list)

    meeting = appeals.add_parser("meeting", help="committee meetings").add_subparsers(
        dest="meeting_action", required=True
    )
    c = _command(meeting, "create", "plan a meeting", cmd_meeting_create)
    c.add_argument("committee_id")
    c.add_argument("--date", required=True)
    c.add_argument("--location", required=True)
    c = _command(meeting, "list", "meetings with their agendas", cmd_meeting_list)
    c.add_argument("--committee")
    c.add_argument("--from", dest="from_date")
    c.add_argument("--to", dest="to_date")
    c = _command(meeting, "quorum", "may these members decide the case at the meeting?", cmd_meeting_quorum)
    c.add_argument("meeting_id")
    c.add_argument("case_id")
    c.add_argument("--member", action="append", default=[])
    c = _command(meeting, "document", "write the agenda or the minutes as PDF", cmd_meeting_document)
    c.add_argument("meeting_id")
    c.add_argument("kind", choices=sorted(MEETING_DOCUMENTS))
    c.add_argument("--out", required=True, help="file (or directory) to write, - for stdout")
