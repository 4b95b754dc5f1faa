"""What the secretariat reads from `propertytax appeals …`: a case as aligned fields with its history,
the complaint deadline and its basis in words, and one sentence per step of a case. Pure formatting of
AppealsService answers (no calls): the names of committees and meetings come in as `Names`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from propertytax.appeals.v1 import appeals_pb2, events_pb2
from services.cli.output import day, nok, word

ap = appeals_pb2
_SIX_WEEKS = timedelta(weeks=6)


@dataclass
class Names:
    """Committees and meetings by id, to name them as people know them."""

    committees: dict[str, Any] = field(default_factory=dict)
    meetings: dict[str, Any] = field(default_factory=dict)

    def committee(self, committee_id: str) -> str:
        if not committee_id:
            return ""
        found = self.committees.get(committee_id)
        return found.name if found is not None else committee_id

    def meeting(self, meeting_id: str) -> str:
        """ "15.05.2024 (Sakkyndig nemnd, Rådhuset)"; the id when the meeting is not known."""
        if not meeting_id:
            return ""
        found = self.meetings.get(meeting_id)
        if found is None:
            return meeting_id
        return f"{day(found.meets_on)} ({self.committee(found.committee_id)}, {found.location})"


def state_word(state: int) -> str:
    return word(state, "APPEAL_CASE_STATE_", ap.AppealCaseState)


def outcome_word(outcome: int) -> str:
    return word(outcome, "APPEAL_OUTCOME_", events_pb2.AppealOutcome)


def instance_word(instance: int) -> str:
    return word(instance, "APPEAL_INSTANCE_", events_pb2.AppealInstance)


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


def deadline_basis(deadline: str, announced: str, dispatched: str, basis: int) -> str:
    """Why the deadline is that day, in words: "six weeks from the bill sent 09.04.2024" — from the later
    of the tax list's announcement and the bill's dispatch (eigedomsskattelova § 19), moved on when the
    sixth week ends on a weekend or holiday."""
    if not deadline or not dispatched:
        return ""
    sent = date.fromisoformat(dispatched)
    shown = date.fromisoformat(announced) if announced else None
    if shown is not None and shown > sent:
        start, reason = shown, f"the tax list's announcement {day(shown)}"
    else:
        start = sent
        reasons: dict[int, str] = {
            ap.DISPATCH_BASIS_FIRST_INVOICE: f"the bill sent {day(sent)}",
            ap.DISPATCH_BASIS_CALENDAR: f"the bills' dispatch day {day(sent)}",
            ap.DISPATCH_BASIS_LEVY: f"the levy {day(sent)} (no bill's dispatch known yet)",
            ap.DISPATCH_BASIS_CORRECTION: f"the corrected bill {day(sent)}",
        }
        reason = reasons.get(basis, f"the bill sent {day(sent)}")
    moved = "" if date.fromisoformat(deadline) == start + _SIX_WEEKS else ", moved past a weekend or holiday"
    return f"six weeks from {reason}{moved}"


def deadline_sentence(property_id: str, year: int, answer: Any) -> str:
    basis = deadline_basis(
        answer.deadline, answer.list_announced_on, answer.bill_dispatched_on, answer.bill_dispatch_basis
    )
    return f"The deadline for {property_id} in {year} is {day(answer.deadline)} ({basis})."


def _complainant(case: Any) -> str:
    who = case.complainant
    if who.kind == ap.COMPLAINANT_KIND_REPRESENTATIVE and who.represents:
        return f"{who.name} for {who.represents}"
    return str(who.name)


def _received(case: Any) -> str:
    text = f"{day(case.received_on)} by {word(case.channel, 'COMPLAINT_CHANNEL_', ap.ComplaintChannel)}"
    if case.postmarked_on:
        text += f", postmarked {day(case.postmarked_on)}"
    return text


def deadline_with_basis(case: Any) -> str:
    basis = deadline_basis(
        case.deadline, case.list_announced_on, case.bill_dispatched_on, case.bill_dispatch_basis
    )
    text = f"{day(case.deadline)} ({basis})" if basis else day(case.deadline)
    if case.late:
        text += "; came late" + (f", admitted: {case.late_admission}" if case.late_admission else "")
    return text


def _decision(d: Any, names: Names) -> str:
    text = f"{day(d.decided_on)} {instance_word(d.instance)}: {outcome_word(d.outcome)}"
    if d.HasField("new_value"):
        text += f", new value {nok(d.new_value)}"
    if d.meeting_id:
        text += f" (meeting {names.meeting(d.meeting_id)})"
    return text


def case_fields(case: Any, names: Names) -> list[tuple[str, object]]:
    """A case as label and value, in the order a case officer reads it."""
    last_new_value = next((d.new_value for d in reversed(case.decisions) if d.HasField("new_value")), None)
    answer = ""
    if case.preliminary_answer_sent_on:
        answer = (
            f"sent {day(case.preliminary_answer_sent_on)}, decision expected {day(case.expected_decision_on)}"
        )
    elif case.preliminary_answer_due:
        answer = f"due {day(case.preliminary_answer_due)}, not sent"
    inspection = ""
    if case.inspection_completed_on:
        inspection = f"done {day(case.inspection_completed_on)}"
    elif case.inspection_requested_on:
        inspection = f"requested {day(case.inspection_requested_on)}"
    return [
        ("Case", f"{case.case_number} ({case.case_id})"),
        ("Property", case.property_id),
        ("Tax year", case.tax_year),
        ("Complainant", _complainant(case)),
        ("Address", list(case.complainant.address_lines)),
        ("Received", _received(case)),
        ("Deadline", deadline_with_basis(case)),
        ("Status", state_word(case.state)),
        ("Grounds", [f"{word(g.kind, 'GROUND_KIND_', ap.GroundKind)}: {g.text}" for g in case.grounds]),
        ("Attachments", [f"{a.reference}: {a.title}" for a in case.attachments]),
        ("Value complained about", nok(case.disputed_value) if case.HasField("disputed_value") else ""),
        ("Value in force", nok(case.value_in_force) if case.HasField("value_in_force") else ""),
        ("Preliminary answer", answer),
        ("Inspection", inspection),
        ("Prepared", day(case.prepared_on) if case.prepared_on else ""),
        ("Case officer", case.case_officer),
        ("Committee", names.committee(case.committee_id)),
        ("Appeals committee", names.committee(case.appeals_committee_id)),
        ("Meeting", names.meeting(case.meeting_id)),
        ("Decisions", [_decision(d, names) for d in case.decisions]),
        ("Outcome", outcome_word(case.outcome)),
        ("New value", nok(last_new_value) if last_new_value is not None else ""),
        ("Further appeal by", day(case.further_appeal_by) if case.further_appeal_by else ""),
        ("Forwarded", day(case.forwarded_on) if case.forwarded_on else ""),
        ("Closed", f"{day(case.closed_on)}: {case.closing_reason}" if case.closed_on else ""),
    ]


HISTORY_COLUMNS = ("Date", "Step", "Status after", "By", "Note")


def history_rows(history: Sequence[Any]) -> list[tuple[str, ...]]:
    return [(day(h.on), word(h.action), state_word(h.to_state), h.actor, _short(h.note, 60)) for h in history]


CASE_COLUMNS = ("Case", "Property", "Year", "Complainant", "Received", "Status", "Deadline", "Late")


def case_rows(cases: Sequence[Any]) -> list[tuple[object, ...]]:
    return [
        (
            c.case_number,
            c.property_id,
            c.tax_year,
            _complainant(c),
            day(c.received_on),
            state_word(c.state),
            day(c.deadline),
            yes_no(c.late),
        )
        for c in cases
    ]


_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# Decisions recorded before the service wrote the outcome as words begin "not_upheld: …"; the stored
# history is never rewritten, so the reader gets the words here.
_OUTCOME_LEAD = re.compile(r"^(upheld|partly_upheld|not_upheld|dismissed|withdrawn|outside_committees):")


def _short(text: str, width: int) -> str:
    """The first line of a note, dates in it as dd.mm.yyyy, cut at `width`."""
    line = _ISO_DAY.sub(r"\3.\2.\1", text.splitlines()[0] if text else "")
    line = _OUTCOME_LEAD.sub(lambda m: m.group(1).replace("_", " ") + ":", line)
    return line if len(line) <= width else line[: width - 1] + "…"


def step_sentence(command: str, case: Any, on: str, names: Names) -> str:
    """One sentence saying what a step did to the case, with its business date `on` (ISO)."""
    subject = f"Case {case.case_number}"
    when = day(on)
    if command == "assign":
        parts = [f"case officer {case.case_officer}" if case.case_officer else ""]
        committee = case.appeals_committee_id or case.committee_id
        parts.append(f"committee {names.committee(committee)}" if committee else "")
        return f"{subject} assigned on {when}: {', '.join(p for p in parts if p)}."
    if command == "admit-late":
        return f"{subject}: the late complaint was admitted on {when}."
    if command == "preliminary-answer":
        return (
            f"{subject}: preliminary answer sent {when}, decision expected {day(case.expected_decision_on)}."
        )
    if command == "inspection-request":
        return f"{subject}: re-inspection requested on {when}."
    if command == "inspection-complete":
        return f"{subject}: re-inspection completed on {when}."
    if command == "prepare":
        return f"{subject} prepared for the committee on {when}."
    if command == "disqualify":
        return f"{subject}: disqualification recorded on {when}."
    if command == "schedule":
        return f"{subject} scheduled for the meeting of {names.meeting(case.meeting_id)} on {when}."
    if command == "decide":
        return _decided_sentence(case, names)
    if command == "forward":
        return f"{subject} forwarded to the appeals committee: the complainant asked on {when}."
    if command == "close":
        return f"{subject} closed on {when}."
    return f"{subject} withdrawn on {when}."


def _decided_sentence(case: Any, names: Names) -> str:
    d = case.decisions[-1]
    text = (
        f"Case {case.case_number} decided on {day(d.decided_on)} by the {instance_word(d.instance)}"
        f" at the meeting of {names.meeting(d.meeting_id)}: {outcome_word(d.outcome)}"
    )
    if d.HasField("new_value"):
        text += f", new value {nok(d.new_value)}"
    text += f". Value in force: {nok(case.value_in_force)}."
    if case.state == ap.APPEAL_CASE_STATE_CLOSED:
        return text + " The case is closed."
    if d.appeal_by:
        text += f" The complainant may ask for the appeals committee by {day(d.appeal_by)}."
    return text
