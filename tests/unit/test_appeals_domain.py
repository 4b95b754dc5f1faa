"""Appeals' rules: complaint deadlines (later-of rule, weekends and holidays), the case state machine over
its whole transition table, decisions and their values, quorum and conflicts of interest."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from services.appeals.domain import cases as flow
from services.appeals.domain.cases import (
    TRANSITIONS,
    Action,
    AppealCase,
    AppealClosed,
    AppealDecided,
    AppealRegistered,
    CaseState,
    Change,
    Instance,
    Outcome,
)
from services.appeals.domain.committees import (
    Committee,
    CommitteeKind,
    Meeting,
    Member,
    MemberRole,
    check_participation,
    required_for_quorum,
)
from services.appeals.domain.complaint import (
    Attachment,
    Channel,
    Complainant,
    ComplainantKind,
    Complaint,
    Ground,
    GroundKind,
    check_complaint,
    check_text,
)
from services.appeals.domain.deadlines import (
    DispatchBasis,
    TaxNotice,
    TaxYearCalendar,
    bill_dispatched_on,
    complaint_deadline,
    further_appeal_deadline,
    in_time,
    preliminary_answer_due,
)
from services.appeals.domain.policy import AppealsPolicy, Period
from services.appeals.domain.statistics import CaseRecord, year_figures
from services.platform.errors import FailedPrecondition, InvalidInput, Violations
from services.platform.money import Money

pytestmark = pytest.mark.unit

POLICY = AppealsPolicy()
TODAY = date(2024, 6, 10)
CALENDAR = TaxYearCalendar(2024, date(2024, 2, 26))  # a Monday: six weeks later is Monday 8 April
NOTICE = TaxNotice("p1", 2024, 1, 3, Money.of(9_000_000), date(2024, 2, 20))
VALUATION = Committee("c1", "Sakkyndig nemnd", CommitteeKind.VALUATION)
APPEALS = Committee("c2", "Sakkyndig klagenemnd", CommitteeKind.APPEALS)
TERM = (date(2023, 1, 1), date(2027, 12, 31))
MEMBERS = {
    c.committee_id: [
        Member(f"{c.committee_id}-chair", c.committee_id, "Leder", MemberRole.CHAIR, *TERM),
        Member(f"{c.committee_id}-m1", c.committee_id, "Medlem 1", MemberRole.MEMBER, *TERM),
        Member(f"{c.committee_id}-m2", c.committee_id, "Medlem 2", MemberRole.MEMBER, *TERM),
        Member(f"{c.committee_id}-dep", c.committee_id, "Vara", MemberRole.DEPUTY, *TERM),
    ]
    for c in (VALUATION, APPEALS)
}
MEETINGS = {
    "m1": Meeting("m1", "c1", date(2024, 5, 15), "Rådhuset"),
    "m1b": Meeting("m1b", "c1", date(2024, 5, 22), "Rådhuset"),
    "m2": Meeting("m2", "c2", date(2024, 5, 30), "Rådhuset"),
    "m2b": Meeting("m2b", "c2", date(2024, 6, 5), "Rådhuset"),
}
ON = date(2024, 4, 20)


def complaint(received_on: date = date(2024, 3, 20), **changes: object) -> Complaint:
    base = Complaint(
        property_id="p1",
        tax_year=2024,
        complainant=Complainant(
            ComplainantKind.OWNER, "Kari Nordmann", ("Storgata 1", "0155 Oslo"), "owner-x"
        ),
        received_on=received_on,
        channel=Channel.EMAIL,
        grounds=(Ground(GroundKind.AREA, "BRA er 80 m², ikke 120 m²"),),
        attachments=(Attachment("arkiv-2024/17", "Plantegning"),),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def registered(received_on: date = date(2024, 3, 20), **changes: object) -> AppealCase:
    return flow.register(
        "case-1", "2024-00001", complaint(received_on, **changes), NOTICE, CALENDAR, POLICY, "sek"
    ).case


def participants(committee_id: str, *, without: str = "") -> tuple[str, ...]:
    return tuple(m.member_id for m in MEMBERS[committee_id] if m.role.ordinary and m.member_id != without)


def decide(
    case: AppealCase, outcome: Outcome, new_value: Money | None = None, *, policy: AppealsPolicy = POLICY
) -> Change:
    meeting = MEETINGS[case.meeting_id or "m1"]
    who = participants(meeting.committee_id)
    taking_part = check_participation(MEMBERS[meeting.committee_id], who, set(), meeting.meets_on)
    return flow.decide(
        case, meeting, taking_part, outcome, new_value, "Kort begrunnelse.", who, policy, TODAY, "sek"
    )


def scheduled(case: AppealCase) -> AppealCase:
    case = flow.prepare(case, "Innstilling: ikke medhold.", ON, TODAY, "sek").case
    return flow.schedule(case, MEETINGS["m1"], VALUATION, ON, TODAY, "sek").case


# --- deadlines -------------------------------------------------------------------------------------


def test_the_deadline_runs_from_the_later_of_announcement_and_dispatch() -> None:
    # Dispatch later than the announcement: six weeks from the dispatch.
    assert complaint_deadline(date(2024, 2, 26), date(2024, 3, 4), 6).deadline == date(2024, 4, 15)
    # Announcement later than the dispatch: six weeks from the announcement.
    assert complaint_deadline(date(2024, 3, 4), date(2024, 2, 26), 6).deadline == date(2024, 4, 15)
    assert complaint_deadline(date(2024, 2, 26), date(2024, 2, 26), 6).deadline == date(2024, 4, 8)
    # Configurable length.
    assert complaint_deadline(date(2024, 2, 26), date(2024, 2, 26), 3).deadline == date(2024, 3, 18)


@pytest.mark.parametrize(
    ("start", "deadline"),
    [
        (date(2024, 3, 2), date(2024, 4, 15)),  # Saturday 13 April → Monday 15 April
        (date(2024, 3, 3), date(2024, 4, 15)),  # Sunday 14 April → Monday
        (date(2024, 2, 15), date(2024, 4, 2)),  # Maundy Thursday 28 March, over Easter to 2 April
        (date(2024, 4, 5), date(2024, 5, 21)),  # Friday 17 May → Whit Monday 20 May is a holiday too
        (date(2025, 3, 20), date(2025, 5, 2)),  # Thursday 1 May → Friday 2 May
        (date(2024, 11, 13), date(2024, 12, 27)),  # Christmas Day → 27 December
    ],
)
def test_a_deadline_on_a_weekend_or_holiday_moves_to_the_next_business_day(
    start: date, deadline: date
) -> None:
    assert complaint_deadline(start, start, 6).deadline == deadline


def test_the_bills_dispatch_is_the_recorded_day_for_the_levy_and_its_own_day_for_corrections() -> None:
    later = TaxYearCalendar(2024, date(2024, 2, 26), bills_dispatched_on=date(2024, 3, 11))
    assert bill_dispatched_on(NOTICE, CALENDAR) == (date(2024, 2, 20), DispatchBasis.LEVY)
    assert bill_dispatched_on(NOTICE, later) == (date(2024, 3, 11), DispatchBasis.CALENDAR)
    corrected = replace(NOTICE, tax_base_version=2, dispatched_on=date(2024, 9, 2), from_levy=False)
    assert bill_dispatched_on(corrected, later) == (date(2024, 9, 2), DispatchBasis.CORRECTION)
    case = flow.register("c", "n", complaint(date(2024, 4, 20)), NOTICE, later, POLICY, "sek").case
    assert case.deadline.deadline == date(2024, 4, 22) and not case.late  # 11 March + 6 weeks


def test_a_levy_run_later_than_the_recorded_dispatch_keeps_its_own_day() -> None:
    # The levy's bills went out 11 March; a property added later in the year was levied on 2 September.
    calendar = TaxYearCalendar(2024, date(2024, 2, 26), bills_dispatched_on=date(2024, 3, 11))
    added = replace(NOTICE, dispatched_on=date(2024, 9, 2))
    assert bill_dispatched_on(added, calendar) == (date(2024, 9, 2), DispatchBasis.LEVY)
    case = flow.register("c", "n", complaint(date(2024, 9, 20)), added, calendar, POLICY, "sek").case
    assert case.deadline.deadline == date(2024, 10, 14) and not case.late  # 2 September + 6 weeks


def test_in_time_counts_the_postmark_for_letters() -> None:
    assert in_time(date(2024, 4, 8), date(2024, 4, 8))
    assert not in_time(date(2024, 4, 8), date(2024, 4, 9))
    assert in_time(date(2024, 4, 8), date(2024, 4, 10), postmarked_on=date(2024, 4, 8))
    assert not in_time(date(2024, 4, 8), date(2024, 4, 10), postmarked_on=date(2024, 4, 9))


def test_preliminary_answer_due_after_two_weeks_or_one_month() -> None:
    assert preliminary_answer_due(date(2024, 3, 20), Period(weeks=2)) == date(2024, 4, 3)
    assert preliminary_answer_due(date(2024, 1, 31), Period(months=1)) == date(2024, 2, 29)
    assert preliminary_answer_due(date(2024, 12, 15), Period(months=1)) == date(2025, 1, 15)
    # The office's own duty is not extended over a weekend: 6 April 2024 is a Saturday.
    assert preliminary_answer_due(date(2024, 3, 23), Period(weeks=2)) == date(2024, 4, 6)
    assert further_appeal_deadline(date(2024, 5, 15), 3) == date(2024, 6, 5)
    assert further_appeal_deadline(date(2024, 4, 26), 3) == date(2024, 5, 21)  # 17 May, then Whit Monday


def test_policy_from_configuration() -> None:
    policy = AppealsPolicy.from_mapping({"complaint_weeks": 6, "preliminary_answer_after": {"months": 1}})
    assert policy.preliminary_answer_after == Period(months=1)
    assert policy.preliminary_answer_after.describe() == "1 måned"
    with pytest.raises(InvalidInput) as bad:
        AppealsPolicy.from_mapping(
            {"complaint_weeks": 0, "preliminary_answer_after": {"days": 3}, "colour": "red"}
        )
    assert {v.field for v in bad.value.violations} == {
        "complaint_weeks",
        "preliminary_answer_after",
        "colour",
    }


def test_registration_flags_late_complaints_and_computes_the_due_dates() -> None:
    change = flow.register(
        "case-1", "2024-00001", complaint(date(2024, 4, 8)), NOTICE, CALENDAR, POLICY, "sek"
    )
    case = change.case
    assert (case.state, case.late, case.deadline.deadline) == (CaseState.REGISTERED, False, date(2024, 4, 8))
    assert case.preliminary_answer_due == date(2024, 4, 22)
    assert [type(e) for e in change.events] == [AppealRegistered]
    assert change.history[0].action == Action.REGISTER and change.history[0].from_state is None
    late = registered(date(2024, 4, 9))
    assert (
        late.late
        and "late"
        in flow.register("c", "n", complaint(date(2024, 4, 9)), NOTICE, CALENDAR, POLICY, "sek")
        .history[0]
        .note
    )


def test_complaints_outside_the_committees_are_answered_and_closed_at_once() -> None:
    outside = complaint(grounds=(Ground(GroundKind.RATES_OR_TERMS, "Promillen er for høy"),))
    change = flow.register("case-2", "2024-00002", outside, NOTICE, CALENDAR, POLICY, "sek")
    assert change.case.state == CaseState.CLOSED and change.case.outcome == Outcome.OUTSIDE_COMMITTEES
    assert [type(e) for e in change.events] == [AppealRegistered, AppealClosed]
    mixed = complaint(
        grounds=(
            Ground(GroundKind.TAX_AUTHORITY_VALUE, "Boligverdien er for høy"),
            Ground(GroundKind.ZONE, "Feil sone"),
        )
    )
    case = flow.register("case-3", "2024-00003", mixed, NOTICE, CALENDAR, POLICY, "sek").case
    assert case.state == CaseState.REGISTERED
    assert [g.kind for g in case.complaint.outside_grounds] == [GroundKind.TAX_AUTHORITY_VALUE]


def test_complaint_checks_name_every_bad_field_and_refuse_identity_numbers() -> None:
    bad = complaint(
        date(2024, 7, 1),
        tax_year=24,
        complainant=Complainant(ComplainantKind.REPRESENTATIVE, "Advokat 31129956715", ()),
        postmarked_on=date(2024, 6, 1),
        grounds=(),
    )
    problems = Violations()
    check_complaint(bad, TODAY, problems)
    fields = {v.field: v.description for v in problems.items}
    assert set(fields) == {
        "tax_year",
        "complainant.name",
        "complainant.address_lines",
        "complainant.represents",
        "received_on",
        "postmarked_on",
        "grounds",
    }
    assert "national identity number" in fields["complainant.name"]
    problems = Violations()
    check_complaint(complaint(), TODAY, problems)
    assert problems.count == 0


# --- the state machine over its whole table ------------------------------------------------------------


def case_in(state: CaseState) -> AppealCase:
    """A late, not admitted complaint walked by the real commands to `state` (late, so that admitting it
    is possible wherever the table allows it; decisions on it are dismissals, which may go further)."""
    case = registered(date(2024, 4, 15))
    assert case.late
    to_appeals = [Action.PREPARE, Action.SCHEDULE, Action.DECIDE, Action.FORWARD, Action.SCHEDULE]
    walk: dict[CaseState, list[Action]] = {
        CaseState.REGISTERED: [],
        CaseState.PRELIMINARY_ANSWER_SENT: [Action.SEND_PRELIMINARY_ANSWER],
        CaseState.INSPECTION_REQUESTED: [Action.REQUEST_INSPECTION],
        CaseState.INSPECTED: [Action.REQUEST_INSPECTION, Action.COMPLETE_INSPECTION],
        CaseState.PREPARED: [Action.REQUEST_INSPECTION, Action.COMPLETE_INSPECTION, Action.PREPARE],
        CaseState.SCHEDULED: [Action.PREPARE, Action.SCHEDULE],
        CaseState.DECIDED: [Action.PREPARE, Action.SCHEDULE, Action.DECIDE],
        CaseState.FORWARDED: [Action.PREPARE, Action.SCHEDULE, Action.DECIDE, Action.FORWARD],
        CaseState.APPEALS_SCHEDULED: [*to_appeals],
        CaseState.CLOSED: [*to_appeals, Action.DECIDE],
        CaseState.WITHDRAWN: [Action.WITHDRAW],
    }
    for action in walk[state]:
        case = perform(case, action).case
    assert case.state == state
    return case


def perform(case: AppealCase, action: Action) -> Change:
    """Runs the command for `action` with valid arguments."""
    committee = VALUATION if case.instance == Instance.VALUATION_COMMITTEE else APPEALS
    if action == Action.ANSWER_OUTSIDE:
        return flow.answer_outside(case, "sek")
    if action == Action.ASSIGN:
        return flow.assign(case, "Saksbehandler Hansen", committee, ON, TODAY, "sek")
    if action == Action.ADMIT_LATE:
        return flow.admit_late(case, "Klageren var syk.", ON, TODAY, "sek")
    if action == Action.SEND_PRELIMINARY_ANSWER:
        return flow.send_preliminary_answer(case, "Nemnda møtes i mai.", date(2024, 5, 31), ON, TODAY, "sek")
    if action == Action.REQUEST_INSPECTION:
        return flow.request_inspection(case, "Mål opp BRA.", ON, TODAY, "sek")
    if action == Action.COMPLETE_INSPECTION:
        return flow.complete_inspection(case, "BRA er 80 m².", ON, TODAY, "sek")
    if action == Action.PREPARE:
        return flow.prepare(case, "Innstilling: avvises.", ON, TODAY, "sek")
    if action == Action.DISQUALIFY:
        return flow.disqualify(case, "Medlem 1", "Nabo til klageren.", ON, TODAY, "sek")
    if action == Action.SCHEDULE:
        first, second = ("m1", "m1b") if committee is VALUATION else ("m2", "m2b")
        meeting = MEETINGS[second if case.meeting_id == first else first]
        return flow.schedule(case, meeting, committee, ON, TODAY, "sek")
    if action == Action.DECIDE:
        return decide(case, Outcome.DISMISSED)
    if action == Action.FORWARD:
        return flow.forward(case, date(2024, 5, 20), "", POLICY, TODAY, "sek")
    if action == Action.CLOSE:
        return flow.close(case, "Klageren ba ikke om klagenemnd.", TODAY, TODAY, "sek")
    if action == Action.WITHDRAW:
        return flow.withdraw(case, "Trukket i telefon.", TODAY, TODAY, "sek")
    raise AssertionError(action)


S, A = CaseState, Action
FIRST_OPEN = "registered preliminary_answer_sent inspection_requested inspected prepared scheduled"
APPEALS_OPEN = "forwarded appeals_scheduled"
# The legal moves, written out from DOMAIN.md § 2 independently of the code's table.
EXPECTED: dict[tuple[CaseState, Action], CaseState] = {
    (S.REGISTERED, A.ANSWER_OUTSIDE): S.CLOSED,
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
    (S.SCHEDULED, A.SCHEDULE): S.SCHEDULED,
    (S.SCHEDULED, A.DECIDE): S.DECIDED,
    (S.DECIDED, A.FORWARD): S.FORWARDED,
    (S.DECIDED, A.CLOSE): S.CLOSED,
    (S.FORWARDED, A.SCHEDULE): S.APPEALS_SCHEDULED,
    (S.APPEALS_SCHEDULED, A.SCHEDULE): S.APPEALS_SCHEDULED,
    (S.APPEALS_SCHEDULED, A.DECIDE): S.CLOSED,
}
for _name in FIRST_OPEN.split():
    EXPECTED[(S(_name), A.ADMIT_LATE)] = S(_name)
for _name in (FIRST_OPEN + " " + APPEALS_OPEN).split():
    EXPECTED[(S(_name), A.ASSIGN)] = S(_name)
    EXPECTED[(S(_name), A.DISQUALIFY)] = S(_name)
    EXPECTED[(S(_name), A.WITHDRAW)] = S.WITHDRAWN

EVERY_PAIR = [(s, a) for s in CaseState for a in Action if a != Action.REGISTER]


def test_the_code_s_table_is_the_expected_one() -> None:
    assert TRANSITIONS == EXPECTED


@pytest.mark.parametrize(("state", "action"), EVERY_PAIR, ids=lambda v: str(v.value))
def test_every_transition_of_the_table(state: CaseState, action: Action) -> None:
    case = case_in(state)
    target = EXPECTED.get((state, action))
    if target is None:
        with pytest.raises(FailedPrecondition):
            perform(case, action)
        return
    change = perform(case, action)
    assert change.case.state == target
    assert change.history[0].from_state == state and change.history[0].to_state == target
    assert change.history[0].action == action and change.history[0].actor == "sek"


def test_the_table_knows_every_state_and_ends_in_closed_or_withdrawn() -> None:
    reached = set(EXPECTED.values()) | {CaseState.REGISTERED}
    assert reached == set(CaseState)
    terminal = {s for s in CaseState if not any(key[0] == s for key in EXPECTED)}
    assert terminal == {CaseState.CLOSED, CaseState.WITHDRAWN}
    assert Action.REGISTER not in {a for _, a in TRANSITIONS}


# --- decisions -------------------------------------------------------------------------------------


def test_an_upheld_complaint_lowers_the_value_and_ends_the_case() -> None:
    case = scheduled(registered())
    change = decide(case, Outcome.PARTLY_UPHELD, Money.of(8_000_000))
    assert change.case.state == CaseState.CLOSED and change.case.outcome == Outcome.PARTLY_UPHELD
    assert [h.action for h in change.history] == [Action.DECIDE, Action.CLOSE]
    decided = change.events[0]
    assert isinstance(decided, AppealDecided) and decided.decision.new_value == Money.of(8_000_000)
    assert isinstance(change.events[1], AppealClosed)
    assert change.case.value_in_force == Money.of(8_000_000)
    assert decided.decision.appeal_by is None  # partial success counts as upheld: nothing to take further
    with pytest.raises(FailedPrecondition):
        flow.forward(change.case, date(2024, 5, 20), "", POLICY, TODAY, "sek")


def test_partly_upheld_may_be_forwarded_when_the_office_reads_the_rule_so() -> None:
    policy = AppealsPolicy(forward_partly_upheld=True)
    change = decide(scheduled(registered()), Outcome.PARTLY_UPHELD, Money.of(8_500_000), policy=policy)
    assert change.case.state == CaseState.DECIDED and change.case.further_appeal_by == date(2024, 6, 5)
    forwarded = flow.forward(change.case, date(2024, 5, 20), "", policy, TODAY, "sek").case
    assert forwarded.instance == Instance.APPEALS_COMMITTEE and forwarded.value_in_force == Money.of(
        8_500_000
    )


@pytest.mark.parametrize(
    ("outcome", "value", "field_error"),
    [
        (Outcome.UPHELD, Money.of(9_500_000), "lowers the value"),  # in favour but higher
        (Outcome.NOT_UPHELD, Money.of(9_500_000), "only the expert appeals committee"),
        (Outcome.DISMISSED, Money.of(8_000_000), "not decided on its merits"),
        (Outcome.UPHELD, Money.of(9_000_000), "value in force"),
        (Outcome.UPHELD, Money(-1), "negative"),
        (Outcome.WITHDRAWN, None, "a withdrawal is recorded as withdrawn"),
    ],
)
def test_first_instance_values_must_fit_the_outcome(
    outcome: Outcome, value: Money | None, field_error: str
) -> None:
    case = scheduled(registered())
    with pytest.raises(InvalidInput) as refused:
        decide(case, outcome, value)
    assert field_error in str(refused.value)


def test_the_appeals_committee_decides_finally_and_may_raise_the_value() -> None:
    first = decide(scheduled(registered()), Outcome.NOT_UPHELD)
    assert first.case.state == CaseState.DECIDED and len(first.events) == 1
    assert first.case.further_appeal_by == date(2024, 6, 5)
    forwarded = flow.forward(first.case, date(2024, 5, 20), "", POLICY, TODAY, "sek").case
    on_agenda = flow.schedule(forwarded, MEETINGS["m2"], APPEALS, ON, TODAY, "sek").case
    with pytest.raises(InvalidInput, match="is \\(partly\\) upheld"):
        decide(on_agenda, Outcome.NOT_UPHELD, Money.of(8_000_000))
    final = decide(on_agenda, Outcome.NOT_UPHELD, Money.of(9_800_000))
    assert final.case.state == CaseState.CLOSED and final.case.outcome == Outcome.NOT_UPHELD
    decided, closed = final.events
    assert isinstance(decided, AppealDecided) and decided.decision.instance == Instance.APPEALS_COMMITTEE
    assert decided.decision.new_value == Money.of(9_800_000) and isinstance(closed, AppealClosed)


def test_scheduling_checks_the_committee_and_the_meeting() -> None:
    case = flow.prepare(registered(), "Innstilling.", ON, TODAY, "sek").case
    with pytest.raises(FailedPrecondition, match="appeals committee"):
        flow.schedule(case, MEETINGS["m2"], APPEALS, ON, TODAY, "sek")
    early = Meeting("m0", "c1", date(2024, 3, 1), "Rådhuset")
    with pytest.raises(FailedPrecondition, match="before the case came"):
        flow.schedule(case, early, VALUATION, ON, TODAY, "sek")
    other = Committee("c3", "Sakkyndig nemnd 2", CommitteeKind.VALUATION)
    assigned = flow.assign(case, "", other, ON, TODAY, "sek").case
    with pytest.raises(FailedPrecondition, match="another committee"):
        flow.schedule(assigned, MEETINGS["m1"], VALUATION, ON, TODAY, "sek")


def test_decisions_need_the_meeting_a_quorum_and_admission_of_late_complaints() -> None:
    case = scheduled(registered())
    future = Meeting("m1", "c1", date(2024, 7, 1), "Rådhuset")
    taking_part = check_participation(MEMBERS["c1"], participants("c1"), set(), future.meets_on)
    with pytest.raises(FailedPrecondition, match="recorded after"):
        flow.decide(case, future, taking_part, Outcome.NOT_UPHELD, None, "Grunn.", (), POLICY, TODAY, "sek")
    one = ("c1-chair",)
    alone = check_participation(MEMBERS["c1"], one, set(), MEETINGS["m1"].meets_on)
    with pytest.raises(FailedPrecondition, match="1 of 3 members take part, 2 needed"):
        flow.decide(
            case, MEETINGS["m1"], alone, Outcome.NOT_UPHELD, None, "Grunn.", one, POLICY, TODAY, "sek"
        )
    with pytest.raises(FailedPrecondition, match="not on the agenda"):
        flow.decide(
            case, MEETINGS["m1b"], alone, Outcome.NOT_UPHELD, None, "Grunn.", one, POLICY, TODAY, "sek"
        )
    with pytest.raises(InvalidInput, match="reasons"):
        flow.decide(case, MEETINGS["m1"], alone, Outcome.NOT_UPHELD, None, " ", one, POLICY, TODAY, "sek")

    late = scheduled(registered(date(2024, 4, 15)))
    with pytest.raises(FailedPrecondition, match="came late and is not admitted"):
        decide(late, Outcome.UPHELD, Money.of(8_000_000))
    assert decide(late, Outcome.DISMISSED).case.state == CaseState.DECIDED
    admitted = flow.admit_late(late, "Klageren var på sykehus.", ON, TODAY, "sek").case
    assert decide(admitted, Outcome.UPHELD, Money.of(8_000_000)).case.outcome == Outcome.UPHELD
    with pytest.raises(FailedPrecondition, match="in time"):
        flow.admit_late(scheduled(registered()), "Grunn.", ON, TODAY, "sek")
    with pytest.raises(FailedPrecondition, match="admitted already"):
        flow.admit_late(admitted, "Igjen.", ON, TODAY, "sek")


def test_a_late_request_for_the_appeals_committee_needs_reasons() -> None:
    decided = decide(scheduled(registered()), Outcome.NOT_UPHELD).case
    with pytest.raises(FailedPrecondition, match="after 2024-06-05"):
        flow.forward(decided, date(2024, 6, 6), "", POLICY, TODAY, "sek")
    forwarded = flow.forward(decided, date(2024, 6, 6), "Brevet kom bort i posten.", POLICY, TODAY, "sek")
    assert "late, considered because" in forwarded.history[0].note
    with pytest.raises(InvalidInput):
        flow.forward(decided, date(2024, 7, 1), "", POLICY, TODAY, "sek")  # in the future


def test_closing_and_withdrawing_are_dated_on_or_after_the_case_s_last_step() -> None:
    decided = decide(scheduled(registered()), Outcome.NOT_UPHELD).case  # decided at the meeting 15 May
    with pytest.raises(InvalidInput) as early:
        flow.close(decided, "Klageren ba ikke om klagenemnd.", date(2024, 5, 14), TODAY, "sek")
    assert [(v.field, v.description) for v in early.value.violations] == [
        ("closed_on", "cannot be before the case's last step on 2024-05-15")
    ]
    assert flow.close(decided, "Ikke påklaget.", date(2024, 5, 15), TODAY, "sek").case.closed_on == date(
        2024, 5, 15
    )
    forwarded = flow.forward(decided, date(2024, 5, 20), "", POLICY, TODAY, "sek").case
    with pytest.raises(InvalidInput) as withdrawn_early:
        flow.withdraw(forwarded, "Trukket.", date(2024, 5, 16), TODAY, "sek")
    assert [v.field for v in withdrawn_early.value.violations] == ["withdrawn_on"]
    prepared = flow.prepare(registered(), "Innstilling.", ON, TODAY, "sek").case  # 20 April
    with pytest.raises(InvalidInput, match="last step on 2024-04-20"):
        flow.withdraw(prepared, "", date(2024, 4, 19), TODAY, "sek")
    assert flow.withdraw(prepared, "", ON, TODAY, "sek").case.closed_on == ON


def test_one_preliminary_answer_and_dates_that_make_sense() -> None:
    case = flow.request_inspection(registered(), "Befaring.", ON, TODAY, "sek").case
    answered = flow.send_preliminary_answer(case, "Befaring pågår.", date(2024, 6, 1), ON, TODAY, "sek").case
    assert answered.state == CaseState.INSPECTION_REQUESTED and answered.preliminary_answer is not None
    with pytest.raises(FailedPrecondition, match="was sent on"):
        flow.send_preliminary_answer(answered, "Igjen.", date(2024, 6, 1), ON, TODAY, "sek")
    with pytest.raises(InvalidInput) as bad:
        flow.send_preliminary_answer(case, "", date(2024, 3, 1), date(2024, 3, 1), TODAY, "sek")
    assert {v.field for v in bad.value.violations} == {"reason", "sent_on", "expected_decision_on"}


# --- quorum and conflicts of interest --------------------------------------------------------------------


@pytest.mark.parametrize(("seats", "needed"), [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (7, 4)])
def test_quorum_is_at_least_half_of_the_seats(seats: int, needed: int) -> None:
    assert required_for_quorum(seats) == needed


def test_participation_counts_members_in_office_and_deputies_standing_in() -> None:
    members = [
        *MEMBERS["c1"],
        Member("old", "c1", "Tidligere", MemberRole.MEMBER, date(2019, 1, 1), date(2022, 12, 31)),
        Member("board", "c1", "Formannskap", MemberRole.MEMBER, *TERM, executive_board=True),
    ]
    day = date(2024, 5, 15)
    # The old member's term is over: 4 seats (chair, m1, m2, board), 2 needed.
    full = check_participation(members, ["c1-chair", "c1-m1"], set(), day)
    assert (full.seats, full.required, full.counted, full.quorate) == (4, 2, 2, True)
    disqualified = check_participation(members, ["c1-chair", "c1-m1"], {"c1-m1"}, day)
    assert not disqualified.quorate and "disqualified" in disqualified.problems[0]
    standing_in = check_participation(members, ["c1-chair", "c1-dep"], {"c1-m1"}, day)
    assert standing_in.quorate and standing_in.counted == 2
    too_many = check_participation(MEMBERS["c1"], ["c1-chair", "c1-m1", "c1-m2", "c1-dep"], set(), day)
    assert not too_many.quorate and "deputies" in too_many.problems[0]
    board = check_participation(members, ["c1-chair", "board"], set(), day)
    assert not board.quorate and "executive board" in board.problems[0]
    retired = check_participation(members, ["c1-chair", "old"], set(), day)
    assert not retired.quorate and "not in office" in retired.problems[0]
    stranger = check_participation(members, ["c1-chair", "nobody"], set(), day)
    assert not stranger.quorate and "not a member" in stranger.problems[0]
    assert not check_participation([], [], set(), day).quorate


def test_a_disqualified_member_blocks_the_decision_until_a_deputy_stands_in() -> None:
    case = scheduled(registered())
    meeting = MEETINGS["m1"]
    who = participants("c1")
    blocked = check_participation(MEMBERS["c1"], who, {"c1-m2"}, meeting.meets_on)
    with pytest.raises(FailedPrecondition, match="Medlem 2 is disqualified"):
        flow.decide(case, meeting, blocked, Outcome.NOT_UPHELD, None, "Grunn.", who, POLICY, TODAY, "sek")
    replaced = (*participants("c1", without="c1-m2"), "c1-dep")
    fine = check_participation(MEMBERS["c1"], replaced, {"c1-m2"}, meeting.meets_on)
    change = flow.decide(
        case, meeting, fine, Outcome.NOT_UPHELD, None, "Grunn.", replaced, POLICY, TODAY, "sek"
    )
    assert change.case.first_decision is not None
    assert change.case.first_decision.participant_ids == replaced


# --- the year's figures ----------------------------------------------------------------------------------


Step = Callable[[AppealCase], Change]


def walked(case_id: str, received_on: date, *steps: Step, **changes: object) -> CaseRecord:
    """A case registered and walked by the real commands, with the history they wrote."""
    change = flow.register(
        case_id, case_id, complaint(received_on, **changes), NOTICE, CALENDAR, POLICY, "sek"
    )
    history = list(change.history)
    for step in steps:
        change = step(change.case)
        history.extend(change.history)
    return change.case, tuple(history)


def _prepare(on: date = ON) -> Step:
    return lambda case: flow.prepare(case, "Innstilling.", on, TODAY, "sek")


def _schedule(case: AppealCase) -> Change:
    return flow.schedule(case, MEETINGS["m1"], VALUATION, ON, TODAY, "sek")


def _decide(outcome: Outcome, new_value: Money | None = None) -> Step:
    return lambda case: decide(case, outcome, new_value)


def _forward(on: date) -> Step:
    return lambda case: flow.forward(case, on, "", POLICY, TODAY, "sek")


def _withdraw(on: date, today: date = TODAY) -> Step:
    return lambda case: flow.withdraw(case, "", on, today, "sek")


def _decided_and_forwarded() -> tuple[CaseRecord, CaseRecord]:
    """Received 1 and 15 March, prepared and scheduled 20 April, decided 15 May: the first upheld, the
    second not upheld and forwarded 20 May."""
    decided = walked(
        "decided", date(2024, 3, 1), _prepare(), _schedule, _decide(Outcome.UPHELD, Money.of(8_000_000))
    )
    forwarded = walked(
        "forwarded",
        date(2024, 3, 15),
        _prepare(),
        _schedule,
        _decide(Outcome.NOT_UPHELD),
        _forward(date(2024, 5, 20)),
    )
    return decided, forwarded


def test_year_figures_count_what_each_committee_has_to_decide() -> None:
    decided, forwarded = _decided_and_forwarded()
    withdrawn = walked("withdrawn", date(2024, 3, 10), _withdraw(date(2024, 3, 30)))
    outside = walked("outside", date(2024, 3, 20), grounds=(Ground(GroundKind.RATES_OR_TERMS, "Promillen"),))
    waiting = walked("waiting", date(2024, 5, 1))
    figures = year_figures([decided, forwarded, withdrawn, outside, waiting], 2024, date(2024, 6, 1), 0)
    first, second = figures.valuation_committee, figures.appeals_committee
    # Withdrawn before a decision and outside the committees: nothing for the committee to decide.
    assert (first.cases, first.decided, first.decided_by_year_end) == (3, 2, 2)
    assert first.share_by_year_end == Decimal("66.7")
    assert (first.median_days, first.mean_days, first.max_days) == (
        Decimal("68.0"),
        Decimal("68.0"),
        75,
    )  # 75 and 61
    assert (second.cases, second.decided, second.share_by_year_end) == (1, 0, Decimal("0.0"))
    assert (figures.received, figures.withdrawn, figures.outside_committees, figures.open) == (5, 1, 1, 2)
    # Before anything was received there is nothing to decide: no share (not "100 %" of nothing, issue 12).
    empty = year_figures([decided], 2024, date(2024, 2, 1), 0)
    assert (empty.received, empty.valuation_committee.share_by_year_end) == (0, None)


def test_year_figures_as_of_a_past_day_count_the_states_cases_were_in_then() -> None:
    decided, forwarded = _decided_and_forwarded()
    withdrawn = walked("withdrawn", date(2024, 3, 10), _withdraw(date(2024, 5, 1)))
    cases = [decided, forwarded, withdrawn]
    # Today every case is past the first instance; on 1 April all three were registered and open.
    now = year_figures(cases, 2024, date(2024, 6, 1), 0)
    assert (now.open, now.withdrawn) == (1, 1)
    assert now.by_state == {CaseState.CLOSED: 1, CaseState.FORWARDED: 1, CaseState.WITHDRAWN: 1}
    april = year_figures(cases, 2024, date(2024, 4, 1), 0)
    assert (april.open, april.withdrawn) == (3, 0)
    assert april.by_state == {CaseState.REGISTERED: 3}
    # On 16 May: prepared and scheduled on 20 April, decided on 15 May, not yet forwarded.
    may = year_figures(cases, 2024, date(2024, 5, 16), 0)
    assert may.by_state == {CaseState.CLOSED: 1, CaseState.DECIDED: 1, CaseState.WITHDRAWN: 1}
    assert may.open == 1


def test_a_case_withdrawn_after_the_year_end_was_not_decided_by_it() -> None:
    after = date(2025, 2, 1)
    late_withdrawal = walked("after", date(2024, 3, 10), _withdraw(date(2025, 1, 10), today=after))
    early_withdrawal = walked("before", date(2024, 3, 11), _withdraw(date(2024, 12, 30), today=after))
    figures = year_figures([late_withdrawal, early_withdrawal], 2024, after, 0)
    first = figures.valuation_committee
    # Withdrawn on 30 December: nothing left to decide. Withdrawn on 10 January: pending at the year end.
    assert (first.cases, first.decided, first.decided_by_year_end) == (1, 0, 0)
    assert first.share_by_year_end == Decimal("0.0")
    assert figures.withdrawn == 2


@pytest.mark.parametrize("written", ["15033290036", "150332 90036", "150332-90036", "31129956715"])
def test_free_text_with_an_identity_number_of_either_rule_or_written_apart_is_refused(written: str) -> None:
    problems = Violations()
    check_text(problems, "reason", f"eier {written} klaget", required=True)
    assert "national identity number" in problems.items[0].description
