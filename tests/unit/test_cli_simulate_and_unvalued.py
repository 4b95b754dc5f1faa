"""`assessment simulate --by-property` tells a property that is not valued from one taxed at 0 kr (a
status column, and the reasons), and `assessment unvalued` lists every reason a property has; both show
people amounts in kroner and counts in words, and the machine form with --json."""

from __future__ import annotations

import argparse
import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest

from propertytax.assessment.v1 import assessment_pb2, property_pb2, tax_pb2
from propertytax.platform.v1 import money_pb2
from services.cli import assessment as cli_assessment

pytestmark = pytest.mark.unit

NEEDS = [
    assessment_pb2.ValuationNeed(property_id="0301-10/3/0/0", reason="no_location", detail="no location"),
    assessment_pb2.ValuationNeed(property_id="0301-10/3/0/0", reason="zero_value", detail="H0101 is 0 kr"),
    assessment_pb2.ValuationNeed(property_id="0301-10/5/0/0", reason="no_dwelling_area", detail="no BRA"),
]


class _Caller:
    def call(self, method: Any, request: Any, **_: Any) -> Any:
        if isinstance(request, assessment_pb2.ListValuationNeedsRequest):  # two pages
            if not request.page_token:
                return assessment_pb2.ListValuationNeedsResponse(needs=NEEDS[:1], next_page_token="p2")
            return assessment_pb2.ListValuationNeedsResponse(needs=NEEDS[1:])
        zero = money_pb2.Money(ore=0)
        return assessment_pb2.SimulateTaxYearResponse(
            year=2024,
            total_revenue=money_pb2.Money(ore=2_821_928),
            has_current=True,
            current_total_revenue=money_pb2.Money(ore=3_000_000),
            properties=3,
            taxed=2,
            paying=1,
            not_valued=1,
            categories=[
                assessment_pb2.CategoryRevenue(
                    category=property_pb2.PROPERTY_CATEGORY_HOUSING,
                    properties=3,
                    taxed=1,
                    revenue=money_pb2.Money(ore=2_821_928),
                    not_valued=1,
                )
            ],
            bands=[
                assessment_pb2.TaxBand(lower_nok=0, upper_nok=1000, properties=2),
                assessment_pb2.TaxBand(lower_nok=20000, upper_nok=0, properties=1),
            ],
            property_taxes=[
                assessment_pb2.PropertyTax(
                    property_id="0301-10/1/0/0", tax_base=zero, tax=zero, status=tax_pb2.TAX_STATUS_TAXED
                ),
                assessment_pb2.PropertyTax(
                    property_id="0301-10/3/0/0", tax_base=zero, tax=zero, status=tax_pb2.TAX_STATUS_NOT_VALUED
                ),
                assessment_pb2.PropertyTax(
                    property_id="0301-10/4/0/0",
                    tax_base=money_pb2.Money(ore=160_000_000),
                    tax=money_pb2.Money(ore=448_000),
                    status=tax_pb2.TAX_STATUS_TAXED,
                ),
            ],
        )


@pytest.fixture(autouse=True)
def _fake_service(monkeypatch: pytest.MonkeyPatch) -> None:
    stub = type("Stub", (), {"SimulateTaxYear": None, "ListValuationNeeds": None})()
    monkeypatch.setattr(cli_assessment, "_stub", lambda args: (_Caller(), stub))


def test_by_property_tells_a_property_not_valued_from_one_taxed_at_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    decision = tmp_path / "decision.yaml"
    decision.write_text("year: 2024\n")
    out = tmp_path / "taxes.csv"
    assert cli_assessment.cmd_simulate(argparse.Namespace(decision=decision, by_property=out)) == 0
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows == [
        ["property_id", "tax_base_nok", "tax_nok", "status", "reason"],
        ["0301-10/1/0/0", "0.00", "0.00", "taxed", ""],
        ["0301-10/3/0/0", "0.00", "0.00", "not_valued", "no_location,zero_value"],
        ["0301-10/4/0/0", "1600000.00", "4480.00", "taxed", ""],
    ]


def test_simulate_shows_kroner_the_norwegian_way_and_counts_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    decision = tmp_path / "decision.yaml"
    decision.write_text("year: 2024\n")
    assert cli_assessment.cmd_simulate(argparse.Namespace(decision=decision, by_property=None)) == 0
    report = capsys.readouterr().out
    assert "Revenue simulation for 2024" in report
    assert re.search(r"Total revenue\s+28 219,28 kr\s", report), report
    assert re.search(r"Current decision\s+30 000,00 kr \(change -1 780,72 kr\)", report), report
    # Pay, properties, revenue, revenue under the current decision (none in housing here), not valued.
    assert re.search(r"housing\s+1\s+3\s+28 219,28 kr\s+0,00 kr\s+1\s", report), report
    assert re.search(r"20 000 kr\s+and more\s+1", report) and re.search(r"0 kr\s+1 000 kr\s+2", report)
    assert "NOK" not in report and "28219" not in report


def test_simulate_by_property_to_stdout_keeps_the_report_off_the_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    decision = tmp_path / "decision.yaml"
    decision.write_text("year: 2024\n")
    assert cli_assessment.cmd_simulate(argparse.Namespace(decision=decision, by_property=Path("-"))) == 0
    printed = capsys.readouterr()
    rows = list(csv.reader(printed.out.splitlines()))
    assert rows[0] == ["property_id", "tax_base_nok", "tax_nok", "status", "reason"] and len(rows) == 4
    assert "Total revenue" in printed.err and "Total revenue" not in printed.out


def test_simulate_json_is_the_machine_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    decision = tmp_path / "decision.yaml"
    decision.write_text("year: 2024\n")
    assert (
        cli_assessment.cmd_simulate(argparse.Namespace(decision=decision, by_property=None, json=True)) == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert report["total_revenue"] == {"ore": 2_821_928, "nok": "28219.28"}
    assert report["exempt"] == 0 and report["categories"][0]["category"] == "PROPERTY_CATEGORY_HOUSING"


def test_unvalued_lists_every_reason_of_a_property_on_its_row(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_assessment.cmd_unvalued(argparse.Namespace()) == 0
    lines = [line.rstrip() for line in capsys.readouterr().out.splitlines()]
    assert re.fullmatch(r"Property\s+Reasons\s+Detail", lines[0]), lines
    assert re.fullmatch(
        r"0301-10/3/0/0\s+no location, a unit valued at 0 kr\s+no location; H0101 is 0 kr", lines[2]
    ), lines
    assert re.fullmatch(r"0301-10/5/0/0\s+no dwelling area \(BRA\)\s+no BRA", lines[3]), lines
    assert lines[-1] == "2 properties need a valuation."


def test_unvalued_says_one_property_and_none_in_words(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_assessment, "_needs_by_property", lambda caller, stub: {"p1": NEEDS[2:]})
    assert cli_assessment.cmd_unvalued(argparse.Namespace()) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "1 property needs a valuation."
    monkeypatch.setattr(cli_assessment, "_needs_by_property", lambda caller, stub: {})
    assert cli_assessment.cmd_unvalued(argparse.Namespace()) == 0
    assert capsys.readouterr().out == "No property needs a valuation.\n"


def test_unvalued_json_lists_every_need(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_assessment.cmd_unvalued(argparse.Namespace(json=True)) == 0
    needs = json.loads(capsys.readouterr().out)["needs"]
    assert [(n["property_id"], n["reason"]) for n in needs] == [
        ("0301-10/3/0/0", "no_location"),
        ("0301-10/3/0/0", "zero_value"),
        ("0301-10/5/0/0", "no_dwelling_area"),
    ]
