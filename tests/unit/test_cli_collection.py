"""The collection commands' own reading and formatting (no service): invoice lists, the import's first
line, statements with opening and closing rows, shares as per cent, a reminder run's outcome, and the
usage mistakes caught before anything is sent."""

from __future__ import annotations

import argparse
import re
from datetime import date
from pathlib import Path

import pytest

from propertytax.billing.v1 import collection_pb2
from propertytax.platform.v1 import money_pb2
from services.billing.domain.reminders import CollectionRun, RunState
from services.billing.entrypoints.collection_mapping import reminder_run_message
from services.cli import billing_collection_view as view
from services.cli import main
from services.cli.billing_collection import invoice_list_arg


def _m(ore: int) -> money_pb2.Money:
    return money_pb2.Money(ore=ore)


def test_invoice_lists() -> None:
    assert invoice_list_arg("1001, 1002,") == [1001, 1002]
    with pytest.raises(argparse.ArgumentTypeError, match="invoice numbers separated by commas"):
        invoice_list_arg("1001;1002")
    with pytest.raises(argparse.ArgumentTypeError, match=r"e\.g\. 1001,1002"):
        invoice_list_arg(" , ")


def test_import_title_says_when_the_file_came_before() -> None:
    first = collection_pb2.ImportPaymentsResponse(
        format=collection_pb2.PAYMENT_FILE_FORMAT_CAMT_054, file_reference="MSG-1"
    )
    assert view.import_title(first, "b.xml") == "Imported b.xml (camt.054 MSG-1):"
    again = collection_pb2.ImportPaymentsResponse(
        format=collection_pb2.PAYMENT_FILE_FORMAT_OCR_GIRO, file_reference="1000001", already_imported=True
    )
    assert view.import_title(again, "a.txt").startswith(
        "a.txt was imported before (OCR giro 1000001): nothing changed."
    )


def test_statement_rows_run_from_the_opening_to_the_closing_balance() -> None:
    answer = collection_pb2.GetStatementResponse(
        opening_balance=_m(0),
        lines=[
            collection_pb2.StatementLine(
                posted_on="2024-04-05", text="Faktura 7", debit=_m(123450), credit=_m(0), balance=_m(123450)
            ),
            collection_pb2.StatementLine(
                posted_on="2024-05-02", text="Innbetaling", debit=_m(0), credit=_m(100000), balance=_m(23450)
            ),
        ],
        closing_balance=_m(23450),
    )
    assert view.statement_rows(answer) == [
        ["", "Opening balance", "", "", "0,00 kr"],
        ["05.04.2024", "Faktura 7", "1 234,50 kr", "", "1 234,50 kr"],
        ["02.05.2024", "Innbetaling", "", "1 000,00 kr", "234,50 kr"],
        ["", "Closing balance", "", "", "234,50 kr"],
    ]


def test_a_statement_line_booked_after_it_took_effect_says_when_it_did() -> None:
    answer = collection_pb2.GetStatementResponse(
        opening_balance=_m(50000),
        lines=[
            collection_pb2.StatementLine(
                posted_on="2024-06-05",
                text="Innbetaling KID 8888888",
                debit=_m(0),
                credit=_m(50000),
                balance=_m(0),
                value_on="2024-05-21",
            ),
        ],
        closing_balance=_m(0),
    )
    assert view.statement_rows(answer)[1] == [
        "05.06.2024",
        "Innbetaling KID 8888888 (virkning 21.05.2024)",
        "",
        "500,00 kr",
        "0,00 kr",
    ]


