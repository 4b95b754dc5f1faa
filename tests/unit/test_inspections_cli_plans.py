"""Issue 14, trial findings 8, 10 and 12: the plans list, a plan named by its short reference, a plan's
stops under each assessor-day, what a re-plan says it did, dates as dd.mm.yyyy, and the refusals that say
how to find the right plan or property (services/cli/inspections_*.py). The service is replaced by a
Caller whose call answers each request type as the service would, and records what it was asked."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc
import pytest

from propertytax.assessment.v1 import inspections_pb2
from services.cli import main
from services.client import Caller

pytestmark = pytest.mark.unit

PLAN_ID = "1a2b3c4d-5e6f-4a1b-8c2d-000000000001"
OTHER_ID = "9f8e7d6c-5e6f-4a1b-8c2d-000000000002"
BASE = ["assessment", "inspections"]


class Missing(grpc.RpcError):
    """What a client sees of the service's NotFound."""

    def __init__(self, details: str) -> None:
        self._details = details

    def code(self) -> grpc.StatusCode:
        return grpc.StatusCode.NOT_FOUND

    def details(self) -> str:
        return self._details


Answers = dict[type, Callable[[Any], Any]]


def _service(monkeypatch: pytest.MonkeyPatch, answers: Answers) -> list[Any]:
    """Answers each request by its type; returns the requests as they were sent."""
    asked: list[Any] = []

    def call(self: Caller, method: Any, request: Any, timeout: float | None = None) -> Any:
        asked.append(request)
        return answers[type(request)](request)

    monkeypatch.setattr(Caller, "call", call)
    monkeypatch.setenv("PROPERTYTAX_TOKEN", "a-token")
    return asked


def _summary(plan_id: str, first: str, last: str, **kw: Any) -> inspections_pb2.InspectionPlanSummary:
    fields: dict[str, Any] = {
        "version": 1, "made_on": "2024-04-22", "cause": "plan", "visits": 31, "unplanned": 4,
        "assessor_ids": ["A1", "A2", "A3", "A4"],
    } | kw  # fmt: skip
    return inspections_pb2.InspectionPlanSummary(plan_id=plan_id, first_day=first, last_day=last, **fields)


def _plans(*plans: inspections_pb2.InspectionPlanSummary) -> Callable[[Any], Any]:
    return lambda request: inspections_pb2.ListInspectionPlansResponse(plans=list(plans))


STORED = _plans(
    _summary(OTHER_ID, "2024-05-13", "2024-05-17"),
    _summary(PLAN_ID, "2024-05-06", "2024-05-10", version=2, made_on="2024-05-03", cause="A2 absent"),
)


def _stop(day: str, arrive: str, leave: str, n: int) -> inspections_pb2.PlannedStop:
    return inspections_pb2.PlannedStop(
        property_id=f"0301-{n}/1/0/0",
        arrive=f"{day}T{arrive}",
        leave=f"{day}T{leave}",
        address=f"Testveien {n}",
        reason="new_building",
        window_start=f"{day}T08:00",
        window_end=f"{day}T10:00",
    )


def _plan(days: int = 1, assessors: int = 1, stops: int = 1) -> inspections_pb2.InspectionPlan:
    dates = [f"2024-05-{6 + d:02d}" for d in range(days)]
    return inspections_pb2.InspectionPlan(
        plan_id=PLAN_ID,
        version=2,
        first_day=dates[0],
        last_day=dates[-1],
        made_on="2024-05-03",
        cause="A2 absent",
        days=[
            inspections_pb2.PlannedDay(
                assessor_id=f"A{a + 1}",
                date=date,
                stops=[_stop(date, f"{8 + s:02d}:20", f"{9 + s:02d}:05", 100 * a + s) for s in range(stops)],
                distance_km="3.250",
                travel_minutes=14,
            )
            for date in dates
            for a in range(assessors)
        ],
        total_distance_km="3.250",
        naive_distance_km="5.000",
        assessors=[
            inspections_pb2.Assessor(assessor_id=f"A{a + 1}", name=f"Takstmann {a + 1}")
            for a in range(assessors)
        ],
        needs=days * assessors * stops,
    )


def _cells(line: str) -> list[str]:
    """A table row's cells (the columns are two spaces or more apart)."""
    return re.split(r"\s{2,}", line.strip())


def _shown(plan: inspections_pb2.InspectionPlan) -> Callable[[Any], Any]:
    return lambda request: inspections_pb2.GetInspectionPlanResponse(plan=plan)


