"""Route sheets (adapters/inspection_route_sheet_pdf.py): one assessor-day in Norwegian, the stops in visiting
order with the owner's window when told and the purpose, a map of the route over the zones, zoomed to the
day, with the OpenStreetMap credit; the same bytes every time. Read back with poppler's pdftotext."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from reportlab.graphics.shapes import Circle, PolyLine, String

from services.assessment.adapters.inspection_documents import InspectionDocumentWriter
from services.assessment.adapters.inspection_route_map import fit_view, route_drawing, to_metres
from services.assessment.domain.inspection_planning import DayRoute
from services.assessment.domain.property import Location
from services.assessment.domain.zones import Zone
from tests.inspection_document_samples import (
    OSLO,
    ROUTES,
    oslo_zones,
    pdf_font_rows,
    pdf_words,
    sample_plan,
)
from tests.pdf_info import pdf_info

A1_MONDAY, A2_MONDAY, A2_TUESDAY = ROUTES


@pytest.fixture(scope="module")
def zones() -> list[Zone]:
    return oslo_zones()


def _sheet(zones: list[Zone], route: DayRoute = A1_MONDAY) -> bytes:
    return InspectionDocumentWriter(OSLO).route_sheet(sample_plan(), route, zones)


def test_the_heading_names_the_assessor_the_day_written_out_and_the_days_figures(zones: list[Zone]) -> None:
    text = pdf_words(_sheet(zones))

    assert "Befaringsrute mandag 6. mai 2024" in text
    assert "Taksator: Ingrid Bækken (A1), bil" in text
    assert "3 befaringer, fra 08.10 til 10.55" in text
    assert "Reiseavstand 6,5 km" in text
    assert "reisetid 19 min" in text


def test_the_transport_is_said_in_norwegian_and_sami_letters_print(zones: list[Zone]) -> None:
    text = pdf_words(_sheet(zones, A2_TUESDAY))

    assert "Taksator: Máret Ŋuolláš Sárá (A2), elsykkel" in text
    assert "1 befaring, fra 08.09 til 08.54" in text
    for row in pdf_font_rows(_sheet(zones, A2_TUESDAY)):
        assert "DejaVuSans" in row[0] and row[3] == "yes", row


def test_the_stops_come_in_visiting_order_with_times_window_when_told_address_and_purpose(
    zones: list[Zone],
) -> None:
    text = pdf_words(_sheet(zones))
    first = text.index("1 08.10–08.55 – Storgata 1, 0155 Oslo 0301-209/88/0/0")
    second = text.index("2 09.05–09.50 08.30–10.30 Karl Johans gate 22, 0159 Oslo 0301-208/1/0/0")
    third = text.index("3 10.10–10.55 – Bygdøy allé 5, 0257 Oslo 0301-215/4/0/0")

    assert first < second < third
    # An appeal's re-inspection names its case; the others say why in plain words.
    assert "Ny befaring etter klage på eiendomsskatten (klagesak 2024-00017)" in text
    assert "Befaring etter nybygg på eiendommen" in text
    # Only the owner who asked to be told has a window on the sheet.
    assert "08.00–10.00" not in text and "09.30–11.30" not in text


def test_the_map_numbers_the_stops_as_the_table_does_names_the_zones_around_and_credits_osm(
    zones: list[Zone],
) -> None:
    text = pdf_words(_sheet(zones))
    map_part = text[text.index("beregnet ankomst og avreise.") :]

    assert "Start 1 2 3" in map_part
    assert "Sentrum" in map_part and "Frogner" in map_part
    # Zoomed to the day in the centre: the districts far out are not on it.
    assert "Stovner" not in map_part and "Søndre Nordstrand" not in map_part
    assert "Kart: © OpenStreetMap-bidragsytere" in map_part


def test_the_same_sheet_is_the_same_bytes_dated_the_day_the_plan_was_made(zones: list[Zone]) -> None:
    sheet = _sheet(zones)

    assert _sheet(zones) == sheet
    assert pdf_info(sheet)["CreationDate"].startswith("Mon Apr 22 00:00:00 2024")
    assert pdf_info(sheet)["Title"] == "Befaringsrute mandag 6. mai 2024 – A1"


def test_a_day_with_a_stop_the_plan_does_not_hold_still_lists_it(zones: list[Zone]) -> None:
    plan = replace(sample_plan(), visits={})

    text = pdf_words(InspectionDocumentWriter(OSLO).route_sheet(plan, A1_MONDAY, zones))

    assert "1 08.10–08.55 – (adresse mangler) 0301-209/88/0/0" in text


def test_the_view_keeps_the_aspect_and_is_zoomed_to_the_points_with_a_margin() -> None:
    points = [to_metres(Location(10.7405, 59.9128)), to_metres(Location(10.7183, 59.9156))]

    view = fit_view(points, width=480.0, min_height=250.0, max_height=420.0)

    height = view.height_m * view.scale
    assert 250.0 <= height <= 420.0
    assert view.width_m / view.height_m == pytest.approx(480.0 / height)
    spread = points[0][0] - points[1][0]  # about 1.2 km east–west
    assert spread < view.width_m < spread * 2.5
    for x, y in points:
        px, py = view.point(x, y)
        assert 0 < px < 480.0 and 0 < py < height


def test_a_single_stop_next_to_the_start_still_shows_its_surroundings() -> None:
    here = to_metres(Location(10.7600, 59.9095))

    view = fit_view([here, here], width=480.0, min_height=250.0, max_height=420.0)

    assert view.width_m >= 1500 and view.height_m >= 1500 * 250 / 480


def _texts(drawing: Any) -> list[str]:
    return [shape.text for shape in drawing.contents if isinstance(shape, String)]


def test_the_drawing_is_as_wide_as_asked_and_holds_one_marker_per_stop(zones: list[Zone]) -> None:
    stops = [(1, Location(10.7405, 59.9128)), (2, Location(10.7495, 59.9130))]

    drawing = route_drawing(
        Location(10.76, 59.9095), stops, zones, width=480.0, min_height=250, max_height=420
    )

    assert drawing.width == 480.0 and 250 <= drawing.height <= 420
    assert sum(isinstance(shape, Circle) for shape in drawing.contents) == 2


def test_the_sheet_is_dated_by_the_plan_not_the_clock(zones: list[Zone]) -> None:
    later = replace(sample_plan(), made_on=date(2024, 4, 29))

    sheet = InspectionDocumentWriter(OSLO).route_sheet(later, A1_MONDAY, zones)

    assert pdf_info(sheet)["CreationDate"].startswith("Mon Apr 29 00:00:00 2024")
    assert "laget 29.04.2024" in pdf_words(sheet)


def test_a_day_far_from_the_start_keeps_the_map_to_its_district(zones: list[Zone]) -> None:
    start = Location(10.7600, 59.9095)  # by Oslo S
    stovner = [(1, Location(10.9230, 59.9620)), (2, Location(10.9300, 59.9580))]

    far = route_drawing(start, stovner, zones, width=480.0, min_height=250, max_height=420)
    near = route_drawing(start, [(1, Location(10.7405, 59.9128))], zones, 480.0, 250, 420)

    assert "Start (utenfor kartet)" in _texts(far) and "Start" not in _texts(far)
    assert "Stovner" in _texts(far) and "Sentrum" not in _texts(far)
    assert "Start" in _texts(near) and "Start (utenfor kartet)" not in _texts(near)
    # The route's legs are cut at the frame: nothing is drawn outside the map.
    for line in (s for s in far.contents if isinstance(s, PolyLine)):
        xs, ys = line.points[0::2], line.points[1::2]
        assert min(xs) >= -0.01 and max(xs) <= 480.01 and min(ys) >= -0.01 and max(ys) <= far.height + 0.01


def test_a_day_without_stops_says_so_and_maps_the_start(zones: list[Zone]) -> None:
    empty = replace(A1_MONDAY, stops=(), distance_km=Decimal(0), travel_minutes=0)

    text = pdf_words(InspectionDocumentWriter(OSLO).route_sheet(sample_plan(), empty, zones))

    assert "0 befaringer." in text and "Ingen befaringer denne dagen." in text
    assert "Start" in text and "Kart: © OpenStreetMap-bidragsytere" in text


def _pages(pdf: bytes) -> list[str]:
    """Each page's text (pdftotext ends every page with a form feed)."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "sheet.pdf"
        path.write_bytes(pdf)
        shown = subprocess.run(
            ["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True, text=True
        )
    return [" ".join(page.split()) for page in shown.stdout.split("\f") if page.strip()]


@pytest.mark.parametrize("count", [3, 12, 25])
def test_the_map_stays_on_the_first_page_however_many_stops_the_day_has(
    zones: list[Zone], count: int
) -> None:
    # A day of many stops once pushed the map to page 2, away from the day's heading.
    first = A1_MONDAY.stops[0]
    ids = list(sample_plan().visits)
    stops = tuple(
        replace(
            first,
            property_id=ids[n % len(ids)],
            arrive=first.arrive + timedelta(minutes=30 * n),
            leave=first.leave + timedelta(minutes=30 * n),
        )
        for n in range(count)
    )
    day = replace(A1_MONDAY, stops=stops)
    plan = replace(sample_plan(), solution=replace(sample_plan().solution, days=(day,)))

    pages = _pages(InspectionDocumentWriter(OSLO).route_sheet(plan, day, zones))

    assert "Befaringsrute mandag 6. mai 2024" in pages[0]
    assert "Kart: © OpenStreetMap-bidragsytere" in pages[0]
    assert all("OpenStreetMap" not in page for page in pages[1:])
    listed = " ".join(pages)
    assert all(f" {n} " in listed for n in range(1, count + 1))
    assert len(pages) == (1 if count <= 12 else 2), [
        len(p) for p in pages
    ]  # 12 stops and the map fit one page
