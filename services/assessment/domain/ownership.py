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


# How an owner wants invoices, in billing's words (billing's Channel and InvoiceInterval): the register
# only passes them on in OwnershipChanged, so that billing can invoice a new owner without more commands.
CHANNELS_FOR = {
    OwnerKind.PERSON: ("efaktura", "print"),
    OwnerKind.ORGANISATION: ("ehf",),
}
INTERVALS = ("monthly", "bimonthly", "quarterly", "half_yearly", "yearly")


@dataclass(frozen=True)
class PostalAddress:
    lines: tuple[str, ...]
    postcode: str
    city: str


@dataclass(frozen=True)
class Delivery:
    """Where and how an owner is invoiced: carried to billing, not kept by the register."""

    address: PostalAddress | None = None
    channel: str = ""  # empty: billing's default for the kind of owner
    interval: str = ""  # empty: billing's default


@dataclass(frozen=True)
class NewOwner:
    kind: OwnerKind | None
    identity_number: str  # fødselsnummer / D-number, or organisation number
    name: str
    share: Fraction
    delivery: Delivery = Delivery()

    def __repr__(self) -> str:  # never print the identity number, not even in a traceback
        return f"NewOwner(kind={self.kind}, name={self.name!r}, share={self.share})"


@dataclass(frozen=True)
class OwnerShare:
    owner_ref: str
    kind: OwnerKind
    name: str
    share: Fraction
    organisation_number: str = ""  # public register data; a person's number is never kept here
    delivery: Delivery = Delivery()


@dataclass(frozen=True)
class OwnershipChanged:
    """Domain event: from `effective_date` the property is owned by `owners` (no identity numbers)."""

    property_id: str
    effective_date: date
    owners: tuple[OwnerShare, ...]


def owner_problems(owner: NewOwner, problems: Violations, path: str = "") -> None:
    """Adds one owner's problems to `problems`, each under its request field (`path` + "name",
    "identity_number", "share", "postal_address.postcode", "billing_channel" …); an identity number is
    never echoed."""
    if owner.kind is None:
        problems.add(f"{path}kind", "person or organisation")
    elif owner.kind == OwnerKind.PERSON and not is_valid_national_id(owner.identity_number):
        problems.add(
            f"{path}identity_number",
            "not a valid national identity or D-number (11 digits, 2 check digits)",
        )
    elif owner.kind == OwnerKind.ORGANISATION and not is_valid_organisation_number(owner.identity_number):
        problems.add(f"{path}identity_number", "not a valid organisation number (9 digits, MOD11)")
    if not owner.name.strip():
        problems.add(f"{path}name", "is required")
    else:  # a name, stored and published: the rule for free text keeps identity numbers out of it
        check_free_text(problems, f"{path}name", owner.name)
    if owner.share <= 0 or owner.share > 1:
        problems.add(f"{path}share", "must be a fraction above 0 and at most 1")
    _delivery_problems(owner, problems, path)


def _delivery_problems(owner: NewOwner, problems: Violations, path: str) -> None:
    delivery = owner.delivery
    if delivery.address is not None:
        where = f"{path}postal_address."
        if not any(line.strip() for line in delivery.address.lines):
            problems.add(f"{where}address_lines", "is required with a postcode and city")
        for line in delivery.address.lines:
            check_free_text(problems, f"{where}address_lines", line)
        if not (len(delivery.address.postcode) == 4 and delivery.address.postcode.isdigit()):
            problems.add(f"{where}postcode", "four digits, e.g. 0155")
        if not delivery.address.city.strip():
            problems.add(f"{where}city", "is required with an address")
        else:
            check_free_text(problems, f"{where}city", delivery.address.city)
    if delivery.channel and owner.kind is not None:
        allowed = CHANNELS_FOR[owner.kind]
        if delivery.channel not in allowed:
            article = "an" if owner.kind == OwnerKind.ORGANISATION else "a"
            invoiced = f"{article} {owner.kind.value} is invoiced by {' or '.join(allowed)}"
            # A channel meant for the other kind of owner says whose it is first: that is the mistake.
            other = [kind for kind, channels in CHANNELS_FOR.items() if delivery.channel in channels]
            problems.add(
                f"{path}billing_channel",
                f"{delivery.channel} is for {other[0].value}s; {invoiced}"
                if other
                else f"{invoiced} (the channels are ehf, efaktura and print)",
            )
    if delivery.interval and delivery.interval not in INTERVALS:
        problems.add(f"{path}invoice_interval", f"one of {', '.join(INTERVALS)}")


def check_owners(owners: list[NewOwner]) -> None:
    """Every owner valid, shares positive and adding up to the whole; raises InvalidInput."""
    problems = Violations()
    if not owners:
        problems.add("owners", "at least one owner")
    seen: dict[tuple[OwnerKind | None, str], int] = {}
    for index, owner in enumerate(owners):
        owner_problems(owner, problems, f"owners[{index}].")
        key = (owner.kind, owner.identity_number)
        if key in seen:
            problems.add(f"owners[{index}].identity_number", f"the same owner as owners[{seen[key]}]")
        seen.setdefault(key, index)
    if owners and all(o.share > 0 for o in owners) and sum((o.share for o in owners), Fraction(0)) != 1:
        problems.add("owners", "the shares must add up to exactly 1")
    problems.raise_if_any()
