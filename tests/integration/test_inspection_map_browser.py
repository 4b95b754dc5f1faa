"""The plan's offline HTML map in a real headless browser (Debian's chromium; `make browser` installs it):
it loads from a file with every host unreachable, runs without a JavaScript error, fetches nothing, and
draws exactly one marker per planned stop, numbered and marked with its assessor and day (the day's dashes
on its rim), and one line per assessor-day, no two days alike; the legend covers no stop."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from services.assessment.adapters.inspection_documents import InspectionDocumentWriter
from tests.inspection_document_samples import OSLO, oslo_zones, sample_plan

# Run after the page's own scripts: what the page fetched (Resource Timing), for the test to read.
RESOURCE_PROBE = (
    '<script>window.addEventListener("load", function () { document.body.dataset.resources = '
    'performance.getEntriesByType("resource").map(function (e) { return e.name; }).join(" "); });'
    "</script>"
    # And how many stop markers lie under the legend (the layer control), for the test to read.
    '<script>window.addEventListener("load", function () {'
    ' var legend = document.querySelector(".leaflet-control-layers").getBoundingClientRect();'
    " document.body.dataset.covered = String(Array.prototype.filter.call("
    '  document.querySelectorAll(".leaflet-marker-icon.stop-marker"), function (marker) {'
    "   var r = marker.getBoundingClientRect();"
    "   return r.right > legend.left && r.left < legend.right && r.bottom > legend.top"
    "    && r.top < legend.bottom; }).length); });"
    "</script></body>"
)


def _browser() -> str:
    found = shutil.which("chromium")
    assert found, "chromium is missing: `make browser` installs it (infra/browser/ensure.sh)"
    return found


def _load(page: Path, profile: Path) -> tuple[str, str]:
    """The DOM after the page ran (up to 5 s of virtual time), and the browser's log with console lines."""
    shown = subprocess.run(
        [
            _browser(),
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={profile}",
            "--host-resolver-rules=MAP * ~NOTFOUND",  # offline: any host the page asked for would fail
            "--virtual-time-budget=5000",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return shown.stdout, shown.stderr


def _body(dom: str) -> dict[str, str]:
    found = re.search(r"<body([^>]*)>", dom)
    assert found, dom[:500]
    return dict(re.findall(r'data-([a-z]+)="([^"]*)"', found.group(1)))


def _route_lines(dom: str) -> list[tuple[str, str]]:
    """(stroke colour, dash array) of each route line Leaflet drew as an SVG path."""
    found = []
    for path in re.findall(r"<path[^>]*>", dom):
        if "route-line" in path:
            stroke = re.search(r'stroke="([^"]*)"', path)
            dash = re.search(r'stroke-dasharray="([^"]*)"', path)
            found.append((stroke.group(1) if stroke else "", dash.group(1) if dash else ""))
    return found


def _stop_markers(dom: str) -> list[dict[str, str]]:
    """Each stop marker Leaflet placed (a div of class stop-marker in the marker pane): its data-
    attributes (assessor, date, n) and its rim's stroke and dash array."""
    found = []
    for marker in re.findall(r'<div class="[^"]*stop-marker[^"]*".*?</div>', dom, re.S):
        if "leaflet-marker-icon" not in marker:
            continue
        data = dict(re.findall(r'data-([a-z]+)="([^"]*)"', marker))
        rim = re.search(r'<circle[^>]*class="stop-rim"[^>]*>', marker)
        assert rim, marker
        stroke = re.search(r'stroke="([^"]*)"', rim.group(0))
        dash = re.search(r'stroke-dasharray="([^"]*)"', rim.group(0))
        number = re.search(r"<text[^>]*>([^<]*)</text>", marker)
        data["rim"] = f"{stroke.group(1) if stroke else ''} {dash.group(1) if dash else ''}"
        data["label"] = number.group(1) if number else ""
        found.append(data)
    return found


def _marker_paths(dom: str, kind: str) -> int:
    classes = re.findall(r'<path[^>]*class="([^"]*)"', dom)
    return sum(1 for c in classes if {kind, "leaflet-interactive"} <= set(c.split()))


@pytest.fixture(scope="module")
def page_html() -> str:
    return InspectionDocumentWriter(OSLO).plan_map(sample_plan(), oslo_zones()).decode("utf-8")


def test_the_map_loads_offline_without_errors_and_draws_one_marker_per_stop(
    page_html: str, tmp_path: Path
) -> None:
    page = tmp_path / "befaringsplan.html"
    page.write_text(page_html.replace("</body>", RESOURCE_PROBE), encoding="utf-8")

    dom, log = _load(page, tmp_path / "profile")

    body = _body(dom)
    stops = sum(len(route.stops) for route in sample_plan().solution.days)
    assert body["errors"] == ""
    assert [line for line in log.splitlines() if ":CONSOLE" in line] == []
    assert body["stops"] == str(stops) == "6"
    markers = _stop_markers(dom)
    assert len(markers) == stops
    # A marker per stop with its assessor, day and number, as the route sheet numbers the day's stops.
    expected = sorted(
        (r.assessor_id, r.day.isoformat(), str(n))
        for r in sample_plan().solution.days
        for n in range(1, len(r.stops) + 1)
    )
    assert sorted((m["assessor"], m["date"], m["n"]) for m in markers) == expected
    assert all(m["label"] == m["n"] for m in markers)
    # One rim per assessor-day, the day's own: A2's Monday and Tuesday markers do not look alike.
    rims = {(m["assessor"], m["date"]): m["rim"] for m in markers}
    assert len(set(rims.values())) == len(rims) == 3, rims
    assert all(rims[(m["assessor"], m["date"])] == m["rim"] for m in markers)  # every stop of a day alike
    assert _marker_paths(dom, "start-marker") == 2  # each assessor's start, once
    # One line per assessor-day (A1 Monday; A2 Monday and Tuesday), each day of an assessor drawn apart.
    days = [(r.assessor_id, r.day) for r in sample_plan().solution.days if r.stops]
    lines = _route_lines(dom)
    assert body["routes"] == str(len(lines)) == str(len(days)) == "3"
    assert len(set(lines)) == len(lines), lines
    # The legend lists each assessor-day with a sample of its line.
    assert dom.count('class="line-swatch"') == len(days)
    assert "mandag 6. mai 2024" in dom and "tirsdag 7. mai 2024" in dom
    # The legend stays open and the stops are fitted beside it (fitted over the whole map, as before,
    # one of the sample's stops lies under it).
    assert body["covered"] == "0"
    assert body["resources"] == ""  # nothing fetched: no tile, script, stylesheet or image file
    # The zones are drawn as the base, with their names; the legend names the assessors.
    assert "Grünerløkka" in dom and "Máret Ŋuolláš Sárá (A2, elsykkel)" in dom
    assert "Kart: © OpenStreetMap-bidragsytere" in dom


def test_the_page_reports_a_script_error_it_meets(page_html: str, tmp_path: Path) -> None:
    """The check above would see an error: a page broken on purpose says so in data-errors."""
    page = tmp_path / "broken.html"
    page.write_text(page_html.replace("var PLAN = ", "var PLAN = undefinedThing || "), encoding="utf-8")

    dom, _ = _load(page, tmp_path / "profile")

    body = _body(dom)
    assert "undefinedThing is not defined" in body["errors"]
    assert body["stops"] == "0"
    assert _stop_markers(dom) == []
