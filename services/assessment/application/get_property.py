"""Queries: one property with its history, and searching the register."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.assessment.application.ports import AssessmentUnitOfWork
from services.assessment.domain.levy import LeviedTaxBase
from services.assessment.domain.ownership import OwnerShare
from services.assessment.domain.property import Property, PropertyCategory
from services.assessment.domain.valuation import Valuation
from services.platform.errors import InvalidInput, NotFound, Violations
from services.platform.paging import encode_token, parse_page


@dataclass(frozen=True)
class PropertyView:
    property: Property
    valuations: list[Valuation]
    tax_bases: list[LeviedTaxBase]
    owners: list[tuple[OwnerShare, date, str]]  # (share, since, sealed identity number)


def get_property(uow: AssessmentUnitOfWork, property_id: str) -> PropertyView:
    if not property_id.strip():
        raise InvalidInput.single("property_id", "is required")
    with uow:
        prop = uow.properties.get(property_id)
        if prop is None:
            raise NotFound(f"no property {property_id}")
        return PropertyView(
            prop,
            uow.valuations.for_property(property_id),
            uow.tax_bases.for_property(property_id),
            uow.ownerships.current(property_id),
        )


MAX_SEARCH_CHARS = 200


def find_properties(
    uow: AssessmentUnitOfWork,
    text: str,
    zone_id: str,
    category: PropertyCategory | None,
    page_size: int,
    page_token: str,
) -> tuple[list[Property], str]:
    problems = Violations()
    # A search is a few words of an address or an id; a longer pattern only makes the database work
    # (SQLite refuses LIKE patterns past 50,000 characters as "too complex").
    if len(text) > MAX_SEARCH_CHARS:
        problems.add("text", f"at most {MAX_SEARCH_CHARS} characters")
    if len(zone_id) > MAX_SEARCH_CHARS:
        problems.add("zone_id", f"at most {MAX_SEARCH_CHARS} characters")
    problems.raise_if_any()
    page = parse_page(page_size, page_token)
    with uow:
        found = uow.properties.find(text.strip(), zone_id.strip(), category, page.offset, page.size + 1)
    next_token = encode_token(page.offset + page.size) if len(found) > page.size else ""
    return found[: page.size], next_token
