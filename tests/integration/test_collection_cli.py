"""Collection from the command line (issue 16), real gRPC on SQLite and PostgreSQL: `billing payments
import` (the figures, the same file again, a broken file listing its lines, a missing file), the
unmatched queue and its allocation, a refund, statements in kroner, ageing and the year-end share,
objections, plans, a reminder run followed to its end with its letters, and usage mistakes answered in
one line with exit 2."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import grpc
import netsgiro
import pytest

from devstack.scenario import BankPayment, avtalegiro_agreements_file, ocr_giro_file
from propertytax.billing.v1 import billing_pb2
from services.billing.domain.avtalegiro import recipient_kid
from services.cli import main
from services.platform.auth import Role, TokenAuthority
from services.platform.money import Money
from tests.integration.billing_fixtures import Api, billing_service, run_month, seed_recipients

pytestmark = pytest.mark.kafka
SECRET = "collection-cli-secret-0123456789abcdefghij"
UNKNOWN_KID = "99999999999999999"
_LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[")


def _said(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not _LOG_LINE.match(line))


class Billed:
    """The service after the April 2024 run, its invoices by recipient, and a bank file in tmp_path."""

    def __init__(self, channel: grpc.Channel, target: str, folder: Path) -> None:
        api = Api(channel, SECRET, Role.BILLING_OFFICER)
        run = run_month(api, 2024, 4, "2024-04-05")
        self.run_id = run.run_id
        found = api.FindInvoices(billing_pb2.FindInvoicesRequest(run_id=run.run_id)).invoices
        self.invoices = {i.account_id: i for i in found}
        self.target = target
        paid, half = self.invoices["acc-02"], self.invoices["acc-03"]
        self.half_paid = Money(half.total.ore // 2)
        self.file = folder / "ocr-2024-05-02.txt"
        self.file.write_bytes(
            ocr_giro_file(
                [
                    BankPayment(paid.kid, Money(paid.total.ore)),
                    BankPayment(half.kid, self.half_paid),
                    BankPayment(UNKNOWN_KID, Money.of("250.00")),
                ],
                date(2024, 5, 2),
            )
        )


@pytest.fixture
def billed(database_url: str, kafka_bootstrap: str, tmp_path: Path) -> Iterator[Billed]:
    with billing_service(database_url, kafka_bootstrap, tmp_path, SECRET) as service:
        seed_recipients(service)  # acc-01 … acc-10, customer numbers 1 … 10
        target = f"127.0.0.1:{service.server.port}"
        channel = grpc.insecure_channel(target)
        try:
            yield Billed(channel, target, tmp_path)
        finally:
            channel.close()


@pytest.fixture
def cli(billed: Billed, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    monkeypatch.setenv("PROPERTYTAX_TOKEN", TokenAuthority(SECRET).mint("kari", [Role.BILLING_OFFICER]))
    monkeypatch.setenv("PROPERTYTAX_BILLING_TARGET", billed.target)
    monkeypatch.setenv("COLUMNS", "200")

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(["billing", *argv])
        said = capsys.readouterr()
        assert "Traceback" not in said.err, said.err
        return code, _said(said.out), _said(said.err)

    return run


def test_import_the_same_file_again_and_a_broken_one(cli: Any, billed: Billed, tmp_path: Path) -> None:
    code, out, err = cli("payments", "import", str(billed.file))
    assert code == 0, err
    assert f"Imported {billed.file} (OCR giro 1000001):" in out
    assert re.search(r"Payments\s+3 \(", out)
    assert re.search(r"Invoices paid in full\s+1\n", out) and re.search(r"Invoices paid in part\s+1\n", out)
    assert re.search(r"Unmatched \(queue\)\s+1 \(250,00 kr\)", out)

    code, out, err = cli("payments", "import", str(billed.file))
    assert code == 0, err
    assert "was imported before" in out and "nothing changed" in out

    code, out, _ = cli("payments", "import", str(billed.file), "--json")
    answer = json.loads(out)
    assert answer["already_imported"] is True and answer["unmatched_total"] == {"ore": 25000, "nok": "250.00"}

    lines = billed.file.read_text(encoding="iso-8859-1").splitlines()
    lines[2] = lines[2][:30]
    lines[4] = "NY09" + "99" + lines[4][6:]  # an unknown record type
    broken = tmp_path / "broken.txt"
    broken.write_text("\n".join(lines) + "\n", encoding="iso-8859-1")
    code, out, err = cli("payments", "import", str(broken))
    assert code == 1 and out == ""
    assert "line 3:" in err and "line 5:" in err

    code, _, err = cli("payments", "import", str(tmp_path / "missing.txt"))
    assert code == 2 and err.startswith("error: FILE") and "no such file" in err


def test_queue_allocation_statement_and_refund(cli: Any, billed: Billed) -> None:
    cli("payments", "import", str(billed.file))
    code, out, _ = cli("payments", "unmatched")
    assert code == 0 and UNKNOWN_KID in out and "250,00 kr" in out and "ocr-2024-05-02.txt" in out
    code, out, _ = cli("payments", "unmatched", "--json")
    (payment,) = json.loads(out)["payments"]

    code, _, err = cli("payments", "allocate", payment["payment_id"], "--on", "2024-05-06")
    assert code == 2 and "--invoice N or --recipient ACCOUNT" in err
    paid = billed.invoices["acc-02"]
    code, out, err = cli(
        "payments", "allocate", payment["payment_id"], "--recipient", "2", "--on", "06.05.2024"
    )
    assert code == 0, err
    assert (
        out.strip()
        == f"Payment {payment['payment_id']} allocated to customer no. 2, Eier 2: 250,00 kr left as the "
        "recipient's credit"
    )
    code, out, _ = cli("payments", "unmatched")
    assert out.strip() == "No unmatched payments."

    code, out, err = cli("statement", "2", "--to", "2024-05-31")
    assert code == 0, err
    assert "Statement of account, Eier 2 (customer no. 2)" in out
    assert f"Faktura {paid.invoice_number}" in out and "Innbetaling" in out
    assert re.search(r"Closing balance\s+–\s+–\s+-250,00 kr", out) and "Opening balance" in out
    assert "No open invoices." in out and "Credit balance: 250,00 kr" in out

    code, _, err = cli("payments", "refund", "2", "--bank-account", "1234.56.78900", "--on", "2024-05-10")
    assert code == 1 and err.startswith("error: --bank-account:")
    code, out, err = cli("payments", "refund", "2", "--bank-account", "12345678903", "--on", "2024-05-10")
    assert code == 0, err
    assert "Refund of 250,00 kr to bank account 1234.56.78903" in out and "credit left 0,00 kr" in out

    code, out, _ = cli("statement", "acc-03", "--json")
    statement = json.loads(out)
    half = billed.invoices["acc-03"]
    assert statement["closing_balance"]["ore"] == half.total.ore - billed.half_paid.ore
    assert [d["invoice_number"] for d in statement["open_documents"]] == [str(half.invoice_number)]

    code, _, err = cli("statement", "99")
    assert code == 1 and "no customer number 99" in err
    code, _, err = cli("statement", "2", "--from", "2024-06-01", "--to", "2024-05-31")
    assert code == 2 and err == "error: --from 01.06.2024 is after --to 31.05.2024\n"
    code, _, err = cli("statement", "2", "--from", "2099-06-01")  # after today, the default --to
    assert code == 1 and err.startswith("error: --from: 01.06.2099 is after the statement's last day")


def test_reports_holds_plans_and_a_reminder_run(
    cli: Any, billed: Billed, capsys: pytest.CaptureFixture[str]
) -> None:
    cli("payments", "import", str(billed.file))
    due = date.fromisoformat(billed.invoices["acc-01"].due_date)
    run_on = (due + timedelta(days=20)).isoformat()

    code, out, err = cli("ageing", "--as-of", run_on)
    assert code == 0, err
    assert re.search(r"1–30 days\s+9\s", out) and "dager" not in out  # all but acc-02, paid in full
    code, out, _ = cli("paid-by-year-end", "2024")
    assert "property tax" in out and "all charges" in out and "%" in out
    code, out, _ = cli("paid-by-year-end", "2031")  # nothing invoiced that year: said so, no table of zeros
    assert code == 0 and "Nothing was invoiced in 2031" in out and "all charges" not in out

    objected = billed.invoices["acc-05"]
    code, out, err = cli(
        "objections", "register", str(objected.invoice_number), "--reason", "Feil eier", "--on", "2024-05-03"
    )
    assert code == 0, err
    assert re.search(r"Disputed\s+all open", out) and re.search(r"Recipient\s+customer no. 5, Eier 5\n", out)
    code, out, _ = cli("objections", "list", "5")
    assert "objection" in out and "Feil eier" in out and "in force" in out
    hold_id = re.search(r"^(\S+)\s+objection", out, re.M).group(1)  # type: ignore[union-attr]
    code, _, err = cli("objections", "settle", hold_id, "--on", "2024-05-01")
    assert code == 1 and err.startswith("error: --on: 2024-05-01 is before the hold began")
    code, _, err = cli(
        "plans", "request", "7", "--invoices", str(billed.invoices["acc-07"].invoice_number),
        "--deferral-until", "2024-05-01", "--on", "2024-05-03",
    )  # fmt: skip
    assert code == 1 and err.startswith("error: --deferral-until: must be after")

    with pytest.raises(SystemExit) as stopped:  # caught before calling, named by its flag
        cli("plans", "request", "6", "--invoices", "x", "--on", "2024-05-03")
    assert stopped.value.code == 2 and "argument --invoices: invoice numbers" in capsys.readouterr().err
    code, _, err = cli("plans", "request", "6", "--invoices", "1", "--instalments", "3", "--on", "2024-05-03")
    assert code == 2 and "--first-due" in err
    deferred = billed.invoices["acc-06"]
    code, out, err = cli(
        "plans", "request", "6", "--invoices", str(deferred.invoice_number), "--instalments", "3",
        "--first-due", "2024-06-20", "--on", "2024-05-03",
    )  # fmt: skip
    assert code == 0, err
    assert re.search(r"Kind\s+instalments", out) and "3. 20.08.2024" in out
    code, out, _ = cli("plans", "list", "6")
    # each instalment on a line of its own: the table stays narrow however many instalments a plan has
    assert code == 0 and len(re.findall(r"[123]\. \d\d\.0[678]\.2024\s+[\d ]+,\d\d kr$", out, re.M)) == 3
    assert max(len(line) for line in out.splitlines()) < 130, out  # was 183 with the payments in one line
    code, out, _ = cli("plans", "list", "6", "--json")
    (plan,) = json.loads(out)["plans"]
    assert sum(int(i["amount"]["ore"]) for i in plan["instalments"]) == deferred.total.ore

    code, out, err = cli("reminders", "preview", "--on", run_on)
    assert code == 0, err
    assert "would (preview, nothing is sent)" in out
    assert re.search(r"Reminders \(purring\)\s+7 ", out)  # acc-01, 03, 04, 07, 08, 09, 10
    assert "1: held: the open amount is disputed" in out and "1: in an active deferral" in out

    code, out, err = cli("reminders", "run", "--on", run_on)
    assert code == 0, err
    assert f"reminder run {run_on} completed: 7 reminders" in err
    assert re.search(r"State\s+completed", out) and re.search(r"Reminder fees\s+245,00 kr", out)
    assert re.search(r"Recipients\s+\d+ of \d+ gone through", out)
    letters = Path(re.search(r"Letters\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    assert len(list(letters.glob("*.pdf"))) == 7
    run_id = re.search(r"Run id\s+(\S+)", out).group(1)  # type: ignore[union-attr]
    code, out, _ = cli("reminders", "status", run_id, "--json")
    assert json.loads(out)["reminders"] == 7

    code, out, err = cli("reminders", "steps", run_id)
    assert code == 0, err
    reminded = billed.invoices["acc-01"]
    row = next(line for line in out.splitlines() if line.startswith(str(reminded.invoice_number)))
    assert re.search(
        r"\s1\s+Eier 1\s+reminder 1\s+[\d ]+,\d\d kr\s+35,00 kr\s+–\s+\d\d\.\d\d\.2024\s+\S+\.pdf$", row
    )
    code, out, _ = cli("reminders", "steps", run_id, "--json")
    assert len(json.loads(out)["steps"]) == 7

    code, out, err = cli("reminders", "run", "--on", run_on)
    assert code == 0, err
    assert out.startswith(
        f"The reminder run of {date.fromisoformat(run_on):%d.%m.%Y} was already done (run {run_id}, "
    )
    assert "nothing was changed." in out and "completed:" not in err
    code, out, _ = cli("reminders", "run", "--on", run_on, "--json")  # a script is told so too
    again = json.loads(out)
    assert code == 0 and again["already_existed"] is True and again["run_id"] == run_id
    assert again["recipients_done"] == again["recipients_total"]
    code, out, err = cli("reminders", "preview", "--on", run_on)
    assert code != 0 and not out
    assert f"is already made (completed, run {run_id}: 7 reminders" in err and "Traceback" not in err

    with pytest.raises(SystemExit) as stopped:
        cli("reminders", "run", "--on", "2024-02-30")
    assert stopped.value.code == 2 and "argument --on: " in capsys.readouterr().err


def test_avtalegiro_agreements_and_claims(cli: Any, billed: Billed, tmp_path: Path) -> None:
    agreements = tmp_path / "avtaler.txt"
    agreements.write_bytes(
        avtalegiro_agreements_file([(recipient_kid(2), False), (recipient_kid(3), True)], date(2024, 3, 1))
    )
    code, out, err = cli("avtalegiro", "agreements", "import", str(agreements), "--on", "2024-03-01")
    assert code == 0, err
    assert re.search(r"Records\s+2\n", out) and re.search(r"Active in the file\s+2\n", out)
    assert re.search(r"New\s+2\n", out) and re.search(
        r"Unchanged\s+0 \(repeating what billing has, or deleting one not in force\)", out
    )
    code, out, err = cli("avtalegiro", "agreements", "import", str(agreements), "--on", "2024-03-02")
    assert code == 0, err
    # read before: only its records are counted (what its records did then says nothing about now)
    assert re.search(r"Records\s+2\n", out) and "Unchanged" not in out and "New" not in out
    assert "This file was read before (received 01.03.2024, the day that import was given)" in out
    other = tmp_path / "avtaler-2.txt"
    other.write_bytes(avtalegiro_agreements_file([(recipient_kid(3), True)], date(2024, 3, 1), "2000002"))
    code, out, err = cli("avtalegiro", "agreements", "import", str(other), "--on", "2024-02-01")
    assert code != 0 and "--on" in err and "is before 01.03.2024" in err  # dated before the last change
    copy = tmp_path / "avtaler-kopi.txt"  # the first file's transmission (2000001), edited
    copy.write_bytes(avtalegiro_agreements_file([(recipient_kid(3), False)], date(2024, 3, 4)))
    code, out, err = cli("avtalegiro", "agreements", "import", str(copy), "--on", "2024-03-04")
    assert code != 0 and "transmission 2000001 from data transmitter" in err and "Traceback" not in err

    code, out, err = cli("recipients", "show", "3")
    assert code == 0, err
    assert f"active since 01.03.2024, KID {recipient_kid(3)}; the bank notifies each claim" in out
    code, out, err = cli(
        "recipients", "update", "3", "--interval", "monthly", "--interval-from", "2099-03-01"
    )
    assert code == 0, err  # the update shows the recipient as `show` does, the agreement included
    assert f"active since 01.03.2024, KID {recipient_kid(3)}; the bank notifies each claim" in out

    # the bank's file pays acc-02's invoice in full and half of acc-03's before the claims are written
    assert cli("payments", "import", str(billed.file))[0] == 0
    invoice = billed.invoices["acc-03"]
    claims = tmp_path / "krav.txt"
    code, out, err = cli("avtalegiro", "claims", billed.run_id, "--out", str(claims), "--on", "2024-04-05")
    assert code == 0, err
    open_ore = invoice.total.ore - billed.half_paid.ore
    assert out.splitlines() == [
        f"Wrote {claims}: 1 claim, {Money(open_ore).kroner()}, each for what is open on its invoice.",
        "1 claim is for less than the invoice: partly settled already (paid, set off or credited).",
        "Left out: 1 invoice with nothing open (paid, set off or credited).",
    ]
    (request,) = netsgiro.parse(claims.read_text(encoding="iso-8859-1")).assignments[0].transactions
    assert isinstance(request, netsgiro.PaymentRequest)
    assert (request.kid, request.amount) == (invoice.kid, Money(open_ore).nok)

    due = date.fromisoformat(invoice.due_date)
    too_late = (due - timedelta(days=3)).isoformat()
    code, out, err = cli("avtalegiro", "claims", billed.run_id, "--out", str(claims), "--on", too_late)
    assert code == 1 and out == ""
    assert "1 paid or settled already" in err and "too soon for the bank" in err and "on paper" in err

    code, _, err = cli("avtalegiro", "claims", "no-such-run", "--out", str(claims))
    assert code == 1 and "no billing run no-such-run" in err


def test_a_copy_of_the_transmission_a_zero_amount_and_days_too_early_are_refused_by_flag(
    cli: Any, billed: Billed, tmp_path: Path
) -> None:
    """Trial, issue 16: each was accepted before; now refused (exit 1), named by the flag typed."""
    code, _, err = cli("payments", "import", str(billed.file))
    assert code == 0, err
    transmitter = billed.file.read_bytes()[8:16].decode()
    crlf = tmp_path / "ocr-crlf.txt"
    crlf.write_bytes(billed.file.read_bytes().replace(b"\n", b"\r\n"))
    code, out, err = cli("payments", "import", str(crlf))
    assert code == 1 and out == ""
    assert re.fullmatch(
        rf"error: {re.escape(str(crlf))}: transmission 1000001 from data transmitter {transmitter} was "
        r"imported on \d\d\.\d\d\.\d{4} "
        rf"from {re.escape(billed.file.name)}; a bank never sends the same transmission twice: this file "
        r"\(other bytes: other line ends, or edited\) is refused and nothing is stored\n",
        err,
    ), err

    code, out, _ = cli("payments", "unmatched", "--json")
    (payment,) = json.loads(out)["payments"]
    target = str(billed.invoices["acc-06"].invoice_number)
    code, _, err = cli(
        "payments", "allocate", payment["payment_id"], "--invoice", target, "--on", "2024-04-01"
    )
    assert code == 1 and err == (
        "error: --on: 2024-04-01 is before the payment was made (2024-05-02): a payment is allocated on or "
        "after that day\n"
    )
    cli("payments", "allocate", payment["payment_id"], "--recipient", "2", "--on", "2024-05-06")  # a credit

    code, _, err = cli(
        "payments", "refund", "2", "--bank-account", "1234.56.78903", "--amount", "0", "--on", "2024-05-10"
    )
    assert code == 1 and err == (
        "error: --amount: is 0,00 kr: give an amount above 0 kr, or leave it out for all of it\n"
    )
    code, _, err = cli(
        "payments", "refund", "2", "--bank-account", "1234.56.78903", "--amount", "500", "--on", "2024-05-10"
    )
    assert (
        code == 1 and err == "error: --amount: 500,00 kr is more than the recipient's credit of 250,00 kr\n"
    )
    code, _, err = cli("payments", "refund", "2", "--bank-account", "1234.56.78903", "--on", "2024-01-01")
    assert code == 1 and err == (
        "error: --on: 2024-01-01 is before the credit refunded arose: the recipient's credit that day was "
        "0,00 kr, not 250,00 kr; it was there from 2024-05-06\n"
    )

    invoice = billed.invoices["acc-05"]
    number, issued = str(invoice.invoice_number), invoice.issue_date
    code, _, err = cli(
        "objections", "register", number, "--reason", "Feil", "--disputed", "0", "--on", "2024-05-03"
    )
    assert code == 1 and err == (
        "error: --disputed: is 0,00 kr: give an amount above 0 kr, or leave it out for all of it\n"
    )
    code, _, err = cli("objections", "register", number, "--reason", "Feil", "--on", "2024-03-01")
    assert code == 1 and err == (
        f"error: --on: 2024-03-01 is before invoice {number} was issued ({issued}): an objection to it is "
        "registered on or after that day\n"
    )
    code, out, err = cli("objections", "register", number, "--reason", "Feil", "--on", "2024-05-03")
    assert code == 0, err
    code, _, err = cli("objections", "register", number, "--reason", "Feil igjen", "--on", "2024-05-04")
    assert code == 1 and err.startswith(f"error: invoice {number} has an active objection already: hold "), (
        err
    )
    assert "settle it first (objections settle " in err

    code, _, err = cli("write-off", number, "--reason", "Dødsbo", "--on", "2024-01-01")
    assert code == 1 and err == (
        f"error: --on: 2024-01-01 is before invoice {number} was issued ({issued}): it is written off on or "
        "after that day\n"
    )

    deferred = billed.invoices["acc-06"]
    code, out, err = cli(
        "plans", "request", "6", "--invoices", str(deferred.invoice_number), "--deferral-until", "2024-08-31",
        "--on", "2024-07-11", "--json",
    )  # fmt: skip
    assert code == 0, err
    plan_id = json.loads(out)["plan_id"]
    code, _, err = cli("plans", "cancel", plan_id, "--on", "2024-07-01")
    assert code == 1 and err == (
        "error: --on: 2024-07-01 is before the plan was requested (2024-07-11): it is cancelled on or after "
        "that day\n"
    )
