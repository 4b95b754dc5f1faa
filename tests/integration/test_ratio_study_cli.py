"""`propertytax assessment ratio-study` against a running assessment service (the RatioStudy RPC with the
file's bytes): real King County sales valued per zip code, studied per zip code and overall as a table and
as JSON; a bad file refused by line and column, named by the flag, never a traceback."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.cli import main
from services.platform.runtime import ServiceRuntime
from tests.integration.assessment_cli import said_to_people, serving_assessment
from tests.unit.test_ratio_study import king_county_valued

pytestmark = pytest.mark.kafka


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


def test_a_ratio_study_per_zip_code_from_the_command_line(
    assessment: ServiceRuntime, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sales = tmp_path / "sales.csv"
    with sales.open("w", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["zip", "assessed_value", "sale_price"])
        for sale in king_county_valued():
            writer.writerow([sale.group, sale.assessed_value, sale.sale_price])
    out_json = tmp_path / "study.json"
    argv = ["assessment", "ratio-study", "--sales", str(sales), "--group-by", "zip", "--json", str(out_json)]
    assert main(argv) == 0
    out, _ = said_to_people(capsys)
    assert "Ratio study (residential: COD at most 15; 95 % intervals)" in out, out
    for name in ("98038", "98103", "98115", "overall"):
        assert re.search(rf"{name}\s+\d+\s+\d+\s+\d\.\d{{3}} \(", out), out
    document = json.loads(out_json.read_text())
    assert (document["group_by"], document["property_class"], document["cod_max"]) == (
        "zip",
        "residential",
        15,
    )
    assert [g["group"] for g in document["groups"]] == ["98038", "98103", "98115"]
    overall = document["overall"]
    assert overall["sales"] == 300 and overall["n"] == 300 - len(overall["trimmed_lines"])
    assert overall["median_ratio_ci"][0] <= overall["median_ratio"] <= overall["median_ratio_ci"][1]
    assert overall["passed"] == all(overall[k] for k in ("median_ratio_met", "cod_met", "prd_met", "prb_met"))
    assert sum(g["sales"] for g in document["groups"]) == 300

    assert main([*argv[:-2], "--class", "homogeneous", "--json", "-"]) == 0
    out, _ = said_to_people(capsys)
    assert json.loads(out)["cod_max"] == 10

    # Sales chasing by value change: the sold homes' values rose 25 %, the unsold ones' 5 %.
    chased = tmp_path / "chased.csv"
    chased.write_text(
        "assessed_value,sale_price,previous_value\n"
        + "".join(f"{1250 + i},{1250 + i * 3},1000\n" for i in range(30))
    )
    unsold = tmp_path / "unsold.csv"
    unsold.write_text("assessed_value,previous_value\n" + "".join(f"{1050 + i},1000\n" for i in range(30)))
    with_unsold = ["assessment", "ratio-study", "--sales", str(chased), "--unsold", str(unsold)]
    assert main([*with_unsold, "--json", "-"]) == 0
    out, _ = said_to_people(capsys)
    change = json.loads(out)["overall"]["value_change"]
    assert change["sold"] == 30 and change["unsold"] == 30 and change["flagged"] is True, change
    unsold.write_text("assessed_value,previous_value\n1050,\n")
    assert main(with_unsold) == 1
    _, err = said_to_people(capsys)
    assert "previous_value: is required" in err and "Traceback" not in err, err

    bad = tmp_path / "bad.csv"
    bad.write_text("zip,assessed_value,sale_price\n98103,500000,abc\n98103,0,400000\n,1,2\n")
    assert main(["assessment", "ratio-study", "--sales", str(bad), "--group-by", "zip"]) == 1
    _, err = said_to_people(capsys)
    assert "line 2" in err and "sale_price" in err, err
    assert "line 3" in err and "assessed_value: must be above 0" in err, err
    assert "line 4" in err and "zip: is required" in err, err
    assert "Traceback" not in err
    assert main(["assessment", "ratio-study", "--sales", str(bad), "--group-by", "kommune"]) == 2
    _, err = said_to_people(capsys)
    columns = "(columns: zip, assessed_value, sale_price)"
    assert f"error: --group-by kommune: no such column in the sales file {columns}" in err, err
    assert "Traceback" not in err
