"""Complaints (klager) about a property's valuation."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AppealCaseState(StrEnum):
    REGISTERED = "registered"


@dataclass(frozen=True)
class AppealCase:
    case_id: str
    property_id: str
    tax_year: int
    state: AppealCaseState
