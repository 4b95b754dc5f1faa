"""The expert committees: members with roles and terms of office, meetings, quorum and conflicts of
interest.

Rules and their sources (DOMAIN.md § 2 names the principles, not the numbers):
- Quorum: DOMAIN.md § 2 gives no rule. The committees are municipal bodies, so the Local Government Act
  applies: a body may decide only when at least half of its members were present and voted
  (kommuneloven § 11-9 first paragraph). "Members" are the ordinary seats (chair, deputy chair,
  members) whose term covers the meeting day; a deputy counts only when standing in for an ordinary
  member who is absent or disqualified, so no more people vote than there are seats.
- Conflict of interest: a member disqualified for a case (forvaltningsloven § 6) cannot take part in it;
  a deputy may stand in.
- Members of the executive board (formannskapet) may not sit on the committees (DOMAIN.md § 2; the
  property tax act's own disqualification rule, proposed in Prop. 112 L (2011–2012) chapter 3): such a
  member is never appointed and, should the flag be set later, can take part in nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class CommitteeKind(StrEnum):
    VALUATION = "valuation"  # sakkyndig nemnd: first instance
    APPEALS = "appeals"  # sakkyndig klagenemnd: decides finally


class MemberRole(StrEnum):
    CHAIR = "chair"
    DEPUTY_CHAIR = "deputy_chair"
    MEMBER = "member"
    DEPUTY = "deputy"  # varamedlem: stands in for an ordinary member

    @property
    def ordinary(self) -> bool:
        return self != MemberRole.DEPUTY


@dataclass(frozen=True)
class Committee:
    committee_id: str
    name: str
    kind: CommitteeKind


@dataclass(frozen=True)
class Member:
    member_id: str
    committee_id: str
    name: str
    role: MemberRole
    term_start: date
    term_end: date  # last day of the term
    executive_board: bool = False

    def seated_on(self, day: date) -> bool:
        return self.term_start <= day <= self.term_end


@dataclass(frozen=True)
class Meeting:
    meeting_id: str
    committee_id: str
    meets_on: date
    location: str


@dataclass(frozen=True)
class Disqualification:
    case_id: str
    member_id: str
    reason: str


@dataclass(frozen=True)
class Participation:
    """Who would take part in deciding one case at one meeting, and whether that is lawful."""

    seats: int  # ordinary members seated on the day
    required: int  # at least half of the seats
    counted: int  # participants who may vote
    problems: tuple[str, ...]  # why someone may not take part, in English for the secretariat

    @property
    def quorate(self) -> bool:
        return not self.problems and self.seats > 0 and self.counted >= self.required


def required_for_quorum(seats: int) -> int:
    return (seats + 1) // 2  # "at least half": 3 seats need 2, 4 seats need 2, 5 need 3


def check_participation(
    members: Iterable[Member],
    participant_ids: Collection[str],
    disqualified_ids: Collection[str],
    day: date,
) -> Participation:
    by_id = {m.member_id: m for m in members}
    seated = [m for m in by_id.values() if m.seated_on(day)]
    seats = sum(1 for m in seated if m.role.ordinary)
    problems: list[str] = []
    ordinary_voting = 0
    deputies_voting = 0
    for member_id in sorted(set(participant_ids)):
        member = by_id.get(member_id)
        if member is None:
            problems.append(f"{member_id} is not a member of this committee")
        elif not member.seated_on(day):
            problems.append(f"{member.name} is not in office on {day.isoformat()}")
        elif member.executive_board:
            problems.append(f"{member.name} sits on the executive board and may not take part")
        elif member_id in disqualified_ids:
            problems.append(f"{member.name} is disqualified in this case and may not take part")
        elif member.role.ordinary:
            ordinary_voting += 1
        else:
            deputies_voting += 1
    if len(participant_ids) != len(set(participant_ids)):
        problems.append("a participant is named twice")
    vacant = seats - ordinary_voting
    if deputies_voting > vacant:
        problems.append(
            f"{deputies_voting} deputies but only {vacant} ordinary members absent or disqualified"
        )
    counted = ordinary_voting + min(deputies_voting, max(vacant, 0))
    return Participation(seats, required_for_quorum(seats), counted, tuple(problems))