def test_plans_lists_each_plan_by_reference_and_id_with_its_period_and_counts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asked = _service(monkeypatch, {inspections_pb2.ListInspectionPlansRequest: STORED})
    assert main([*BASE, "plans", "--from", "06.05.2024"]) == 0
    out = capsys.readouterr().out
    assert asked[0].from_day == "2024-05-06"
    assert "Inspection plans with days on or after 06.05.2024" in out
    lines = out.splitlines()
    newest = next(line for line in lines if OTHER_ID in line)
    older = next(line for line in lines if PLAN_ID in line)
    assert lines.index(newest) < lines.index(older)  # as the service orders them, newest period first
    assert _cells(newest)[:3] == ["BEF-9F8E7D6C", OTHER_ID, "13.05.2024–17.05.2024"], newest
    assert _cells(older) == [
        "BEF-1A2B3C4D", PLAN_ID, "06.05.2024–10.05.2024", "2", "03.05.2024", "A2 absent", "31", "4",
        "A1, A2, A3, A4",
    ], older  # fmt: skip

    _service(monkeypatch, {inspections_pb2.ListInspectionPlansRequest: _plans()})
    assert main([*BASE, "plans", "--from", "2030-01-01"]) == 0
    assert "No inspection plans with days on or after 01.01.2030. Leave out --from for all." in (
        capsys.readouterr().out
    )


def test_a_plan_is_found_by_its_short_reference_wherever_a_plan_id_is_typed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers: Answers = {
        inspections_pb2.ListInspectionPlansRequest: STORED,
        inspections_pb2.GetInspectionPlanRequest: _shown(_plan()),
    }
    for typed in ("BEF-1A2B3C4D", "bef-1a2b3c4d", "1A2B3C4D", PLAN_ID):
        asked = _service(monkeypatch, answers)
        assert main([*BASE, "show", typed]) == 0, capsys.readouterr().err
        assert asked[-1].plan_id == PLAN_ID, typed
    assert len(asked) == 1  # a full id is sent as it is, with no look-up
    capsys.readouterr()

    _service(monkeypatch, answers)
    assert main([*BASE, "show", "BEF-00000000"]) == 1  # as the service's own "no inspection plan"
    err = capsys.readouterr().err
    assert "error: PLAN_ID BEF-00000000: no inspection plan has that reference" in err
    assert "list the plans with `propertytax assessment inspections plans`" in err

    twins = _plans(
        _summary(PLAN_ID, "2024-05-06", "2024-05-10"),
        _summary(PLAN_ID[:8] + "-0", "2024-06-03", "2024-06-07"),
    )
    _service(monkeypatch, {inspections_pb2.ListInspectionPlansRequest: twins})
    assert main([*BASE, "replan", "BEF-1A2B3C4D", "--ill", "A1", "--from", "2024-05-07"]) == 1
    err = capsys.readouterr().err
    assert "PLAN_ID BEF-1A2B3C4D: 2 plans begin so" in err and "give the full id" in err, err


def test_an_unknown_plan_or_property_says_how_to_find_the_right_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def refuse(what: str) -> Callable[[Any], Any]:
        def answer(request: Any) -> Any:
            raise Missing(what)

        return answer

    _service(
        monkeypatch,
        {
            inspections_pb2.GetInspectionPlanRequest: refuse("no inspection plan no-such-plan"),
            inspections_pb2.ReplanInspectionsRequest: refuse("no inspection plan no-such-plan"),
            inspections_pb2.GetInspectionDocumentsRequest: refuse("no inspection plan no-such-plan"),
            inspections_pb2.RequestVisitRequest: refuse("no property 0301-99/1/0/0"),
            inspections_pb2.RecordInspectionRequest: refuse("no property 0301-99/1/0/0"),
        },
    )
    plans = (
        "error: PLAN_ID no-such-plan: no inspection plan no-such-plan; "
        "list the plans with `propertytax assessment inspections plans`"
    )
    for argv in (
        ["show", "no-such-plan"],
        ["replan", "no-such-plan", "--ill", "A1", "--from", "2024-05-07"],
        ["documents", "no-such-plan", "--out", str(tmp_path / "unused")],
    ):
        assert main([*BASE, *argv]) == 1, argv
        assert plans in capsys.readouterr().err, argv
    find = "error: no property 0301-99/1/0/0; find it with `propertytax assessment find --text ...`"
    for argv in (
        ["request", "0301-99/1/0/0", "--notify"],
        ["record", "0301-99/1/0/0", "--on", "2024-05-07", "--assessor", "A1"],
    ):
        assert main([*BASE, *argv]) == 1, argv
        err = capsys.readouterr().err
        assert find in err and "Traceback" not in err, (argv, err)


