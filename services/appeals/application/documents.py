"""Queries that render documents: letters to a complainant and a meeting's agenda or minutes. They are
rendered from what is stored, so asking again gives the same document."""

from __future__ import annotations

from enum import StrEnum

from services.appeals.adapters.documents_pdf import (
    Rendered,
    acknowledgement_pdf,
    agenda_pdf,
    decision_letter_pdf,
    minutes_pdf,
    preliminary_answer_pdf,
)
from services.appeals.adapters.unit_of_work import SqlAppealsUnitOfWork
from services.appeals.application import lookups
from services.appeals.application.config import AppealsConfig
from services.appeals.domain.policy import Office
from services.platform.clock import oslo_date
from services.platform.errors import FailedPrecondition, InvalidInput


class LetterKind(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    PRELIMINARY_ANSWER = "preliminary_answer"
    DECISION = "decision"


class MeetingDocument(StrEnum):
    AGENDA = "agenda"
    MINUTES = "minutes"


def letter(
    uow: SqlAppealsUnitOfWork, case_id: str, kind: LetterKind | None, config: AppealsConfig
) -> Rendered:
    if kind is None:
        raise InvalidInput.single("kind", "acknowledgement, preliminary answer or decision")
    with uow:
        case = lookups.case(uow, case_id)
        history = uow.cases.history(case_id)
        committee = None
        if case.decisions:
            deciding = case.decisions[-1].meeting_id
            meeting = uow.committees.meeting(deciding)
            committee = uow.committees.get(meeting.committee_id) if meeting else None
    if kind == LetterKind.ACKNOWLEDGEMENT:
        # Dated the day the office registered the complaint, whenever it is printed.
        return acknowledgement_pdf(case, config.office, config.policy, oslo_date(history[0].recorded_at))
    if kind == LetterKind.PRELIMINARY_ANSWER:
        if case.preliminary_answer is None:
            raise FailedPrecondition("no preliminary answer has been sent in this case")
        return preliminary_answer_pdf(case, config.office)
    if committee is None:
        raise FailedPrecondition("the case has no decision yet")
    return decision_letter_pdf(case, committee, config.office)


def meeting_document(
    uow: SqlAppealsUnitOfWork, meeting_id: str, kind: MeetingDocument | None, office: Office
) -> Rendered:
    if kind is None:
        raise InvalidInput.single("kind", "agenda or minutes")
    with uow:
        meeting = lookups.meeting(uow, meeting_id)
        committee = uow.committees.get(meeting.committee_id)
        assert committee is not None  # meetings are created for existing committees only
        members = uow.committees.members(committee.committee_id)
        cases = uow.cases.on_meeting(meeting_id)
        names = {m.member_id: m.name for m in members}
        disqualified = {
            c.case_id: [
                names.get(d.member_id, d.member_id) for d in uow.committees.disqualifications(c.case_id)
            ]
            for c in cases
        }
    if kind == MeetingDocument.AGENDA:
        return agenda_pdf(meeting, committee, members, cases, disqualified, office)
    return minutes_pdf(meeting, committee, members, cases, office)
