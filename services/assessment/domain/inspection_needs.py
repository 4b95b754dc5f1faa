"""Who needs an inspection (befaring), why and how urgently (DOMAIN.md § 1: revaluation every 10 years,
re-valuation on division, sectioning, fire or demolition and new building; § 2: a complaint may need a
re-inspection before the committee decides).

One need per property: the most urgent reason, the others named in its detail. Appeal cases come first,
ordered by their deadline; then registered changes, properties the register cannot value, properties never
valued on site, and last the general revaluation, oldest inspection first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from services.assessment.domain.exemptions import is_mandatory
from services.assessment.domain.valuation import NeedReason


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


# The general revaluation comes every 10 years (eigedomsskattelova § 8 A-3).
REVALUATION_YEARS = 10

# A registered change of the history file, as the reason it gives.
CHANGE_REASON: dict[HistoryEvent, InspectionReason] = {
    HistoryEvent.NEW_BUILDING: InspectionReason.NEW_BUILDING,
    HistoryEvent.DIVISION: InspectionReason.DIVISION,
    HistoryEvent.SECTIONING: InspectionReason.SECTIONING,
    HistoryEvent.FIRE: InspectionReason.FIRE_OR_DEMOLITION,
    HistoryEvent.DEMOLITION: InspectionReason.FIRE_OR_DEMOLITION,
}

# What the history file's events are called in a need's detail.
_EVENT_WORDS: dict[HistoryEvent, str] = {
    HistoryEvent.INSPECTED: "inspected",
    HistoryEvent.NEW_BUILDING: "new building registered",
    HistoryEvent.DIVISION: "division registered",
    HistoryEvent.SECTIONING: "sectioning registered",
    HistoryEvent.FIRE: "fire registered",
    HistoryEvent.DEMOLITION: "demolition registered",
}


# Why the register cannot value a property (valuation.NeedReason), in words: the valuation needs' text
# (valuation.describe_needs, "no_dwelling_area: …; outside_zones: …") keeps the codes for the levy's trace
# and the import reports, but a need's detail is read by the office as it stands.
_CANNOT_BE_VALUED_WORDS: dict[str, str] = {
    NeedReason.NO_DWELLING_AREA.value: "no dwelling area (BRA)",
    NeedReason.NO_AREA.value: "no area",
    NeedReason.OUTSIDE_ZONES.value: "outside every zone",
    NeedReason.NO_LOCATION.value: "no location",
    NeedReason.ZERO_VALUE.value: "a unit valued at 0 kr",
}


def _day(day: date) -> str:
    """A date in a need's detail as the office writes it: 01.04.2023."""
    return day.strftime("%d.%m.%Y")


def cannot_be_valued_in_words(described: str) -> str:
    """The valuation needs' text with each reason's code said in words: "no_dwelling_area: a housing
    property without BRA …; no_location: …" → "no dwelling area (BRA): a housing property without BRA …;
    no location: …". A part that starts with no known code is left as it is."""
    parts = []
    for part in described.split("; "):
        code, sep, rest = part.partition(": ")
        parts.append(
            f"{_CANNOT_BE_VALUED_WORDS[code]}{sep}{rest}" if code in _CANNOT_BE_VALUED_WORDS else part
        )
    return "; ".join(parts)


@dataclass(frozen=True)
class HistoryRow:
    """A row of the inspection history file, with the line it came from (line 1 is the header)."""

    line: int
    property_id: str
    event: HistoryEvent
    day: date


@dataclass(frozen=True)
class RegisterEntry:
    """What the register says of a property that decides its office needs (no floors, no owners).

    `registered_on`: the day it entered the register (Europe/Oslo); `has_housing_value`: the tax authority
    has given it a housing value above 0 kr for some year (then it is valued by that value, § 8 C-1, and
    not on site)."""

    property_id: str
    address: str
    exemption_code: str
    registered_on: date
    has_housing_value: bool


