"""Domain ⇄ protobuf for appeals' API: requests in, responses out (the outbox builds its event payloads
with the same helpers).

The proto enums are named PREFIX_<MEMBER NAME> after the domain's enums, so one pair of functions maps
them all; a proto value without a domain member (UNSPECIFIED, or unknown) maps to None.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from propertytax.appeals.v1 import appeals_pb2, events_pb2
from propertytax.platform.v1 import money_pb2
from services.appeals.application.ports import StoredHistory
from services.appeals.domain.cases import AppealCase, Decision
from services.appeals.domain.committees import Committee, Meeting, Member
from services.appeals.domain.complaint import Complainant
from services.platform.errors import InvalidInput
from services.platform.money import Money
from services.platform.numbers import NOK, check_money

E = TypeVar("E", bound=StrEnum)

_PREFIXES: dict[str, str] = {
    "CaseState": "APPEAL_CASE_STATE_",
    "Outcome": "APPEAL_OUTCOME_",
    "Instance": "APPEAL_INSTANCE_",
    "ComplainantKind": "COMPLAINANT_KIND_",
    "Channel": "COMPLAINT_CHANNEL_",
    "GroundKind": "GROUND_KIND_",
    "CommitteeKind": "COMMITTEE_KIND_",
    "MemberRole": "MEMBER_ROLE_",
    "DispatchBasis": "DISPATCH_BASIS_",
}
_PROTO_ENUMS: dict[str, Any] = {
    "CaseState": appeals_pb2.AppealCaseState,
    "Outcome": events_pb2.AppealOutcome,
    "Instance": events_pb2.AppealInstance,
    "ComplainantKind": appeals_pb2.ComplainantKind,
    "Channel": appeals_pb2.ComplaintChannel,
    "GroundKind": appeals_pb2.GroundKind,
    "CommitteeKind": appeals_pb2.CommitteeKind,
    "MemberRole": appeals_pb2.MemberRole,
    "DispatchBasis": appeals_pb2.DispatchBasis,
}


def money_from_proto(given: money_pb2.Money, field: str) -> Money:
    """An amount a caller sent in øre (a value, up to 100 billion kr); InvalidInput naming `field`."""
    try:
        return check_money(Money(given.ore), NOK)
    except ValueError as exc:
        raise InvalidInput.single(field, str(exc)) from None


def enum_to_proto(member: StrEnum | None) -> Any:
    if member is None:
        return 0
    name = type(member).__name__
    return _PROTO_ENUMS[name].Value(_PREFIXES[name] + member.name)


def enum_from_proto(kind: type[E], value: int) -> E | None:
    name = kind.__name__
    try:
        proto_name = _PROTO_ENUMS[name].Name(value)
    except ValueError:
        return None
    return kind.__members__.get(proto_name.removeprefix(_PREFIXES[name]))


def money(amount: Money | None) -> money_pb2.Money | None:
    return None if amount is None else money_pb2.Money(ore=amount.ore)


def day(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def decision_to_proto(d: Decision) -> appeals_pb2.Decision:
    return appeals_pb2.Decision(
        instance=enum_to_proto(d.instance),
        meeting_id=d.meeting_id,
        decided_on=day(d.decided_on),
        outcome=enum_to_proto(d.outcome),
        new_value=money(d.new_value),
        reasons=d.reasons,
        participant_ids=list(d.participant_ids),
        appeal_by=day(d.appeal_by),
    )


def complainant_to_proto(who: Complainant) -> appeals_pb2.Complainant:
    return appeals_pb2.Complainant(
        kind=enum_to_proto(who.kind),
        name=who.name,
        address_lines=list(who.address_lines),
        owner_ref=who.owner_ref,
        represents=who.represents,
    )


def case_to_proto(case: AppealCase) -> appeals_pb2.AppealCase:
    c = case.complaint
    answer, inspection = case.preliminary_answer, case.inspection
    return appeals_pb2.AppealCase(
        case_id=case.case_id,
        property_id=c.property_id,
        tax_year=c.tax_year,
        state=enum_to_proto(case.state),
        case_number=case.case_number,
        complainant=complainant_to_proto(c.complainant),
        received_on=day(c.received_on),
        channel=enum_to_proto(c.channel),
        postmarked_on=day(c.postmarked_on),
        grounds=[appeals_pb2.Ground(kind=enum_to_proto(g.kind), text=g.text) for g in c.grounds],
        attachments=[appeals_pb2.Attachment(reference=a.reference, title=a.title) for a in c.attachments],
        tax_base_version=case.notice.tax_base_version,
        disputed_valuation_version=case.notice.valuation_version,
        disputed_value=money(case.notice.value),
        list_announced_on=day(case.deadline.announced_on),
        bill_dispatched_on=day(case.deadline.dispatched_on),
        deadline=day(case.deadline.deadline),
        late=case.late,
        late_admission=case.late_admission,
        preliminary_answer_due=day(case.preliminary_answer_due),
        preliminary_answer_sent_on=day(answer.sent_on if answer else None),
        preliminary_answer_reason=answer.reason if answer else "",
        expected_decision_on=day(answer.expected_on if answer else None),
        inspection_requested_on=day(inspection.requested_on if inspection else None),
        inspection_note=inspection.note if inspection else "",
        inspection_completed_on=day(inspection.completed_on if inspection else None),
        inspection_findings=inspection.findings if inspection else "",
        prepared_on=day(case.prepared_on),
        recommendation=case.recommendation,
        case_officer=case.case_officer,
        committee_id=case.committee_id,
        appeals_committee_id=case.appeals_committee_id,
        meeting_id=case.meeting_id,
        decisions=[decision_to_proto(d) for d in case.decisions],
        forwarded_on=day(case.forwarded_on),
        further_appeal_by=day(case.further_appeal_by),
        outcome=enum_to_proto(case.outcome),
        closed_on=day(case.closed_on),
        closing_reason=case.closing_reason,
        value_in_force=money(case.value_in_force),
        bill_dispatch_basis=enum_to_proto(case.deadline.basis),
        acknowledged_on=day(case.acknowledged_on),
    )


def history_to_proto(items: Sequence[StoredHistory]) -> list[appeals_pb2.HistoryEntry]:
    return [
        appeals_pb2.HistoryEntry(
            action=h.entry.action.value,
            from_state=enum_to_proto(h.entry.from_state),
            to_state=enum_to_proto(h.entry.to_state),
            on=day(h.entry.on),
            actor=h.entry.actor,
            note=h.entry.note,
            recorded_at=h.recorded_at.isoformat(),
        )
        for h in items
    ]


def member_to_proto(m: Member) -> appeals_pb2.Member:
    return appeals_pb2.Member(
        member_id=m.member_id,
        committee_id=m.committee_id,
        name=m.name,
        role=enum_to_proto(m.role),
        term_start=day(m.term_start),
        term_end=day(m.term_end),
        executive_board=m.executive_board,
    )


def committee_to_proto(committee: Committee, members: Sequence[Member]) -> appeals_pb2.Committee:
    return appeals_pb2.Committee(
        committee_id=committee.committee_id,
        name=committee.name,
        kind=enum_to_proto(committee.kind),
        members=[member_to_proto(m) for m in members],
    )


def meeting_to_proto(meeting: Meeting, cases: Sequence[AppealCase]) -> appeals_pb2.Meeting:
    return appeals_pb2.Meeting(
        meeting_id=meeting.meeting_id,
        committee_id=meeting.committee_id,
        meets_on=day(meeting.meets_on),
        location=meeting.location,
        # Every case of the meeting was on its agenda (a case is decided at the meeting it is on).
        agenda_case_ids=[c.case_id for c in cases],
        decided_case_ids=[
            c.case_id for c in cases if any(d.meeting_id == meeting.meeting_id for d in c.decisions)
        ],
    )
