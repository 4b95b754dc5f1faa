"""A levy as `levy start` and `levy status` say it: every group of properties named so the counts add up
to the total, and the figures said once (the summary line), not again as fields."""

from __future__ import annotations

import pytest

from propertytax.assessment.v1 import assessment_pb2
from propertytax.platform.v1 import money_pb2
from services.cli.assessment_view import levy_fields, levy_summary

pytestmark = pytest.mark.unit


def _job(state: int, processed: int) -> assessment_pb2.LevyJob:
    return assessment_pb2.LevyJob(
        job_id="job-1",
        tax_year=2024,
        state=state,  # type: ignore[arg-type]  # the generated enum's int
        processed=processed,
        total=28,
        taxed=26 if processed == 28 else 10,
        exempt=1,
        not_valued=0,
        total_tax=money_pb2.Money(ore=12_345_600),
        levied_on="2024-02-20",
    )


def test_the_summary_names_every_group_so_the_counts_add_up() -> None:
    done = _job(assessment_pb2.LEVY_JOB_STATE_COMPLETED, 28)
    assert levy_summary(done) == (
        "Levy 2024 done on 20.02.2024: 28 properties, 26 taxed, 1 exempt, 0 not valued, "
        "1 out of scope or below the minimum; total 123 456,00 kr"
    )
    every = _job(assessment_pb2.LEVY_JOB_STATE_COMPLETED, 28)
    every.taxed = 27
    assert "not valued; total" in levy_summary(every)  # nothing left over: no empty group said


def test_status_fields_leave_out_what_the_summary_says() -> None:
    done = _job(assessment_pb2.LEVY_JOB_STATE_COMPLETED, 28)
    assert levy_fields(done) == [("State", "completed"), ("Job", "job-1")]
    running = _job(assessment_pb2.LEVY_JOB_STATE_RUNNING, 12)
    assert levy_summary(running).startswith("Levy 2024 (on 20.02.2024) is running: 12 of 28 properties")
    assert levy_fields(running) == [
        ("State", "running"),
        ("So far", "10 taxed, 1 exempt, 0 not valued, 1 out of scope or below the minimum"),
        ("Tax so far", "123 456,00 kr"),
        ("Job", "job-1"),
    ]
