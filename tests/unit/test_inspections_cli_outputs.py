"""Issue 14, trial 2 (the CLI): a path that cannot be written is refused before the service is called (a
plan or re-plan would have stored a version and sent letters), "1 document", one exit code and one form
for every plan the service does not know, `show --assessor/--day` naming what is not in the plan, and a
refusal of a business date the user left out saying which day the service took
(services/cli/inspections_plans.py, inspections_outputs.py, inspections_needs.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.rpc import code_pb2, error_details_pb2, status_pb2

from propertytax.assessment.v1 import inspections_pb2
from services.cli import main
from services.cli.common import BadInput
from services.cli.inspections_outputs import check_output_file, check_output_folder
from services.platform.clock import oslo_today
from tests.unit.test_inspections_cli_plans import (
    BASE,
    PLAN_ID,
    STORED,
    Answers,
    Missing,
    _plan,
    _service,
    _shown,
)

pytestmark = pytest.mark.unit


class Refused(grpc.RpcError):
    """What a client sees of the service's InvalidInput naming `field`."""

    def __init__(self, field: str, description: str) -> None:
        self._field, self._description = field, description

    def code(self) -> grpc.StatusCode:
        return grpc.StatusCode.INVALID_ARGUMENT

    def details(self) -> str:
        return f"{self._field}: {self._description}"

    def trailing_metadata(self) -> Any:
        bad = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field=self._field, description=self._description)
            ]
        )
        status = status_pb2.Status(code=code_pb2.INVALID_ARGUMENT, message=self.details())
        status.details.add().Pack(bad)
        return (("grpc-status-details-bin", status.SerializeToString()),)


def _refuse(error: grpc.RpcError) -> Callable[[Any], Any]:
    def answer(request: Any) -> Any:
        raise error

    return answer


def _assessors(tmp_path: Path) -> str:
    csv = tmp_path / "assessors.csv"
    csv.write_text(
        "assessor_id,name,transport,start_lon,start_lat,minutes_per_day\nA1,Kari,car,10.75,59.91,450\n"
    )
    return str(csv)


