"""Appeals' main handlers on the in-memory unit of work, without a database: registering a complaint (its
number, deadline, events and acknowledgement, and what it refuses), a committee's decision (its effect,
events and letter, and what it refuses) and a meeting's agenda."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from services.appeals.application import case_flow, documents
from services.appeals.application.config import AppealsConfig
from services.appeals.application.ports import AppealsUnitOfWork, DocumentRenderer, MeetingPapers
from services.appeals.application.register_appeal import register_appeal
from services.appeals.domain.cases import (
    Action,
    AppealCase,
    AppealClosed,
    AppealDecided,
    AppealRegistered,
    CaseState,
    Instance,
    Outcome,
)
from services.appeals.domain.committees import Committee, CommitteeKind, Meeting, Member, MemberRole
from services.appeals.domain.complaint import (
    Channel,
    Complainant,
    ComplainantKind,
    Complaint,
    Ground,
    GroundKind,
)
from services.appeals.domain.deadlines import DispatchBasis, TaxNotice, TaxYearCalendar
from services.appeals.domain.letters import LetterKind
from services.appeals.domain.policy import AppealsPolicy, Office
from services.platform.errors import FailedPrecondition, InvalidInput, NotFound
from services.platform.money import Money
from tests.fakes.appeals import FakeAppealsUnitOfWork, RecordingDocuments

pytestmark = pytest.mark.unit

OFFICE = Office("Kommunen", "Sekretariatet", ("Postboks 1", "0037 Oslo"), "Telefon 1", "Skatteetaten")
CONFIG = AppealsConfig(AppealsPolicy(), OFFICE)
TODAY = date(2024, 6, 20)
ACTOR = "secretary"
# The levy's bill of 4 March 2024 (a Monday), the list announced before it: six weeks from the bill.
NOTICE = TaxNotice("p1", 2024, 1, 1, Money.of("3000000"), date(2024, 3, 4))
CALENDAR = TaxYearCalendar(2024, list_announced_on=date(2024, 3, 1))
MEETING = Meeting("meeting-1", "committee-1", date(2024, 6, 10), "Rådhuset")
LATER_MEETING = Meeting("meeting-2", "committee-1", date(2024, 6, 17), "Rådhuset")
MEMBERS = ("chair", "member-a", "member-b")


def _uow_and_fake() -> tuple[AppealsUnitOfWork, FakeAppealsUnitOfWork]:
    """The fake twice: typed as the port the handlers take (mypy checks the fake implements it), and as
    itself for the test to look into."""
    fake = FakeAppealsUnitOfWork()
    fake.notices.put([(NOTICE, "event-1")])
    fake.calendars.put(CALENDAR)
    fake.committees.add(Committee("committee-1", "Sakkyndig nemnd", CommitteeKind.VALUATION))
    for member_id, role in zip(
        MEMBERS, (MemberRole.CHAIR, MemberRole.MEMBER, MemberRole.MEMBER), strict=True
    ):
        fake.committees.add_member(
            Member(member_id, "committee-1", f"Navn {member_id}", role, date(2024, 1, 1), date(2027, 12, 31))
        )
    fake.committees.add_meeting(MEETING)
    fake.committees.add_meeting(LATER_MEETING)
    return fake, fake


def _complaint(
    received_on: date = date(2024, 4, 2),
    grounds: tuple[Ground, ...] = (Ground(GroundKind.AREA, "the area is smaller"),),
    property_id: str = "p1",
    tax_year: int = 2024,
    name: str = "Kari Nordmann",
) -> Complaint:
    return Complaint(
        property_id=property_id,
        tax_year=tax_year,
        complainant=Complainant(ComplainantKind.OWNER, name, ("Gata 1", "0150 Oslo")),
        received_on=received_on,
        channel=Channel.EMAIL,
        grounds=grounds,
    )


def _register(uow: AppealsUnitOfWork, complaint: Complaint | None = None) -> AppealCase:
    return register_appeal(uow, complaint or _complaint(), CONFIG, TODAY, ACTOR)


# Registering a complaint


def test_a_complaint_is_registered_with_the_year_s_next_number_its_deadline_and_its_acknowledgement() -> None:
    uow, fake = _uow_and_fake()
    case = _register(uow)

    assert case.case_number == "2024-00001"
    assert case.state == CaseState.REGISTERED
    assert case.notice == NOTICE
    # Six weeks from the later of the announcement (1 March) and the bill (4 March): Monday 15 April.
    assert (case.deadline.deadline, case.deadline.basis) == (date(2024, 4, 15), DispatchBasis.LEVY)
    assert not case.late
    assert case.preliminary_answer_due == date(2024, 4, 16)  # two weeks after receipt
    assert fake.cases.get(case.case_id) == case
    assert fake.cases.get("2024-00001") == case  # by its number as well
    [entry] = fake.cases.history(case.case_id)
    assert (entry.entry.action, entry.entry.to_state, entry.entry.on) == (
        Action.REGISTER,
        CaseState.REGISTERED,
        date(2024, 4, 2),
    )
    assert entry.entry.actor == ACTOR and entry.recorded_at == fake.now()
    assert fake.events == [AppealRegistered(case)] and fake.commits == 1
    letter = fake.letters.get(case.case_id, LetterKind.ACKNOWLEDGEMENT)
    assert letter is not None
    assert (letter.office, letter.complaint_weeks) == (OFFICE, 6)
    assert case.acknowledged_on == date(2024, 4, 2)  # by default the day received

    assert _register(uow, _complaint(name="Ola Nordmann")).case_number == "2024-00002"


def test_the_deadline_runs_from_the_first_invoice_that_carried_the_year_s_tax() -> None:
    uow, fake = _uow_and_fake()
    fake.notices.record_first_invoices(date(2024, 3, 20), [("p1", 2024)], "invoice-event")
    case = _register(uow, _complaint(received_on=date(2024, 4, 30)))
    # 20 March + six weeks = 1 May, a public holiday: the deadline is the next business day.
    assert (case.deadline.dispatched_on, case.deadline.basis) == (
        date(2024, 3, 20),
        DispatchBasis.FIRST_INVOICE,
    )
    assert case.deadline.deadline == date(2024, 5, 2)
    assert not case.late


def test_a_complaint_received_after_its_deadline_is_registered_as_late() -> None:
    uow, fake = _uow_and_fake()
    case = _register(uow, _complaint(received_on=date(2024, 4, 16)))
    assert case.late and case.state == CaseState.REGISTERED
    [event] = fake.events
    assert isinstance(event, AppealRegistered) and event.case.late


def test_a_complaint_wholly_outside_the_committees_is_answered_and_closed_at_once() -> None:
    uow, fake = _uow_and_fake()
    case = _register(uow, _complaint(grounds=(Ground(GroundKind.RATES_OR_TERMS, "the rate is too high"),)))
    assert case.state == CaseState.CLOSED
    assert (case.outcome, case.closed_on) == (Outcome.OUTSIDE_COMMITTEES, date(2024, 4, 2))
    assert [type(e) for e in fake.events] == [AppealRegistered, AppealClosed]
    assert [h.entry.action for h in fake.cases.history(case.case_id)] == [
        Action.REGISTER,
        Action.ANSWER_OUTSIDE,
    ]


def test_bad_input_is_refused_field_by_field_and_nothing_is_recorded() -> None:
    uow, fake = _uow_and_fake()
    bad = _complaint(received_on=date(2024, 7, 1), grounds=(), name=" ")
    with pytest.raises(InvalidInput) as refused:
        _register(uow, bad)
    assert {v.field for v in refused.value.violations} == {"complainant.name", "received_on", "grounds"}
    assert fake.cases.rows == {} and fake.events == [] and fake.commits == 0
    assert fake.cases.numbers == {}  # no number was taken


@pytest.mark.parametrize(
    ("complaint", "error", "says"),
    [
        (_complaint(property_id="p9"), NotFound, "no property p9 is known to appeals"),
        (_complaint(tax_year=2023), FailedPrecondition, "no bill for property p1 in 2023"),
    ],
)
def test_a_complaint_about_a_bill_appeals_has_not_received_is_refused(
    complaint: Complaint, error: type[Exception], says: str
) -> None:
    uow, fake = _uow_and_fake()
    with pytest.raises(error, match=says):
        _register(uow, complaint)
    assert fake.cases.rows == {} and fake.events == [] and fake.letters.rows == {}


def test_a_complaint_of_a_year_without_its_calendar_is_refused() -> None:
    uow, fake = _uow_and_fake()
    fake.calendars.rows.clear()
    with pytest.raises(FailedPrecondition, match="display announcement for 2024 is not recorded"):
        _register(uow)
    assert fake.cases.rows == {} and fake.events == []


# A committee's decision


def _scheduled(uow: AppealsUnitOfWork, fake: FakeAppealsUnitOfWork) -> AppealCase:
    case = _register(uow)
    case_flow.prepare(uow, case.case_id, "lower the value", date(2024, 5, 2), TODAY, ACTOR)
    case = case_flow.schedule(uow, case.case_id, MEETING.meeting_id, date(2024, 5, 3), TODAY, ACTOR)
    fake.events.clear()
    return case


def _decision(
    outcome: Outcome, new_value: str | None, participants: tuple[str, ...] = MEMBERS
) -> case_flow.DecisionInput:
    return case_flow.DecisionInput(
        meeting_id=MEETING.meeting_id,
        outcome=outcome,
        new_value=None if new_value is None else Money.of(new_value),
        reasons="the area is smaller than registered",
        participant_ids=participants,
    )


def test_an_upheld_complaint_lowers_the_value_closes_the_case_and_issues_the_decision_letter() -> None:
    uow, fake = _uow_and_fake()
    case = _scheduled(uow, fake)
    decided = case_flow.decide(uow, case.case_id, _decision(Outcome.UPHELD, "2500000"), CONFIG, TODAY, ACTOR)

    assert decided.state == CaseState.CLOSED
    assert (decided.outcome, decided.closed_on) == (Outcome.UPHELD, MEETING.meets_on)
    [decision] = decided.decisions
    assert (decision.instance, decision.meeting_id, decision.decided_on) == (
        Instance.VALUATION_COMMITTEE,
        MEETING.meeting_id,
        MEETING.meets_on,
    )
    assert decision.new_value == Money.of("2500000") and decision.appeal_by is None  # nothing to take further
    assert fake.cases.get(case.case_id) == decided
    assert [type(e) for e in fake.events] == [AppealDecided, AppealClosed]
    event = fake.events[0]
    assert isinstance(event, AppealDecided) and event.decision == decision
    assert event.case.case_id == case.case_id and event.case.state == CaseState.DECIDED
    assert fake.events[1] == AppealClosed(decided)
    assert [h.entry.action for h in fake.cases.history(case.case_id)][-2:] == [Action.DECIDE, Action.CLOSE]
    letter = fake.letters.get(case.case_id, LetterKind.DECISION, Instance.VALUATION_COMMITTEE)
    assert letter is not None
    assert letter.committee == fake.committees.get("committee-1")
    assert letter.value_before == NOTICE.value  # the value in force when the committee decided


def test_a_complaint_not_upheld_stays_open_for_the_appeals_committee_until_its_appeal_date() -> None:
    uow, fake = _uow_and_fake()
    case = _scheduled(uow, fake)
    decided = case_flow.decide(uow, case.case_id, _decision(Outcome.NOT_UPHELD, None), CONFIG, TODAY, ACTOR)

    assert decided.state == CaseState.DECIDED and decided.outcome is None
    [decision] = decided.decisions
    assert decision.new_value is None
    assert decision.appeal_by == date(2024, 7, 1)  # three weeks after the meeting
    [event] = fake.events
    assert event == AppealDecided(decided, decision)
    assert fake.letters.get(case.case_id, LetterKind.DECISION, Instance.VALUATION_COMMITTEE) is not None


def test_the_value_in_force_counts_a_decision_in_another_case_of_the_property() -> None:
    uow, fake = _uow_and_fake()
    first = _scheduled(uow, fake)
    case_flow.decide(uow, first.case_id, _decision(Outcome.UPHELD, "2500000"), CONFIG, TODAY, ACTOR)
    second = _register(uow, _complaint(name="Ola Nordmann"))
    case_flow.prepare(uow, second.case_id, "keep the value", date(2024, 5, 2), TODAY, ACTOR)
    case_flow.schedule(uow, second.case_id, LATER_MEETING.meeting_id, date(2024, 5, 3), TODAY, ACTOR)
    later = replace(_decision(Outcome.UPHELD, "2500000"), meeting_id=LATER_MEETING.meeting_id)

    # 2 500 000 is the value in force since the first decision: upholding must lower it further.
    with pytest.raises(InvalidInput, match="new_value"):
        case_flow.decide(uow, second.case_id, later, CONFIG, TODAY, ACTOR)
    decided = case_flow.decide(
        uow, second.case_id, replace(later, new_value=Money.of("2400000")), CONFIG, TODAY, ACTOR
    )
    letter = fake.letters.get(decided.case_id, LetterKind.DECISION, Instance.VALUATION_COMMITTEE)
    assert letter is not None and letter.value_before == Money.of("2500000")


@pytest.mark.parametrize(
    ("given", "refused_field"),
    [
        (_decision(Outcome.UPHELD, None), "new_value"),
        (_decision(Outcome.UPHELD, "3500000"), "new_value"),
        (_decision(Outcome.NOT_UPHELD, "3500000"), "new_value"),
        (replace(_decision(Outcome.UPHELD, "2500000"), reasons=" "), "reasons"),
        (replace(_decision(Outcome.UPHELD, "2500000"), outcome=None), "outcome"),
    ],
    ids=["upheld without value", "upheld raising", "not upheld raising", "no reasons", "no outcome"],
)
def test_a_decision_that_contradicts_its_outcome_is_refused_and_nothing_is_recorded(
    given: case_flow.DecisionInput, refused_field: str
) -> None:
    uow, fake = _uow_and_fake()
    case = _scheduled(uow, fake)
    commits = fake.commits
    with pytest.raises(InvalidInput) as refused:
        case_flow.decide(uow, case.case_id, given, CONFIG, TODAY, ACTOR)
    assert [v.field for v in refused.value.violations] == [refused_field]
    _assert_undecided(fake, case, commits)


@pytest.mark.parametrize(
    ("given", "says"),
    [
        (_decision(Outcome.UPHELD, "2500000", ("chair",)), "1 of 3 members take part, 2 needed"),
        (_decision(Outcome.UPHELD, "2500000", ("chair", "stranger")), "stranger is not a member"),
        (replace(_decision(Outcome.UPHELD, "2500000"), meeting_id="meeting-2"), "not on the agenda"),
    ],
    ids=["without quorum", "not a member", "another meeting"],
)
def test_a_decision_the_committee_cannot_make_there_is_refused_and_nothing_is_recorded(
    given: case_flow.DecisionInput, says: str
) -> None:
    uow, fake = _uow_and_fake()
    case = _scheduled(uow, fake)
    commits = fake.commits
    with pytest.raises(FailedPrecondition, match=says):
        case_flow.decide(uow, case.case_id, given, CONFIG, TODAY, ACTOR)
    _assert_undecided(fake, case, commits)


def _assert_undecided(fake: FakeAppealsUnitOfWork, case: AppealCase, commits: int) -> None:
    assert fake.cases.get(case.case_id) == case and fake.cases.decision_log == []
    assert fake.events == [] and fake.commits == commits
    assert fake.letters.get(case.case_id, LetterKind.DECISION, Instance.VALUATION_COMMITTEE) is None


def test_a_late_complaint_not_admitted_can_only_be_dismissed() -> None:
    uow, _ = _uow_and_fake()
    case = _register(uow, _complaint(received_on=date(2024, 4, 16)))
    case_flow.prepare(uow, case.case_id, "dismiss", date(2024, 5, 2), TODAY, ACTOR)
    case_flow.schedule(uow, case.case_id, MEETING.meeting_id, date(2024, 5, 3), TODAY, ACTOR)
    with pytest.raises(FailedPrecondition, match="came late and is not admitted"):
        case_flow.decide(uow, case.case_id, _decision(Outcome.UPHELD, "2500000"), CONFIG, TODAY, ACTOR)
    dismissed = case_flow.decide(uow, case.case_id, _decision(Outcome.DISMISSED, None), CONFIG, TODAY, ACTOR)
    assert dismissed.state == CaseState.DECIDED and dismissed.decisions[0].outcome == Outcome.DISMISSED


# A meeting's agenda


def test_the_agenda_shows_the_cases_put_on_the_meeting_with_the_members_disqualified_in_them() -> None:
    uow, fake = _uow_and_fake()
    case = _register(uow)
    case_flow.disqualify(uow, case.case_id, "member-a", "neighbour", date(2024, 4, 20), TODAY, ACTOR)
    case_flow.prepare(uow, case.case_id, "lower the value", date(2024, 5, 2), TODAY, ACTOR)
    case_flow.schedule(uow, case.case_id, LATER_MEETING.meeting_id, date(2024, 5, 3), TODAY, ACTOR)
    moved = case_flow.schedule(uow, case.case_id, MEETING.meeting_id, date(2024, 5, 6), TODAY, ACTOR)
    assert moved.meeting_id == MEETING.meeting_id
    renderer = RecordingDocuments()
    documents_port: DocumentRenderer = renderer

    rendered = documents.meeting_document(
        uow, MEETING.meeting_id, documents.MeetingDocument.AGENDA, OFFICE, documents_port
    )
    assert rendered.content == b"agenda"
    [call] = renderer.calls
    papers, office = call.args
    assert isinstance(papers, MeetingPapers) and office == OFFICE
    assert papers.meeting == MEETING and papers.committee == fake.committees.get("committee-1")
    assert [m.member_id for m in papers.members] == list(MEMBERS)
    assert papers.cases == (moved,)
    assert papers.disqualified == {case.case_id: ("member-a",)}
    assert papers.disqualified_names() == {case.case_id: ["Navn member-a"]}
    # Moved from the later meeting: no longer on its agenda.
    documents.meeting_document(
        uow, LATER_MEETING.meeting_id, documents.MeetingDocument.AGENDA, OFFICE, renderer
    )
    later, _ = renderer.calls[-1].args
    assert isinstance(later, MeetingPapers) and later.cases == ()


def test_a_letter_is_rendered_from_what_was_kept_when_it_was_issued() -> None:
    uow, fake = _uow_and_fake()
    case = _register(uow)
    renderer = RecordingDocuments()
    rendered = documents.letter(uow, case.case_number, LetterKind.ACKNOWLEDGEMENT, renderer)
    assert rendered.file_name == "acknowledgement.pdf"
    [call] = renderer.calls
    assert call.args == (case, fake.letters.get(case.case_id, LetterKind.ACKNOWLEDGEMENT), date(2024, 4, 2))
    with pytest.raises(FailedPrecondition, match="no decision yet"):
        documents.letter(uow, case.case_id, LetterKind.DECISION, renderer)


# Re-inspections


def test_an_inspection_without_a_case_answers_only_the_requests_made_on_or_before_its_day() -> None:
    uow, fake = _uow_and_fake()
    early = _register(uow, _complaint(received_on=date(2024, 4, 2)))
    late = _register(uow, _complaint(received_on=date(2024, 4, 3), name="Ola Nordmann"))
    case_flow.request_inspection(uow, early.case_id, "measure the attic", date(2024, 5, 2), TODAY, ACTOR)
    case_flow.request_inspection(uow, late.case_id, "look at the roof", date(2024, 5, 20), TODAY, ACTOR)

    done = case_flow.inspection_completed(uow, "p1", "", "BRA 118 m²", date(2024, 5, 10), "assessment")

    assert [c.case_id for c in done] == [early.case_id]
    answered, waiting = fake.cases.get(early.case_id), fake.cases.get(late.case_id)
    assert answered is not None and answered.state == CaseState.INSPECTED
    assert answered.inspection is not None and answered.inspection.findings == "BRA 118 m²"
    assert waiting is not None and waiting.state == CaseState.INSPECTION_REQUESTED
