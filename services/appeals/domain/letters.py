"""The letters a case issues, and what each shows besides the case itself, fixed at the act that issues
it: a letter asked for again years later is the letter the complainant received.

Which act issues which letter:
- registration → the acknowledgement of receipt;
- sending a preliminary answer → the preliminary answer;
- a committee's decision → the decision letter of that instance (one per committee that decided).

What a letter reads from the case never changes after its act: the complaint, the deadline and the
lateness found at registration, the preliminary answer once sent (it cannot be sent twice), a decision
once recorded. What comes from outside the case can change after it (the office's letterhead and the
periods in appeals.yaml, a committee's name), so an IssuedLetter keeps it as it stood at the act, and
letters are rendered from it, never from the current configuration or committees.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from services.appeals.domain.cases import AppealCase, Decision, Instance
from services.appeals.domain.committees import Committee
from services.appeals.domain.policy import AppealsPolicy, Office
from services.platform.money import Money


class LetterKind(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    PRELIMINARY_ANSWER = "preliminary_answer"
    DECISION = "decision"


@dataclass(frozen=True)
class IssuedLetter:
    """One letter of a case as issued. Keyed by (case_id, kind, instance); `instance` names the deciding
    committee's instance for a decision letter and is None otherwise.

    office: the letterhead, signature and the tax authority named to complainants, as configured then.
    complaint_weeks: the complaint period the acknowledgement quotes (None for other letters).
    committee: the deciding committee as named then (decision letters only).
    value_before: the property's value when the committee decided (decision letters only): the bill's, or
      what a decision in any of the property's cases set since. The letter states the value in force
      after the decision from it. None in letters issued before it was kept (their own case's value).
    layout: the page layout the letter was issued in. 1: date and reference on one line, PDF dated
      01.01.2000 (letters issued before 0007); 2 (LAYOUT): date and reference on lines of their own, the
      PDF dated the letter's date. An issued letter keeps its layout, so it renders as it was sent.
    """

    case_id: str
    kind: LetterKind
    instance: Instance | None
    office: Office
    complaint_weeks: int | None = None
    committee: Committee | None = None
    value_before: Money | None = None
    layout: int = 1


LAYOUT = 2  # the layout letters are issued in now (see IssuedLetter.layout)


def acknowledgement(case: AppealCase, office: Office, policy: AppealsPolicy) -> IssuedLetter:
    """Issued when the case is registered, under the policy its deadline was computed with."""
    return IssuedLetter(
        case.case_id,
        LetterKind.ACKNOWLEDGEMENT,
        None,
        office,
        complaint_weeks=policy.complaint_weeks,
        layout=LAYOUT,
    )


def preliminary_answer(case: AppealCase, office: Office) -> IssuedLetter:
    """Issued when the preliminary answer is sent. Raises ValueError for a case without one."""
    if case.preliminary_answer is None:
        raise ValueError(f"case {case.case_number} has sent no preliminary answer")
    return IssuedLetter(case.case_id, LetterKind.PRELIMINARY_ANSWER, None, office, layout=LAYOUT)


def decision(
    case: AppealCase, committee: Committee, office: Office, value_before: Money | None = None
) -> IssuedLetter:
    """Issued with the case's latest decision, taken by `committee` when the property's value was
    `value_before` (the letter then states the case's own value when not given). Raises ValueError for
    an undecided case."""
    if not case.decisions:
        raise ValueError(f"case {case.case_number} has no decision")
    latest = case.decisions[-1]
    return IssuedLetter(
        case.case_id,
        LetterKind.DECISION,
        latest.instance,
        office,
        committee=committee,
        value_before=value_before,
        layout=LAYOUT,
    )


def value_before_decision(case: AppealCase, earlier: tuple[Decision, ...]) -> Money:
    """The case's own value before a decision: the bill's, or what its earlier decisions set. (Letters
    issued before the property's value was kept with them state this.)"""
    value = case.notice.value
    for previous in earlier:
        if previous.new_value is not None:
            value = previous.new_value
    return value


def decision_of(case: AppealCase, letter: IssuedLetter) -> tuple[Decision, tuple[Decision, ...]]:
    """The decision a decision letter is about, and the case's decisions before it (they give the value
    it changed). Raises ValueError when the case has no decision of the letter's instance."""
    for n, found in enumerate(case.decisions):
        if found.instance == letter.instance:
            return found, case.decisions[:n]
    raise ValueError(f"case {case.case_number} has no decision of the {letter.instance}")
