"""`billing run start --wait` says what the ended run issued: a progress bar follows the run while it
issues (on a terminal; nothing in a log or a pipe); the outcome comes from the run as it stands at its end,
with the reason when nothing was issued and the documents held; then the run in people's form."""

from __future__ import annotations

from typing import Any

import pytest

from propertytax.billing.v1 import billing_pb2, preview_pb2
from propertytax.platform.v1 import money_pb2
from services.billing.domain.billing_run import why_nothing_issued
from services.cli import billing as cli_billing

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
    monkeypatch.setattr("services.cli.billing.time.sleep", lambda _: None)
    caller = _Caller([_run(RUNNING, 2), _run(COMPLETED, 4, total=money_pb2.Money(ore=480_000))])
    stub = type("Stub", (), {"GetBillingRun": None})()
    ended = cli_billing._follow_run(caller, stub, _run(RUNNING, 0))
    assert ended.invoices == 4
    err = capsys.readouterr().err
    assert "\r" not in err and "so far" not in err  # stderr is no terminal here: no progress drawn
    assert err == "billing run 2025-01 completed: 4 invoices, 0 credit notes issued (4 800,00 kr)\n"


def test_a_run_that_issued_nothing_says_why() -> None:
    text = cli_billing.run_outcome(_run(COMPLETED, 0))
    assert "0 invoices" in text and "nothing was owed" in text
    held = cli_billing.run_outcome(_run(COMPLETED, 0, held=3))
    assert "3 recipients' documents held" in held and "nothing was owed" not in held


def test_counts_are_singular_for_one_and_the_services_reason_ends_the_line() -> None:
    one = cli_billing.run_outcome(_run(COMPLETED, 1, credit_notes=1, below_minimum=1))
    assert "completed: 1 invoice, 1 credit note issued" in one
    assert "1 recipient under the minimum amount" in one
    assert "1 recipient's documents held" in cli_billing.run_outcome(_run(COMPLETED, 2, held=1))
    why = "there is no fee schedule for 2031; 1 recipient's documents held: they cannot be delivered"
    empty = cli_billing.run_outcome(_run(COMPLETED, 0, held=1, nothing_issued=why))
    assert empty.startswith("billing run 2025-01 completed: 0 invoices, 0 credit notes issued")
    assert f"; nothing was issued because {why} (see held.csv" in empty
    assert "nothing was owed" not in empty


def test_the_preview_lists_each_held_year_with_its_first_and_last_day_and_says_why_nothing() -> None:
    held = [
        preview_pb2.HeldRecipient(
            account_id="late",
            name="Kari",
            channel="print",
            reason="paper invoice without a complete postal address (no city)",
            documents=1,
            total=money_pb2.Money(ore=ore),
            tax_year=year,
            period_start=start,
            period_end=end,
        )
        for year, start, end, ore in [
            (2024, "2024-01-01", "2024-06-30", 1_075_714),  # period_end: the last day, inclusive
            (2031, "2031-01-01", "2031-03-31", 30_000),
        ]
    ]
    preview = preview_pb2.PreviewBillingRunResponse(
        year=2031, month=1, held=held, nothing_issued="there is no fee schedule for 2031"
    )
    lines = cli_billing.preview_outcome(preview).splitlines()
    assert lines[0].startswith("held: late Kari (print): 2024 2024-01-01..2024-06-30, ")
    assert lines[1].startswith("held: late Kari (print): 2031 2031-01-01..2031-03-31, ")
    assert lines[2].startswith("1 recipient's documents would be held, not issued")
    assert lines[3] == "billing run 2031-01 would issue nothing because there is no fee schedule for 2031"


def test_why_nothing_is_issued_names_every_reason_that_applies() -> None:
    assert (
        why_nothing_issued(2024, 4, fee_schedule=True, property_tax=True, due=2, held=0, below_minimum=0)
        == "the 2 recipients due this month owe nothing that is not invoiced already"
    )
    assert why_nothing_issued(
        2024, 4, fee_schedule=True, property_tax=False, due=3, held=1, below_minimum=1
    ) == (
        "there is no property tax for 2024 (assessment's levy for 2024 has not reached billing); "
        "1 recipient would be invoiced under the minimum amount (carried forward to the next invoice); "
        "1 recipient's documents held: they cannot be delivered through their channel until a complete "
        "postal address or an organisation number is given (`propertytax billing recipients update`)"
    )


