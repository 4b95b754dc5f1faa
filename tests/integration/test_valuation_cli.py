"""Issue 10, cases 1, 3 and 4 where they were seen: the command line against a running assessment service.

The register's housing value and the tax authority's value of the same dwelling count once (6.5 M, tax 0);
housing without BRA and a point with lon/lat swapped are reported at import and listed by `unvalued`,
never adopted, taxed or listed at 0 kr; `simulate` counts the properties that pay more than 0."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from devstack.synthetic_register import OSLO_2024_DECISION, OSLO_ZONES
from services.assessment.service import SPEC
from services.cli import main
from services.platform.runtime import ServiceRuntime
from services.platform.service_builder import build_runtime
from services.platform.settings import Settings

pytestmark = pytest.mark.kafka

REGISTER = """property_id,category,units,housing_value,bra_m2,plot_m2,lon,lat
0301-10/1/0/0,housing,1,6500000,120,300,10.75,59.92
0301-10/2/0/0,housing,1,13000000,150,300,10.75,59.92
0301-10/3/0/0,housing,1,6000000,100,300,10.75,59.92
0301-10/4/0/0,housing,1,5000000,90,300,10.75,59.92
0301-10/5/0/0,housing,1,,,300,10.75,59.92
0301-10/6/0/0,housing,1,,120,300,10.45,59.75
"""


@pytest.fixture
def assessment(sqlite_url: str, kafka_bootstrap: str, tmp_path: Path) -> Iterator[ServiceRuntime]:
    runtime = build_runtime(
        SPEC, Settings(database_url=sqlite_url, kafka_bootstrap=kafka_bootstrap, var_dir=tmp_path)
    )
    runtime.start()
    yield runtime
    runtime.stop()


def _printed(capsys: pytest.CaptureFixture[str]) -> Any:
    """The JSON a command printed with --json (the in-process service logs to the same stdout)."""
    lines = capsys.readouterr().out.splitlines()
    start = lines.index("{")
    return json.loads("\n".join(lines[start : lines.index("}", start) + 1]))


def test_values_count_once_unvaluable_properties_are_reported_and_simulate_counts_payers(
    assessment: ServiceRuntime,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    main(["token", "mint", "--role", "assessor"])
    monkeypatch.setenv("PROPERTYTAX_TOKEN", capsys.readouterr().out.strip())
    monkeypatch.setenv("PROPERTYTAX_ASSESSMENT_TARGET", f"127.0.0.1:{assessment.server.port}")
    register = tmp_path / "register.csv"
    register.write_text(REGISTER)
    values = tmp_path / "values.csv"
    values.write_text("property_id,unit,value_nok\n0301-10/1/0/0,H0101,6500000\n")
    decision = tmp_path / "decision.yaml"
    decision.write_text(OSLO_2024_DECISION)
    assert main(["assessment", "import", "zones", str(OSLO_ZONES)]) == 0
    capsys.readouterr()

    assert main(["assessment", "import", "properties", str(register), "--year", "2024", "--json"]) == 0
    imported = _printed(capsys)
    assert imported["valuations_proposed"] == 4
    reported = {(n["line"], n["property_id"], n["reason"]) for n in imported["not_valued"]}
    assert reported == {(6, "0301-10/5/0/0", "no_dwelling_area"), (7, "0301-10/6/0/0", "outside_zones")}

    for _ in range(2):  # the unit's value is the register's value: nothing new, the first time or again
        assert main(["assessment", "import", "housing-values", str(values), "--year", "2024", "--json"]) == 0
        assert _printed(capsys)["properties_valued"] == 0

    assert main(["assessment", "unvalued"]) == 0
    listed = capsys.readouterr().out
    assert re.search(r"0301-10/5/0/0\s+no dwelling area \(BRA\)", listed), listed
    assert re.search(r"0301-10/6/0/0\s+outside every zone", listed), listed
    assert "2 properties need a valuation." in listed

    assert main(["assessment", "adopt", "--reference", "sak 1/2024"]) == 0
    assert "Adopted 4 valuations (sak 1/2024)." in capsys.readouterr().out
    assert main(["assessment", "set-decision", str(decision)]) == 0
    capsys.readouterr()
    by_property = tmp_path / "taxes.csv"
    assert (
        main(["assessment", "simulate", "--decision", str(decision), "--by-property", str(by_property)]) == 0
    )
    report = capsys.readouterr().out
    # One of the housing properties pays (13 M → 12,320 kr); 6.5 M, 6 M and 5 M are under the deduction.
    # Category, pay, properties, revenue, revenue under the current decision, not valued.
    assert re.search(r"housing\s+1\s+6\s+12 320,00 kr\s+12 320,00 kr\s+2\s", report), report
    assert re.search(r"not valued\s+2 ", report) and re.search(r"pay\s+1\s", report), report
    taxes = {r["property_id"]: r["tax_nok"] for r in csv.DictReader(by_property.open())}
    assert taxes["0301-10/1/0/0"] == "0.00"  # 6.5 M once, not 13 M (12,320 kr)

    assert main(["assessment", "levy", "start", "2024", "--wait", "--on", "2024-02-20", "--json"]) == 0
    levied = _printed(capsys)
    assert levied["not_valued"] == 2 and levied["processed"] == 6
    tax_list = tmp_path / "skatteliste.csv"
    assert main(["assessment", "tax-list", "2024", "--out", str(tax_list)]) == 0
    assert f"Wrote {tax_list} (public tax list 2024, 4 properties)" in capsys.readouterr().out
    rows = list(csv.DictReader(tax_list.open(encoding="utf-8")))
    assert [r["cadastral_id"] for r in rows] == [f"0301-10/{n}/0/0" for n in (1, 2, 3, 4)]
    assert all(Decimal(r["tax_value_nok"]) > 0 for r in rows)
    # 6.5 M once (not 13 M), less the statutory 30 %: the list shows the tax value (skattegrunnlag).
    assert next(r for r in rows if r["cadastral_id"] == "0301-10/1/0/0")["tax_value_nok"] == "4550000.00"


TRIAL_REGISTER = """property_id,category,units,housing_value,bra_m2,plot_m2,lon,lat
0301-10/3/0/0,housing,3,,250,600,10.75,59.92
0301-10/4/0/0,housing,1,,120,300,10.75,59.92
"""


def test_a_unit_at_zero_kr_makes_the_property_not_valued_everywhere_whatever_it_had_before(
    assessment: ServiceRuntime,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """Issue 10, case 3 (user trial): a property of 3 units valued by standard rates and adopted, then the
    tax authority gives H0101 0 kr. Import, unvalued, simulate, levy and the tax list agree: it needs a
    valuation, is not valued (zero_value), pays nothing and is not on the tax list; its older valuation is
    not used. When H0101 gets a value, the units' sum is proposed and, adopted, taxed."""
    main(["token", "mint", "--role", "assessor"])
    monkeypatch.setenv("PROPERTYTAX_TOKEN", capsys.readouterr().out.strip())
    monkeypatch.setenv("PROPERTYTAX_ASSESSMENT_TARGET", f"127.0.0.1:{assessment.server.port}")
    three = "0301-10/3/0/0"
    register = tmp_path / "register.csv"
    register.write_text(TRIAL_REGISTER)
    values = tmp_path / "hv.csv"
    values.write_text(
        f"property_id,unit,value_nok\n{three},H0101,0\n{three},H0102,4000000\n{three},H0103,5000000\n"
    )
    decision = tmp_path / "decision.yaml"
    decision.write_text(OSLO_2024_DECISION)
    assert main(["assessment", "import", "zones", str(OSLO_ZONES)]) == 0
    capsys.readouterr()
    assert main(["assessment", "import", "properties", str(register), "--year", "2024", "--json"]) == 0
    assert _printed(capsys)["valuations_proposed"] == 2
    assert main(["assessment", "adopt", "--reference", "sak 1/2024", "--json"]) == 0
    assert _printed(capsys)["adopted"] == 2  # the standard-rate valuations, in force until the values came

    assert main(["assessment", "import", "housing-values", str(values), "--year", "2024", "--json"]) == 0
    imported = _printed(capsys)
    assert imported["properties_valued"] == 0
    [reported] = imported["not_valued"]
    assert (reported["line"], reported["property_id"], reported["reason"]) == (2, three, "zero_value")
    assert "H0101" in reported["detail"]

    assert main(["assessment", "unvalued"]) == 0
    listed = capsys.readouterr().out
    assert re.search(rf"{three}\s+a unit valued at 0 kr\s+.*H0101", listed), listed
    assert "1 property needs a valuation." in listed

    assert main(["assessment", "set-decision", str(decision)]) == 0
    capsys.readouterr()
    by_property = tmp_path / "taxes.csv"
    assert (
        main(["assessment", "simulate", "--decision", str(decision), "--by-property", str(by_property)]) == 0
    )
    report = capsys.readouterr().out
    assert re.search(r"not valued\s+1 ", report) and re.search(r"housing\s+1\s+2\s.*\s1\s", report), report
    rows = {r["property_id"]: r for r in csv.DictReader(by_property.open())}
    assert (rows[three]["tax_base_nok"], rows[three]["tax_nok"], rows[three]["status"]) == (
        "0.00",
        "0.00",
        "not_valued",
    )
    assert rows[three]["reason"] == "zero_value"
    assert rows["0301-10/4/0/0"]["status"] == "taxed"

    assert main(["assessment", "levy", "start", "2024", "--wait", "--on", "2024-02-20"]) == 0
    levied = capsys.readouterr().out
    assert "Levy 2024 done on 20.02.2024: 2 properties, 1 taxed, 0 exempt, 1 not valued; total " in levied
    assert main(["assessment", "get-property", three, "--json"]) == 0
    [base] = _printed(capsys)["tax_bases"]
    assert base["status"] == "TAX_STATUS_NOT_VALUED" and base.get("valuation_version", 0) == 0
    assert base["reason"].startswith("not valued: zero_value: ") and "H0101" in base["reason"]
    tax_list = tmp_path / "skatteliste.csv"
    assert main(["assessment", "tax-list", "2024", "--out", str(tax_list)]) == 0
    listed_rows = list(csv.DictReader(tax_list.open(encoding="utf-8")))
    assert [r["cadastral_id"] for r in listed_rows] == ["0301-10/4/0/0"]

    # The cause cured: H0101's value gives the units' sum, 13,000,000 (the tax authority's 9,000,000 for
    # H0102 and H0103 and H0101's 4,000,000), no need is left, and the adopted value is simulated as taxed.
    values.write_text(f"property_id,unit,value_nok\n{three},H0101,4000000\n")
    assert main(["assessment", "import", "housing-values", str(values), "--year", "2024"]) == 0
    assert (
        "Read 1 housing value for 2024: 1 property given a new valuation, waiting for adoption; "
        "0 not valued (need a valuation)." in capsys.readouterr().out
    )
    assert main(["assessment", "unvalued"]) == 0
    assert "No property needs a valuation." in capsys.readouterr().out
    assert main(["assessment", "adopt", "--reference", "sak 2/2024"]) == 0
    capsys.readouterr()
    assert (
        main(["assessment", "simulate", "--decision", str(decision), "--by-property", str(by_property)]) == 0
    )
    capsys.readouterr()
    rows = {r["property_id"]: r for r in csv.DictReader(by_property.open())}
    assert (rows[three]["status"], rows[three]["reason"]) == ("taxed", "")
