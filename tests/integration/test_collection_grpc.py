"""Collection over gRPC (issue 16), on SQLite and PostgreSQL, against the billing service in this process:
an April run's invoices paid by an OCR giro file (in full, in part, twice, and by a KID nobody has), the
same file again changing nothing, a broken file refused by line, the unmatched payment allocated, the
credit refunded, statements, ageing and the year-end share, an objection and a deferral holding reminders,
and a reminder run whose letters are written; who may call what."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import grpc
import netsgiro
import pytest

from devstack.scenario import BankPayment, avtalegiro_agreements_file, ocr_giro_file
from propertytax.billing.v1 import billing_pb2, collection_pb2
from propertytax.platform.v1 import money_pb2
from services.billing.domain.avtalegiro import recipient_kid
from services.platform.auth import Role
from services.platform.grpc_status import field_violations
from services.platform.money import Money
from tests.integration.billing_fixtures import Api, billing_service, run_month, seed_recipients

pytestmark = pytest.mark.kafka
SECRET = "collection-test-secret-0123456789abcdefgh"
UNKNOWN_KID = "99999999999999999"  # names no invoice
REMINDER_FEE = Money.of("35.00")  # 1/20 of the inkassosats R = 700 NOK in force 2017–2025


class Collected:
    """The billing service after the April 2024 run, with an officer's and a reader's client."""

    def __init__(self, channel: grpc.Channel, var_dir: Path) -> None:
        self.officer = Api(channel, SECRET, Role.BILLING_OFFICER)
        self.reader = Api(channel, SECRET, Role.READER)
        self.var_dir = var_dir
        self.run = run_month(self.officer, 2024, 4, "2024-04-05")
        found = self.officer.FindInvoices(billing_pb2.FindInvoicesRequest(run_id=self.run.run_id)).invoices
        # One invoice per recipient, in account order: acc-01 (monthly) … acc-10.
        self.invoices = {i.account_id: i for i in found}
        assert len(self.invoices) == 10

    def open_on(self, account_id: str) -> dict[int, int]:
        answer = self.officer.GetStatement(collection_pb2.GetStatementRequest(account_id=account_id))
        return {d.invoice_number: d.open.ore for d in answer.open_documents}

    def statement(self, account_id: str) -> Any:
        return self.officer.GetStatement(collection_pb2.GetStatementRequest(account_id=account_id))


@pytest.fixture
def collected(database_url: str, kafka_bootstrap: str, tmp_path: Path) -> Iterator[Collected]:
    with billing_service(database_url, kafka_bootstrap, tmp_path, SECRET) as service:
        seed_recipients(service)
        channel = grpc.insecure_channel(f"127.0.0.1:{service.server.port}")
        try:
            yield Collected(channel, tmp_path)
        finally:
            channel.close()


def _total(invoice: Any) -> Money:
    return Money(invoice.total.ore)


def _the_file(c: Collected) -> tuple[bytes, dict[str, Money]]:
    """acc-02 paid in full, acc-03 half, acc-04 twice in full, and a payment with a KID nobody has; the
    others (acc-01, acc-05 … acc-10) not at all. Returns the file and what each recipient paid."""
    full, half, twice = c.invoices["acc-02"], c.invoices["acc-03"], c.invoices["acc-04"]
    paid_half = Money(_total(half).ore // 2)
    payments = [
        BankPayment(full.kid, _total(full)),
        BankPayment(half.kid, paid_half),
        BankPayment(twice.kid, _total(twice)),
        BankPayment(twice.kid, _total(twice)),
        BankPayment(UNKNOWN_KID, Money.of("500.00")),
    ]
    paid = {"acc-02": _total(full), "acc-03": paid_half, "acc-04": Money(2 * _total(twice).ore)}
    return ocr_giro_file(payments, date(2024, 5, 2)), paid


def test_a_payment_file_pays_invoices_and_a_second_import_changes_nothing(collected: Collected) -> None:
    c = collected
    content, paid = _the_file(c)
    answer = c.officer.ImportPayments(
        collection_pb2.ImportPaymentsRequest(content=content, file_name="ocr-2024-05-02.txt")
    )
    assert answer.format == collection_pb2.PAYMENT_FILE_FORMAT_OCR_GIRO
    assert not answer.already_imported
    assert (answer.payments, answer.matched, answer.unmatched) == (5, 4, 1)
    assert (answer.fully_paid, answer.partly_paid, answer.overpaid) == (2, 1, 1)
    assert answer.total.ore == sum(p.ore for p in paid.values()) + 50_000
    assert answer.unmatched_total.ore == 50_000

    # Each recipient's balance is what was invoiced less what was paid; the double payment a credit.
    for account_id, invoice in c.invoices.items():
        statement = c.statement(account_id)
        expected = _total(invoice).ore - paid.get(account_id, Money(0)).ore
        assert statement.closing_balance.ore == expected, account_id
        assert statement.opening_balance.ore == 0
        assert statement.lines[0].text == f"Faktura {invoice.invoice_number}"
        assert statement.lines[0].debit.ore == _total(invoice).ore
    assert c.open_on("acc-02") == {}
    half = c.invoices["acc-03"]
    assert c.open_on("acc-03") == {half.invoice_number: _total(half).ore - paid["acc-03"].ore}
    twice = c.statement("acc-04")
    assert twice.credit_balance.ore == _total(c.invoices["acc-04"]).ore and not twice.open_documents

    queue = c.reader.ListUnmatchedPayments(collection_pb2.ListUnmatchedPaymentsRequest()).payments
    assert [(p.kid, p.amount.ore, p.file_name, p.line) for p in queue] == [
        (UNKNOWN_KID, 50_000, "ocr-2024-05-02.txt", 11)  # the fifth payment's amount item 1
    ]

    widest = c.reader.ListUnmatchedPayments(collection_pb2.ListUnmatchedPaymentsRequest(page_size=1000))
    assert len(widest.payments) == 1 and widest.next_page_token == ""
    one = c.reader.ListUnmatchedPayments(collection_pb2.ListUnmatchedPaymentsRequest(page_size=1))
    assert len(one.payments) == 1 and one.next_page_token == ""  # nothing follows the full page
    with pytest.raises(grpc.RpcError) as bad_token:
        c.reader.ListUnmatchedPayments(collection_pb2.ListUnmatchedPaymentsRequest(page_token="x"))
    assert "page_token" in field_violations(bad_token.value)

    again = c.officer.ImportPayments(
        collection_pb2.ImportPaymentsRequest(content=content, file_name="the-same-file-renamed.txt")
    )
    assert again.already_imported and again.file_id == answer.file_id
    assert (again.payments, again.matched, again.unmatched) == (5, 4, 1)
    for account_id, invoice in c.invoices.items():
        expected = _total(invoice).ore - paid.get(account_id, Money(0)).ore
        assert c.statement(account_id).closing_balance.ore == expected
    assert len(c.reader.ListUnmatchedPayments(collection_pb2.ListUnmatchedPaymentsRequest()).payments) == 1


def test_a_broken_file_is_refused_by_line_and_leaves_nothing(collected: Collected) -> None:
    c = collected
    content, _ = _the_file(c)
    lines = content.decode("iso-8859-1").splitlines()
    lines[2] = lines[2][:40]  # the first payment's amount item cut short
    with pytest.raises(grpc.RpcError) as refused:
        c.officer.ImportPayments(
            collection_pb2.ImportPaymentsRequest(content="\n".join(lines).encode("iso-8859-1"), file_name="x")
        )
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "line 3" in field_violations(refused.value)
    with pytest.raises(grpc.RpcError) as not_a_file:
        c.officer.ImportPayments(
            collection_pb2.ImportPaymentsRequest(content=b"%PDF-1.7\n", file_name="a.pdf")
        )
    assert not_a_file.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    for account_id, invoice in c.invoices.items():
        assert c.statement(account_id).closing_balance.ore == _total(invoice).ore
    assert not c.reader.ListUnmatchedPayments(collection_pb2.ListUnmatchedPaymentsRequest()).payments


def test_allocate_refund_and_write_off(collected: Collected) -> None:
    c = collected
    content, _ = _the_file(c)
    c.officer.ImportPayments(collection_pb2.ImportPaymentsRequest(content=content, file_name="f.txt"))
    (unknown,) = c.officer.ListUnmatchedPayments(collection_pb2.ListUnmatchedPaymentsRequest()).payments
    target = c.invoices["acc-06"]
    allocated = c.officer.AllocatePayment(
        collection_pb2.AllocatePaymentRequest(
            payment_id=unknown.payment_id, invoice_number=target.invoice_number, allocated_on="2024-05-06"
        )
    )
    assert allocated.account_id == "acc-06"
    assert [(a.invoice_number, a.amount.ore) for a in allocated.applied] == [(target.invoice_number, 50_000)]
    assert allocated.credit.ore == 0
    assert c.statement("acc-06").closing_balance.ore == _total(target).ore - 50_000
    assert not c.officer.ListUnmatchedPayments(collection_pb2.ListUnmatchedPaymentsRequest()).payments
    with pytest.raises(grpc.RpcError) as twice:
        c.officer.AllocatePayment(
            collection_pb2.AllocatePaymentRequest(
                payment_id=unknown.payment_id, invoice_number=target.invoice_number, allocated_on="2024-05-06"
            )
        )
    assert twice.value.code() == grpc.StatusCode.FAILED_PRECONDITION

    credit = _total(c.invoices["acc-04"]).ore
    with pytest.raises(grpc.RpcError) as bad_account:
        c.officer.RefundCredit(
            collection_pb2.RefundCreditRequest(
                account_id="acc-04", bank_account="1234.56.78900", refunded_on="2024-05-10"
            )
        )
    assert bad_account.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "bank_account" in field_violations(bad_account.value)
    refund = c.officer.RefundCredit(
        collection_pb2.RefundCreditRequest(
            account_id="acc-04",
            bank_account="1234.56.78903",
            amount=money_pb2.Money(ore=10_000),
            refunded_on="2024-05-10",
        )
    )
    assert (refund.amount.ore, refund.credit_left.ore) == (10_000, credit - 10_000)
    assert c.statement("acc-04").closing_balance.ore == -(credit - 10_000)

    written = c.officer.WriteOffInvoice(
        collection_pb2.WriteOffInvoiceRequest(
            invoice_number=c.invoices["acc-07"].invoice_number,
            written_off_on="2024-12-31",
            reason="Dødsbo uten midler",
        )
    )
    assert written.amount.ore == _total(c.invoices["acc-07"]).ore
    assert c.statement("acc-07").closing_balance.ore == 0


def test_reports(collected: Collected) -> None:
    c = collected
    content, paid = _the_file(c)
    c.officer.ImportPayments(collection_pb2.ImportPaymentsRequest(content=content, file_name="f.txt"))
    due = date.fromisoformat(c.invoices["acc-02"].due_date)
    report = c.reader.GetAgeing(collection_pb2.GetAgeingRequest(as_of=(due + timedelta(days=40)).isoformat()))
    open_total = sum(
        _total(i).ore - min(paid.get(a, Money(0)).ore, _total(i).ore) for a, i in c.invoices.items()
    )
    assert report.total.ore == open_total
    by_key = {b.key: b for b in report.buckets}
    assert by_key["31_60"].count == 8 and by_key["31_60"].amount.ore == open_total  # all but acc-02, acc-04
    share = c.reader.GetPaidByYearEnd(collection_pb2.GetPaidByYearEndRequest(year=2024))
    invoiced = sum(_total(i).ore for i in c.invoices.values())
    applied = sum(min(paid.get(a, Money(0)).ore, _total(i).ore) for a, i in c.invoices.items())
    assert (share.overall.invoiced.ore, share.overall.paid.ore) == (invoiced, applied)
    assert [ch.code for ch in share.charges] == ["property_tax"]
    assert share.charges[0].paid.ore == applied


def test_reminder_run_holds_objections_and_plans_and_writes_letters(collected: Collected) -> None:
    c = collected
    content, _ = _the_file(c)
    c.officer.ImportPayments(collection_pb2.ImportPaymentsRequest(content=content, file_name="f.txt"))
    objected, deferred = c.invoices["acc-08"], c.invoices["acc-09"]
    hold = c.officer.RegisterObjection(
        collection_pb2.RegisterObjectionRequest(
            invoice_number=objected.invoice_number, reason="Eiendommen er solgt", registered_on="2024-05-03"
        )
    ).hold
    assert (hold.source, hold.account_id, hold.disputed.ore) == ("objection", "acc-08", 0)
    assert (hold.customer_number, hold.recipient_name) == (8, "Eier 8")  # as officers know the recipient
    listed = c.reader.ListCollectionHolds(collection_pb2.ListCollectionHoldsRequest(account_id="acc-08"))
    assert [h.hold_id for h in listed.holds] == [hold.hold_id]
    run_on = date.fromisoformat(objected.due_date) + timedelta(days=20)
    plan = c.officer.RequestPaymentPlan(
        collection_pb2.RequestPaymentPlanRequest(
            account_id="acc-09",
            invoice_numbers=[deferred.invoice_number],
            deferral_until=(run_on + timedelta(days=30)).isoformat(),
            requested_on="2024-05-03",
        )
    ).plan
    assert (plan.kind, plan.state, plan.total.ore) == ("deferral", "active", _total(deferred).ore)
    assert plan.customer_number == 9

    preview = c.officer.PreviewReminderRun(
        collection_pb2.PreviewReminderRunRequest(run_on=run_on.isoformat())
    )
    reminded = ["acc-01", "acc-03", "acc-05", "acc-06", "acc-07", "acc-10"]  # unpaid or part paid
    steps = {s.step: s.count for s in preview.steps}
    assert steps["reminder"] == len(reminded)
    assert preview.fees.ore == len(reminded) * REMINDER_FEE.ore
    reasons = {r.reason: r.count for r in preview.not_reminded}
    assert reasons["held: the open amount is disputed (objection or appeal)"] == 1
    assert reasons["in an active deferral or instalment plan"] == 1
    before = {a: c.statement(a).closing_balance.ore for a in c.invoices}

    started = c.officer.StartReminderRun(collection_pb2.StartReminderRunRequest(run_on=run_on.isoformat()))
    run = started.run
    assert not started.already_existed and run.started_at
    deadline = time.monotonic() + 60
    while run.state == collection_pb2.REMINDER_RUN_STATE_RUNNING and time.monotonic() < deadline:
        time.sleep(0.1)
        run = c.reader.GetReminderRun(collection_pb2.GetReminderRunRequest(run_id=run.run_id)).run
    assert run.state == collection_pb2.REMINDER_RUN_STATE_COMPLETED, run.error
    assert (run.reminders, run.fees.ore) == (len(reminded), preview.fees.ore)
    assert run.recipients_done == run.recipients_total == 10
    assert run.finished_at >= run.started_at
    again = c.officer.StartReminderRun(collection_pb2.StartReminderRunRequest(run_on=run_on.isoformat()))
    assert again.run.run_id == run.run_id and again.already_existed  # one run per date

    steps = c.reader.ListReminderRunSteps(
        collection_pb2.ListReminderRunStepsRequest(run_id=run.run_id, page_size=4)
    )
    rest = c.reader.ListReminderRunSteps(
        collection_pb2.ListReminderRunStepsRequest(run_id=run.run_id, page_token=steps.next_page_token)
    )
    assert (len(steps.steps), steps.next_page_token, rest.next_page_token) == (4, "4", "")
    every = [*steps.steps, *rest.steps]
    assert [s.invoice_number for s in every] == [c.invoices[a].invoice_number for a in reminded]
    first = every[0]
    assert (first.customer_number, first.recipient_name, first.step, first.sequence) == (
        1, "Eier 1", "reminder", 1,
    )  # fmt: skip
    assert first.fee.ore == REMINDER_FEE.ore and first.letter.endswith(".pdf") and first.due_on
    with pytest.raises(grpc.RpcError) as no_run:
        c.reader.ListReminderRunSteps(collection_pb2.ListReminderRunStepsRequest(run_id="no-such-run"))
    assert no_run.value.code() == grpc.StatusCode.NOT_FOUND

    for account_id in c.invoices:
        statement = c.statement(account_id)
        fee = REMINDER_FEE.ore if account_id in reminded else 0
        interest = sum(line.debit.ore for line in statement.lines if line.kind == "interest")
        assert statement.closing_balance.ore == before[account_id] + fee + interest, account_id
        if account_id in reminded:
            number = c.invoices[account_id].invoice_number
            fees = [line.text for line in statement.lines if line.kind == "reminder_fee"]
            assert fees == [f"Purregebyr, faktura {number}"]

    letters = sorted(Path(run.letters_folder).rglob("*.pdf"))
    assert len(letters) == len(reminded)
    half = c.invoices["acc-03"]
    owed = Money(c.statement("acc-03").closing_balance.ore)
    texts = [_pdf_text(p) for p in letters]
    (mine,) = [text for text in texts if f"Fakturanummer: {half.invoice_number}\n" in text]
    assert f"KID: {half.kid}" in mine and "35,00 kr" in mine and owed.kroner() in mine


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_who_may_call_and_bad_requests(collected: Collected) -> None:
    c = collected
    with pytest.raises(grpc.RpcError) as reader:
        c.reader.ImportPayments(collection_pb2.ImportPaymentsRequest(content=b"NY", file_name="x"))
    assert reader.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as nobody:
        c.officer.GetStatement(collection_pb2.GetStatementRequest(account_id="acc-99"))
    assert nobody.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.RpcError) as no_date:
        c.officer.PreviewReminderRun(collection_pb2.PreviewReminderRunRequest(run_on="31.12.2024"))
    assert field_violations(no_date.value) == {"run_on": "a date as YYYY-MM-DD"}
    by_number = c.officer.GetStatement(collection_pb2.GetStatementRequest(customer_number=1))
    assert by_number.customer_number == 1 and by_number.name


def test_avtalegiro_agreements_and_the_run_s_claim_file(collected: Collected) -> None:
    c = collected
    agreements = avtalegiro_agreements_file(
        [(recipient_kid(1), True), (recipient_kid(2), False)], date(2024, 3, 1)
    )
    imported = c.officer.ImportAvtaleGiroAgreements(
        collection_pb2.ImportAvtaleGiroAgreementsRequest(content=agreements, received_on="2024-03-01")
    )
    assert (imported.records, imported.active, imported.deleted_by_payers) == (2, 2, 0)
    assert (imported.added, imported.changed, imported.unchanged) == (2, 0, 0)
    unknown = avtalegiro_agreements_file([(recipient_kid(77), True)], date(2024, 3, 1), "2000002")
    with pytest.raises(grpc.RpcError) as refused:
        c.officer.ImportAvtaleGiroAgreements(
            collection_pb2.ImportAvtaleGiroAgreementsRequest(content=unknown, received_on="2024-03-01")
        )
    assert list(field_violations(refused.value)) == ["line 3"]
    # the first file's transmission again in other bytes (an edited copy): refused, nothing stored
    copy = avtalegiro_agreements_file([(recipient_kid(1), False)], date(2024, 3, 2))
    with pytest.raises(grpc.RpcError) as refused:
        c.officer.ImportAvtaleGiroAgreements(
            collection_pb2.ImportAvtaleGiroAgreementsRequest(content=copy, received_on="2024-03-02")
        )
    assert refused.value.code() == grpc.StatusCode.ALREADY_EXISTS
    assert "transmission 2000001 from data transmitter 00008080 was read on 01.03.2024" in (
        refused.value.details() or ""
    )

    claims = c.officer.GetAvtaleGiroClaims(
        collection_pb2.GetAvtaleGiroClaimsRequest(run_id=c.run.run_id, sent_on="2024-04-05")
    )
    wanted = [c.invoices["acc-01"], c.invoices["acc-02"]]
    assert claims.claims == 2 and claims.total.ore == sum(i.total.ore for i in wanted)
    assert (claims.paid, claims.partly_settled, claims.too_late) == (0, 0, 0)
    assert claims.earliest_due_date == "2024-04-09"
    parsed = netsgiro.parse(claims.content.decode("iso-8859-1"))
    requests = [r for r in parsed.assignments[0].transactions if isinstance(r, netsgiro.PaymentRequest)]
    assert [(r.kid, int(r.amount * 100), r.date.isoformat()) for r in requests] == [
        (i.kid, i.total.ore, i.due_date) for i in wanted
    ]
    with pytest.raises(grpc.RpcError) as no_run:
        c.officer.GetAvtaleGiroClaims(collection_pb2.GetAvtaleGiroClaimsRequest(run_id="no-such-run"))
    assert no_run.value.code() == grpc.StatusCode.NOT_FOUND

    # The bank's full list of 10 April leaves acc-01's agreement out: it has ended, and the officer still
    # sees the day it became active.
    full = avtalegiro_agreements_file(
        [(recipient_kid(2), False)], date(2024, 4, 10), "2000003", full_list=True
    )
    ended = c.officer.ImportAvtaleGiroAgreements(
        collection_pb2.ImportAvtaleGiroAgreementsRequest(content=full, received_on="2024-04-10")
    )
    assert (ended.records, ended.missing_from_full_list) == (1, 1)
    shown = c.officer.GetAccount(billing_pb2.GetAccountRequest(account_id="acc-01")).avtalegiro
    assert (shown.ended, shown.ended_on, shown.active_since) == (True, "2024-04-10", "2024-03-01")
    assert shown.ended_by == "full_list"
    listed = c.officer.GetAccount(billing_pb2.GetAccountRequest(account_id="acc-02")).avtalegiro
    assert (listed.ended, listed.ended_on, listed.active_since, listed.ended_by) == (
        False,
        "",
        "2024-03-01",
        "",
    )


def test_a_copy_of_a_transmission_a_zero_amount_and_days_too_early_are_refused(collected: Collected) -> None:
    """Trial, issue 16: each of these was accepted; now refused, naming the request's field."""
    c = collected
    content, _ = _the_file(c)
    c.officer.ImportPayments(collection_pb2.ImportPaymentsRequest(content=content, file_name="ocr.txt"))
    before = {account_id: c.statement(account_id).closing_balance.ore for account_id in c.invoices}

    with pytest.raises(grpc.RpcError) as copy:
        c.officer.ImportPayments(
            collection_pb2.ImportPaymentsRequest(
                content=content.replace(b"\n", b"\r\n"), file_name="crlf.txt"
            )
        )
    assert copy.value.code() == grpc.StatusCode.ALREADY_EXISTS
    said = copy.value.details() or ""
    assert "was imported on" in said and "from ocr.txt; a bank never sends the same transmission" in said
    assert {account_id: c.statement(account_id).closing_balance.ore for account_id in c.invoices} == before

    def refused(call: Any, request: Any) -> dict[str, str]:
        with pytest.raises(grpc.RpcError) as error:
            call(request)
        assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        return field_violations(error.value)

    zero = money_pb2.Money(ore=0)
    assert "amount" in refused(
        c.officer.RefundCredit,
        collection_pb2.RefundCreditRequest(
            account_id="acc-04", bank_account="1234.56.78903", amount=zero, refunded_on="2024-05-10"
        ),
    )
    objected = c.invoices["acc-05"].invoice_number
    assert "disputed" in refused(
        c.officer.RegisterObjection,
        collection_pb2.RegisterObjectionRequest(
            invoice_number=objected, reason="Feil", disputed=zero, registered_on="2024-05-03"
        ),
    )
    assert "registered_on" in refused(
        c.officer.RegisterObjection,
        collection_pb2.RegisterObjectionRequest(
            invoice_number=objected, reason="Feil", registered_on="2024-04-01"
        ),
    )
    assert "refunded_on" in refused(
        c.officer.RefundCredit,
        collection_pb2.RefundCreditRequest(
            account_id="acc-04", bank_account="1234.56.78903", refunded_on="2024-01-01"
        ),
    )
    assert "written_off_on" in refused(
        c.officer.WriteOffInvoice,
        collection_pb2.WriteOffInvoiceRequest(
            invoice_number=c.invoices["acc-07"].invoice_number, written_off_on="2024-01-01", reason="Dødsbo"
        ),
    )
    plan = c.officer.RequestPaymentPlan(
        collection_pb2.RequestPaymentPlanRequest(
            account_id="acc-06",
            invoice_numbers=[c.invoices["acc-06"].invoice_number],
            deferral_until="2024-08-31",
            requested_on="2024-05-03",
        )
    ).plan
    assert "cancelled_on" in refused(
        c.officer.CancelPaymentPlan,
        collection_pb2.CancelPaymentPlanRequest(plan_id=plan.plan_id, cancelled_on="2024-05-01"),
    )
    assert {account_id: c.statement(account_id).closing_balance.ore for account_id in c.invoices} == before
