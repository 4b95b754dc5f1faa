"""What an assessor found on site, and the standard-rate valuation it gives (DOMAIN.md § 1): measured BRA
per floor, inner and outer factor with their reasons, notes and photo references, all kept in the trace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.assessment.domain.property import Floor


@dataclass(frozen=True)
class FieldResult:
    property_id: str
    inspected_on: date
    assessor_id: str
    floors: tuple[Floor, ...]  # empty: the register's floors stand
    plot_m2: Decimal | None  # None: the register's plot area stands
    inner_factor: Decimal
    inner_reason: str
    outer_factor: Decimal
    outer_reason: str
    notes: str
    photo_refs: tuple[str, ...]


@dataclass(frozen=True)
class InspectionCompleted:
    """Domain event: an inspection's field results were recorded and a valuation proposed from them."""

    property_id: str
    inspected_on: date
    findings: str
    appeal_case_id: str
    valuation_id: str