def test_a_held_documents_total_split_by_tax_year_adds_up_to_it_with_vat() -> None:
    from datetime import date
    from decimal import Decimal

    from services.billing.application.term_plan import _by_tax_year
    from services.billing.domain.intervals import Period
    from services.billing.domain.invoice_plan import ChargeLine, InvoiceDraft
    from services.platform.money import Money

    lines = (
        ChargeLine(
            "p1",
            "waste",
            "Renovasjon",
            Period(date(2024, 1, 1), date(2024, 7, 1)),
            Money(33_333),
            Decimal("0.25"),
        ),
        ChargeLine(
            "p1",
            "waste",
            "Renovasjon",
            Period(date(2025, 1, 1), date(2025, 4, 1)),
            Money(16_667),
            Decimal("0.25"),
        ),
        ChargeLine(
            "p1", "property_tax", "Eiendomsskatt", Period(date(2025, 1, 1), date(2025, 4, 1)), Money(30_000)
        ),
    )
    draft = InvoiceDraft("a", Period(date(2024, 1, 1), date(2025, 4, 1)), lines)
    parts = _by_tax_year(draft)
    assert sorted(parts) == [2024, 2025]
    assert sum(p.ore for p in parts.values()) == draft.total.ore == 80_000 + 12_500
    assert parts[2024].ore == 33_333 + 8_333


NOT_BILLED = (
    "2024 is not billed to its end: the last run of 2024 was 2024-04; terms that start in 2024-07 and "
    "2024-10 were never run. Run 2024-10 to bill them (a late run may be issued in a later year)."
)


def test_a_start_warns_of_an_earlier_year_not_billed_at_once_and_on_its_final_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("services.cli.billing.time.sleep", lambda _: None)
    ended = _run(COMPLETED, 2, total=money_pb2.Money(ore=200_000))

    class _Starts:
        def call(self, method: Any, request: Any, **_: Any) -> Any:
            if isinstance(request, billing_pb2.StartBillingRunRequest):
                started = billing_pb2.StartBillingRunResponse(run=_run(RUNNING, 0))
                started.earlier_years_not_billed.append(NOT_BILLED)
                return started
            return billing_pb2.GetBillingRunResponse(run=ended)

    stub = type("Stub", (), {"StartBillingRun": None, "GetBillingRun": None})()
    monkeypatch.setattr(cli_billing, "_stub", lambda args: (_Starts(), stub))
    args = type("Args", (), {"year": 2025, "month": 1, "issue_date": None, "wait": True})()
    assert cli_billing.cmd_run_start(args) == 0  # warned, not refused
    said = capsys.readouterr()
    err = said.err.splitlines()
    shown = dict(
        line.split(None, 1) for line in said.out.splitlines()[1:] if line.startswith(("State", "Total"))
    )
    assert said.out.startswith("Billing run 2025-01\n")
    assert shown == {"State": "completed", "Total": "2 000,00 kr"}
    assert err[0] == f"warning: {NOT_BILLED}"
    assert err[-1].startswith("billing run 2025-01 completed: 2 invoices, 0 credit notes issued (")
    assert err[-1].endswith(f"); warning: {NOT_BILLED}")


def test_the_preview_warns_of_an_earlier_year_not_billed() -> None:
    preview = preview_pb2.PreviewBillingRunResponse(year=2025, month=1, earlier_years_not_billed=[NOT_BILLED])
    assert cli_billing.preview_outcome(preview).splitlines()[-1] == f"warning: {NOT_BILLED}"


def test_the_preview_names_a_correction_left_for_a_later_run() -> None:
    waiting = "Kari: the 2024 tax is corrected as of 12.06.2024, after the issue date 06.05.2024; ..."
    preview = preview_pb2.PreviewBillingRunResponse(year=2024, month=5, corrections_waiting=[waiting])
    assert cli_billing.preview_outcome(preview).splitlines() == [f"waiting: {waiting}"]


def test_the_progress_bar_counts_recipients_gone_through_of_all(monkeypatch: pytest.MonkeyPatch) -> None:
    import contextlib

    monkeypatch.setattr("services.cli.billing.time.sleep", lambda _: None)
    seen: list[tuple[str, str, int, int | None]] = []

    @contextlib.contextmanager
    def recording(description: str, unit: str) -> Any:
        class Bar:
            def update(self, completed: int, total: int | None) -> None:
                seen.append((description, unit, completed, total))

        yield Bar()

    monkeypatch.setattr(cli_billing, "job_progress", recording)
    later = [
        _run(RUNNING, 3, recipients_done=4000, recipients_total=10_000),
        _run(COMPLETED, 9, recipients_done=10_000, recipients_total=10_000),
    ]
    stub = type("Stub", (), {"GetBillingRun": None})()
    cli_billing._follow_run(_Caller(later), stub, _run(RUNNING, 0, recipients_total=10_000))
    assert seen == [
        ("Billing run 2025-01", "recipients", 0, 10_000),
        ("Billing run 2025-01", "recipients", 4000, 10_000),
        ("Billing run 2025-01", "recipients", 10_000, 10_000),
    ]