def test_shares_and_the_run_outcome() -> None:
    assert view.share_percent("0.9930") == "99,30 %"
    assert view.share_percent("") == "–"
    run = collection_pb2.ReminderRun(
        run_on="2024-06-20",
        state=collection_pb2.REMINDER_RUN_STATE_COMPLETED,
        reminders=2,
        notices=1,
        fees=_m(7000),
        interest=_m(1234),
        letters_folder="var/reminders/2024-06-20",
    )
    assert view.reminder_outcome(run) == (
        "reminder run 2024-06-20 completed: 2 reminders, 1 notice of enforced collection, 0 handed to "
        "enforcement; fees 70,00 kr, interest 12,34 kr; letters in var/reminders/2024-06-20"
    )
    handing_over = collection_pb2.ReminderRun(
        run_on="2024-09-20",
        state=collection_pb2.REMINDER_RUN_STATE_COMPLETED,
        handed_over=2,
    )
    assert dict(view.reminder_run_fields(handing_over))["Letters"] == (
        "none (a hand-over is sent as an event, not a letter)"
    )
    assert view.reminder_outcome(handing_over).endswith(
        "2 handed to enforcement; fees 0,00 kr, interest 0,00 kr; letters: none (a hand-over is sent as an "
        "event, not a letter)"
    )
    failed = collection_pb2.ReminderRun(
        run_on="2024-06-20", state=collection_pb2.REMINDER_RUN_STATE_FAILED, error="boom"
    )
    assert view.reminder_outcome(failed) == "reminder run 2024-06-20 failed: boom"


def test_usage_mistakes_exit_2_before_calling(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PROPERTYTAX_TOKEN", "not-used")
    monkeypatch.setenv("PROPERTYTAX_BILLING_TARGET", "127.0.0.1:9")  # nothing listens: never reached
    assert main(["billing", "payments", "allocate", "p-1", "--on", "2024-05-06"]) == 2
    assert "--invoice N or --recipient ACCOUNT" in capsys.readouterr().err
    assert main(["billing", "plans", "request", "7", "--invoices", "1", "--on", "2024-05-06"]) == 2
    assert "--deferral-until D, or --instalments K" in capsys.readouterr().err
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert main(["billing", "payments", "import", str(empty)]) == 2
    assert "the file is empty" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:
        main(["billing", "reminders", "preview", "--on", "2024-02-30"])
    assert stopped.value.code == 2


def test_a_run_written_without_letters_names_no_folder() -> None:
    folder = Path("var/reminders/2024-09-20")
    handed = CollectionRun("r1", date(2024, 9, 20), RunState.COMPLETED, handed_over=2)
    assert reminder_run_message(handed, 10, 10, folder).letters_folder == ""
    reminded = CollectionRun("r2", date(2024, 9, 20), RunState.COMPLETED, reminders=1)
    assert reminder_run_message(reminded, 10, 10, folder).letters_folder == str(folder)
    running = CollectionRun("r3", date(2024, 9, 20), RunState.RUNNING)
    assert reminder_run_message(running, 0, 10, folder).letters_folder == str(folder)


def test_a_plans_list_stays_narrow_however_long_or_ended_the_plans(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = collection_pb2.PaymentPlan(
        plan_id="02d53fdd-6379-4a8d-be44-54f6bbaaa90a",
        kind="instalments",
        state="broken",
        broken_on="2024-06-20",
        ended_on="2024-06-20",
        invoice_numbers=[100231, 100232, 100233],
        requested_on="2024-05-03",
        total=_m(99_999_999),
        instalments=[
            collection_pb2.Instalment(number=n, due_date=f"2024-{n:02d}-20", amount=_m(8_333_333))
            for n in range(1, 13)
        ],
    )
    answer = collection_pb2.ListPaymentPlansResponse(plans=[broken])
    monkeypatch.setattr("services.cli.common.Caller.call", lambda *a, **k: answer)
    monkeypatch.setenv("PROPERTYTAX_TOKEN", "a-token")
    assert main(["billing", "plans", "list", "19"]) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 125, out
    assert re.search(
        r"broken\s+100231\s+999 999,99 kr\s+03\.05\.2024\s+1\. 20\.01\.2024 83 333,33 kr$", out, re.M
    )
    assert re.search(r"^instalments\s+on 20\.06\.2024\s+100232\s+2\. 20\.02\.2024 83 333,33 kr$", out, re.M)
