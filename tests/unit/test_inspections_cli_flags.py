"""Issue 14: a refusal of an inspections command names the flag the user typed, never the request's field
path (absences[1].first_day → --absent #2, notice_address → --notice-address, needed_by → --needed-by),
and a field result's warnings are printed (services/cli/inspections_*.py, the appeals CLI's `inspection
request`). The service is replaced by a Caller whose call answers or refuses as the service would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import grpc
import pytest

from propertytax.assessment.v1 import inspections_pb2, tax_pb2
from services.cli import main
from services.client import Caller
from services.platform.errors import FieldViolation, InvalidInput
from services.platform.grpc_status import to_rpc_status

pytestmark = pytest.mark.unit

ASSESSORS = Path(__file__).resolve().parents[2] / "data" / "samples" / "assessors.csv"


class Refused(grpc.RpcError):
    """What a client sees of the service's InvalidInput: the code, the message, the trailing details."""

    def __init__(self, *violations: tuple[str, str]) -> None:
        self.status = to_rpc_status(InvalidInput([FieldViolation(f, d) for f, d in violations]))

    def code(self) -> grpc.StatusCode:
        return self.status.code  # type: ignore[no-any-return]

    def details(self) -> str:
        return self.status.details  # type: ignore[no-any-return]

    def trailing_metadata(self) -> Any:
        return self.status.trailing_metadata


def _answer(monkeypatch: pytest.MonkeyPatch, answer: Any) -> None:
    def call(self: Caller, method: Any, request: Any, timeout: float | None = None) -> Any:
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(Caller, "call", call)
    monkeypatch.setenv("PROPERTYTAX_TOKEN", "a-token")


def test_a_refused_plan_names_the_absence_flag_and_which_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _answer(monkeypatch, Refused(("absences[1].first_day", "has no day in the period"), ("first_day", "bad")))
    away = ["--absent", "A1:2024-05-07", "--absent", "A2:2024-06-03"]
    argv = ["assessment", "inspections", "plan", "--from", "2024-05-06", "--to", "2024-05-10",
            "--assessors", str(ASSESSORS), *away]  # fmt: skip
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "--absent #2: has no day in the period" in err and "--from: bad" in err, err
    assert "absences[" not in err and "Traceback" not in err


def test_a_refused_wish_names_the_notice_flags(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _answer(monkeypatch, Refused(("notice_lines[0]", "too long"), ("notice_name", "is required")))
    argv = ["assessment", "inspections", "request", "0301-1/1/0/0", "--notify", "--notice-address", "x" * 99]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "--notice-address #1: too long" in err and "--notice-name: is required" in err, err


def test_a_refused_appeal_inspection_request_names_needed_by(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _answer(monkeypatch, Refused(("needed_by", "cannot be before the request (2024-04-02)")))
    argv = ["appeals", "inspection", "request", "case-1", "--note", "Mål loftet", "--needed-by", "2024-04-01"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "error: --needed-by: cannot be before the request (2024-04-02)" in err, err


def test_a_recorded_inspection_prints_the_warnings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = inspections_pb2.RecordInspectionResponse(
        valuation=tax_pb2.Valuation(property_id="0301-1/1/0/0", version=2),
        warnings=["the plan sent A2 to this property on 2024-05-07, not A1"],
    )
    _answer(monkeypatch, answer)
    argv = ["assessment", "inspections", "record", "0301-1/1/0/0", "--on", "2024-05-07", "--assessor", "A1"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "Warning: the plan sent A2 to this property on 2024-05-07, not A1" in out, out
