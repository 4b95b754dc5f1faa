"""`assessment simulate --by-property` tells a property that is not valued from one taxed at 0 kr (a
status column, and the reasons), and `assessment unvalued` lists every reason a property has."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path
from typing import Any

import pytest

from propertytax.assessment.v1 import assessment_pb2, tax_pb2
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
            not_valued=1,
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


def test_unvalued_lists_every_reason_of_a_property_on_its_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_assessment.cmd_unvalued(argparse.Namespace()) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "0301-10/3/0/0\tno_location,zero_value\tno location | H0101 is 0 kr",
        "0301-10/5/0/0\tno_dwelling_area\tno BRA",
        "2 properties need a valuation",
    ]
