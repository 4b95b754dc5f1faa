"""Loading what a request names by its id, inside the caller's transaction: a missing id is bad input on
its field, an id nothing has is not found."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from services.appeals.application.ports import AppealsUnitOfWork
from services.appeals.domain.cases import AppealCase
from services.appeals.domain.committees import Committee, Meeting, Member
from services.platform.errors import InvalidInput, NotFound

T = TypeVar("T")


def required(key: str, field: str, what: str, get: Callable[[str], T | None]) -> T:
    if not key:
        raise InvalidInput.single(field, "is required")
    found = get(key)
    if found is None:
        raise NotFound(f"no {what} {key}")
    return found


def case(uow: AppealsUnitOfWork, case_id: str, *, lock: bool = False) -> AppealCase:
    return required(case_id, "case_id", "appeal case", lambda key: uow.cases.get(key, lock=lock))


def committee(uow: AppealsUnitOfWork, committee_id: str) -> Committee:
    return required(committee_id, "committee_id", "committee", uow.committees.get)


def meeting(uow: AppealsUnitOfWork, meeting_id: str) -> Meeting:
    return required(meeting_id, "meeting_id", "meeting", uow.committees.meeting)


def member(uow: AppealsUnitOfWork, member_id: str) -> Member:
    return required(member_id, "member_id", "member", uow.committees.member)
