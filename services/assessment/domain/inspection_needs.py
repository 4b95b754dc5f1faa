"""Who needs an inspection (befaring), why and how urgently (DOMAIN.md § 1: revaluation every 10 years,
re-valuation on division, sectioning, fire or demolition and new building; § 2: a complaint may need a
re-inspection before the committee decides).

One need per property: the most urgent reason, the others named in its detail. Appeal cases come first,
ordered by their deadline; then registered changes, properties the register cannot value, properties never
valued on site, and last the general revaluation, oldest inspection first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class InspectionReason(StrEnum):
    APPEAL = "appeal"  # a complaint's case asked for a re-inspection (appeals' InspectionRequested)
    NEW_BUILDING = "new_building"  # registered change: a new building (nybygg)
    DIVISION = "division"  # registered change: the property was divided (deling)
    SECTIONING = "sectioning"  # registered change: sectioned into condominium sections (seksjonering)
    FIRE_OR_DEMOLITION = "fire_or_demolition"  # registered change: fire (brann) or demolition (riving)
    CANNOT_BE_VALUED = "cannot_be_valued"  # the register's facts cannot value it (a ValuationNeed)
    NEVER_INSPECTED = "never_inspected"  # no housing value from the tax authority, never valued on site
    GENERAL_REVALUATION = "general_revaluation"  # the last inspection is 10 years old or more (§ 8 A-3)


# Priority 1 is the most urgent.
PRIORITY: dict[InspectionReason, int] = {
    InspectionReason.APPEAL: 1,
    InspectionReason.NEW_BUILDING: 2,
    InspectionReason.DIVISION: 2,
    InspectionReason.SECTIONING: 2,
    InspectionReason.FIRE_OR_DEMOLITION: 2,
    InspectionReason.CANNOT_BE_VALUED: 3,
    InspectionReason.NEVER_INSPECTED: 4,
    InspectionReason.GENERAL_REVALUATION: 5,
}


class HistoryEvent(StrEnum):
    """A row of the inspection history file: a past inspection or a change the cadastre registered."""

    INSPECTED = "inspected"
    NEW_BUILDING = "new_building"
    DIVISION = "division"
    SECTIONING = "sectioning"
    FIRE = "fire"
    DEMOLITION = "demolition"


class NeedStatus(StrEnum):
    OPEN = "open"
    PLANNED = "planned"
    DONE = "done"


@dataclass(frozen=True)
class InspectionNeed:
    """A property to inspect. `needed_by` is the last day the visit is of use (an appeal case's deadline)."""

    property_id: str
    reason: InspectionReason
    detail: str
    since: date
    needed_by: date | None = None
    appeal_case_id: str = ""
    address: str = ""
    status: NeedStatus = NeedStatus.OPEN

    @property
    def priority(self) -> int:
        return PRIORITY[self.reason]


def urgency(need: InspectionNeed) -> tuple[int, date, date, str]:
    """Sort key, most urgent first: priority, then deadline, then the oldest cause, then property id."""
    return (need.priority, need.needed_by or date.max, need.since, need.property_id)
