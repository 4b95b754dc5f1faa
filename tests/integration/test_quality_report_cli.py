"""The valuation-quality report (issue 15 item 3), rendered by the running service and written by
`propertytax assessment ratio-study --report OUT.pdf --zones FILE` for the committed King County sample
(data/samples/king_county_ratio_sales.csv, grouped by zone of data/king_county_zones.geojson): the figures it
prints (median ratio, COD, PRD, PRB, in Norwegian with a decimal comma, to the decimals shown) are the JSON's
of the same run, the trimmed sales are listed, the plot pages draw something, and the same input gives the
same bytes. The calibration's report is checked by tests/integration/test_calibration_cli.py with the
helpers here."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from services.cli import main
from services.platform.runtime import ServiceRuntime
from tests.integration.assessment_cli import serving_assessment

pytestmark = pytest.mark.kafka

DATA = Path(__file__).resolve().parents[2] / "data"
SALES = DATA / "samples" / "king_county_ratio_sales.csv"
ZONES = DATA / "king_county_zones.geojson"


@pytest.fixture
def assessment(
    sqlite_url: str,
    kafka_bootstrap: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[ServiceRuntime]:
    with serving_assessment(sqlite_url, kafka_bootstrap, tmp_path, capsys, monkeypatch) as runtime:
        yield runtime


_NUMBER = r"[+−]?\d+,\d+"
# (key, decimals shown, decimals in the JSON) in the order the report prints them.
_FIGURES = (("median_ratio", 3, 4), ("cod", 1, 2), ("prd", 3, 4), ("prb", 3, 4))


def _value(text: str) -> float:
    return float(text.replace("−", "-").replace(",", "."))


def _shown(printed: str, value: float, decimals: int, json_decimals: int) -> bool:
    """The printed figure is the JSON's to the decimals shown (the JSON's own rounding allowed for)."""
    return (
        printed == f"{value:.{decimals}f}".replace(".", ",").replace("-", "−").lstrip("+")
        or abs(_value(printed) - value) <= 0.5 * 10**-decimals + 0.5 * 10**-json_decimals + 1e-12
    )


def pdf_pages_text(pdf: Path, layout: bool = True) -> list[str]:
    """Each page's text as pdftotext reads it (poppler-utils): laid out as on the page, or (for turned
    text such as the box plots' labels) in the order it is drawn."""
    flags = ["-layout"] if layout else []
    text = subprocess.run(
        ["pdftotext", *flags, str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1]


def inked_share(pdf: Path, page: int, tmp_path: Path) -> float:
    """The share of a page's pixels that are not white, rendered by pdftoppm at 30 dpi."""
    prefix = tmp_path / f"page-{page}"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "30",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(prefix),
        ],
        check=True,
    )
    with Image.open(prefix.with_suffix(".png")) as image:
        grey = image.convert("L")
        histogram = grey.histogram()
    return 1 - sum(histogram[250:]) / sum(histogram)


def check_figures(pages: list[str], groups: list[tuple[str, dict[str, Any]]]) -> None:
    """Each group's printed row (sales, trimmed, n, then each figure with its interval, in Norwegian with a
    decimal comma) equals its JSON figures to the decimals shown."""
    text = "\n".join(pages)
    figure = rf"({_NUMBER}) \(({_NUMBER}) – ({_NUMBER})\)(?: ✗)?"
    for label, group in groups:
        head = rf"^{re.escape(label)}\s+{group['sales']}\s+{len(group['trimmed_lines'])}\s+"
        if group["median_ratio"] is None:
            assert re.search(head + r"for få salg", text, re.M), label
            continue
        found = re.search(head + rf"{group['n']}\s+" + r"\s+".join([figure] * 4), text, re.M)
        assert found, (label, group)
        printed = found.groups()
        for index, (key, decimals, json_decimals) in enumerate(_FIGURES):
            point, low, high = printed[3 * index : 3 * index + 3]
            assert _shown(point, group[key], decimals, json_decimals), (label, key, point, group[key])
            for shown, value in zip((low, high), group[f"{key}_ci"], strict=True):
                assert _shown(shown, value, decimals, 4), (label, key, shown, value)


