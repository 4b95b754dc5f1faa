"""A complaint's case through the expert committees, as an explicit state machine.

Flow (DOMAIN.md § 2, eigedomsskattelova § 20): the office registers the complaint, answers preliminarily
when the reply takes long, prepares the case (a re-inspection may be requested first), and the expert
valuation committee decides in first instance. A decision against the complainant (not upheld, or
dismissed) goes to the expert appeals committee if the complainant asks, which decides finally and may
raise the value. "Partial success counts as upheld": a partly upheld complaint is final in first
instance, unless the office's policy says otherwise.

Every command is an action; TRANSITIONS says in which states it is allowed and where it leads. Some
actions keep the state (a preliminary answer while an inspection is pending, assigning a case officer,
admitting a late complaint): they are in the table too, so the table is the one answer to "may this be
done now?". Anything else raises FailedPrecondition.

Each command returns a Change: the new case, the history entries (who, when, what, why) and the domain
events to publish.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from services.appeals.domain.committees import Committee, CommitteeKind, Meeting, Participation
from services.appeals.domain.complaint import Complaint, check_text
from services.appeals.domain.deadlines import (
    ComplaintDeadline,
    TaxNotice,
    TaxYearCalendar,
    deadline_for,
    further_appeal_deadline,
    in_time,
    preliminary_answer_due,
)
from services.appeals.domain.policy import AppealsPolicy
from services.platform.errors import FailedPrecondition, InvalidInput, Violations
from services.platform.money import Money


class CaseState(StrEnum):
    REGISTERED = "registered"
    PRELIMINARY_ANSWER_SENT = "preliminary_answer_sent"
    INSPECTION_REQUESTED = "inspection_requested"
    INSPECTED = "inspected"
    PREPARED = "prepared"
    SCHEDULED = "scheduled"  # on a meeting of the expert valuation committee
    DECIDED = "decided"  # first instance decided against the complainant: may be forwarded
    FORWARDED = "forwarded"  # to the expert appeals committee
    APPEALS_SCHEDULED = "appeals_scheduled"  # on a meeting of the expert appeals committee
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class Action(StrEnum):
    REGISTER = "register"  # creates the case: from no state, so never in TRANSITIONS
    ANSWER_OUTSIDE = "answer_outside"  # the complaint is wholly outside the committees
    ASSIGN = "assign"
    ADMIT_LATE = "admit_late"
    SEND_PRELIMINARY_ANSWER = "send_preliminary_answer"
    REQUEST_INSPECTION = "request_inspection"
    COMPLETE_INSPECTION = "complete_inspection"
    PREPARE = "prepare"
    DISQUALIFY = "disqualify"
    SCHEDULE = "schedule"
    DECIDE = "decide"
    FORWARD = "forward"
    CLOSE = "close"
    WITHDRAW = "withdraw"


class Instance(StrEnum):
    VALUATION_COMMITTEE = "valuation_committee"
    APPEALS_COMMITTEE = "appeals_committee"


class Outcome(StrEnum):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"
    DISMISSED = "dismissed"
    WITHDRAWN = "withdrawn"
    OUTSIDE_COMMITTEES = "outside_committees"


DECISION_OUTCOMES = frozenset({Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD, Outcome.DISMISSED})
IN_FAVOUR = frozenset({Outcome.UPHELD, Outcome.PARTLY_UPHELD})

S, A = CaseState, Action
_BEFORE_FIRST_DECISION = (
    S.REGISTERED,
    S.PRELIMINARY_ANSWER_SENT,
    S.INSPECTION_REQUESTED,
    S.INSPECTED,
    S.PREPARED,
    S.SCHEDULED,
)
_BEFORE_APPEALS_DECISION = (S.FORWARDED, S.APPEALS_SCHEDULED)
OPEN_STATES = frozenset({*_BEFORE_FIRST_DECISION, S.DECIDED, *_BEFORE_APPEALS_DECISION})

TRANSITIONS: dict[tuple[CaseState, Action], CaseState] = {
    (S.REGISTERED, A.ANSWER_OUTSIDE): S.CLOSED,
    # The preliminary answer is the next step after registration, but it may also fall due while an
    # inspection is pending or the case waits for its meeting: there it is sent without moving the case.
    (S.REGISTERED, A.SEND_PRELIMINARY_ANSWER): S.PRELIMINARY_ANSWER_SENT,
    (S.INSPECTION_REQUESTED, A.SEND_PRELIMINARY_ANSWER): S.INSPECTION_REQUESTED,
    (S.INSPECTED, A.SEND_PRELIMINARY_ANSWER): S.INSPECTED,
    (S.PREPARED, A.SEND_PRELIMINARY_ANSWER): S.PREPARED,
    (S.SCHEDULED, A.SEND_PRELIMINARY_ANSWER): S.SCHEDULED,
    (S.REGISTERED, A.REQUEST_INSPECTION): S.INSPECTION_REQUESTED,
    (S.PRELIMINARY_ANSWER_SENT, A.REQUEST_INSPECTION): S.INSPECTION_REQUESTED,
    (S.INSPECTION_REQUESTED, A.COMPLETE_INSPECTION): S.INSPECTED,
    (S.REGISTERED, A.PREPARE): S.PREPARED,
    (S.PRELIMINARY_ANSWER_SENT, A.PREPARE): S.PREPARED,
    (S.INSPECTED, A.PREPARE): S.PREPARED,
    (S.PREPARED, A.SCHEDULE): S.SCHEDULED,
    (S.SCHEDULED, A.SCHEDULE): S.SCHEDULED,  # moved to another meeting
    (S.SCHEDULED, A.DECIDE): S.DECIDED,
    (S.DECIDED, A.FORWARD): S.FORWARDED,
    (S.DECIDED, A.CLOSE): S.CLOSED,  # in the complainant's favour, or they did not ask to go further
    (S.FORWARDED, A.SCHEDULE): S.APPEALS_SCHEDULED,
    (S.APPEALS_SCHEDULED, A.SCHEDULE): S.APPEALS_SCHEDULED,
    (S.APPEALS_SCHEDULED, A.DECIDE): S.CLOSED,  # the appeals committee decides finally
    **{(state, A.ASSIGN): state for state in (*_BEFORE_FIRST_DECISION, *_BEFORE_APPEALS_DECISION)},
    **{(state, A.ADMIT_LATE): state for state in _BEFORE_FIRST_DECISION},
    **{(state, A.DISQUALIFY): state for state in (*_BEFORE_FIRST_DECISION, *_BEFORE_APPEALS_DECISION)},
    **{(state, A.WITHDRAW): S.WITHDRAWN for state in (*_BEFORE_FIRST_DECISION, *_BEFORE_APPEALS_DECISION)},
}


def next_state(state: CaseState, action: Action) -> CaseState:
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise FailedPrecondition(
            f"a case that is {state.value.replace('_', ' ')} cannot {action.value.replace('_', ' ')}"
        ) from None


@dataclass(frozen=True)
class PreliminaryAnswer:
    sent_on: date
    reason: str  # why the reply takes time
    expected_on: date  # when a decision is expected


@dataclass(frozen=True)
class Inspection:
    requested_on: date
    note: str  # what the assessors should look at
    completed_on: date | None = None
    findings: str = ""


@dataclass(frozen=True)
class Decision:
    instance: Instance
    meeting_id: str
    decided_on: date
    outcome: Outcome
    new_value: Money | None  # only when the decision changes the value
    reasons: str  # brief reasons (eigedomsskattelova § 29)
    participant_ids: tuple[str, ...]
    # For a first-instance decision the complainant may take further: the last day to ask.
    appeal_by: date | None = None


@dataclass(frozen=True)
class HistoryEntry:
    action: Action
    from_state: CaseState | None  # None for the registration itself
    to_state: CaseState
    on: date
    actor: str
    note: str


@dataclass(frozen=True)
class AppealCase:
    case_id: str
    case_number: str  # "2024-00017": the year's running number, printed on letters
    complaint: Complaint
    state: CaseState
    notice: TaxNotice  # the bill complained about: disputed valuation version and value
    deadline: ComplaintDeadline
    late: bool
    preliminary_answer_due: date
    late_admission: str = ""  # reasons for considering a late complaint (forvaltningsloven § 31)
    preliminary_answer: PreliminaryAnswer | None = None
    inspection: Inspection | None = None
    prepared_on: date | None = None
    recommendation: str = ""  # the office's preparation for the committee
    case_officer: str = ""
    committee_id: str = ""  # the expert valuation committee deciding the case
    appeals_committee_id: str = ""
    meeting_id: str = ""  # the meeting the case is on now
    decisions: tuple[Decision, ...] = ()
    forwarded_on: date | None = None
    outcome: Outcome | None = None  # how the case ended
    closed_on: date | None = None
    closing_reason: str = ""
    # The latest date in the case's history: closing and withdrawing cannot be dated before it.
    last_step_on: date | None = None
    # The day the acknowledgement of receipt is dated (by default the day received); None only for cases
    # registered before it was recorded, whose acknowledgement is dated the day they were registered.
    acknowledged_on: date | None = None

    @property
    def property_id(self) -> str:
        return self.complaint.property_id

    @property
    def tax_year(self) -> int:
        return self.complaint.tax_year

    @property
    def instance(self) -> Instance:
        if self.forwarded_on is not None:
            return Instance.APPEALS_COMMITTEE
        return Instance.VALUATION_COMMITTEE

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def first_decision(self) -> Decision | None:
        return next((d for d in self.decisions if d.instance == Instance.VALUATION_COMMITTEE), None)

    @property
    def appeals_decision(self) -> Decision | None:
        return next((d for d in self.decisions if d.instance == Instance.APPEALS_COMMITTEE), None)

    @property
    def value_in_force(self) -> Money:
        """The value as it stands after the decisions so far."""
        value = self.notice.value
        for decision in self.decisions:
            if decision.new_value is not None:
                value = decision.new_value
        return value

    @property
    def further_appeal_by(self) -> date | None:
        first = self.first_decision
        return None if first is None else first.appeal_by


@dataclass(frozen=True)
class AppealRegistered:
    case: AppealCase


@dataclass(frozen=True)
class AppealDecided:
    case: AppealCase
    decision: Decision


@dataclass(frozen=True)
class AppealClosed:
    case: AppealCase


@dataclass(frozen=True)
class Change:
    case: AppealCase
    history: tuple[HistoryEntry, ...]
    events: tuple[object, ...] = ()


def _step(
    case: AppealCase, action: Action, on: date, actor: str, note: str, **changes: object
) -> tuple[AppealCase, HistoryEntry]:
    target = next_state(case.state, action)
    last = on if case.last_step_on is None else max(case.last_step_on, on)
    moved = replace(case, state=target, last_step_on=last, **changes)  # type: ignore[arg-type]
    return moved, HistoryEntry(action, case.state, target, on, actor, note)


def _check_day(
    case: AppealCase,
    on: date,
    today: date,
    field: str,
    problems: Violations,
    *,
    after_last_step: bool = False,
) -> None:
    if on > today:
        problems.add(field, "cannot be in the future")
    elif on < case.complaint.received_on:
        problems.add(field, "cannot be before the complaint was received")
    elif after_last_step and case.last_step_on is not None and on < case.last_step_on:
        problems.add(field, f"cannot be before the case's last step on {case.last_step_on.isoformat()}")


def register(
    case_id: str,
    case_number: str,
    complaint: Complaint,
    notice: TaxNotice,
    calendar: TaxYearCalendar,
    policy: AppealsPolicy,
    actor: str,
    *,
    first_invoice_on: date | None = None,
    acknowledged_on: date | None = None,
    today: date | None = None,
) -> Change:
    """A new case, acknowledged on `acknowledged_on` (by default the day received; not before it, nor
    after `today`). The deadline runs from the bill's dispatch: the first invoice with the year's tax
    (`first_invoice_on`) when billing has issued one. A complaint wholly about the tax authority's value
    or about rates and terms is answered at once as outside the committees and closed; parts of a
    complaint that are outside are answered in the acknowledgement while the rest goes on."""
    acknowledged = complaint.received_on if acknowledged_on is None else acknowledged_on
    if acknowledged < complaint.received_on:
        raise InvalidInput.single("acknowledged_on", "cannot be before the complaint was received")
    if today is not None and acknowledged > today:
        raise InvalidInput.single("acknowledged_on", "cannot be in the future")
    deadline = deadline_for(notice, calendar, policy.complaint_weeks, first_invoice_on)
    late = not in_time(deadline.deadline, complaint.received_on, complaint.postmarked_on)
    case = AppealCase(
        case_id=case_id,
        case_number=case_number,
        complaint=complaint,
        state=S.REGISTERED,
        notice=notice,
        deadline=deadline,
        late=late,
        preliminary_answer_due=preliminary_answer_due(complaint.received_on, policy.preliminary_answer_after),
        last_step_on=complaint.received_on,
        acknowledged_on=acknowledged,
    )
    note = f"received {complaint.received_on.isoformat()} by {complaint.channel.value}" + (
        f"; late (deadline {deadline.deadline.isoformat()})" if late else ""
    )
    entries = [HistoryEntry(A.REGISTER, None, S.REGISTERED, complaint.received_on, actor, note)]
    events: list[object] = [AppealRegistered(case)]
    if complaint.wholly_outside_committees:
        closed = answer_outside(case, actor)
        entries.extend(closed.history)
        events.extend(closed.events)
        case = closed.case
    return Change(case, tuple(entries), tuple(events))


def answer_outside(case: AppealCase, actor: str) -> Change:
    """Closes a complaint that only the tax authority or nobody (general decisions) can hear."""
    received = case.complaint.received_on
    moved, entry = _step(
        case,
        A.ANSWER_OUTSIDE,
        received,
        actor,
        "outside the committees: answered in the acknowledgement",
        outcome=Outcome.OUTSIDE_COMMITTEES,
        closed_on=received,
        closing_reason="outside the committees",
    )
    return Change(moved, (entry,), (AppealClosed(moved),))


def assign(
    case: AppealCase, case_officer: str, committee: Committee | None, on: date, today: date, actor: str
) -> Change:
    problems = Violations()
    check_text(problems, "case_officer", case_officer, required=committee is None, limit=200)
    _check_day(case, on, today, "assigned_on", problems)
    problems.raise_if_any()
    changes: dict[str, object] = {}
    if case_officer.strip():
        changes["case_officer"] = case_officer.strip()
    if committee is not None:
        _check_committee(case, committee)
        key = "committee_id" if case.instance == Instance.VALUATION_COMMITTEE else "appeals_committee_id"
        if case.meeting_id and getattr(case, key) != committee.committee_id:
            raise FailedPrecondition("the case is on a meeting of another committee; move it first")
        changes[key] = committee.committee_id
    note = ", ".join(f"{k} {v}" for k, v in changes.items())
    moved, entry = _step(case, A.ASSIGN, on, actor, note, **changes)
    return Change(moved, (entry,))


def _check_committee(case: AppealCase, committee: Committee) -> None:
    wanted = (
        CommitteeKind.VALUATION if case.instance == Instance.VALUATION_COMMITTEE else CommitteeKind.APPEALS
    )
    if committee.kind != wanted:
        raise FailedPrecondition(
            f"the case is before the {case.instance.value.replace('_', ' ')}; "
            f"{committee.name} is a {committee.kind.value} committee"
        )


def admit_late(case: AppealCase, reasons: str, on: date, today: date, actor: str) -> Change:
    problems = Violations()
    check_text(problems, "reasons", reasons, required=True)
    _check_day(case, on, today, "admitted_on", problems)
    problems.raise_if_any()
    if not case.late:
        raise FailedPrecondition("the complaint came in time; there is nothing to admit")
    if case.late_admission:
        raise FailedPrecondition("the late complaint is admitted already")
    moved, entry = _step(case, A.ADMIT_LATE, on, actor, reasons.strip(), late_admission=reasons.strip())
    return Change(moved, (entry,))


def send_preliminary_answer(
    case: AppealCase, reason: str, expected_on: date, on: date, today: date, actor: str
) -> Change:
    problems = Violations()
    check_text(problems, "reason", reason, required=True)
    _check_day(case, on, today, "sent_on", problems)
    if expected_on <= on:
        problems.add("expected_decision_on", "must be after the day the answer is sent")
    problems.raise_if_any()
    next_state(case.state, A.SEND_PRELIMINARY_ANSWER)
    if case.preliminary_answer is not None:
        raise FailedPrecondition(f"a preliminary answer was sent on {case.preliminary_answer.sent_on}")
    answer = PreliminaryAnswer(on, reason.strip(), expected_on)
    moved, entry = _step(
        case,
        A.SEND_PRELIMINARY_ANSWER,
        on,
        actor,
        f"{reason.strip()} (expected {expected_on.isoformat()})",
        preliminary_answer=answer,
    )
    return Change(moved, (entry,))


# How long a re-inspection is of use when the case names no later day (no preliminary answer promising one).
INSPECTION_NEEDED_WITHIN = timedelta(weeks=6)


@dataclass(frozen=True)
class InspectionRequested:
    """Domain event: the case asks the assessors for a re-inspection (assessment queues it as a need).
    `needed_by` is the last day the inspection is of use to the case."""

    case_id: str
    property_id: str
    tax_year: int
    requested_on: date
    note: str
    needed_by: date


def inspection_needed_by(case: AppealCase, on: date) -> date:
    """The default last day of use of a re-inspection requested on `on`: the decision date the preliminary
    answer promised (forvaltningsloven § 11 a) when one was sent and it is after `on`, else six weeks on."""
    answer = case.preliminary_answer
    if answer is not None and answer.expected_on > on:
        return answer.expected_on
    return on + INSPECTION_NEEDED_WITHIN


def request_inspection(
    case: AppealCase, note: str, on: date, today: date, actor: str, needed_by: date | None = None
) -> Change:
    """Asks for a re-inspection on `on`, of use until `needed_by` (default `inspection_needed_by`; not
    before `on`: InvalidInput on needed_by). Publishes InspectionRequested."""
    problems = Violations()
    check_text(problems, "note", note, required=True)
    _check_day(case, on, today, "requested_on", problems)
    if needed_by is not None and needed_by < on:
        problems.add("needed_by", f"cannot be before the request ({on.isoformat()})")
    problems.raise_if_any()
    moved, entry = _step(
        case, A.REQUEST_INSPECTION, on, actor, note.strip(), inspection=Inspection(on, note.strip())
    )
    requested = InspectionRequested(
        case_id=case.case_id,
        property_id=case.property_id,
        tax_year=case.tax_year,
        requested_on=on,
        note=note.strip(),
        needed_by=needed_by if needed_by is not None else inspection_needed_by(case, on),
    )
    return Change(moved, (entry,), (requested,))


def complete_inspection(case: AppealCase, findings: str, on: date, today: date, actor: str) -> Change:
    problems = Violations()
    check_text(problems, "findings", findings, required=False)
    _check_day(case, on, today, "completed_on", problems)
    problems.raise_if_any()
    next_state(case.state, A.COMPLETE_INSPECTION)
    assert case.inspection is not None  # INSPECTION_REQUESTED always has one
    if on < case.inspection.requested_on:
        raise InvalidInput.single("completed_on", "cannot be before the inspection was requested")
    done = replace(case.inspection, completed_on=on, findings=findings.strip())
    moved, entry = _step(case, A.COMPLETE_INSPECTION, on, actor, findings.strip(), inspection=done)
    return Change(moved, (entry,))


def prepare(case: AppealCase, recommendation: str, on: date, today: date, actor: str) -> Change:
    problems = Violations()
    check_text(problems, "recommendation", recommendation, required=True)
    _check_day(case, on, today, "prepared_on", problems)
    problems.raise_if_any()
    moved, entry = _step(
        case,
        A.PREPARE,
        on,
        actor,
        recommendation.strip(),
        prepared_on=on,
        recommendation=recommendation.strip(),
    )
    return Change(moved, (entry,))


def disqualify(case: AppealCase, member_name: str, reason: str, on: date, today: date, actor: str) -> Change:
    problems = Violations()
    check_text(problems, "reason", reason, required=True)
    _check_day(case, on, today, "declared_on", problems)
    problems.raise_if_any()
    moved, entry = _step(case, A.DISQUALIFY, on, actor, f"{member_name} disqualified: {reason.strip()}")
    return Change(moved, (entry,))


def schedule(
    case: AppealCase, meeting: Meeting, committee: Committee, on: date, today: date, actor: str
) -> Change:
    """Puts the case on the meeting's agenda, dated `on` (the day of the act: not in the future, not
    before the complaint came)."""
    problems = Violations()
    _check_day(case, on, today, "scheduled_on", problems)
    problems.raise_if_any()
    next_state(case.state, A.SCHEDULE)
    _check_committee(case, committee)
    appeals = case.instance == Instance.APPEALS_COMMITTEE
    assigned = case.appeals_committee_id if appeals else case.committee_id
    if assigned and assigned != committee.committee_id:
        raise FailedPrecondition(f"the case is assigned to another committee than {committee.name}")
    since = case.forwarded_on if appeals and case.forwarded_on else case.complaint.received_on
    if meeting.meets_on < since:
        raise FailedPrecondition(
            f"the meeting on {meeting.meets_on} is before the case came to the committee"
        )
    if meeting.meeting_id == case.meeting_id:
        raise FailedPrecondition("the case is on that meeting already")
    key = "appeals_committee_id" if appeals else "committee_id"
    moved, entry = _step(
        case,
        A.SCHEDULE,
        on,
        actor,
        f"meeting {meeting.meets_on.isoformat()} ({committee.name})",
        meeting_id=meeting.meeting_id,
        **{key: committee.committee_id},
    )
    return Change(moved, (entry,))


def property_value_in_force(
    case: AppealCase, bill: TaxNotice | None, decisions: Sequence[Decision], on: date
) -> Money:
    """The property's value for the case's year on `on`, the day a committee decides: the latest of the
    bill (the levy's, or a correction's; the current one `bill` when it is dated by then, else the bill the
    case disputes) and the values set by decisions in any of the property's cases up to that day.
    `decisions` come in the order they were recorded; a decision wins over a bill of the same day (the
    correction a decision causes is dated on the decision's day and has its value)."""
    current = bill if bill is not None and bill.dispatched_on <= on else case.notice
    value, dated = current.value, current.dispatched_on
    for decision in sorted(decisions, key=lambda d: d.decided_on):  # stable: recorded order within a day
        if decision.new_value is not None and dated <= decision.decided_on <= on:
            value, dated = decision.new_value, decision.decided_on
    return value


def _check_outcome(
    case: AppealCase, outcome: Outcome, new_value: Money | None, in_force: Money, problems: Violations
) -> None:
    """A decision's outcome and its effect agree (DOMAIN.md § 2), against `in_force`, the property's value
    when the committee decides:
    - upheld or partly upheld on a complaint about the value: a new value, lower than the value in force
      (partial success is the complainant's, so the value goes down, never up);
    - a complaint only about something other than the value (exemption): upholding it decides that
      question, and the value stays as it is: no new value;
    - not upheld: no new value, except a higher one set by the expert appeals committee;
    - dismissed: not decided on its merits, no new value.
    A refusal gives the reason that applies to the outcome and instance chosen and the value given."""
    if outcome not in DECISION_OUTCOMES:
        problems.add(
            "outcome",
            "upheld, partly upheld, not upheld or dismissed (a withdrawal is recorded as withdrawn)",
        )
        return
    about_value = case.complaint.about_value
    word = outcome.value.replace("_", " ")
    if new_value is None:
        if outcome in IN_FAVOUR and about_value:
            problems.add(
                "new_value",
                f"a complaint about the value that is {word} sets a new value "
                f"lower than the value in force ({in_force.kroner()}); or decide it not upheld",
            )
        return
    if new_value.ore < 0:
        problems.add("new_value", "must not be negative")
    elif not about_value:
        problems.add("new_value", "the complaint is not about the value (exemption): leave the value out")
    elif outcome == Outcome.DISMISSED:
        problems.add(
            "new_value", "a dismissed complaint is not decided on its merits: no new value; leave it out"
        )
    elif outcome in IN_FAVOUR:
        if new_value == in_force:
            problems.add(
                "new_value",
                f"a complaint that is {word} lowers the value: {in_force.kroner()} is the value in force; "
                "give a lower value",
            )
        elif new_value.ore > in_force.ore:
            problems.add(
                "new_value",
                f"a complaint that is {word} lowers the value: give a value lower than the value in force "
                f"({in_force.kroner()})",
            )
    else:  # not upheld
        refused = "a complaint not upheld sets no new value"
        if case.instance == Instance.APPEALS_COMMITTEE:
            refused += ", except a higher one by the expert appeals committee"
        if new_value == in_force:
            problems.add("new_value", f"{refused}: {in_force.kroner()} is the value in force; leave it out")
        elif new_value.ore < in_force.ore:
            problems.add(
                "new_value",
                f"{refused}: a value lower than the value in force ({in_force.kroner()}) means the complaint "
                "is (partly) upheld",
            )
        elif case.instance == Instance.VALUATION_COMMITTEE:
            problems.add(
                "new_value",
                f"{refused}: only the expert appeals committee may raise the value "
                f"(in force: {in_force.kroner()})",
            )


def decide(
    case: AppealCase,
    meeting: Meeting,
    participation: Participation,
    outcome: Outcome,
    new_value: Money | None,
    reasons: str,
    participant_ids: tuple[str, ...],
    policy: AppealsPolicy,
    today: date,
    actor: str,
    *,
    in_force: Money | None = None,
) -> Change:
    """Records the decision of `meeting`. `in_force` is the property's value when the committee decides
    (decisions in the property's other cases included); the case's own value_in_force when not given."""
    problems = Violations()
    check_text(problems, "reasons", reasons, required=True)
    _check_outcome(case, outcome, new_value, case.value_in_force if in_force is None else in_force, problems)
    problems.raise_if_any()
    next_state(case.state, A.DECIDE)
    if meeting.meeting_id != case.meeting_id:
        raise FailedPrecondition("the case is not on the agenda of that meeting")
    if meeting.meets_on > today:
        raise FailedPrecondition(f"the meeting is on {meeting.meets_on}; decisions are recorded after it")
    if not participation.quorate:
        why = "; ".join(participation.problems) or (
            f"{participation.counted} of {participation.seats} members take part, "
            f"{participation.required} needed"
        )
        raise FailedPrecondition(f"the committee cannot decide: {why}")
    first_instance = case.instance == Instance.VALUATION_COMMITTEE
    if case.late and not case.late_admission and first_instance and outcome != Outcome.DISMISSED:
        # Forvaltningsloven § 31: a late complaint is considered on its merits only once admitted.
        raise FailedPrecondition(
            "the complaint came late and is not admitted: admit it with reasons, or dismiss it"
        )
    decision = Decision(
        case.instance,
        meeting.meeting_id,
        meeting.meets_on,
        outcome,
        new_value,
        reasons.strip(),
        participant_ids,
        appeal_by=(
            further_appeal_deadline(meeting.meets_on, policy.further_appeal_weeks)
            if first_instance and forwardable(outcome, policy)
            else None
        ),
    )
    moved, entry = _step(
        case,
        A.DECIDE,
        meeting.meets_on,
        actor,
        f"{outcome.value.replace('_', ' ')}: {reasons.strip()}",
        decisions=(*case.decisions, decision),
        meeting_id="",
    )
    entries = [entry]
    events: list[object] = [AppealDecided(moved, decision)]
    if moved.state == S.CLOSED:
        moved = replace(moved, outcome=outcome, closed_on=meeting.meets_on, closing_reason="final decision")
    elif not forwardable(outcome, policy):
        # In the complainant's favour: nothing to take further, so the case ends with the decision.
        moved, closing = _step(
            moved,
            A.CLOSE,
            meeting.meets_on,
            actor,
            "decided in the complainant's favour",
            outcome=outcome,
            closed_on=meeting.meets_on,
            closing_reason="decided in the complainant's favour",
        )
        entries.append(closing)
    if moved.state == S.CLOSED:
        events.append(AppealClosed(moved))
    return Change(moved, tuple(entries), tuple(events))


def forwardable(outcome: Outcome, policy: AppealsPolicy) -> bool:
    """A first-instance decision the complainant may take to the expert appeals committee. A dismissal is
    itself an individual decision (forvaltningsloven § 2 third paragraph) and may be appealed too."""
    return outcome in (Outcome.NOT_UPHELD, Outcome.DISMISSED) or (
        outcome == Outcome.PARTLY_UPHELD and policy.forward_partly_upheld
    )


def forward(
    case: AppealCase, requested_on: date, late_reasons: str, policy: AppealsPolicy, today: date, actor: str
) -> Change:
    problems = Violations()
    _check_day(case, requested_on, today, "requested_on", problems)
    check_text(problems, "late_reasons", late_reasons, required=False)
    problems.raise_if_any()
    next_state(case.state, A.FORWARD)
    first = case.first_decision
    assert first is not None and case.further_appeal_by is not None  # DECIDED has a first decision
    if not forwardable(first.outcome, policy):
        raise FailedPrecondition(
            f"a complaint that is {first.outcome.value.replace('_', ' ')} is not forwarded"
        )
    if requested_on < first.decided_on:
        raise InvalidInput.single("requested_on", "cannot be before the first-instance decision")
    note = f"the complainant asked on {requested_on.isoformat()}"
    if requested_on > case.further_appeal_by:
        if not late_reasons.strip():
            raise FailedPrecondition(
                f"the request came after {case.further_appeal_by}; give reasons to consider it anyway "
                "(forvaltningsloven § 31)"
            )
        note += f"; late, considered because: {late_reasons.strip()}"
    moved, entry = _step(case, A.FORWARD, requested_on, actor, note, forwarded_on=requested_on)
    return Change(moved, (entry,))


def close(case: AppealCase, reason: str, on: date, today: date, actor: str) -> Change:
    """Ends a case after a first-instance decision the complainant did not take further: on or after the
    case's last step (the decision at the latest)."""
    problems = Violations()
    check_text(problems, "reason", reason, required=True)
    _check_day(case, on, today, "closed_on", problems, after_last_step=True)
    problems.raise_if_any()
    next_state(case.state, A.CLOSE)
    first = case.first_decision
    assert first is not None
    moved, entry = _step(
        case,
        A.CLOSE,
        on,
        actor,
        reason.strip(),
        outcome=first.outcome,
        closed_on=on,
        closing_reason=reason.strip(),
    )
    return Change(moved, (entry,), (AppealClosed(moved),))


def withdraw(case: AppealCase, reason: str, on: date, today: date, actor: str) -> Change:
    """The complainant withdrew the complaint: on or after the case's last step."""
    problems = Violations()
    check_text(problems, "reason", reason, required=False)
    _check_day(case, on, today, "withdrawn_on", problems, after_last_step=True)
    problems.raise_if_any()
    moved, entry = _step(
        case,
        A.WITHDRAW,
        on,
        actor,
        reason.strip() or "withdrawn by the complainant",
        outcome=Outcome.WITHDRAWN,
        closed_on=on,
        closing_reason=reason.strip() or "withdrawn by the complainant",
        meeting_id="",
    )
    return Change(moved, (entry,), (AppealClosed(moved),))
