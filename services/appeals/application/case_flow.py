"""Commands that move a case along: each loads the case under a lock, lets the domain decide, and stores
the case, its history entries and its events (outbox) in one transaction. A command that issues a letter
(a preliminary answer, a decision) keeps what the letter shows from outside the case in that transaction
too (domain/letters.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from services.appeals.application import lookups
from services.appeals.application.committees import participation
from services.appeals.application.config import AppealsConfig
from services.appeals.application.ports import AppealsUnitOfWork
from services.appeals.domain import cases as flow
from services.appeals.domain import letters
from services.appeals.domain.cases import AppealCase, Change, Outcome
from services.appeals.domain.committees import Disqualification
from services.appeals.domain.letters import IssuedLetter
from services.appeals.domain.policy import AppealsPolicy, Office
from services.platform.errors import FailedPrecondition, InvalidInput
from services.platform.money import Money


def store(uow: AppealsUnitOfWork, change: Change, *, new: bool = False) -> AppealCase:
    """Writes a change (a new case's registration when `new`) inside the caller's transaction."""
    if new:
        uow.cases.add(change.case, uow.now())
    else:
        uow.cases.save(change.case, uow.now())
    uow.cases.add_history(change.case.case_id, change.history, uow.now())
    for event in change.events:
        uow.record(event)
    return change.case


def _apply(
    uow: AppealsUnitOfWork,
    case_id: str,
    command: Callable[[AppealCase], Change],
    issues: Callable[[AppealCase], IssuedLetter] | None = None,
) -> AppealCase:
    """Runs `command` on the locked case and stores the change; `issues`, given the changed case, is the
    letter the command issues, recorded in the same transaction."""
    with uow:
        case = store(uow, command(lookups.case(uow, case_id, lock=True)))
        if issues is not None:
            uow.letters.add(issues(case), uow.now())
        uow.commit()
    return case


def assign(
    uow: AppealsUnitOfWork,
    case_id: str,
    case_officer: str,
    committee_id: str,
    on: date,
    today: date,
    actor: str,
) -> AppealCase:
    def command(case: AppealCase) -> Change:
        committee = lookups.committee(uow, committee_id) if committee_id else None
        return flow.assign(case, case_officer, committee, on, today, actor)

    return _apply(uow, case_id, command)


def admit_late(
    uow: AppealsUnitOfWork, case_id: str, reasons: str, on: date, today: date, actor: str
) -> AppealCase:
    return _apply(uow, case_id, lambda case: flow.admit_late(case, reasons, on, today, actor))


def send_preliminary_answer(
    uow: AppealsUnitOfWork,
    case_id: str,
    reason: str,
    expected_on: date,
    on: date,
    today: date,
    actor: str,
    office: Office,
) -> AppealCase:
    """Sends the preliminary answer: the letter goes out under `office`'s letterhead of today."""
    return _apply(
        uow,
        case_id,
        lambda case: flow.send_preliminary_answer(case, reason, expected_on, on, today, actor),
        lambda answered: letters.preliminary_answer(answered, office),
    )


def request_inspection(
    uow: AppealsUnitOfWork,
    case_id: str,
    note: str,
    on: date,
    today: date,
    actor: str,
    needed_by: date | None = None,
) -> AppealCase:
    return _apply(uow, case_id, lambda case: flow.request_inspection(case, note, on, today, actor, needed_by))


def complete_inspection(
    uow: AppealsUnitOfWork, case_id: str, findings: str, on: date, today: date, actor: str
) -> AppealCase:
    return _apply(uow, case_id, lambda case: flow.complete_inspection(case, findings, on, today, actor))


def inspection_completed(
    uow: AppealsUnitOfWork, property_id: str, case_id: str, findings: str, on: date, actor: str
) -> list[AppealCase]:
    """Assessment reports an inspection (InspectionCompleted, inside the consumer's transaction): the
    named case, or every case of the property waiting for one requested on or before the inspection day,
    gets the findings (an inspection cannot answer a request made after it)."""
    with uow:
        waiting = [
            c
            for c in uow.cases.awaiting_inspection(property_id)
            if c.case_id == case_id
            or (not case_id and c.inspection is not None and c.inspection.requested_on <= on)
        ]
        done = [
            store(uow, flow.complete_inspection(c, findings, on, max(on, c.complaint.received_on), actor))
            for c in waiting
        ]
        uow.commit()
    return done


def prepare(
    uow: AppealsUnitOfWork, case_id: str, recommendation: str, on: date, today: date, actor: str
) -> AppealCase:
    return _apply(uow, case_id, lambda case: flow.prepare(case, recommendation, on, today, actor))


def disqualify(
    uow: AppealsUnitOfWork, case_id: str, member_id: str, reason: str, on: date, today: date, actor: str
) -> AppealCase:
    with uow:
        case = lookups.case(uow, case_id, lock=True)
        member = lookups.member(uow, member_id)
        if any(d.member_id == member_id for d in uow.committees.disqualifications(case.case_id)):
            raise FailedPrecondition(f"{member.name} is disqualified in this case already")
        change = flow.disqualify(case, member.name, reason, on, today, actor)
        uow.committees.disqualify(Disqualification(case.case_id, member_id, reason.strip()), uow.now())
        case = store(uow, change)
        uow.commit()
    return case


def schedule(
    uow: AppealsUnitOfWork, case_id: str, meeting_id: str, on: date, today: date, actor: str
) -> AppealCase:
    """Puts the case on the meeting's agenda, dated `on`. The agenda keeps it there whatever happens to
    the case later (a decision, a withdrawal); moving it to another meeting takes it off the first."""
    with uow:
        case = lookups.case(uow, case_id, lock=True)
        meeting = lookups.meeting(uow, meeting_id)
        committee = lookups.committee(uow, meeting.committee_id)
        change = flow.schedule(case, meeting, committee, on, today, actor)
        uow.committees.put_on_agenda(meeting_id, case.case_id, on, case.meeting_id, uow.now())
        case = store(uow, change)
        uow.commit()
    return case


@dataclass(frozen=True)
class DecisionInput:
    meeting_id: str
    outcome: Outcome | None
    new_value: Money | None
    reasons: str
    participant_ids: tuple[str, ...]


def decide(
    uow: AppealsUnitOfWork,
    case_id: str,
    given: DecisionInput,
    config: AppealsConfig,
    today: date,
    actor: str,
) -> AppealCase:
    """Records the decision under `config`'s policy; its letter names the meeting's committee as it is
    named today and goes out under the office's letterhead of today."""
    if given.outcome is None:
        raise InvalidInput.single("outcome", "upheld, partly upheld, not upheld or dismissed")
    with uow:
        case = lookups.case(uow, case_id, lock=True)
        meeting = lookups.meeting(uow, given.meeting_id)
        committee = lookups.committee(uow, meeting.committee_id)
        taking_part = participation(uow, meeting, case.case_id, given.participant_ids)
        # The property's value when the committee decides, other cases' decisions included: the outcome
        # is checked against it and the letter states the value in force after the decision from it.
        in_force = flow.property_value_in_force(
            case,
            uow.notices.get(case.property_id, case.tax_year),
            uow.cases.decisions_of_property(case.property_id, case.tax_year),
            meeting.meets_on,
        )
        change = flow.decide(
            case,
            meeting,
            taking_part,
            given.outcome,
            given.new_value,
            given.reasons,
            given.participant_ids,
            config.policy,
            today,
            actor,
            in_force=in_force,
        )
        case = store(uow, change)
        uow.letters.add(letters.decision(case, committee, config.office, in_force), uow.now())
        uow.commit()
    return case


def forward(
    uow: AppealsUnitOfWork,
    case_id: str,
    requested_on: date,
    late_reasons: str,
    policy: AppealsPolicy,
    today: date,
    actor: str,
) -> AppealCase:
    return _apply(
        uow, case_id, lambda case: flow.forward(case, requested_on, late_reasons, policy, today, actor)
    )


def close(uow: AppealsUnitOfWork, case_id: str, reason: str, on: date, today: date, actor: str) -> AppealCase:
    return _apply(uow, case_id, lambda case: flow.close(case, reason, on, today, actor))


def withdraw(
    uow: AppealsUnitOfWork, case_id: str, reason: str, on: date, today: date, actor: str
) -> AppealCase:
    return _apply(uow, case_id, lambda case: flow.withdraw(case, reason, on, today, actor))
