"""Queries that render documents: letters to a complainant and a meeting's agenda or minutes.

A letter is rendered from the case and what was kept when the act that issued it happened (an
IssuedLetter: the letterhead, the quoted period, the deciding committee as they stood then), never from
the current configuration or committees, so asking again gives the bytes first issued; it is dated on the
business date of its act. Meeting documents record the meeting as planned and held (the agenda every case
put on it, whatever happened to the case later; the minutes what was decided), under the office's
current letterhead."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from services.appeals.application import lookups
from services.appeals.application.ports import AppealsUnitOfWork, DocumentRenderer, MeetingPapers, Rendered
from services.appeals.domain.cases import AppealCase
from services.appeals.domain.letters import IssuedLetter, LetterKind
from services.appeals.domain.policy import Office
from services.platform.clock import oslo_date
from services.platform.errors import FailedPrecondition, InvalidInput

__all__ = ["LetterKind", "MeetingDocument", "letter", "meeting_document"]


class MeetingDocument(StrEnum):
    AGENDA = "agenda"
    MINUTES = "minutes"


def letter(
    uow: AppealsUnitOfWork, case_id: str, kind: LetterKind | None, renderer: DocumentRenderer
) -> Rendered:
    """The case's letter of this kind as issued; for a decision, the letter of the latest decision.

    Raises InvalidInput (no kind), NotFound (no such case), FailedPrecondition (the letter has not been
    issued: no preliminary answer sent, no decision yet; or the case has no record of it)."""
    if kind is None:
        raise InvalidInput.single("kind", "acknowledgement, preliminary answer or decision")
    with uow:
        case = lookups.case(uow, case_id)
        if kind == LetterKind.PRELIMINARY_ANSWER and case.preliminary_answer is None:
            raise FailedPrecondition("no preliminary answer has been sent in this case")
        if kind == LetterKind.DECISION and not case.decisions:
            raise FailedPrecondition("the case has no decision yet")
        instance = case.decisions[-1].instance if kind == LetterKind.DECISION else None
        issued = uow.letters.get(case.case_id, kind, instance)
        history = uow.cases.history(case.case_id) if kind == LetterKind.ACKNOWLEDGEMENT else []
    if issued is None:
        # Every act that issues a letter records it (and 0004 back-filled the earlier ones): rendering
        # from today's configuration instead would show what the complainant never received.
        raise FailedPrecondition(
            f"case {case.case_number} has no record of its {kind.value} letter as issued"
        )
    return _render(renderer, case, issued, history[0].recorded_at if history else None)


def _render(
    renderer: DocumentRenderer, case: AppealCase, issued: IssuedLetter, registered_at: datetime | None
) -> Rendered:
    if issued.kind == LetterKind.ACKNOWLEDGEMENT:
        # Dated on the acknowledgement's business date (by default the day received), whenever it is printed;
        # a case registered before that date was recorded keeps the day it was registered, as issued.
        if case.acknowledged_on is not None:
            return renderer.acknowledgement(case, issued, case.acknowledged_on)
        assert registered_at is not None
        return renderer.acknowledgement(case, issued, oslo_date(registered_at))
    if issued.kind == LetterKind.PRELIMINARY_ANSWER:
        return renderer.preliminary_answer(case, issued)
    return renderer.decision_letter(case, issued)


def meeting_document(
    uow: AppealsUnitOfWork,
    meeting_id: str,
    kind: MeetingDocument | None,
    office: Office,
    renderer: DocumentRenderer,
) -> Rendered:
    if kind is None:
        raise InvalidInput.single("kind", "agenda or minutes")
    with uow:
        meeting = lookups.meeting(uow, meeting_id)
        committee = uow.committees.get(meeting.committee_id)
        assert committee is not None  # meetings are created for existing committees only
        cases = uow.cases.on_meeting(meeting_id)
        papers = MeetingPapers(
            meeting,
            committee,
            tuple(uow.committees.members(committee.committee_id)),
            tuple(cases),
            {
                c.case_id: tuple(d.member_id for d in uow.committees.disqualifications(c.case_id))
                for c in cases
            },
        )
    if kind == MeetingDocument.AGENDA:
        return renderer.agenda(papers, office)
    return renderer.minutes(papers, office)
