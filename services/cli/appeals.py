"""`propertytax appeals …`: the committee secretariat's commands, thin calls onto AppealsService.

Each answer is shown for people (appeals_view: fields, tables, one sentence per step with its business
date) or, with --json, in machine form; a refusal names the flag the user typed."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from propertytax.appeals.v1 import appeals_pb2, appeals_pb2_grpc, events_pb2
from propertytax.platform.v1 import money_pb2
from services.cli import appeals_view as view
from services.cli.common import (
    add_remote_options,
    caller_for,
    every_page,
    kroner,
    more_hint,
    naming_flags,
    page_size_arg,
    write_document,
    write_error,
    year_arg,
)
from services.cli.dates import day_arg
from services.cli.output import (
    Column,
    counted,
    day,
    emit_json,
    number,
    say,
    show_record,
    show_table,
    wants_json,
    word,
)
from services.cli.parser import Parser

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

# What the user typed for the request fields the service may name in a refusal, shared by the commands;
# a command adds its own (the step's date is --on, the meeting of `decide` is --meeting).
_FLAGS = {
    "case_id": "CASE_ID",
    "reason": "--reason",
    "reasons": "--reasons",
    "note": "--note",
    "findings": "--findings",
    "recommendation": "--recommendation",
    "late_reasons": "--late-reasons",
    "case_officer": "--officer",
    "committee_id": "COMMITTEE_ID",
    "meeting_id": "MEETING_ID",
    "member_id": "MEMBER_ID",
    "name": "--name",
    "location": "--location",
    "kind": "--kind",
    "role": "--role",
    "term_start": "--from",
    "term_end": "--to",
    "meets_on": "--date",
    "tax_year": "YEAR",
    "as_of": "--as-of",
    "expected_decision_on": "--expected",
}


def _stub(args: argparse.Namespace) -> tuple[Any, appeals_pb2_grpc.AppealsServiceStub]:
    caller = caller_for(args, "appeals")
    return caller, appeals_pb2_grpc.AppealsServiceStub(caller.channel)


def _call(args: argparse.Namespace, method: str, request: Any) -> Any:
    caller, stub = _stub(args)
    return caller.call(getattr(stub, method), request)


def _names(args: argparse.Namespace) -> view.Names:
    """Every committee and meeting by id, to name them in what people read."""
    committees = _call(args, "ListCommittees", ap.ListCommitteesRequest()).committees
    meetings = _call(args, "ListMeetings", ap.ListMeetingsRequest()).meetings
    return view.Names({c.committee_id: c for c in committees}, {m.meeting_id: m for m in meetings})


def _pair(text: str, what: str) -> tuple[str, str]:
    kind, sep, rest = text.partition(":")
    if not sep:
        raise argparse.ArgumentTypeError(f"{what} is KIND:TEXT, e.g. area:'BRA er 80 m²'")
    return kind.strip(), rest.strip()


def _ground(text: str) -> tuple[str, str]:
    kind, said = _pair(text, "a ground")
    if kind not in GROUNDS:
        raise argparse.ArgumentTypeError(f"{kind!r} is not a ground; kinds: {', '.join(GROUNDS)}")
    return kind, said


def _attachment(text: str) -> tuple[str, str]:
    return _pair(text, "an attachment")


# ---- the year and the deadline --------------------------------------------------------------------


def cmd_calendar(args: argparse.Namespace) -> int:
    calendar = ap.TaxYearCalendar(
        tax_year=args.year, list_announced_on=args.announced, bills_dispatched_on=args.bills_dispatched or ""
    )
    answer = _call(args, "SetTaxYearCalendar", ap.SetTaxYearCalendarRequest(calendar=calendar))
    if wants_json(args):
        emit_json(answer)
        return 0
    stored = answer.calendar
    bills = (
        f"the bills went out {day(stored.bills_dispatched_on)}"
        if stored.bills_dispatched_on
        else "the bills went out with the levy"
    )
    say(
        f"Recorded for {stored.tax_year}: the tax list was announced "
        f"{day(stored.list_announced_on)}; {bills}."
    )
    return 0


def cmd_deadline(args: argparse.Namespace) -> int:
    request = ap.GetComplaintDeadlineRequest(property_id=args.property_id, tax_year=args.year)
    answer = _call(args, "GetComplaintDeadline", request)
    if wants_json(args):
        emit_json(answer)
    else:
        say(view.deadline_sentence(args.property_id, args.year, answer))
    return 0


# ---- cases ------------------------------------------------------------------------------------------


def cmd_register(args: argparse.Namespace) -> int:
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
        grounds=[ap.Ground(kind=GROUNDS[k], text=t) for k, t in args.ground],  # type: ignore[arg-type]
        attachments=[ap.Attachment(reference=r, title=t) for r, t in args.attachment],
    )
    answer = _call(args, "RegisterAppeal", request)
    case = answer.case
    show_record(
        args,
        answer,
        [
            ("Case id", case.case_id),
            ("Property", f"{case.property_id}, {case.tax_year}"),
            ("Received", day(case.received_on)),
            ("Deadline", view.deadline_with_basis(case)),
            ("Late", view.yes_no(case.late)),
            ("Status", view.state_word(case.state)),
            (
                "Acknowledgement",
                f"ready, dated {day(case.acknowledged_on or case.received_on)}: "
                f"propertytax appeals letter {case.case_id} acknowledgement --out DIR",
            ),
        ],
        title=f"Registered case {case.case_number}.",
    )
    return 0


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
    answer = _call(args, "GetAppealCase", ap.GetAppealCaseRequest(case_id=args.case_id))
    if wants_json(args):
        emit_json(answer)
        return 0
    show_record(args, answer, view.case_fields(answer.case, _names(args)))
    say("")
    show_table(
        args, answer, view.HISTORY_COLUMNS, view.history_rows(answer.history), "No history.", "History"
    )
    return 0


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
    found, left = every_page(caller, stub.ListAppealCases, request, "cases", args.all)
    page = ap.ListAppealCasesResponse(cases=found, next_page_token=left)
    more = more_hint(left)
    show_table(args, page, view.CASE_COLUMNS, view.case_rows(page.cases), "No complaints match.", footer=more)
    return 0


def _step(
    args: argparse.Namespace, method: str, request: Any, command: str, dated: Callable[[Any], str] | None
) -> int:
    """Runs one step on a case and says what it did, with its business date: the case's own record of
    it (`dated`), else the day given with --on, else the day the service recorded in the history."""
    answer = _call(args, method, request)
    if wants_json(args):
        emit_json(answer)
        return 0
    case = answer.case
    on = (dated(case) if dated else "") or getattr(args, "on", None) or _last_step_day(args, case.case_id)
    needs_names = command in ("assign", "schedule", "decide")
    say(view.step_sentence(command, case, on, _names(args) if needs_names else view.Names()))
    return 0


def _last_step_day(args: argparse.Namespace, case_id: str) -> str:
    history = _call(args, "GetAppealCase", ap.GetAppealCaseRequest(case_id=case_id)).history
    return str(history[-1].on) if history else ""


def cmd_assign(args: argparse.Namespace) -> int:
    request = ap.AssignAppealRequest(
        case_id=args.case_id,
        case_officer=args.officer or "",
        committee_id=args.committee or "",
        assigned_on=args.on or "",
    )
    return _step(args, "AssignAppeal", request, "assign", None)


def cmd_admit_late(args: argparse.Namespace) -> int:
    request = ap.AdmitLateAppealRequest(case_id=args.case_id, reasons=args.reasons, admitted_on=args.on or "")
    return _step(args, "AdmitLateAppeal", request, "admit-late", None)


def cmd_preliminary_answer(args: argparse.Namespace) -> int:
    request = ap.SendPreliminaryAnswerRequest(
        case_id=args.case_id, reason=args.reason, expected_decision_on=args.expected, sent_on=args.on or ""
    )
    return _step(
        args, "SendPreliminaryAnswer", request, "preliminary-answer", lambda c: c.preliminary_answer_sent_on
    )


def cmd_inspection_request(args: argparse.Namespace) -> int:
    request = ap.RequestInspectionRequest(
        case_id=args.case_id, note=args.note, requested_on=args.on or "", needed_by=args.needed_by or ""
    )
    return _step(
        args, "RequestInspection", request, "inspection-request", lambda c: c.inspection_requested_on
    )


def cmd_inspection_complete(args: argparse.Namespace) -> int:
    request = ap.CompleteInspectionRequest(
        case_id=args.case_id, findings=args.findings, completed_on=args.on or ""
    )
    return _step(
        args, "CompleteInspection", request, "inspection-complete", lambda c: c.inspection_completed_on
    )


def cmd_prepare(args: argparse.Namespace) -> int:
    request = ap.PrepareAppealRequest(
        case_id=args.case_id, recommendation=args.recommendation, prepared_on=args.on or ""
    )
    return _step(args, "PrepareAppeal", request, "prepare", lambda c: c.prepared_on)


def cmd_disqualify(args: argparse.Namespace) -> int:
    request = ap.DeclareDisqualificationRequest(
        case_id=args.case_id, member_id=args.member_id, reason=args.reason, declared_on=args.on or ""
    )
    return _step(args, "DeclareDisqualification", request, "disqualify", None)


def cmd_schedule(args: argparse.Namespace) -> int:
    request = ap.ScheduleAppealRequest(
        case_id=args.case_id, meeting_id=args.meeting_id, scheduled_on=args.on or ""
    )
    return _step(args, "ScheduleAppeal", request, "schedule", None)


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
    return _step(args, "DecideAppeal", request, "decide", lambda c: c.decisions[-1].decided_on)


def cmd_forward(args: argparse.Namespace) -> int:
    request = ap.ForwardAppealRequest(
        case_id=args.case_id, requested_on=args.requested_on or "", late_reasons=args.late_reasons or ""
    )
    return _step(args, "ForwardAppeal", request, "forward", lambda c: c.forwarded_on)


def cmd_close(args: argparse.Namespace) -> int:
    request = ap.CloseAppealRequest(case_id=args.case_id, reason=args.reason, closed_on=args.on or "")
    return _step(args, "CloseAppeal", request, "close", lambda c: c.closed_on)


def cmd_withdraw(args: argparse.Namespace) -> int:
    request = ap.WithdrawAppealRequest(
        case_id=args.case_id, reason=args.reason or "", withdrawn_on=args.on or ""
    )
    return _step(args, "WithdrawAppeal", request, "withdraw", lambda c: c.closed_on)


# ---- committees and meetings ----------------------------------------------------------------------


def _kind(kind: int) -> str:
    return word(kind, "COMMITTEE_KIND_", ap.CommitteeKind) + " committee"


def _role(role: int) -> str:
    return word(role, "MEMBER_ROLE_", ap.MemberRole)


def cmd_committee_create(args: argparse.Namespace) -> int:
    request = ap.CreateCommitteeRequest(name=args.name, kind=KINDS[args.kind])  # type: ignore[arg-type]
    answer = _call(args, "CreateCommittee", request)
    c = answer.committee
    show_record(
        args, answer, [("Committee id", c.committee_id), ("Kind", _kind(c.kind))], f"Created {c.name}."
    )
    return 0


def cmd_committee_member(args: argparse.Namespace) -> int:
    request = ap.AddCommitteeMemberRequest(
        committee_id=args.committee_id,
        name=args.name,
        role=ROLES[args.role],  # type: ignore[arg-type]
        term_start=args.term_start,
        term_end=args.term_end,
    )
    answer = _call(args, "AddCommitteeMember", request)
    m = answer.member
    show_record(
        args,
        answer,
        [
            ("Member id", m.member_id),
            ("Role", _role(m.role)),
            ("Term", f"{day(m.term_start)}–{day(m.term_end)}"),
        ],
        f"Appointed {m.name}.",
    )
    return 0


def _committees(args: argparse.Namespace) -> Any:
    return _call(args, "ListCommittees", ap.ListCommitteesRequest())


def cmd_committee_list(args: argparse.Namespace) -> int:
    answer = _committees(args)
    rows = [
        (c.name, _kind(c.kind), counted(len(c.members), "member"), c.committee_id) for c in answer.committees
    ]
    show_table(args, answer, ("Committee", "Kind", "Members", "Committee id"), rows, "No committees yet.")
    return 0


def cmd_committee_show(args: argparse.Namespace) -> int:
    """One committee with its members and their ids (for --member and disqualify), from the list."""
    answer = _committees(args)
    found = next((c for c in answer.committees if c.committee_id == args.committee_id), None)
    if found is None:
        listed = "(see propertytax appeals committee list)"
        write_error("NOT_FOUND", [f"no committee {args.committee_id} {listed}"])
        return 1
    if wants_json(args):
        emit_json(found)
        return 0
    show_record(args, found, [("Committee id", found.committee_id), ("Kind", _kind(found.kind))], found.name)
    say("")
    rows = [
        (m.name, _role(m.role), f"{day(m.term_start)}–{day(m.term_end)}", m.member_id) for m in found.members
    ]
    show_table(args, found, ("Member", "Role", "Term", "Member id"), rows, "No members yet.", "Members")
    return 0


def _meeting_rows(meetings: Any, names: view.Names) -> list[tuple[object, ...]]:
    return [
        (
            day(m.meets_on),
            names.committee(m.committee_id),
            m.location,
            len(m.agenda_case_ids),
            len(m.decided_case_ids),
            m.meeting_id,
        )
        for m in meetings
    ]


_MEETING_COLUMNS = (
    "Date",
    "Committee",
    "Location",
    Column("On agenda", numeric=True),
    Column("Decided", numeric=True),
    "Meeting id",
)


def cmd_meeting_create(args: argparse.Namespace) -> int:
    request = ap.CreateMeetingRequest(
        committee_id=args.committee_id, meets_on=args.date, location=args.location
    )
    answer = _call(args, "CreateMeeting", request)
    m = answer.meeting
    if wants_json(args):
        emit_json(answer)
        return 0
    names = view.Names({c.committee_id: c for c in _committees(args).committees}, {m.meeting_id: m})
    show_record(
        args, answer, [("Meeting id", m.meeting_id)], f"Planned the meeting of {names.meeting(m.meeting_id)}."
    )
    return 0


def cmd_meeting_list(args: argparse.Namespace) -> int:
    request = ap.ListMeetingsRequest(
        committee_id=args.committee or "", from_date=args.from_date or "", to_date=args.to_date or ""
    )
    answer = _call(args, "ListMeetings", request)
    if wants_json(args):
        emit_json(answer)
        return 0
    names = view.Names({c.committee_id: c for c in _committees(args).committees})
    show_table(args, answer, _MEETING_COLUMNS, _meeting_rows(answer.meetings, names), "No meetings match.")
    return 0


def cmd_meeting_show(args: argparse.Namespace) -> int:
    """One meeting with the cases on its agenda, from the meeting list and the case list."""
    names = _names(args)
    found = names.meetings.get(args.meeting_id)
    if found is None:
        write_error("NOT_FOUND", [f"no meeting {args.meeting_id} (see propertytax appeals meeting list)"])
        return 1
    if wants_json(args):
        emit_json(found)
        return 0
    request = ap.ListAppealCasesRequest(meeting_id=args.meeting_id, page_size=1000)
    cases = {c.case_id: c for c in _call(args, "ListAppealCases", request).cases}
    decided = set(found.decided_case_ids)
    rows = [
        (
            n,
            cases[i].case_number,
            cases[i].property_id,
            view.state_word(cases[i].state),
            view.yes_no(i in decided),
        )
        for n, i in enumerate(found.agenda_case_ids, start=1)
        if i in cases
    ]
    show_record(
        args,
        found,
        [
            ("Meeting id", found.meeting_id),
            ("Committee", names.committee(found.committee_id)),
            ("Date", day(found.meets_on)),
            ("Location", found.location),
        ],
    )
    say("")
    columns = (Column("No.", numeric=True), "Case", "Property", "Status", "Decided here")
    show_table(args, found, columns, rows, "Nothing on the agenda yet.", "Agenda")
    return 0


def cmd_meeting_quorum(args: argparse.Namespace) -> int:
    request = ap.CheckQuorumRequest(
        meeting_id=args.meeting_id, case_id=args.case_id, participant_ids=args.member
    )
    answer = _call(args, "CheckQuorum", request)
    verdict = "They may decide the case." if answer.quorate else "They may not decide the case."
    show_record(
        args,
        answer,
        [
            ("Seats in office", answer.seats),
            ("Needed", answer.required),
            ("May vote", answer.counted),
            ("Problems", list(answer.problems)),
        ],
        verdict,
    )
    return 0


# ---- documents and figures -----------------------------------------------------------------------


def _write(args: argparse.Namespace, document: Any) -> int:
    target = write_document(args.out, "--out", document.content, document.file_name)
    written = {"out": target, "file_name": document.file_name, "bytes": len(document.content)}
    if target == "-":  # the PDF is on stdout: what was written goes to stderr
        sys.stderr.write(f"Wrote {document.file_name} to stdout ({number(len(document.content))} bytes).\n")
    elif wants_json(args):
        emit_json(written)
    else:
        say(f"Wrote {target} ({number(len(document.content))} bytes).")
    return 0


def cmd_meeting_document(args: argparse.Namespace) -> int:
    request = ap.GetMeetingDocumentRequest(
        meeting_id=args.meeting_id,
        kind=MEETING_DOCUMENTS[args.kind],  # type: ignore[arg-type]
    )
    return _write(args, _call(args, "GetMeetingDocument", request))


def cmd_letter(args: argparse.Namespace) -> int:
    request = ap.GetAppealLetterRequest(case_id=args.case_id, kind=LETTERS[args.kind])  # type: ignore[arg-type]
    return _write(args, _call(args, "GetAppealLetter", request))


def _share(text: str) -> str:
    return f"{number(text, 1)} %" if text else "–"


def cmd_statistics(args: argparse.Namespace) -> int:
    request = ap.GetAppealStatisticsRequest(tax_year=args.year, as_of=args.as_of or "")
    answer = _call(args, "GetAppealStatistics", request)
    if wants_json(args):
        emit_json(answer)
        return 0
    show_record(
        args,
        answer,
        [
            ("Received", answer.received),
            ("Late", answer.late),
            ("Outside the committees", answer.outside_committees),
            ("Withdrawn", answer.withdrawn),
            ("Open", answer.open),
            ("Preliminary answers overdue", answer.overdue_preliminary_answers),
        ],
        f"Complaints about {answer.tax_year}, as of {day(answer.as_of)}",
    )
    say("")
    levels = [
        ("Valuation committee", answer.valuation_committee),
        ("Appeals committee", answer.appeals_committee),
    ]
    rows = [
        (
            name,
            f.cases,
            f.decided,
            f.decided_by_year_end,
            _share(f.share_decided_by_year_end),
            number(f.median_days),
            number(f.mean_days),
            f.max_days if f.decided else "",
        )
        for name, f in levels
    ]
    headings = ("Cases", "Decided", "By year end", "Share by year end", "Median days", "Mean days", "Longest")
    columns: list[Column | str] = ["Committee", *(Column(h, numeric=True) for h in headings)]
    show_table(args, answer, columns, rows, "No figures.")
    say("")
    states = [(view.state_word(s.state), s.cases) for s in answer.by_state]
    show_table(args, answer, ("Status", Column("Cases", numeric=True)), states, "No cases.", "By status")
    return 0


# ---- the parser ----------------------------------------------------------------------------------


def _command(
    parent: Any, name: str, help_text: str, func: Any, flags: dict[str, str] | None = None
) -> argparse.ArgumentParser:
    command: argparse.ArgumentParser = parent.add_parser(name, help=help_text)
    add_remote_options(command)
    command.set_defaults(func=naming_flags({**_FLAGS, **(flags or {})})(func))
    return command


def _case_command(
    parent: Any, name: str, help_text: str, func: Any, flags: dict[str, str] | None = None
) -> argparse.ArgumentParser:
    command = _command(parent, name, help_text, func, flags)
    command.add_argument("case_id", metavar="CASE_ID")
    return command


def _dated(command: argparse.ArgumentParser, flag: str = "--on") -> None:
    command.add_argument(
        flag, type=day_arg, help="the business date, 2024-04-05 or 05.04.2024 (default today)"
    )


def _on(field: str) -> dict[str, str]:
    """A step's date field, which the user gives as --on."""
    return {field: "--on"}


