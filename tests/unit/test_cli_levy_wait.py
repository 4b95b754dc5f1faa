"""`assessment levy start --wait` follows the levy with a progress bar fed the job's counts, then says what
was done in one sentence (no stray "0/3 properties levied" line); a failed levy is an error line and exit 1;
Ctrl-C stops the watching, not the levy, and says how to look again."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from typing import Any

import pytest

from propertytax.assessment.v1 import assessment_pb2
from propertytax.platform.v1 import money_pb2
from services.cli import assessment as cli_assessment

pytestmark = pytest.mark.unit

RUNNING = assessment_pb2.LEVY_JOB_STATE_RUNNING


def _job(state: int, processed: int, **counts: Any) -> assessment_pb2.LevyJob:
    return assessment_pb2.LevyJob(
        job_id="job-1",
        tax_year=2024,
        state=state,  # type: ignore[arg-type]
        processed=processed,
        total=2003,
        levied_on="2024-02-20",
        **counts,
    )


DONE = _job(
    assessment_pb2.LEVY_JOB_STATE_COMPLETED,
    2003,
    taxed=1950,
    exempt=14,
    not_valued=3,
    total_tax=money_pb2.Money(ore=123_456_700),
)


class _Caller:
    def __init__(self, polled: list[assessment_pb2.LevyJob | BaseException]) -> None:
        self.polled = polled

    def call(self, method: Any, request: Any, **_: Any) -> Any:
        if isinstance(request, assessment_pb2.StartLevyRequest):
            assert (request.tax_year, request.levied_on) == (2024, "2024-02-20")
            return assessment_pb2.StartLevyResponse(job=_job(RUNNING, 0))
        assert request.job_id == "job-1"
        answer = self.polled.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return assessment_pb2.GetLevyJobResponse(job=answer)


class _Bar:
    def __init__(self) -> None:
        self.shown: list[tuple[int, int | None]] = []

    def update(self, completed: int, total: int | None) -> None:
        self.shown.append((completed, total))


@pytest.fixture
def bar(monkeypatch: pytest.MonkeyPatch) -> _Bar:
    shown = _Bar()

    @contextlib.contextmanager
    def progress(description: str, unit: str) -> Iterator[_Bar]:
        assert (description, unit) == ("Levy 2024", "properties")
        yield shown

    monkeypatch.setattr(cli_assessment, "job_progress", progress)
    monkeypatch.setattr(cli_assessment, "POLL_SECONDS", 0)
    return shown


def _levy(monkeypatch: pytest.MonkeyPatch, polled: list[Any]) -> int:
    stub = type("Stub", (), {"StartLevy": None, "GetLevyJob": None})()
    monkeypatch.setattr(cli_assessment, "_stub", lambda args: (_Caller(polled), stub))
    return cli_assessment.cmd_levy_start(argparse.Namespace(year=2024, on="2024-02-20", wait=True))


def test_the_bar_is_fed_the_counts_and_the_end_is_one_sentence(
    bar: _Bar, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _levy(monkeypatch, [_job(RUNNING, 700), DONE]) == 0
    assert bar.shown == [(0, 2003), (700, 2003), (2003, 2003)]
    printed = capsys.readouterr()
    assert printed.out == (
        "Levy 2024 done on 20.02.2024: 2 003 properties, 1 950 taxed, 14 exempt, 3 not valued, "
        "36 out of scope or below the minimum; total 1 234 567,00 kr\n"
    )
    assert printed.err == ""


def test_a_failed_levy_is_an_error_line_and_exit_1(
    bar: _Bar, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    failed = _job(assessment_pb2.LEVY_JOB_STATE_FAILED, 700, error="the database went away")
    assert _levy(monkeypatch, [failed]) == 1
    printed = capsys.readouterr()
    assert printed.out == ""
    assert printed.err == (
        "error: Levy 2024 (on 20.02.2024) failed after 700 of 2 003 properties: the database went away. "
        "Start it again to resume: propertytax assessment levy start 2024\n"
    )


def test_ctrl_c_stops_the_watching_not_the_levy(
    bar: _Bar, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _levy(monkeypatch, [_job(RUNNING, 700), KeyboardInterrupt()]) == 130
    err = capsys.readouterr().err
    assert "the levy goes on" in err and "propertytax assessment levy status 2024" in err
    assert "Traceback" not in err


def test_without_a_terminal_the_real_bar_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli_assessment, "POLL_SECONDS", 0)
    assert _levy(monkeypatch, [_job(RUNNING, 700), DONE]) == 0
    printed = capsys.readouterr()
    assert printed.err == "" and printed.out.startswith("Levy 2024 done on 20.02.2024")


def test_without_wait_it_says_where_the_levy_stands_and_how_to_follow_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stub = type("Stub", (), {"StartLevy": None})()
    monkeypatch.setattr(cli_assessment, "_stub", lambda args: (_Caller([]), stub))
    args = argparse.Namespace(year=2024, on="2024-02-20", wait=False)
    assert cli_assessment.cmd_levy_start(args) == 0
    assert capsys.readouterr().out == (
        "Levy 2024 (on 20.02.2024) is running: 0 of 2 003 properties levied so far. "
        "Follow it: propertytax assessment levy status 2024\n"
    )
