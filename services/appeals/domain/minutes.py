"""Who a meeting's minutes (møteprotokoll) name: those present, those absent, and who chaired.

Attendance is what the decisions record: a member took part in the meeting when they took part in
deciding one of its cases. Absent (forfall) are the ordinary members whose term covers the meeting day
and who took part in none (one disqualified for the meeting's cases stepped aside and is named with the
case instead); a deputy is called only to stand in, so one not called is not absent. The meeting is
chaired by the chair when present, otherwise by the deputy chair (kommuneloven § 11-2: the deputy chair
leads when the chair is absent); when neither took part the minutes say so.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from services.appeals.domain.committees import Member, MemberRole

_ROLE_ORDER = (MemberRole.CHAIR, MemberRole.DEPUTY_CHAIR, MemberRole.MEMBER, MemberRole.DEPUTY)


@dataclass(frozen=True)
class Attendance:
    present: tuple[Member, ...]
    absent: tuple[Member, ...]
    chaired_by: Member | None


def _in_order(members: Iterable[Member]) -> tuple[Member, ...]:
    return tuple(sorted(members, key=lambda m: (_ROLE_ORDER.index(m.role), m.name, m.member_id)))


def attendance(
    members: Collection[Member],
    meets_on: date,
    participant_ids: Collection[str],
    disqualified_ids: Collection[str] = (),
) -> Attendance:
    """`participant_ids`: everyone who took part in any decision made at the meeting; `disqualified_ids`:
    members disqualified for its cases (they stepped aside, they are not absent)."""
    taking_part, stepped_aside = set(participant_ids), set(disqualified_ids)
    present = _in_order(m for m in members if m.member_id in taking_part)
    absent = _in_order(
        m
        for m in members
        if m.role.ordinary
        and m.seated_on(meets_on)
        and m.member_id not in taking_part
        and m.member_id not in stepped_aside
    )
    chair = next((m for m in present if m.role == MemberRole.CHAIR), None)
    deputy_chair = next((m for m in present if m.role == MemberRole.DEPUTY_CHAIR), None)
    return Attendance(present, absent, chair or deputy_chair)
