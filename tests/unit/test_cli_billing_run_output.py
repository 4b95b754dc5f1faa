"""`billing run start --wait` says what the ended run issued: the progress line is read while the run
issues ("so far"); the outcome comes from the run as it stands at its end, with the reason when nothing
was issued and the documents held."""

from __future__ import annotations

from typing import Any

import pytest

from propertytax.billing.v1 import billing_pb2
from propertytax.platform.v1 import money_pb2
from services import cli_billing

pytestmark = pytest.mark.unit

RUNNING = billing_pb2.BILLING_RUN_STATE_RUNNING
COMPLETED = billing_pb2.BILLING_RUN_STATE_COMPLETED


def _run(state: Any, invoices: int, **more: Any) -> billing_pb2.BillingRun:
    more.setdefault("total", money_pb2.Money(ore=0))
    return billing_pb2.BillingRun(run_id="r1", year=2025, month=1, state=state, invoices=invoices, **more)


class _Caller:
    def __init__(self, answers: list[billing_pb2.BillingRun]) -> None:
        self._answers = answers

    def call(self, method: Any, request: Any, **_: Any) -> Any:
        return billing_pb2.GetBillingRunResponse(run=self._answers.pop(0))


def test_wait_reports_the_counts_of_the_ended_run_not_the_last_progress(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("services.cli_common.time.sleep", lambda _: None)
    caller = _Caller([_run(COMPLETED, 4, total=money_pb2.Money(ore=480_000))])
    stub = type("Stub", (), {"GetBillingRun": None})()
    ended = cli_billing._follow_run(caller, stub, _run(RUNNING, 0))
    assert ended.invoices == 4
    err = capsys.readouterr().err
    assert "0 invoices, 0 credit notes issued so far" in err  # progress, and says so
    assert (
        err.rstrip().splitlines()[-1].startswith("billing run 2025-01 completed: 4 invoices, 0 credit notes")
    )


def test_a_run_that_issued_nothing_says_why() -> None:
    text = cli_billing.run_outcome(_run(COMPLETED, 0))
    assert "0 invoices" in text and "nothing was owed" in text
    held = cli_billing.run_outcome(_run(COMPLETED, 0, held=3))
    assert "3 recipients' documents held" in held and "nothing was owed" not in held