def test_show_lists_the_stops_under_each_assessor_day_and_a_big_plan_its_days(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _service(
        monkeypatch, {inspections_pb2.GetInspectionPlanRequest: _shown(_plan(days=2, assessors=2, stops=3))}
    )
    assert main([*BASE, "show"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Plan BEF-1A2B3C4D ({PLAN_ID}) version 2 (A2 absent), 06.05.2024 to 07.05.2024")
    lines = out.splitlines()
    heading = lines.index("07.05.2024 A2 Takstmann 2: 3 visits, 08:20–11:05, 3,250 km, 14 min travel")
    assert _cells(lines[heading + 1]) == ["Time", "Property", "Address", "Window", "Reason"]
    assert _cells(lines[heading + 3]) == [
        "08:20–09:05", "0301-100/1/0/0", "Testveien 100", "08:00–10:00", "new building"
    ]  # fmt: skip
    assert sum(1 for line in lines if "min travel" in line) == 4 and "2024-05" not in out

    # A season's week: 5 days, 4 assessors, 8 visits each: its days, and how to see the stops.
    big = _plan(days=5, assessors=4, stops=8)
    _service(monkeypatch, {inspections_pb2.GetInspectionPlanRequest: _shown(big)})
    assert main([*BASE, "show"]) == 0
    out = capsys.readouterr().out
    assert len(out.splitlines()) < 40 and "Testveien" not in out, out
    assert re.search(r"^10\.05\.2024\s+A4\s+8\s+08:20\s+16:05\s+3,250\s+14$", out, re.M), out
    assert "The 160 stops are not listed here: --assessor ID or --day D lists some, --stops all" in out
    assert "--json OUT writes the plan to a file" in out
    assert main([*BASE, "show", "--assessor", "a2", "--day", "08.05.2024"]) == 0
    out = capsys.readouterr().out
    assert [line for line in out.splitlines() if "min travel" in line] == [
        "08.05.2024 A2 Takstmann 2: 8 visits, 08:20–16:05, 3,250 km, 14 min travel"
    ]
    assert main([*BASE, "show", "--stops"]) == 0
    assert capsys.readouterr().out.count("Testveien") == 160


def test_show_and_documents_refuse_version_0(capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["show"], ["documents", "--out", "unused"]):
        with pytest.raises(SystemExit) as usage:
            main([*BASE, *command, "--version", "0"])
        assert usage.value.code == 2
        assert "--version: from 1; leave it out for the latest" in capsys.readouterr().err


def test_a_replan_tells_moves_from_visits_left_unplanned_and_says_when_nothing_changed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    moved = ["0301-1/1/0/0", "0301-2/1/0/0", "0301-3/1/0/0"]
    done = inspections_pb2.ReplanInspectionsResponse(
        plan=_plan(), moved=moved, now_unplanned=moved[2:], notices=2, cancellations=1, stored=True
    )
    asked = _service(monkeypatch, {inspections_pb2.ReplanInspectionsRequest: lambda request: done})
    argv = [*BASE, "replan", PLAN_ID, "--ill", "A2", "--from", "07.05.2024", "--replanned-on", "2024-05-03"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert asked[0].plan_id == PLAN_ID and asked[0].absent_from == "2024-05-07"
    assert "  2 visits moved to another day, time or assessor" in out, out
    assert "  1 visit of the earlier version now unplanned" in out
    assert "1 owner sent a letter that their visit is cancelled" in out

    same = inspections_pb2.ReplanInspectionsResponse(plan=_plan(), stored=False)
    _service(monkeypatch, {inspections_pb2.ReplanInspectionsRequest: lambda request: same})
    written = tmp_path / "plan-2.json"
    assert main([*argv, "--json", str(written)]) == 0
    out = capsys.readouterr().out
    assert "Nothing changed: no new version stored (version 2 stands)" in out
    assert "moved" not in out and not written.exists()


def test_an_assessors_file_with_only_its_header_is_refused_before_any_call(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    asked = _service(monkeypatch, {})
    header = tmp_path / "assessors.csv"
    header.write_text("assessor_id,name,transport,start_lon,start_lat,minutes_per_day\n\n")
    argv = [*BASE, "plan", "--from", "2024-05-06", "--to", "2024-05-10", "--assessors", str(header)]
    assert main(argv) == 2
    assert "error: --assessors: the file lists no assessor (header only)" in capsys.readouterr().err
    header.write_text("")
    assert main(argv) == 2
    assert "error: --assessors: the file is empty" in capsys.readouterr().err
    assert asked == []


def test_needs_of_a_reason_with_none_say_how_many_there_are_in_all(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    counts = [inspections_pb2.ReasonCount(reason="never_inspected", count=3)]
    none = inspections_pb2.ListInspectionNeedsResponse(total=0, by_reason=counts)
    _service(monkeypatch, {inspections_pb2.ListInspectionNeedsRequest: lambda request: none})
    assert main([*BASE, "needs", "--reason", "appeal"]) == 0
    assert capsys.readouterr().out.strip() == "No open needs with reason appeal (3 open needs in all)."


def test_a_wish_says_its_day_as_dd_mm_yyyy(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = inspections_pb2.RequestVisitResponse(property_id="0301-1/1/0/0", needs_replan=True)
    asked = _service(monkeypatch, {inspections_pb2.RequestVisitRequest: lambda request: answer})
    assert main([*BASE, "request", "0301-1/1/0/0", "--day", "2024-09-04", "--between", "10:00-12:00"]) == 0
    out = capsys.readouterr().out
    assert asked[0].day == "2024-09-04" and "the day 04.09.2024, between 10:00 and 12:00" in out, out
