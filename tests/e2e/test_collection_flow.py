"""Issue 16 end to end: a term billed from a levied register, the bank's OCR giro file (paying one invoice
in full, one in part, one twice, leaving two unpaid, and one payment with a KID nobody has) imported with
the command line, the same file again changing nothing, then a reminder run after the due date and the
grace days. Every balance is worked out here, not with billing's code: each recipient's statement, the
unmatched queue, the overpayment's credit, the reminder fee (1/20 of R = 700 NOK) and late-payment interest
(12.5 % a year, by day) on the partly paid and unpaid invoices, and the letters written."""

from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from devstack.scenario import (
    YEAR,
    BankPayment,
    connect,
    levy_register,
    ocr_giro_file,
    person,
    ready_to_invoice,
    record_owner,
    run_month,
    wait,
)
from devstack.stack import Stack
from propertytax.billing.v1 import billing_pb2, billing_pb2_grpc, collection_pb2
from services.cli import main
from services.platform.auth import Role, TokenAuthority
from services.platform.money import Money
from services.platform.settings import Settings
from tests.e2e.checks import billing_has_register

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

MUNICIPALITY = "5016"  # this test's own property ids
REGISTER = 12
ISSUED = f"{YEAR}-01-10"
PAID_ON = date(YEAR, 2, 1)
UNKNOWN_KID = "99999999999999999"
REMINDER_FEE = 3500  # øre: 1/20 of the inkassosats R = 700 NOK (2017–2025)
INTEREST_RATE = Decimal("0.125")  # forsinkelsesrente from 1 January 2024
PARTLY = Money.of("1000.00")


def _interest(principal_ore: int, start: date, end: date) -> int:
    """Late-payment interest in øre on a principal for the days [start, end), rounded once (half up)."""
    kroner = Decimal(principal_ore) / 100 * INTEREST_RATE * (end - start).days / 365
    return int((kroner * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["billing", *argv])
    said = capsys.readouterr()
    assert "Traceback" not in said.err, said.err
    return code, said.out, said.err


def test_a_term_paid_by_a_bank_file_then_reminded(
    stack: Stack, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assessor = connect(stack, "assessment", "e2e", Role.ASSESSOR, timeout=120)
    billing = connect(stack, "billing", "e2e", Role.BILLING_OFFICER, timeout=120)
    api = billing_pb2_grpc.BillingServiceStub(billing.channel)
    taxes = levy_register(assessor, REGISTER, MUNICIPALITY)
    taxed = sorted((p for p in taxes if taxes[p].ore > 0), key=lambda p: taxes[p])[-5:]
    names = ["full", "partly", "twice", "unpaid", "also unpaid"]
    owners = {
        name: record_owner(assessor, property_id, person(16000 + n, f"Eier {name}"))
        for n, (name, property_id) in enumerate(zip(names, taxed, strict=True))
    }
    wait(
        lambda: billing_has_register(stack.database_urls["billing"], MUNICIPALITY, REGISTER),
        90,
        "the tax bases",
    )
    for name, property_id in zip(names, taxed, strict=True):
        ready_to_invoice(billing, property_id, owners[name])
    run_month(billing, 1, ISSUED, timeout=120)

    def invoice_of(name: str) -> Any:
        (found,) = billing.call(
            api.FindInvoices, billing_pb2.FindInvoicesRequest(account_id=owners[name])
        ).invoices
        return found

    invoices = {name: invoice_of(name) for name in names}
    totals = {name: invoices[name].total.ore for name in names}
    assert all(total > PARTLY.ore for total in totals.values())

    bank_file = tmp_path / "OCR.D020224.txt"
    bank_file.write_bytes(
        ocr_giro_file(
            [
                BankPayment(invoices["full"].kid, Money(totals["full"])),
                BankPayment(invoices["partly"].kid, PARTLY),
                BankPayment(invoices["twice"].kid, Money(totals["twice"])),
                BankPayment(invoices["twice"].kid, Money(totals["twice"])),
                BankPayment(UNKNOWN_KID, Money.of("777.00")),
            ],
            PAID_ON,
        )
    )
    token = TokenAuthority(Settings().auth_secret.get_secret_value()).mint("e2e", [Role.BILLING_OFFICER])
    monkeypatch.setenv("PROPERTYTAX_TOKEN", token)
    monkeypatch.setenv("PROPERTYTAX_BILLING_TARGET", stack.target("billing"))
    code, out, err = _cli(capsys, "payments", "import", str(bank_file))
    assert code == 0, err
    assert re.search(r"Payments\s+5 \(", out) and re.search(r"Matched by KID\s+4\n", out)
    assert re.search(r"Invoices paid in full\s+2\n", out) and re.search(r"Invoices paid in part\s+1\n", out)
    assert re.search(r"Overpayments \(credit\)\s+1\n", out) and re.search(
        r"Unmatched \(queue\)\s+1 \(777,00 kr\)", out
    )

    def statement(name: str) -> Any:
        return billing.call(api.GetStatement, collection_pb2.GetStatementRequest(account_id=owners[name]))

    paid = {"full": totals["full"], "partly": PARTLY.ore, "twice": 2 * totals["twice"]}
    after_payments = {name: totals[name] - paid.get(name, 0) for name in names}
    assert {name: statement(name).closing_balance.ore for name in names} == after_payments
    assert statement("twice").credit_balance.ore == totals["twice"]

    code, out, err = _cli(capsys, "payments", "import", str(bank_file))
    assert code == 0 and "was imported before" in out and "nothing changed" in out, err
    assert {name: statement(name).closing_balance.ore for name in names} == after_payments
    queue = billing.call(api.ListUnmatchedPayments, collection_pb2.ListUnmatchedPaymentsRequest()).payments
    assert [(p.kid, p.amount.ore, p.paid_on) for p in queue] == [(UNKNOWN_KID, 77_700, PAID_ON.isoformat())]

    due = date.fromisoformat(invoices["unpaid"].due_date)
    run_on = due + timedelta(days=30)  # past the due date and the 14 days' grace
    code, out, err = _cli(capsys, "reminders", "run", "--on", run_on.isoformat())
    assert code == 0, err
    assert f"reminder run {run_on.isoformat()} completed: 3 reminders" in err

    reminded = ["partly", "unpaid", "also unpaid"]
    for name in names:
        found = statement(name)
        expected = after_payments[name]
        if name in reminded:
            start = date.fromisoformat(invoices[name].due_date) + timedelta(days=1)
            expected += REMINDER_FEE + _interest(after_payments[name], start, run_on)
            fees = [line.debit.ore for line in found.lines if line.kind == "reminder_fee"]
            assert fees == [REMINDER_FEE], name
        assert found.closing_balance.ore == expected, name
    assert statement("twice").credit_balance.ore == totals["twice"]  # the overpayment stays a credit
    assert not statement("full").open_documents

    letters = sorted(Path(re.search(r"Letters\s+(\S+)", out).group(1)).glob("*.pdf"))  # type: ignore[union-attr]
    assert len(letters) == 3
    text = {
        p.name: subprocess.run(["pdftotext", str(p), "-"], capture_output=True, text=True, check=True).stdout
        for p in letters
    }
    unpaid = invoices["unpaid"]
    (letter,) = [t for t in text.values() if f"Fakturanummer: {unpaid.invoice_number}\n" in t]
    assert f"KID: {unpaid.kid}" in letter
    assert Money(totals["unpaid"]).kroner() in letter and "35,00 kr" in letter
