"""The plan's offline HTML map in a real headless browser (Debian's chromium; `make browser` installs it):
it loads from a file with every host unreachable, runs without a JavaScript error, fetches nothing, and
draws exactly one marker per planned stop and one line per assessor-day, no two days alike."""

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
    assert _marker_paths(dom, "stop-marker") == stops
    assert _marker_paths(dom, "start-marker") == 2  # each assessor's start, once
    # One line per assessor-day (A1 Monday; A2 Monday and Tuesday), each day of an assessor drawn apart.
    days = [(r.assessor_id, r.day) for r in sample_plan().solution.days if r.stops]
    lines = _route_lines(dom)
    assert body["routes"] == str(len(lines)) == str(len(days)) == "3"
    assert len(set(lines)) == len(lines), lines
    # The legend lists each assessor-day with a sample of its line.
    assert dom.count('class="line-swatch"') == len(days)
    assert "mandag 6. mai 2024" in dom and "tirsdag 7. mai 2024" in dom
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
    assert _marker_paths(dom, "stop-marker") == 0