def test_a_path_that_cannot_be_written_is_refused_before_the_service_is_called(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    asked = _service(monkeypatch, {})
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    plan = [*BASE, "plan", "--from", "2024-05-06", "--to", "2024-05-10", "--assessors", _assessors(tmp_path)]
    replan = [*BASE, "replan", PLAN_ID, "--ill", "A1", "--from", "2024-05-07"]
    for argv, said in (
        ([*replan, "--documents", "/proc/nope"], "--documents /proc/nope: cannot make the folder"),
        ([*replan, "--documents", str(a_file)], f"--documents {a_file}: not a folder"),
        ([*replan, "--json", "/nope/x.json"], "--json /nope/x.json: cannot write it: the folder /nope"),
        ([*plan, "--json", "/nope/x.json"], "--json /nope/x.json: cannot write it"),
        ([*plan, "--json", str(tmp_path)], f"--json {tmp_path}: cannot write it: is a folder, not a file"),
        (
            [*plan, "--documents", f"{a_file}/inside"],
            f"--documents {a_file}/inside: cannot make the folder: a part of the path is not a folder",
        ),
        ([*BASE, "show", PLAN_ID, "--json", "/nope/x.json"], "--json /nope/x.json: cannot write it"),
        ([*BASE, "documents", PLAN_ID, "--out", "/proc/nope"], "--out /proc/nope: cannot make the folder"),
        ([*BASE, "needs", "--json", "/nope/needs.json"], "--json /nope/needs.json: cannot write it"),
    ):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert f"error: {said}" in err and "Traceback" not in err, (argv, err)
    assert asked == []


def test_the_checks_leave_nothing_behind_and_keep_an_existing_file(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "c"
    check_output_folder(str(deep), "--documents")
    assert list(tmp_path.iterdir()) == []  # made to try, removed again; made for real when written
    check_output_file(str(tmp_path / "plan.json"), "--json")
    assert list(tmp_path.iterdir()) == []
    kept = tmp_path / "plan.json"
    kept.write_text("the old plan")
    check_output_file(str(kept), "--json")
    assert kept.read_text() == "the old plan"
    check_output_file("-", "--json")  # stdout
    # A folder the system refuses (root may write anywhere else, so not a folder of mode 0500).
    with pytest.raises(BadInput, match="--out /proc/nope/x: cannot make the folder"):
        check_output_folder("/proc/nope/x", "--out")
    with pytest.raises(BadInput, match=r"--json /proc/x\.json: cannot write it"):
        check_output_file("/proc/x.json", "--json")


def test_one_document_is_one_document(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    one = inspections_pb2.GetInspectionDocumentsResponse(
        document=inspections_pb2.InspectionDocument(name="plan-map.html", content=b"<html></html>")
    )
    _service(monkeypatch, {inspections_pb2.GetInspectionDocumentsRequest: lambda request: [one]})
    assert main([*BASE, "documents", PLAN_ID, "--map", "--out", str(tmp_path / "out")]) == 0
    assert f"1 document written to {tmp_path / 'out'}" in capsys.readouterr().out
    assert (tmp_path / "out" / "plan-map.html").read_bytes() == b"<html></html>"


def test_every_unknown_plan_is_said_alike_naming_plan_id_with_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    answers: Answers = {
        inspections_pb2.ListInspectionPlansRequest: STORED,
        inspections_pb2.GetInspectionPlanRequest: _refuse(Missing("no inspection plan BEF-XYZ")),
        inspections_pb2.GetInspectionDocumentsRequest: _refuse(Missing("no inspection plan NOPE")),
    }
    hint = "; list the plans with `propertytax assessment inspections plans`"
    for argv, said in (
        (["show", "BEF-12345678"], "PLAN_ID BEF-12345678: no inspection plan has that reference"),
        (["show", "BEF-XYZ"], "PLAN_ID BEF-XYZ: no inspection plan BEF-XYZ"),
        (["documents", "NOPE", "--out", str(tmp_path)], "PLAN_ID NOPE: no inspection plan NOPE"),
    ):
        _service(monkeypatch, answers)
        assert main([*BASE, *argv]) == 1, argv
        assert capsys.readouterr().err == f"error: {said}{hint}\n", argv


def test_show_names_an_assessor_or_a_day_the_plan_does_not_have(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _service(monkeypatch, {inspections_pb2.GetInspectionPlanRequest: _shown(_plan(days=2, assessors=2))})
    assert main([*BASE, "show", PLAN_ID, "--assessor", "A9"]) == 1
    assert capsys.readouterr().err == "error: --assessor A9 is no assessor of plan BEF-1A2B3C4D: A1, A2\n"
    assert main([*BASE, "show", PLAN_ID, "--day", "2024-06-03"]) == 1
    assert capsys.readouterr().err == (
        "error: --day 03.06.2024 is outside plan BEF-1A2B3C4D, 06.05.2024–07.05.2024\n"
    )
    assert main([*BASE, "show", PLAN_ID, "--assessor", "a2", "--day", "07.05.2024"]) == 0
    assert "07.05.2024 A2 Takstmann 2: 1 visit" in capsys.readouterr().out


def test_a_refused_date_the_cli_left_to_the_service_says_it_was_today(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    today = oslo_today()
    late = Refused("planned_on", "a plan is made on or before its first day; plan from the day after instead")
    _service(monkeypatch, {inspections_pb2.PlanInspectionsRequest: _refuse(late)})
    plan = [*BASE, "plan", "--from", "2024-05-06", "--to", "2024-05-10", "--assessors", _assessors(tmp_path)]
    assert main(plan) == 1
    assert capsys.readouterr().err == (
        "error: --planned-on: a plan is made on or before its first day; plan from the day after instead "
        f"(--planned-on was left out: today, {today:%d.%m.%Y})\n"
    )
    assert main([*plan, "--planned-on", "2024-05-07"]) == 1  # typed: nothing to add
    assert "left out" not in capsys.readouterr().err

    early = Refused("day", f"must not be before the day the owner asked ({today.isoformat()})")
    _service(monkeypatch, {inspections_pb2.RequestVisitRequest: _refuse(early)})
    assert main([*BASE, "request", "0301-1/1/0/0", "--notify", "--day", "2024-09-04"]) == 1
    assert capsys.readouterr().err.endswith(f"(--asked-on was left out: today, {today:%d.%m.%Y})\n")

    other = Refused("note", "must be one line")
    _service(monkeypatch, {inspections_pb2.RequestVisitRequest: _refuse(other)})
    assert main([*BASE, "request", "0301-1/1/0/0", "--note", "a\nb"]) == 1
    assert capsys.readouterr().err == "error: --note: must be one line\n"