def test_the_ratio_study_report_prints_the_jsons_figures_and_draws_its_plots(
    assessment: ServiceRuntime, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_json, report = tmp_path / "study.json", tmp_path / "study.pdf"
    argv = [
        "assessment", "ratio-study", "--sales", str(SALES), "--group-by", "zone", "--zones", str(ZONES),
        "--report-date", "2015-05-27", "--json", str(out_json), "--report", str(report),
    ]  # fmt: skip
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert f"written to {out_json}, {report}" in out, out
    document = json.loads(out_json.read_text())
    pages = pdf_pages_text(report)

    # The first page: what was studied, the figures per group and overall as the JSON has them.
    first = pages[0]
    assert "Forholdstallsanalyse: takster mot salgspriser" in first
    assert "king_county_ratio_sales.csv · 300 salg · gruppert etter «zone»" in first, first
    assert "rapportdato 27.05.2015" in first and "king_county_zones.geojson" in first
    assert "COD høyst 15" in first and "PRD 0,98–1,03" in first
    check_figures(pages, [(g["group"], g) for g in document["groups"]] + [("Samlet", document["overall"])])
    text = "\n".join(pages)
    assert "Salgsjakt (takster tilpasset salgsprisene)" in text
    # kc-053's COD is under 5: flagged as possible sales chasing.
    low = [g for g in document["groups"] if g["low_cod"]]
    assert low and all(re.search(rf"{g['group']}: COD \S+ er under 5", text) for g in low), text

    # The plots, each on its page, drawing something; the map names how many zones have figures.
    titles = [
        "Forholdstall mot salgspris",
        "Forholdstall per gruppe",
        "Medianforhold per sone",
        "Salg utelatt som avvikere",
    ]
    at = {t: next(i for i, page in enumerate(pages) if page.lstrip().startswith(t)) for t in titles}
    assert at["Forholdstall mot salgspris"] < at["Forholdstall per gruppe"] < at["Medianforhold per sone"]
    computed = [g for g in document["groups"] if g["median_ratio"] is not None]
    assert f"{len(computed)} av 200 soner har tall" in pages[at["Medianforhold per sone"]]
    for title in titles[:3]:
        assert inked_share(report, at[title] + 1, tmp_path) > 0.05, title
    boxes = pdf_pages_text(report, layout=False)[at["Forholdstall per gruppe"]]
    for group in document["groups"]:
        n = group["sales"] - len(group["trimmed_lines"])
        assert re.search(rf"{group['group']}\s+n ?= ?{n}\b", boxes), (group["group"], boxes)

    # The trimmed sales, by line, with their ratio.
    trimmed = pages[at["Salg utelatt som avvikere"]]
    lines = {line for g in document["groups"] for line in g["trimmed_lines"]} | set(
        document["overall"]["trimmed_lines"]
    )
    assert lines and all(re.search(rf"^\s*{line}\s", trimmed, re.M) for line in lines), trimmed

    # The same input, the same bytes.
    again = tmp_path / "again.pdf"
    assert main([*argv[:-1], str(again)]) == 0
    assert again.read_bytes() == report.read_bytes()

    # A bad report date or zones file is refused, named by its flag.
    capsys.readouterr()
    assert main([*argv[:8], "--report-date", "27.05.2015", "--report", str(again)]) == 1
    err = capsys.readouterr().err
    assert "--report-date" in err and "Traceback" not in err, err
    bad_zones = tmp_path / "zones.geojson"
    bad_zones.write_text('{"type": "FeatureCollection", "features": []}')
    assert main([*argv[:6], "--zones", str(bad_zones), "--report", str(again)]) == 1
    err = capsys.readouterr().err
    assert "--zones" in err and "Traceback" not in err, err

    # --zones without --group-by: no sone has figures of its own, so no map page, and the report says why.
    ungrouped = tmp_path / "ungrouped.pdf"
    assert main([*argv[:4], *argv[6:8], "--report-date", "2015-05-27", "--report", str(ungrouped)]) == 0
    pages = pdf_pages_text(ungrouped)
    assert "Kartet over sonene er utelatt: salgene er ikke gruppert (--group-by mangler)" in pages[0], pages[
        0
    ]
    assert not any(page.lstrip().startswith("Medianforhold per sone") for page in pages)
    assert "assesspy-testen" not in "\n".join(pages) and "1 sales" not in "\n".join(pages)
