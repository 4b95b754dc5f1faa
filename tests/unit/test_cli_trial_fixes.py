"""Issue 16's new-user trial, the CLI's small things: a reversed --from/--to of `invoices find` refused
before calling, a reader that closes the pipe early (`| head -1`) ends the command quietly, the flag named
for an unknown invoice of `plans request` and an amount beyond the open one of `objections register`, and
"above 0" said for amounts that must be. The service is replaced by a Caller that answers or refuses."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import grpc
import pytest

from propertytax.billing.v1 import billing_pb2
from services.cli import EXIT_PIPE_CLOSED, main
from services.cli.common import kroner, positive_kroner, write_error
from services.client import Caller
from services.platform.errors import AlreadyExists, FieldViolation, InvalidInput
from services.platform.grpc_status import to_rpc_status

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


class Refused(grpc.RpcError):
    """What a client sees of the service's InvalidInput: the code, the message, the trailing details."""

    def __init__(self, field: str, description: str) -> None:
        self.status = to_rpc_status(InvalidInput([FieldViolation(field, description)]))

    def code(self) -> grpc.StatusCode:
        return self.status.code  # type: ignore[no-any-return]

    def details(self) -> str:
        return self.status.details  # type: ignore[no-any-return]

    def trailing_metadata(self) -> Any:
        return self.status.trailing_metadata


def _answer(monkeypatch: pytest.MonkeyPatch, answer: Any) -> list[Any]:
    calls: list[Any] = []

    def call(self: Caller, method: Any, request: Any, timeout: float | None = None) -> Any:
        calls.append(request)
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(Caller, "call", call)
    monkeypatch.setenv("PROPERTYTAX_TOKEN", "a-token")
    return calls


def test_invoices_find_refuses_a_period_that_ends_before_it_starts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = _answer(monkeypatch, billing_pb2.FindInvoicesResponse())
    assert main(["billing", "invoices", "find", "--from", "2024-06-30", "--to", "2024-01-01"]) == 2
    assert capsys.readouterr().err == "error: --from 30.06.2024 is after --to 01.01.2024\n"
    assert calls == []
    assert main(["billing", "invoices", "find", "--from", "2024-06-30", "--to", "30.06.2024"]) == 0
    assert len(calls) == 1


