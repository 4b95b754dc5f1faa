"""Stores the committees, their members and meetings, and members' disqualifications per case."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from services.appeals.adapters.orm import (
    committee_members,
    committees,
    disqualifications,
    meeting_agenda,
    meetings,
)
from services.appeals.domain.committees import (
    Committee,
    CommitteeKind,
    Disqualification,
    Meeting,
    Member,
    MemberRole,
)

_ROLE_ORDER = {MemberRole.CHAIR: 0, MemberRole.DEPUTY_CHAIR: 1, MemberRole.MEMBER: 2, MemberRole.DEPUTY: 3}


def _member(row: Any) -> Member:
    return Member(
        row.member_id,
        row.committee_id,
        row.name,
        MemberRole(row.role),
        row.term_start,
        row.term_end,
        row.executive_board,
    )


def _meeting(row: Any) -> Meeting:
    return Meeting(row.meeting_id, row.committee_id, row.meets_on, row.location)


class CommitteeRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, committee: Committee) -> None:
        self._session.execute(
            insert(committees).values(
                committee_id=committee.committee_id, name=committee.name, kind=committee.kind.value
            )
        )

    def get(self, committee_id: str) -> Committee | None:
        row = self._session.execute(
            select(committees).where(committees.c.committee_id == committee_id)
        ).first()
        return None if row is None else Committee(row.committee_id, row.name, CommitteeKind(row.kind))

    def all(self) -> list[Committee]:
        rows = self._session.execute(select(committees).order_by(committees.c.kind, committees.c.name)).all()
        return [Committee(r.committee_id, r.name, CommitteeKind(r.kind)) for r in rows]

    def add_member(self, member: Member) -> None:
        self._session.execute(
            insert(committee_members).values(
                member_id=member.member_id,
                committee_id=member.committee_id,
                name=member.name,
                role=member.role.value,
                term_start=member.term_start,
                term_end=member.term_end,
                executive_board=member.executive_board,
            )
        )

    def members(self, committee_id: str) -> list[Member]:
        rows = self._session.execute(
            select(committee_members).where(committee_members.c.committee_id == committee_id)
        ).all()
        return sorted((_member(r) for r in rows), key=lambda m: (_ROLE_ORDER[m.role], m.term_start, m.name))

    def member(self, member_id: str) -> Member | None:
        row = self._session.execute(
            select(committee_members).where(committee_members.c.member_id == member_id)
        ).first()
        return None if row is None else _member(row)

    def add_meeting(self, meeting: Meeting) -> None:
        self._session.execute(
            insert(meetings).values(
                meeting_id=meeting.meeting_id,
                committee_id=meeting.committee_id,
                meets_on=meeting.meets_on,
                location=meeting.location,
            )
        )

    def meeting(self, meeting_id: str) -> Meeting | None:
        row = self._session.execute(select(meetings).where(meetings.c.meeting_id == meeting_id)).first()
        return None if row is None else _meeting(row)

    def meetings(
        self, committee_id: str = "", start: date | None = None, end: date | None = None
    ) -> list[Meeting]:
        query = select(meetings)
        if committee_id:
            query = query.where(meetings.c.committee_id == committee_id)
        if start is not None:
            query = query.where(meetings.c.meets_on >= start)
        if end is not None:
            query = query.where(meetings.c.meets_on <= end)
        rows = self._session.execute(query.order_by(meetings.c.meets_on, meetings.c.meeting_id)).all()
        return [_meeting(r) for r in rows]

    def put_on_agenda(self, meeting_id: str, case_id: str, on: date, moved_from: str, at: datetime) -> None:
        """The case goes on the meeting's agenda on `on`; when it was on another meeting (`moved_from`),
        it is marked moved from there. A case moved back to a meeting is on its agenda again."""
        a = meeting_agenda.c
        if moved_from:
            self._session.execute(
                update(meeting_agenda)
                .where(a.meeting_id == moved_from, a.case_id == case_id)
                .values(moved_on=on)
            )
        self._session.execute(delete(meeting_agenda).where(a.meeting_id == meeting_id, a.case_id == case_id))
        self._session.execute(
            insert(meeting_agenda).values(
                meeting_id=meeting_id, case_id=case_id, scheduled_on=on, moved_on=None, recorded_at=at
            )
        )

    def disqualify(self, item: Disqualification, at: datetime) -> None:
        self._session.execute(
            insert(disqualifications).values(
                case_id=item.case_id, member_id=item.member_id, reason=item.reason, recorded_at=at
            )
        )

    def disqualifications(self, case_id: str) -> list[Disqualification]:
        rows = self._session.execute(
            select(disqualifications).where(disqualifications.c.case_id == case_id)
        ).all()
        return [Disqualification(r.case_id, r.member_id, r.reason) for r in rows]