def add_commands(appeals: Any) -> None:
    c = _command(
        appeals,
        "calendar",
        "record the year's display announcement (and bills' dispatch)",
        cmd_calendar,
        {
            "calendar.list_announced_on": "--announced",
            "calendar.bills_dispatched_on": "--bills-dispatched",
            "calendar.tax_year": "YEAR",
        },
    )
    c.add_argument("year", type=year_arg)
    c.add_argument(
        "--announced", type=day_arg, required=True, help="day the display of the tax list was announced"
    )
    c.add_argument(
        "--bills-dispatched", type=day_arg, help="day the levy's bills went out, when later than the levy"
    )
    c = _command(
        appeals,
        "deadline",
        "a property's complaint deadline for a year",
        cmd_deadline,
        {"property_id": "PROPERTY_ID"},
    )
    c.add_argument("property_id", metavar="PROPERTY_ID")
    c.add_argument("year", type=year_arg)

    c = _command(appeals, "register", "register a complaint as received", cmd_register, _REGISTER_FLAGS)
    # Complainants are kept by name and address (DOMAIN.md): a trial user reached for --national-id.
    assert isinstance(c, Parser)  # build_parser makes every subparser a Parser
    c.unknown_hint = "identity numbers are not taken: the complainant is kept by --name and --address"
    c.add_argument("--property", required=True)
    c.add_argument("--year", type=year_arg, required=True)
    c.add_argument("--name", required=True, help="the complainant (never a national identity number)")
    c.add_argument("--address", action="append", required=True, help="an address line; repeat for each")
    c.add_argument("--owner-ref", help="the owner's reference from assessment")
    c.add_argument("--represents", help="for a representative: the owner's name")
    c.add_argument("--received", type=day_arg, required=True, help="2024-04-05 or 05.04.2024")
    c.add_argument("--channel", required=True, choices=sorted(CHANNELS))
    c.add_argument("--postmarked", type=day_arg, help="postmark of a letter")
    c.add_argument(
        "--on", type=day_arg, help="the acknowledgement's business date (default the day received)"
    )
    c.add_argument(
        "--ground",
        action="append",
        type=_ground,
        required=True,
        help=f"KIND:TEXT, kinds: {', '.join(GROUNDS)}; repeatable",
    )
    c.add_argument(
        "--attachment", action="append", type=_attachment, default=[], help="REFERENCE:TITLE; repeatable"
    )
    _case_command(appeals, "show", "one case with its decisions and history", cmd_show)

    c = _command(
        appeals,
        "list",
        "list cases; filters combine",
        cmd_list,
        {
            "preliminary_answer_overdue_on": "--overdue-on",
            "committee_id": "--committee",
            "meeting_id": "--meeting",
            "page_token": "--page-token",
            "page_size": "--page-size",
            "tax_year": "--year",
        },
    )
    c.add_argument("--state", action="append", default=[], choices=sorted(STATES))
    c.add_argument("--year", type=year_arg, default=0)
    c.add_argument("--committee")
    c.add_argument("--meeting")
    c.add_argument(
        "--overdue-on",
        type=day_arg,
        help="cases whose preliminary answer was overdue on this day (due before it, not sent by it)",
    )
    c.add_argument("--late", action="store_true", help="late complaints only")
    c.add_argument("--property")
    c.add_argument("--order", choices=sorted(ORDERS), default="received")
    c.add_argument("--page-size", type=page_size_arg, default=0)
    c.add_argument("--page-token", default="")
    c.add_argument("--all", action="store_true", help="follow the pages to the end")

    c = _case_command(
        appeals,
        "assign",
        "name the case officer and/or the committee",
        cmd_assign,
        {**_on("assigned_on"), "committee_id": "--committee"},
    )
    c.add_argument("--officer")
    c.add_argument("--committee")
    _dated(c)
    c = _case_command(
        appeals, "admit-late", "admit a late complaint, with reasons", cmd_admit_late, _on("admitted_on")
    )
    c.add_argument("--reasons", required=True)
    _dated(c)
    c = _case_command(
        appeals, "preliminary-answer", "record the preliminary answer", cmd_preliminary_answer, _on("sent_on")
    )
    c.add_argument("--reason", required=True, help="why the reply takes time")
    c.add_argument("--expected", type=day_arg, required=True, help="expected decision date")
    _dated(c)
    inspection = appeals.add_parser("inspection", help="re-inspections").add_subparsers(
        dest="inspection_action", required=True
    )
    c = _case_command(
        inspection,
        "request",
        "ask the assessors for a re-inspection",
        cmd_inspection_request,
        {**_on("requested_on"), "needed_by": "--needed-by"},
    )
    c.add_argument("--note", required=True)
    c.add_argument(
        "--needed-by",
        type=day_arg,
        help="the last day the inspection is of use to the case (default: the preliminary answer's "
        "expected decision date, else 6 weeks after the request)",
    )
    _dated(c)
    c = _case_command(
        inspection,
        "complete",
        "record the re-inspection's findings",
        cmd_inspection_complete,
        _on("completed_on"),
    )
    c.add_argument("--findings", required=True)
    _dated(c)
    c = _case_command(
        appeals,
        "prepare",
        "record the office's preparation for the committee",
        cmd_prepare,
        _on("prepared_on"),
    )
    c.add_argument("--recommendation", required=True)
    _dated(c)
    c = _case_command(
        appeals, "disqualify", "a member is disqualified in the case", cmd_disqualify, _on("declared_on")
    )
    c.add_argument("member_id", metavar="MEMBER_ID")
    c.add_argument("--reason", required=True)
    _dated(c)
    c = _case_command(
        appeals, "schedule", "put the case on a meeting's agenda", cmd_schedule, _on("scheduled_on")
    )
    c.add_argument("meeting_id", metavar="MEETING_ID")
    _dated(c)
    c = _case_command(
        appeals,
        "decide",
        "record a committee's decision",
        cmd_decide,
        {
            "new_value": "--new-value-nok",
            "outcome": "--outcome",
            "meeting_id": "--meeting",
            "participant_ids": "--member",
        },
    )
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
        appeals,
        "forward",
        "send to the expert appeals committee at the complainant's request",
        cmd_forward,
        {"requested_on": "--requested-on"},
    )
    c.add_argument("--requested-on", type=day_arg, help="the day the complainant asked (default today)")
    c.add_argument("--late-reasons", help="why a late request is considered anyway")
    c = _case_command(
        appeals, "close", "end a case the complainant did not take further", cmd_close, _on("closed_on")
    )
    c.add_argument("--reason", required=True)
    _dated(c)
    c = _case_command(
        appeals, "withdraw", "the complainant withdrew the complaint", cmd_withdraw, _on("withdrawn_on")
    )
    c.add_argument("--reason")
    _dated(c)
    c = _case_command(appeals, "letter", "write a letter to the complainant as PDF", cmd_letter)
    c.add_argument("kind", choices=sorted(LETTERS))
    c.add_argument("--out", required=True, help="file (or directory) to write, - for stdout")
    c = _command(
        appeals, "statistics", "the year's figures: share decided by year end, handling times", cmd_statistics
    )
    c.add_argument("year", type=year_arg)
    c.add_argument("--as-of", type=day_arg, help="count as of this day (default today)")

    committee = appeals.add_parser("committee", help="the expert committees").add_subparsers(
        dest="committee_action", required=True
    )
    c = _command(committee, "create", "create a committee", cmd_committee_create)
    c.add_argument("--name", required=True)
    c.add_argument("--kind", required=True, choices=sorted(KINDS))
    c = _command(committee, "add-member", "appoint a member for a term", cmd_committee_member)
    c.add_argument("committee_id", metavar="COMMITTEE_ID")
    c.add_argument("--name", required=True)
    c.add_argument("--role", required=True, choices=sorted(ROLES))
    c.add_argument("--from", dest="term_start", type=day_arg, required=True, help="first day of the term")
    c.add_argument("--to", dest="term_end", type=day_arg, required=True, help="last day of the term")
    _command(committee, "list", "the committees with their ids", cmd_committee_list)
    c = _command(committee, "show", "one committee's members with their ids", cmd_committee_show)
    c.add_argument("committee_id", metavar="COMMITTEE_ID")

    meeting = appeals.add_parser("meeting", help="committee meetings").add_subparsers(
        dest="meeting_action", required=True
    )
    c = _command(meeting, "create", "plan a meeting", cmd_meeting_create)
    c.add_argument("committee_id", metavar="COMMITTEE_ID")
    c.add_argument("--date", type=day_arg, required=True)
    c.add_argument("--location", required=True)
    c = _command(
        meeting,
        "list",
        "meetings, earliest first",
        cmd_meeting_list,
        {"committee_id": "--committee", "from_date": "--from", "to_date": "--to"},
    )
    c.add_argument("--committee")
    c.add_argument("--from", dest="from_date", type=day_arg)
    c.add_argument("--to", dest="to_date", type=day_arg)
    c = _command(meeting, "show", "one meeting with its agenda", cmd_meeting_show)
    c.add_argument("meeting_id", metavar="MEETING_ID")
    c = _command(
        meeting,
        "quorum",
        "may these members decide the case at the meeting?",
        cmd_meeting_quorum,
        {"participant_ids": "--member"},
    )
    c.add_argument("meeting_id", metavar="MEETING_ID")
    c.add_argument("case_id", metavar="CASE_ID")
    c.add_argument("--member", action="append", default=[])
    c = _command(meeting, "document", "write the agenda or the minutes as PDF", cmd_meeting_document)
    c.add_argument("meeting_id", metavar="MEETING_ID")
    c.add_argument("kind", choices=sorted(MEETING_DOCUMENTS))
    c.add_argument("--out", required=True, help="file (or directory) to write, - for stdout")