def test_statement_still_refuses_a_reversed_period(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = _answer(monkeypatch, RuntimeError("not called"))
    assert main(["billing", "statement", "2", "--from", "30.06.2024", "--to", "01.01.2024"]) == 2
    assert capsys.readouterr().err == "error: --from 30.06.2024 is after --to 01.01.2024\n"
    assert calls == []


def test_an_unknown_invoice_of_a_plan_is_named_by_invoices(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _answer(monkeypatch, Refused("invoice_numbers", "no invoice 99"))
    argv = ["billing", "plans", "request", "7", "--invoices", "99", "--deferral-until", "2024-08-01"]
    assert main(argv) == 1
    assert capsys.readouterr().err == "error: --invoices: no invoice 99\n"


def test_a_disputed_amount_above_the_open_one_says_both(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _answer(monkeypatch, Refused("disputed", "5 000,00 kr is more than the 2 329,60 kr open on the invoice"))
    argv = ["billing", "objections", "register", "12", "--reason", "Feil", "--disputed", "5 000,00"]
    assert main(argv) == 1
    assert capsys.readouterr().err == (
        "error: --disputed: 5 000,00 kr is more than the 2 329,60 kr open on the invoice\n"
    )


REFUND = ["payments", "refund", "2", "--bank-account", "1234.56.78903", "--amount"]
OBJECTION = ["objections", "register", "12", "--reason", "Feil", "--disputed"]


@pytest.mark.parametrize("flags", [REFUND, OBJECTION])
def test_amounts_that_must_be_positive_say_above_0(
    flags: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as ended:
        main(["billing", *flags, "-5"])
    err = capsys.readouterr().err
    assert ended.value.code == 2
    assert "'-5' is out of range; expected an amount above 0 kr" in err and "from 0 to" not in err, err


def test_only_the_positive_amounts_change_their_message() -> None:
    assert positive_kroner("250,00").ore == 25000
    assert positive_kroner("0").ore == 0  # the service refuses it, saying why (exit 1, as before)
    with pytest.raises(argparse.ArgumentTypeError, match="mixes separators; expected an amount above 0 kr"):
        positive_kroner("1.000,50")
    with pytest.raises(argparse.ArgumentTypeError, match="from 0 to 100000000000"):
        kroner("-5")


class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_pipe_ends_the_command_quietly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    account = billing_pb2.Account(account_id="owner-1", customer_number=2, name="Kari Nordmann")
    _answer(monkeypatch, billing_pb2.GetAccountResponse(account=account))
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    try:
        assert main(["billing", "recipients", "show", "2"]) == EXIT_PIPE_CLOSED
        assert not isinstance(sys.stdout, _ClosedPipe)  # what is left goes nowhere, not to the pipe
    finally:
        if not isinstance(sys.stdout, _ClosedPipe):
            sys.stdout.close()
    assert capsys.readouterr().err == ""


def test_a_reader_that_stops_early_gets_no_traceback() -> None:
    # The child waits for the word to write until the reader has closed its end: the write meets a closed
    # pipe every time, not only when the reader is faster.
    child = (
        "import sys; sys.stdin.readline()\n"
        "from services.cli import main\n"
        "raise SystemExit(main(['token', 'mint', '--role', 'assessor']))\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", child],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdin is not None and process.stdout is not None and process.stderr is not None
    process.stdout.close()
    process.stdin.write(b"go\n")
    process.stdin.close()
    err = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=60) == EXIT_PIPE_CLOSED
    assert err == ""


class RefusedWhole(Refused):
    """A refusal of a whole file, without a field (AlreadyExists)."""

    def __init__(self, sentence: str) -> None:
        self.status = to_rpc_status(AlreadyExists(sentence))


def test_a_refused_bank_file_is_named_by_the_path_typed_with_its_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    agreements = tmp_path / "avtale.txt"
    agreements.write_bytes(b"NY000010" + b"0" * 72 + b"\n")
    command = ["billing", "avtalegiro", "agreements", "import", str(agreements), "--on", "2024-03-20"]
    _answer(monkeypatch, Refused("line 4", "KID 7773 names no recipient"))
    assert main(command) == 1
    assert capsys.readouterr().err == f"error: {agreements} line 4: KID 7773 names no recipient\n"
    _answer(monkeypatch, RefusedWhole("the bank's transmission 2000006 was read on 01.08.2024"))
    assert main(command) == 1
    assert (
        capsys.readouterr().err
        == f"error: {agreements}: the bank's transmission 2000006 was read on 01.08.2024\n"
    )
    _answer(monkeypatch, Refused("content", "the bank sent this file on 15.07.2024, before the last one"))
    assert main(command) == 1
    assert (
        capsys.readouterr().err
        == f"error: {agreements}: the bank sent this file on 15.07.2024, before the last one\n"
    )

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(agreements.read_bytes())))
    _answer(monkeypatch, Refused("line 4", "KID 7773 names no recipient"))
    assert main(["billing", "avtalegiro", "agreements", "import", "-", "--on", "2024-03-20"]) == 1
    assert capsys.readouterr().err == "error: stdin line 4: KID 7773 names no recipient\n"

    payments = tmp_path / "ocr.txt"
    payments.write_bytes(b"NY000010" + b"0" * 72 + b"\n")
    _answer(monkeypatch, Refused("line 2", "the record is 81 characters long"))
    assert main(["billing", "payments", "import", str(payments)]) == 1
    assert capsys.readouterr().err == f"error: {payments} line 2: the record is 81 characters long\n"


class RefusedMany(Refused):
    def __init__(self, violations: list[tuple[str, str]]) -> None:
        self.status = to_rpc_status(InvalidInput([FieldViolation(f, d) for f, d in violations]))


def test_with_json_a_refusal_is_one_json_object_on_stderr_naming_the_flags(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _answer(monkeypatch, Refused("invoice_numbers", "no invoice 99"))
    argv = ["billing", "plans", "request", "7", "--invoices", "99", "--deferral-until", "2024-08-01"]
    assert main([*argv, "--json"]) == 1
    said = capsys.readouterr()
    assert said.out == ""
    assert json.loads(said.err) == {
        "error": {
            "code": "INVALID_ARGUMENT",
            "message": "--invoices: no invoice 99",
            "violations": [{"field": "--invoices", "description": "no invoice 99"}],
        }
    }


def test_with_json_every_violation_is_listed_though_the_text_stops_at_twenty(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    refused = RefusedMany([(f"line {n}", "the KID's check digit is wrong") for n in range(1, 25)])
    _answer(monkeypatch, refused)
    assert (
        main(["billing", "plans", "request", "7", "--invoices", "1", "--deferral-until", "2024-08-01"]) == 1
    )
    text = capsys.readouterr().err
    assert text.startswith("error: refused, 24 problems:\n  line 1: ") and "… and 4 more problems" in text
    assert (
        main(
            [
                "billing",
                "plans",
                "request",
                "7",
                "--invoices",
                "1",
                "--deferral-until",
                "2024-08-01",
                "--json",
            ]
        )
        == 1
    )
    error = json.loads(capsys.readouterr().err)["error"]
    assert len(error["violations"]) == 24 and error["violations"][23]["field"] == "line 24"
    assert error["message"].splitlines()[0] == "refused, 24 problems:"


def test_with_json_an_input_error_found_before_calling_is_json_too(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = _answer(monkeypatch, RuntimeError("not called"))
    argv = ["billing", "statement", "2", "--from", "30.06.2024", "--to", "01.01.2024", "--json"]
    assert main(argv) == 2
    said = capsys.readouterr()
    assert said.out == "" and calls == []
    assert json.loads(said.err) == {
        "error": {
            "code": "BAD_INPUT",
            "message": "--from 30.06.2024 is after --to 01.01.2024",
            "violations": [{"field": "--from", "description": "30.06.2024 is after --to 01.01.2024"}],
        }
    }


def test_with_json_a_usage_error_is_json_naming_the_argument(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = _answer(monkeypatch, RuntimeError("not called"))
    with pytest.raises(SystemExit) as stopped:
        main(["billing", "statement", "9", "--from", "2024-13-01", "--json"])
    said = capsys.readouterr()
    assert stopped.value.code == 2 and said.out == "" and calls == []
    error = json.loads(said.err)["error"]
    assert error["code"] == "BAD_INPUT" and [v["field"] for v in error["violations"]] == ["--from"]
    assert error["message"].startswith("argument --from: ")
    with pytest.raises(SystemExit):  # without --json: argparse's usage and message, as always
        main(["billing", "statement", "9", "--from", "2024-13-01"])
    assert capsys.readouterr().err.startswith("usage: propertytax billing statement")


@pytest.mark.parametrize(
    "argv",
    [
        ["billing", "recipients", "show", "15038512363"],
        ["billing", "recipients", "show", "15038512363", "--json"],
        ["billing", "plans", "list", "15038512363"],
        ["billing", "recipients", "find", "--national-id", "15038512363"],
    ],
)
def test_an_identity_number_typed_by_mistake_is_never_echoed(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _answer(monkeypatch, RuntimeError("not called"))
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    said = capsys.readouterr()
    assert stopped.value.code == 2 and said.err
    assert "12363" not in said.err + said.out


@pytest.mark.parametrize(
    ("argv", "role"),
    [
        (["billing", "statement", "2"], "billing_officer"),
        (["assessment", "unvalued"], "assessor"),
        (["appeals", "committee", "list"], "secretariat"),
    ],
)
def test_without_a_token_the_hint_names_the_role_that_works_with_the_service(
    argv: list[str], role: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PROPERTYTAX_TOKEN", raising=False)
    assert main(argv) == 2
    assert f"$(propertytax token mint --role {role}))" in capsys.readouterr().err


def test_what_the_user_typed_comes_back_in_an_error_without_an_identity_number(
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_error("NOT_FOUND", ["no meeting 15038512363 (see propertytax appeals meeting list)"])
    assert capsys.readouterr().err == "error: no meeting *********** (see propertytax appeals meeting list)\n"
    write_error("NOT_FOUND", ["PLAN_ID 150385 12363: no plan"], [("PLAN_ID", "150385 12363")], as_json=True)
    assert "12363" not in capsys.readouterr().err


def test_with_json_a_mistyped_command_is_json_too(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["billing", "plan", "list", "9", "--json"])
    said = capsys.readouterr()
    assert stopped.value.code == 2 and said.out == ""
    assert json.loads(said.err)["error"]["code"] == "BAD_INPUT"


def test_a_flag_named_by_a_path_is_written_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    write_error("INVALID_ARGUMENT", ["vedtak.yaml: not a decision file"], [(Path("vedtak.yaml"), "not one")])
    assert capsys.readouterr().err == "error: vedtak.yaml: not a decision file\n"
    write_error("INVALID_ARGUMENT", ["x"], [(Path("vedtak.yaml"), "not one")], as_json=True)
    assert json.loads(capsys.readouterr().err)["error"]["violations"][0]["field"] == "vedtak.yaml"
