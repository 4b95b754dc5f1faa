"""A complaint (klage) as received: who, about which property and tax year, when and how it came, on
which grounds, with which attachments. Pure facts and their checks.

Personal data: the complainant is kept by name, postal address (for the letters) and, for owners, the
opaque owner reference assessment gives out (OwnerShare.owner_ref). A national identity number is never
stored: any text that carries one is refused, so it cannot reach the database, events or logs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from services.platform.errors import Violations
from services.platform.identity import check_free_text

MAX_TEXT = 4000


class ComplainantKind(StrEnum):
    OWNER = "owner"
    REPRESENTATIVE = "representative"  # a lawyer, an heir, a board: acts for the owner


class Channel(StrEnum):
    POST = "post"
    EMAIL = "email"
    WEB_FORM = "web_form"
    IN_PERSON = "in_person"


class GroundKind(StrEnum):
    AREA = "area"
    ZONE = "zone"
    INNER_FACTOR = "inner_factor"
    OUTER_FACTOR = "outer_factor"
    VALUE_LEVEL = "value_level"
    EXEMPTION = "exemption"
    OTHER = "other"
    # Outside the committees (DOMAIN.md § 2): the tax authority's housing value is complained about to
    # the tax authority; rates and terms are the council's general decisions and cannot be appealed.
    TAX_AUTHORITY_VALUE = "tax_authority_value"
    RATES_OR_TERMS = "rates_or_terms"


OUTSIDE_COMMITTEES = frozenset({GroundKind.TAX_AUTHORITY_VALUE, GroundKind.RATES_OR_TERMS})
# Grounds that are not about the valuation: whether the property is exempt (§§ 5 and 7) is decided
# without changing the value, so upholding such a ground sets no new value.
NOT_ABOUT_VALUE = frozenset({GroundKind.EXEMPTION})


@dataclass(frozen=True)
class Complainant:
    kind: ComplainantKind
    name: str
    address_lines: tuple[str, ...]  # where letters go
    owner_ref: str = ""  # assessment's opaque owner reference, when the owner is known there
    represents: str = ""  # for a representative: the owner's name


@dataclass(frozen=True)
class Ground:
    kind: GroundKind
    text: str  # the complainant's argument, in brief


@dataclass(frozen=True)
class Attachment:
    reference: str  # where the document is kept (archive or document id), never its content
    title: str


@dataclass(frozen=True)
class Complaint:
    property_id: str
    tax_year: int
    complainant: Complainant
    received_on: date
    channel: Channel
    grounds: tuple[Ground, ...]
    attachments: tuple[Attachment, ...] = ()
    postmarked_on: date | None = None  # for letters: the postmark decides whether it is in time

    @property
    def inside_grounds(self) -> tuple[Ground, ...]:
        return tuple(g for g in self.grounds if g.kind not in OUTSIDE_COMMITTEES)

    @property
    def outside_grounds(self) -> tuple[Ground, ...]:
        return tuple(g for g in self.grounds if g.kind in OUTSIDE_COMMITTEES)

    @property
    def about_value(self) -> bool:
        """The committees are asked to change the value: any ground inside the committees that is about the
        valuation (area, zone, factors, value level, other valuation facts)."""
        return any(g.kind not in NOT_ABOUT_VALUE for g in self.inside_grounds)

    @property
    def wholly_outside_committees(self) -> bool:
        return not self.inside_grounds


def check_text(problems: Violations, field: str, text: str, *, required: bool, limit: int = MAX_TEXT) -> None:
    """Free text the service stores: required or not, bounded, and never a national identity number (the
    platform's one rule for free text in every service, identity.check_free_text)."""
    if required and not text.strip():
        problems.add(field, "is required")
    else:
        check_free_text(problems, field, text, limit)


def check_complaint(complaint: Complaint, today: date, problems: Violations) -> None:
    """Adds a violation per bad field; the caller raises once with every problem of the request."""
    check_text(problems, "property_id", complaint.property_id, required=True, limit=100)
    if not 1900 <= complaint.tax_year <= 2200:
        problems.add("tax_year", "must be a year, e.g. 2024")
    who = complaint.complainant
    check_text(problems, "complainant.name", who.name, required=True, limit=200)
    check_text(problems, "complainant.owner_ref", who.owner_ref, required=False, limit=100)
    if not any(line.strip() for line in who.address_lines):
        problems.add("complainant.address_lines", "a postal address is needed for the letters")
    for n, line in enumerate(who.address_lines):
        check_text(problems, f"complainant.address_lines[{n}]", line, required=False, limit=200)
    if who.kind == ComplainantKind.REPRESENTATIVE:
        check_text(problems, "complainant.represents", who.represents, required=True, limit=200)
    else:
        check_text(problems, "complainant.represents", who.represents, required=False, limit=200)
    if complaint.received_on > today:
        problems.add("received_on", "cannot be in the future")
    if complaint.postmarked_on is not None and complaint.postmarked_on > complaint.received_on:
        problems.add("postmarked_on", "cannot be after the day it was received")
    if complaint.postmarked_on is not None and complaint.channel != Channel.POST:
        problems.add("postmarked_on", "only letters sent by post have a postmark")
    if not complaint.grounds:
        problems.add("grounds", "name at least one ground")
    for n, ground in enumerate(complaint.grounds):
        check_text(problems, f"grounds[{n}].text", ground.text, required=False)
    for n, attachment in enumerate(complaint.attachments):
        check_text(problems, f"attachments[{n}].reference", attachment.reference, required=True, limit=300)
        check_text(problems, f"attachments[{n}].title", attachment.title, required=False, limit=300)
