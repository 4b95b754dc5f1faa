"""The plan's map as one offline HTML page (adapters/inspection_map_html.py): Leaflet inlined, nothing fetched
(no script or stylesheet from elsewhere, no tile server), the zones as the base layer, one layer per assessor,
the unplanned needs listed below the map; people's texts never become markup; the same bytes every time.
Whether it draws in a browser: tests/integration/test_inspection_map_browser.py."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from services.assessment.adapters.inspection_documents import InspectionDocumentWriter
from services.assessment.adapters.inspection_map_html import DASHES, day_style
from services.assessment.adapters.inspection_stop_rows import period_words
from services.assessment.domain.inspection_planning import PlanningSolution, plan_reference
from services.assessment.domain.zones import Zone
from tests.inspection_document_samples import OSLO, VISITS, oslo_zones, sample_plan

# What may spell out a web address in the page: the SVG namespace Leaflet creates its elements in, and
# Leaflet's home page in its licence comment. Neither is fetched.
NAMES_NOT_FETCHED = {"http://www.w3.org/2000/svg", "https://leafletjs.com"}


@pytest.fixture(scope="module")
def zones() -> list[Zone]:
    return oslo_zones()


@pytest.fixture(scope="module")
def page(zones: list[Zone]) -> str:
    return InspectionDocumentWriter(OSLO).plan_map(sample_plan(), zones).decode("utf-8")


def _data(page: str, name: str) -> Any:
    found = re.search(rf"^var {name} = (.*);$", page, re.MULTILINE)
    assert found, name
    return json.loads(found.group(1))


def test_the_page_fetches_nothing_from_the_network(page: str) -> None:
    assert set(re.findall(r"https?://[^\s\"'<>()\\]+", page)) <= NAMES_NOT_FETCHED
    assert not re.search(r"<script[^>]+src=", page)
    assert "<link" not in page and "@import" not in page
    own_script = page[page.index("var PLAN = ") :]
    assert "tileLayer" not in own_script and "{z}" not in page
    # Leaflet's stylesheet names its images by path: they are inlined, so no file is looked for either.
    for target in re.findall(r"url\(([^)]*)\)", page):
        assert target.startswith("data:image/png;base64,") or target == "#default#VML", target[:40]


def test_leaflet_is_inlined(page: str) -> None:
    assert "Leaflet 1.9.4" in page
    assert "L.marker(stop.at" in page and "stopIcon(assessor, day, stop)" in page


def test_one_layer_per_assessor_with_their_days_and_stops_in_order(page: str) -> None:
    layers = _data(page, "PLAN")

    assert isinstance(layers, list)
    assert [layer["label"] for layer in layers] == [
        "Ingrid Bækken (A1, bil)",
        "Máret Ŋuolláš Sárá (A2, elsykkel)",
    ]
    assert len({layer["colour"] for layer in layers}) == 2
    a1_monday = layers[0]["days"][0]
    assert [s["id"] for s in a1_monday["stops"]] == ["0301-209/88/0/0", "0301-208/1/0/0", "0301-215/4/0/0"]
    assert a1_monday["stops"][1] == {
        "n": 2,
        "id": "0301-208/1/0/0",
        "address": "Karl Johans gate 22, 0159 Oslo",
        "time": "09.05–09.50",
        "window": "08.30–10.30",
        "purpose": "Befaring for å fastsette takst for eiendomsskatt",
        "at": [59.9128, 10.7405],
    }
    assert a1_monday["stops"][0]["window"] == "ikke varslet"
    assert a1_monday["day"] == "mandag 6. mai 2024" and a1_monday["start"] == [59.9095, 10.76]
    assert [d["day"] for d in layers[1]["days"]] == ["mandag 6. mai 2024", "tirsdag 7. mai 2024"]


def test_the_zones_are_the_base_layer_with_their_names(page: str, zones: list[Zone]) -> None:
    base = _data(page, "ZONES")

    assert isinstance(base, dict)
    names = [f["properties"]["name"] for f in base["features"]]
    assert sorted(names) == sorted(z.name for z in zones)
    assert {f["geometry"]["type"] for f in base["features"]} <= {"Polygon", "MultiPolygon"}


def test_each_day_of_an_assessor_has_a_line_of_its_own(page: str) -> None:
    layers = _data(page, "PLAN")
    styles = [(d["colour"], d["dash"]) for layer in layers for d in layer["days"]]
    assert len(styles) == len(set(styles)) == 3  # A1 Monday, A2 Monday and Tuesday
    a2 = layers[1]["days"]
    assert a2[0]["colour"] == a2[1]["colour"] == layers[1]["colour"] and a2[0]["dash"] != a2[1]["dash"]
    assert "overlays[dayLabel(assessor, day)] = group" in page  # the legend lists assessor-days


def test_a_long_period_still_tells_an_assessors_days_apart() -> None:
    styles = [day_style("#1f77b4", index) for index in range(25)]
    assert len(set(styles)) == 25  # five weeks of working days
    assert styles[0] == ("#1f77b4", "") and styles[len(DASHES)][0] != "#1f77b4"


def test_the_title_names_the_period_and_a_short_reference_not_the_id(page: str) -> None:
    title = re.search(r"<title>(.*)</title>", page)
    assert title and title.group(1) == "Befaringsplan 6.–10. mai 2024 (ref. BEF-PLAN2024, versjon 1)"
    assert "plan-2024-19" not in page[: page.index("</h1>")]
    assert '<p class="plan-id">Planens id: plan-2024-19</p>' in page
    assert period_words(date(2024, 4, 29), date(2024, 5, 3)) == "29. april – 3. mai 2024"
    assert period_words(date(2024, 12, 30), date(2025, 1, 3)) == "30. desember 2024 – 3. januar 2025"
    assert period_words(date(2024, 5, 6), date(2024, 5, 6)) == "6. mai 2024"
    assert plan_reference("3f2a9c1e-77b0-4d7e-9a41-0c5e2b8d1f00") == "BEF-3F2A9C1E"


def test_the_unplanned_are_listed_below_the_map_not_drawn(page: str) -> None:
    below = page[page.index('<div id="map">') :]

    assert "<h2>Ikke planlagt (1)</h2>" in below
    assert "<td>0301-150/3/0/0</td><td>Tvetenveien 30, 0666 Oslo</td>" in below
    assert "<td>ingen taksatordag har plass før fristen</td>" in below and "deadline" not in below
    assert "0301-150/3/0/0" not in json.dumps(_data(page, "PLAN"))


def test_the_page_says_the_credit_and_the_plans_figures_in_norwegian(page: str) -> None:
    assert '<html lang="nb">' in page and '<meta charset="utf-8">' in page
    assert "Kart: © OpenStreetMap-bidragsytere" in page
    assert "Planlagt: 6 av 7 behov (86 %), 1 ikke planlagt." in page
    # A travel distance (reiseavstand): the assessors bike and walk too, not only drive.
    assert "Samlet reiseavstand 15,9 km (de samme befaringene i eiendomsrekkefølge: 24,8 km)." in page


def test_text_from_people_and_files_never_becomes_markup(zones: list[Zone]) -> None:
    hostile = "Gate 1 </script><script>alert(1)</script> & <b>"
    visits = {
        pid: replace(v, need=replace(v.need, address=hostile)) if pid == "0301-208/1/0/0" else v
        for pid, v in VISITS.items()
    }
    unplanned_too = {
        **visits,
        "0301-150/3/0/0": replace(
            visits["0301-150/3/0/0"], need=replace(visits["0301-150/3/0/0"].need, address=hostile)
        ),
    }
    plan = replace(sample_plan(), visits=unplanned_too)

    page = InspectionDocumentWriter(OSLO).plan_map(plan, zones).decode("utf-8")

    assert "<script>alert(1)" not in page and "<b>" not in page
    assert "<td>Gate 1 &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;</td>" in page
    stops = [s for layer in _data(page, "PLAN") for d in layer["days"] for s in d["stops"]]
    assert hostile in [s["address"] for s in stops]  # as data, shown with textContent


def test_the_same_plan_is_the_same_page(zones: list[Zone], page: str) -> None:
    assert InspectionDocumentWriter(OSLO).plan_map(sample_plan(), zones).decode("utf-8") == page


def test_a_plan_with_nothing_planned_still_makes_a_page(zones: list[Zone]) -> None:
    nothing = PlanningSolution((), (), Decimal(0), Decimal(0))
    plan = replace(sample_plan(), solution=nothing, needs=0, visits={})

    page = InspectionDocumentWriter(OSLO).plan_map(plan, zones).decode("utf-8")

    assert _data(page, "PLAN") == []
    assert "Planlagt: 0 av 0 behov, 0 ikke planlagt." in page
    assert "<h2>Ikke planlagt (0)</h2>" in page and "Alle behov i planen fikk en dag." in page
