"""Owners and ownership changes. Owners' identity numbers are personal data: the domain validates them
and hands them on to be sealed; events and messages carry only an opaque owner reference."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction

from services.platform.errors import Violations
from services.platform.identity import (
    check_free_text,
    is_valid_national_id,
    is_valid_organisation_number,
)


class OwnerKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


@dataclass(frozen=True)
class NewOwner:
    kind: OwnerKind | None
    identity_number: str  # fødselsnummer / D-number, or organisation number
    name: str
    share: Fraction

    def __repr__(self) -> str:  # never print the identity number, not even in a traceback
        return f"NewOwner(kind={self.kind}, name={self.name!r}, share={self.share})"


@dataclass(frozen=True)
class OwnerShare:
    owner_ref: str
    kind: OwnerKind
    name: str
    share: Fraction
    organisation_number: str = ""  # public register data; a person's number is never kept here


@dataclass(frozen=True)
class OwnershipChanged:
    """Domain event: from `effective_date` the property is owned by `owners` (no identity numbers)."""

    property_id: str
    effective_date: date
    owners: tuple[OwnerShare, ...]


def check_owners(owners: list[NewOwner]) -> None:
    """Every owner valid, shares positive and adding up to the whole; raises InvalidInput."""
    problems = Violations()
    if not owners:
        problems.add("owners", "at least one owner")
    for index, owner in enumerate(owners):
        path = f"owners[{index}]"
        if owner.kind is None:
            problems.add(f"{path}.kind", "person or organisation")
        elif owner.kind == OwnerKind.PERSON and not is_valid_national_id(owner.identity_number):
            problems.add(
                f"{path}.identity_number",
                "not a valid national identity or D-number (11 digits, 2 check digits)",
            )
        elif owner.kind == OwnerKind.ORGANISATION and not is_valid_organisation_number(owner.identity_number):
            problems.add(f"{path}.identity_number", "not a valid organisation number (9 digits, MOD11)")
        if not owner.name.strip():
            problems.add(f"{path}.name", "is required")
        else:  # a name, stored and published: the rule for free text keeps identity numbers out of it
            check_free_text(problems, f"{path}.name", owner.name)
        if owner.share <= 0 or owner.share > 1:
            problems.add(f"{path}.share", "must be a fraction above 0 and at most 1")
    if owners and all(o.share > 0 for o in owners) and sum((o.share for o in owners), Fraction(0)) != 1:
        problems.add("owners", "the shares must add up to exactly 1")
    problems.raise_if_any()