def years_after(day: date, years: int) -> date:
    """The same day `years` later (29 February: 28 February in a year without it)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def last_inspected(history: Sequence[tuple[HistoryEvent, date]], on: date) -> date | None:
    """The day of the last inspection on or before `on`, None when the property was never inspected."""
    days = [day for event, day in history if event == HistoryEvent.INSPECTED and day <= on]
    return max(days) if days else None


def property_need(
    entry: RegisterEntry,
    history: Sequence[tuple[HistoryEvent, date]],
    cannot_be_valued: str,
    appeals: Sequence[InspectionNeed],
    on: date,
) -> InspectionNeed | None:
    """The property's need on the reckoning day `on`, or None: its most urgent cause (`urgency`), the
    others named in the detail. Only causes that arose on or before `on` count.

    Causes (DOMAIN.md § 1, § 2): an open appeal case's request (`appeals`, the case's need as queued); a
    registered change (new building, division, sectioning, fire, demolition) after the last inspection,
    or with none; the register cannot value it (`cannot_be_valued`: why, as valuation.describe_needs
    writes it, its codes said in words here; empty when it can); no housing
    value from the tax authority and never inspected (`history` has no inspection: holiday homes,
    commercial property, plots); the general revaluation, 10 years or more after the last inspection, of
    a property valued on site (no housing value). A property under a mandatory exemption (§ 5) is never
    taxed, so the office has no need of its own to value it: only an appeal case brings one."""
    last = last_inspected(history, on)
    # The register keeps the moment a property was entered, not a business date: a need reckoned on a day
    # before that moment (a 2024 plan made in 2026) is known since that day at the latest.
    known = min(entry.registered_on, on)
    causes: list[InspectionNeed] = [
        replace(need, address=entry.address) for need in appeals if need.since <= on
    ]
    exempt = bool(entry.exemption_code) and is_mandatory(entry.exemption_code)
    if not exempt:
        for event, day in history:
            if event in CHANGE_REASON and day <= on and (last is None or day > last):
                causes.append(_need(entry, CHANGE_REASON[event], f"{_EVENT_WORDS[event]} {_day(day)}", day))
        if cannot_be_valued:
            why = cannot_be_valued_in_words(cannot_be_valued)
            causes.append(_need(entry, InspectionReason.CANNOT_BE_VALUED, why, known))
        if not entry.has_housing_value and last is None:
            causes.append(
                _need(
                    entry,
                    InspectionReason.NEVER_INSPECTED,
                    "no housing value from the tax authority and never inspected",
                    known,
                )
            )
        if not entry.has_housing_value and last is not None:
            due = years_after(last, REVALUATION_YEARS)
            if due <= on:
                causes.append(
                    _need(
                        entry,
                        InspectionReason.GENERAL_REVALUATION,
                        f"last inspected {_day(last)}: general revaluation every {REVALUATION_YEARS} years",
                        due,
                    )
                )
    if not causes:
        return None
    ordered = sorted(causes, key=urgency)
    first, others = ordered[0], ordered[1:]
    if not others:
        return first
    also = "; ".join(f"{n.reason.value.replace('_', ' ')}: {n.detail}" for n in others)
    return replace(first, detail=f"{first.detail} (also {also})")


def _need(entry: RegisterEntry, reason: InspectionReason, detail: str, since: date) -> InspectionNeed:
    return InspectionNeed(entry.property_id, reason, detail, since, address=entry.address)


def appeal_need(
    case_id: str, property_id: str, requested_on: date, needed_by: date | None, note: str
) -> InspectionNeed:
    """An appeal case's request as a need: since the request, needed by the case's deadline, the note (what
    the assessors should look at) as its detail."""
    return InspectionNeed(
        property_id=property_id,
        reason=InspectionReason.APPEAL,
        detail=note.strip() or f"re-inspection for appeal case {case_id}",
        since=requested_on,
        needed_by=needed_by,
        appeal_case_id=case_id,
    )


# Said of an appeal case's property that the register does not know: queued all the same, since the case
# needs its answer and the office must find the property.
NOT_IN_REGISTER = "the property is not in the register"
