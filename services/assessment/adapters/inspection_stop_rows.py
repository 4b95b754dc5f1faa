"""A day's stops as the office's documents list them (route sheet and plan map alike): numbered in visiting
order, with address, the owner's window when told, and the purpose in plain Norwegian."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from services.assessment.domain.inspection_needs import InspectionNeed
from services.assessment.domain.inspection_planning import (
    Assessor,
    DayRoute,
    InspectionPlan,
    Transport,
    Window,
)
from services.assessment.domain.inspection_texts import purpose
from services.assessment.domain.property import Location
from services.platform.written_dates import MONTHS, clock

TRANSPORT_WORDS = {
    Transport.CAR: "bil",
    Transport.EBIKE: "elsykkel",
    Transport.BIKE: "sykkel",
    Transport.FOOT: "til fots",
}
NO_ADDRESS = "(adresse mangler)"


@dataclass(frozen=True)
class StopRow:
    number: int  # 1 is the day's first visit
    property_id: str
    arrive: datetime
    leave: datetime
    window: Window | None  # the window the owner was told; None when the owner did not ask to be told
    address: str
    purpose: str
    location: Location | None  # None when the plan does not hold the visit (nothing to draw)

    @property
    def times(self) -> str:
        """'08.30–09.15'"""
        return f"{clock(self.arrive)}–{clock(self.leave)}"

    @property
    def window_text(self) -> str:
        """'10.00–12.00', or '' when the owner was not told."""
        return f"{clock(self.window.start)}–{clock(self.window.end)}" if self.window else ""


def need_purpose(need: InspectionNeed) -> str:
    """Why the assessor comes; an appeal's re-inspection names its case, so the assessor can look it up."""
    text = purpose(need.reason)
    return f"{text} (klagesak {need.appeal_case_id})" if need.appeal_case_id else text


def stop_rows(plan: InspectionPlan, route: DayRoute) -> list[StopRow]:
    rows: list[StopRow] = []
    for number, stop in enumerate(route.stops, start=1):
        visit = plan.visits.get(stop.property_id)
        told = visit is not None and (visit.notify or visit.promised is not None)
        rows.append(
            StopRow(
                number=number,
                property_id=stop.property_id,
                arrive=stop.arrive,
                leave=stop.leave,
                window=stop.window if told else None,
                address=(visit.need.address if visit else "") or NO_ADDRESS,
                purpose=need_purpose(visit.need) if visit else "",
                location=visit.location if visit else None,
            )
        )
    return rows


def assessor_of(plan: InspectionPlan, assessor_id: str) -> Assessor | None:
    return next((a for a in plan.assessors if a.assessor_id == assessor_id), None)


def kilometres(distance_km: Decimal) -> str:
    """Decimal('12.345') → '12,3 km' (a decimal comma, as Norwegian writes it)."""
    return f"{distance_km:.1f} km".replace(".", ",")


def period_words(first: date, last: date) -> str:
    """'6.–10. mai 2024', '29. april – 3. mai 2024', '30. desember 2024 – 3. januar 2025', '6. mai 2024'."""
    if first == last:
        return f"{first.day}. {MONTHS[first.month - 1]} {first.year}"
    end = f"{last.day}. {MONTHS[last.month - 1]} {last.year}"
    if first.year != last.year:
        return f"{first.day}. {MONTHS[first.month - 1]} {first.year} – {end}"
    if first.month != last.month:
        return f"{first.day}. {MONTHS[first.month - 1]} – {end}"
    return f"{first.day}.–{end}"
