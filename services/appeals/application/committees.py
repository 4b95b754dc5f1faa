"""Commands and queries on the committees: members with their terms, meetings, quorum checks."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from services.appeals.application import lookups
from services.appeals.application.ports import AppealsUnitOfWork
from services.appeals.domain.cases import AppealCase
from services.appeals.domain.committees import (
    Committee,
    CommitteeKind,
    Meeting,
    Member,
    MemberRole,
    Participation,
    check_participation,
)
from services.appeals.domain.complaint import check_text
from services.platform.errors import FailedPrecondition, Violations
from services.platform.ids import new_id


def create_committee(uow: AppealsUnitOfWork, name: str, kind: CommitteeKind | None) -> Committee:
    problems = Violations()
    check_text(problems, "name", name, required=True, limit=200)
    if kind is None:
        problems.add("kind", "valuation or appeals")
    problems.raise_if_any()
    assert kind is not None
    committee = Committee(new_id(), name.strip(), kind)
    with uow:
        uow.committees.add(committee)
        uow.commit()
    return committee


def add_member(
    uow: AppealsUnitOfWork,
    committee_id: str,
    name: str,
    role: MemberRole | None,
    term: tuple[date, date],
    executive_board: bool,
    problems: Violations | None = None,
) -> Member:
    problems = problems or Violations()
    check_text(problems, "name", name, required=True, limit=200)
    if role is None:
        problems.add("role", "chair, deputy chair, member or deputy")
    if term[1] < term[0]:
        problems.add("term_end", "cannot be before the first day of the term")
    if executive_board:
        # DOMAIN.md § 2: members of the executive board may not sit on the committees.
        problems.add(
            "executive_board", "members of the executive board (formannskapet) may not sit on the committees"
        )
    problems.raise_if_any()
    assert role is not None
    with uow:
        lookups.committee(uow, committee_id)
        seated = [
            m
            for m in uow.committees.members(committee_id)
            if m.term_start <= term[1] and term[0] <= m.term_end
        ]
        for single in (MemberRole.CHAIR, MemberRole.DEPUTY_CHAIR):
            if role == single and any(m.role == single for m in seated):
                raise FailedPrecondition(f"the committee has a {single.value.replace('_', ' ')} in that term")
        member = Member(new_id(), committee_id, name.strip(), role, term[0], term[1], executive_board)
        uow.committees.add_member(member)
        uow.commit()
    return member


def list_committees(uow: AppealsUnitOfWork) -> list[tuple[Committee, list[Member]]]:
    with uow:
        return [(c, uow.committees.members(c.committee_id)) for c in uow.committees.all()]


def create_meeting(
    uow: AppealsUnitOfWork,
    committee_id: str,
    meets_on: date,
    location: str,
    problems: Violations | None = None,
) -> Meeting:
    problems = problems or Violations()
    check_text(problems, "location", location, required=True, limit=200)
    problems.raise_if_any()
    with uow:
        lookups.committee(uow, committee_id)
        meeting = Meeting(new_id(), committee_id, meets_on, location.strip())
        uow.committees.add_meeting(meeting)
        uow.commit()
    return meeting


def list_meetings(
    uow: AppealsUnitOfWork, committee_id: str, start: date | None, end: date | None
) -> list[tuple[Meeting, list[AppealCase]]]:
    with uow:
        return [
            (m, uow.cases.on_meeting(m.meeting_id)) for m in uow.committees.meetings(committee_id, start, end)
        ]


def participation(
    uow: AppealsUnitOfWork, meeting: Meeting, case_id: str, participant_ids: Collection[str]
) -> Participation:
    """Whether these members may decide the case at the meeting (inside the caller's transaction)."""
    members = uow.committees.members(meeting.committee_id)
    disqualified = {d.member_id for d in uow.committees.disqualifications(case_id)}
    return check_participation(members, participant_ids, disqualified, meeting.meets_on)


def check_quorum(
    uow: AppealsUnitOfWork, meeting_id: str, case_id: str, participant_ids: Collection[str]
) -> Participation:
    problems = Violations()
    if not meeting_id:
        problems.add("meeting_id", "is required")
    if not case_id:
        problems.add("case_id", "is required")
    problems.raise_if_any()
    with uow:
        meeting = lookups.meeting(uow, meeting_id)
        case = lookups.case(uow, case_id)
        return participation(uow, meeting, case.case_id, participant_ids)
