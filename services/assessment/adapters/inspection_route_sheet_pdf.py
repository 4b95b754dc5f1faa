"""One assessor-day's route sheet (PDF, Norwegian: the office's staff read it): who, which day, by what
means, how many stops, how far and how long on the road; the stops in visiting order (arrival–departure,
the owner's window when told, address, property, purpose); and a map of the route over the zones.

The map is always on the first page: under the table when there is room for it there (it takes the room
left, MAP_SMALLEST_MM to MAP_MAX_MM), else between the heading and the table, which then runs on to the
next page (its header row repeated). Figures are written the Norwegian way (6,5 km, 08.30)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from services.assessment.adapters.inspection_pdf import TEXT_HEIGHT_MM, TEXT_WIDTH_MM, PdfStory, render_pdf
from services.assessment.adapters.inspection_route_map import route_drawing
from services.assessment.adapters.inspection_stop_rows import (
    TRANSPORT_WORDS,
    assessor_of,
    kilometres,
    stop_rows,
)
from services.assessment.domain.inspection_planning import DayRoute, InspectionPlan, plan_reference
from services.assessment.domain.municipality import Municipality
from services.assessment.domain.zones import Zone
from services.platform.written_dates import clock, duration, written_day

COLUMNS = ("Nr", "Tid", "Varslet tid", "Adresse", "Eiendom", "Formål")
WIDTHS_MM = (8.0, 21.0, 21.0, 41.0, 33.0, 46.0)
MAP_MIN_MM = 90.0  # the map's height when its points are wider than tall and there is room
MAP_SMALLEST_MM = 70.0  # under the table at the least; smaller, and a day's numbers crowd
MAP_MAX_MM = 150.0
MAP_FIRST_MAX_MM = 125.0  # above the table: leaves the table's first rows on page 1 too
SLACK_MM = 6.0  # what the measure below may miss (paragraph spacing collapsed or not at a frame's top)


def _height_mm(flowables: list[Any]) -> float:
    """How tall the flowables stand on a page, spacing included."""
    from reportlab.lib.units import mm

    total = 0.0
    for flowable in flowables:
        _, height = flowable.wrap(TEXT_WIDTH_MM * mm, TEXT_HEIGHT_MM * mm)
        total += height + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return float(total / mm)


def route_sheet_title(route: DayRoute) -> str:
    return f"Befaringsrute {written_day(route.day)}"


def route_sheet_pdf(
    plan: InspectionPlan, route: DayRoute, zones: Sequence[Zone], municipality: Municipality
) -> bytes:
    """The sheet of `route` (one of `plan`'s days), dated the day the plan was made."""
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, Spacer

    assessor = assessor_of(plan, route.assessor_id)
    rows = stop_rows(plan, route)
    doc = PdfStory()
    office = " – ".join(p for p in (municipality.name, municipality.contact.office) if p)
    doc.text(office)
    doc.heading(route_sheet_title(route), 2)
    who = (
        f"{assessor.name} ({assessor.assessor_id}), {TRANSPORT_WORDS[assessor.transport]}"
        if assessor
        else route.assessor_id
    )
    doc.text(f"Taksator: {who}", bold=True)
    hours = f", fra {clock(rows[0].arrive)} til {clock(rows[-1].leave)}" if rows else ""
    doc.text(
        f"{len(rows)} {'befaring' if len(rows) == 1 else 'befaringer'}{hours}. "
        f"Reiseavstand {kilometres(route.distance_km)} (tur-retur fra start), "
        f"reisetid {duration(route.travel_minutes)}."
    )
    doc.text(f"Plan {plan_reference(plan.plan_id)}, versjon {plan.version}, laget {plan.made_on:%d.%m.%Y}.")
    doc.gap(3)
    heading = list(doc.flowables)
    doc.flowables.clear()
    if rows:
        doc.table(
            [COLUMNS]
            + [
                [str(r.number), r.times, r.window_text or "–", r.address, r.property_id, r.purpose]
                for r in rows
            ],
            WIDTHS_MM,
        )
        doc.gap(1.5)
        doc.text(
            "Varslet tid: eieren har fått brev om at taksator kommer innenfor dette tidsrommet. "
            "Tid: beregnet ankomst og avreise."
        )
    else:
        doc.text("Ingen befaringer denne dagen.")
    stops = list(doc.flowables)
    caption = Paragraph(
        "Kartet viser ruten fra start gjennom stoppene i rekkefølge og tilbake, over sonene. "
        "Numrene er de samme som i tabellen.",
        doc.styles["Italic"],
    )
    room = TEXT_HEIGHT_MM - _height_mm([*heading, *stops, caption]) - 4 - SLACK_MM
    below = room >= MAP_SMALLEST_MM  # else the map would fall to page 2: it goes above the table
    tallest = min(room, MAP_MAX_MM) if below else MAP_FIRST_MAX_MM
    drawing = route_drawing(
        assessor.start if assessor else None,
        [(r.number, r.location) for r in rows if r.location is not None],
        zones,
        width=TEXT_WIDTH_MM * mm,
        min_height=min(MAP_MIN_MM, tallest) * mm,
        max_height=tallest * mm,
    )
    pictured = KeepTogether([drawing, caption])
    doc.flowables[:] = (
        [*heading, *stops, Spacer(1, 4 * mm), pictured]
        if below
        else [*heading, pictured, Spacer(1, 4 * mm), *stops]
    )
    title = f"{route_sheet_title(route)} – {route.assessor_id}"
    return render_pdf(doc, title=title, author=municipality.name, dated=plan.made_on, numbered=True)
