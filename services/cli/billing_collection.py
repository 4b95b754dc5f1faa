"""`propertytax billing payments|statement|ageing|paid-by-year-end|reminders|objections|plans|write-off|
avtalegiro …`: collection (issue 16) for billing officers, thin calls onto BillingService.

Business dates are --on (the day the act counts from; default today, as the service takes it); a bank file
is read here and sent whole (the service recognises OCR giro or camt.054 by its content); a refused file
lists its problems by line. Exit codes as elsewhere: 0 done, 1 refused by the service (or a run that
failed), 2 bad input found before calling."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from propertytax.billing.v1 import billing_pb2_grpc, collection_pb2
from propertytax.platform.v1 import money_pb2
from services.cli import billing_collection_view as view
from services.cli.billing import follow_recipients, recipient_arg
from services.cli.common import (
    BadInput,
    add_remote_options,
    caller_for,
    document_number_arg,
    every_page,
    more_hint,
    naming_flags,
    open_output,
    page_size_arg,
    positive_kroner,
    read_input,
    sent_file_flags,
    shown_path,
    whole,
    year_arg,
)
from services.cli.dates import check_period, day_arg
from services.cli.output import (
    console,
    counted,
    day,
    emit_json,
    machine_form,
    nok,
    say,
    say_or_json,
    show_record,
    show_table,
    wants_json,
)

instalments_arg = whole(1, 120, "12")  # monthly, at most ten years
# A whole term's OCR file for Oslo is about 135,000 × 3 records of 80 characters (~33 MB): well inside.
MAX_PAYMENT_FILE_BYTES = 64 * 1024 * 1024

_ON = "--on"
_FLAGS = {
    "content": "FILE",
    "file": "FILE",
    "payment_id": "PAYMENT_ID",
    "invoice_number": "INVOICE",
    "account_id": "ACCOUNT",
    "customer_number": "ACCOUNT",
    "allocated_on": _ON,
    "refunded_on": _ON,
    "written_off_on": _ON,
    "registered_on": _ON,
    "settled_on": _ON,
    "requested_on": _ON,
    "cancelled_on": _ON,
    "received_on": _ON,
    "sent_on": _ON,
    "run_on": _ON,
    "on": _ON,
    "until": "--deferral-until",
    "count": "--instalments",
    "bank_account": "--bank-account",
    "amount": "--amount",
    "reason": "--reason",
    "disputed": "--disputed",
    "from_date": "--from",
    "to_date": "--to",
    "as_of": "--as-of",
    "year": "YEAR",
    "hold_id": "HOLD_ID",
    "plan_id": "PLAN_ID",
    "run_id": "RUN_ID",
    "invoice_numbers": "--invoices",
    "deferral_until": "--deferral-until",
    "instalments": "--instalments",
    "first_due": "--first-due",
    "page_size": "--page-size",
    "page_token": "--page-token",
}


def _stub(args: argparse.Namespace) -> tuple[Any, billing_pb2_grpc.BillingServiceStub]:
    caller = caller_for(args, "billing")
    return caller, billing_pb2_grpc.BillingServiceStub(caller.channel)


def _ask(args: argparse.Namespace, rpc: str, request: Any, timeout: float | None = None) -> Any:
    """BillingService's answer to `rpc` (a refusal is raised for naming_flags to print); `timeout`
    overrides --timeout for calls known to take long."""
    caller, stub = _stub(args)
    return caller.call(getattr(stub, rpc), request, timeout=timeout)


def _money(amount: Any) -> money_pb2.Money | None:
    return money_pb2.Money(ore=amount.ore) if amount is not None else None


def invoice_list_arg(text: str) -> list[int]:
    """An argparse type: invoice numbers separated by commas, "1001,1002"."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise argparse.ArgumentTypeError("give invoice numbers separated by commas, e.g. 1001,1002")
    try:
        return [document_number_arg(part) for part in parts]
    except argparse.ArgumentTypeError as exc:
        raise argparse.ArgumentTypeError(f"invoice numbers separated by commas: {exc}") from None


def _file_name(path: str) -> str:
    return "stdin" if path == "-" else Path(path).name


# ---- payments ----------------------------------------------------------------------------------------


@naming_flags(_FLAGS)
def cmd_payments_import(args: argparse.Namespace) -> int:
    content = read_input(args.file, "FILE")
    if not content:
        raise BadInput(f"FILE {args.file}: the file is empty")
    if len(content) > MAX_PAYMENT_FILE_BYTES:
        raise BadInput(
            f"FILE {args.file}: {counted(len(content), 'byte')} is more than a payment file can be "
            f"({MAX_PAYMENT_FILE_BYTES // (1024 * 1024)} MiB)"
        )
    # "payments.txt: is neither an OCR giro file …", "payments.txt line 4: …"
    args.extra_flags = sent_file_flags(args.file)
    answer = _ask(
        args,
        "ImportPayments",
        collection_pb2.ImportPaymentsRequest(content=content, file_name=_file_name(args.file)),
        timeout=max(args.timeout, 600.0),  # a whole term's file is matched in one transaction
    )
    show_record(
        args, answer, view.import_fields(answer), title=view.import_title(answer, shown_path(args.file))
    )
    return 0


@naming_flags(_FLAGS)
def cmd_payments_unmatched(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    request = collection_pb2.ListUnmatchedPaymentsRequest(
        page_size=args.page_size, page_token=args.page_token
    )
    found, left = every_page(caller, stub.ListUnmatchedPayments, request, "payments", args.all)
    page = collection_pb2.ListUnmatchedPaymentsResponse(payments=found, next_page_token=left)
    show_table(
        args,
        page,
        view.UNMATCHED_COLUMNS,
        view.unmatched_rows(page.payments),
        "No unmatched payments.",
        title="Unmatched payments (oldest first)",
        footer=more_hint(left),
    )
    return 0


@naming_flags(_FLAGS)
def cmd_payments_allocate(args: argparse.Namespace) -> int:
    if (args.invoice is None) == (args.recipient is None):
        raise BadInput("say where the payment goes: --invoice N or --recipient ACCOUNT (one of them)")
    args.extra_flags = {
        "invoice_number": "--invoice",
        "account_id": "--recipient",
        "customer_number": "--recipient",
    }
    request = collection_pb2.AllocatePaymentRequest(
        payment_id=args.payment_id,
        invoice_number=args.invoice or 0,
        **(args.recipient or {}),
        allocated_on=args.on or "",
    )
    return say_or_json(args, _ask(args, "AllocatePayment", request), view.allocation_sentence)


@naming_flags(_FLAGS)
def cmd_payments_refund(args: argparse.Namespace) -> int:
    request = collection_pb2.RefundCreditRequest(
        **args.recipient,
        bank_account=args.bank_account,
        amount=_money(args.amount),
        refunded_on=args.on or "",
    )
    return say_or_json(args, _ask(args, "RefundCredit", request), view.refund_sentence)


@naming_flags(_FLAGS)
def cmd_write_off(args: argparse.Namespace) -> int:
    request = collection_pb2.WriteOffInvoiceRequest(
        invoice_number=args.invoice_number, written_off_on=args.on or "", reason=args.reason
    )
    return say_or_json(args, _ask(args, "WriteOffInvoice", request), view.write_off_sentence)


# ---- statement and reports ------------------------------------------------------------------------------


@naming_flags(_FLAGS)
def cmd_statement(args: argparse.Namespace) -> int:
    check_period(args.from_date, args.to_date)
    answer = _ask(
        args,
        "GetStatement",
        collection_pb2.GetStatementRequest(
            **args.recipient, from_date=args.from_date or "", to_date=args.to_date or ""
        ),
    )
    if wants_json(args):
        emit_json(answer)
        return 0
    show_table(
        args, answer, view.STATEMENT_COLUMNS, view.statement_rows(answer), "", view.statement_title(answer)
    )
    say("")
    show_table(
        args,
        answer,
        view.OPEN_COLUMNS,
        view.open_rows(answer.open_documents),
        "No open invoices.",
        title="Open invoices",
    )
    if answer.credit_balance.ore:
        say(f"Credit balance: {nok(answer.credit_balance)} (to refund or set off).")
    return 0


@naming_flags(_FLAGS)
def cmd_ageing(args: argparse.Namespace) -> int:
    answer = _ask(args, "GetAgeing", collection_pb2.GetAgeingRequest(as_of=args.as_of or ""), timeout=600)
    show_table(
        args,
        answer,
        view.AGEING_COLUMNS,
        view.ageing_rows(answer),
        "",
        title=f"Ageing on {day(answer.as_of)}",
    )
    return 0


@naming_flags(_FLAGS)
def cmd_paid_by_year_end(args: argparse.Namespace) -> int:
    answer = _ask(
        args, "GetPaidByYearEnd", collection_pb2.GetPaidByYearEndRequest(year=args.year), timeout=600
    )
    show_table(
        args,
        answer,
        view.YEAR_END_COLUMNS,
        view.year_end_rows(answer) if answer.charges else [],
        f"Nothing was invoiced in {answer.year} (less credit notes): there is no share paid by year end to "
        "show (a year no billing run has issued invoices in yet?)",
        title=f"Invoiced in {answer.year} (less credit notes) and paid by 31.12.{answer.year}",
    )
    return 0


# ---- reminders ----------------------------------------------------------------------------------------


@naming_flags(_FLAGS)
def cmd_reminders_preview(args: argparse.Namespace) -> int:
    answer = _ask(
        args,
        "PreviewReminderRun",
        collection_pb2.PreviewReminderRunRequest(run_on=args.on or ""),
        timeout=600,
    )
    title = f"A reminder run on {day(answer.run_on)} would (preview, nothing is sent)"
    show_record(args, answer, view.preview_fields(answer), title=title)
    return 0


def _show_reminder_run(args: argparse.Namespace, run: Any) -> int:
    show_record(args, run, view.reminder_run_fields(run), title=f"Reminder run {day(run.run_on)}")
    return 0 if run.state != collection_pb2.REMINDER_RUN_STATE_FAILED else 1


def _follow_reminders(caller: Any, stub: billing_pb2_grpc.BillingServiceStub, run: Any) -> Any:
    """Follows the run until it ends with a progress bar on stderr, then says what it did."""
    run = follow_recipients(
        run,
        f"Reminder run {day(run.run_on)}",
        lambda job: job.state == collection_pb2.REMINDER_RUN_STATE_RUNNING,
        lambda job: (
            caller.call(stub.GetReminderRun, collection_pb2.GetReminderRunRequest(run_id=job.run_id)).run
        ),
    )
    sys.stderr.write(view.reminder_outcome(run) + "\n")
    return run


@naming_flags(_FLAGS)
def cmd_reminders_run(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    started = caller.call(stub.StartReminderRun, collection_pb2.StartReminderRunRequest(run_on=args.on or ""))
    run = started.run
    if started.already_existed and not wants_json(args):
        say(view.rerun_sentence(run))
    if not args.no_wait and run.state == collection_pb2.REMINDER_RUN_STATE_RUNNING:
        run = _follow_reminders(caller, stub, run)
    if wants_json(args):  # a script is told as a person is whether the date's run was made before
        emit_json({**machine_form(run), "already_existed": started.already_existed})
        return 0 if run.state != collection_pb2.REMINDER_RUN_STATE_FAILED else 1
    return _show_reminder_run(args, run)


@naming_flags(_FLAGS)
def cmd_reminders_status(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    run = caller.call(stub.GetReminderRun, collection_pb2.GetReminderRunRequest(run_id=args.run_id)).run
    if args.watch:
        run = _follow_reminders(caller, stub, run)
    return _show_reminder_run(args, run)


@naming_flags(_FLAGS)
def cmd_reminders_steps(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    request = collection_pb2.ListReminderRunStepsRequest(
        run_id=args.run_id, page_size=args.page_size, page_token=args.page_token
    )
    found, left = every_page(caller, stub.ListReminderRunSteps, request, "steps", args.all)
    page = collection_pb2.ListReminderRunStepsResponse(steps=found, next_page_token=left)
    show_table(
        args,
        page,
        view.STEP_COLUMNS,
        view.step_rows(page.steps),
        (
            f"No steps from --page-token {args.page_token}: the run's steps end before it."
            if args.page_token
            else f"Reminder run {args.run_id} took no steps."
        ),
        title=f"Steps of reminder run {args.run_id}",
        footer=more_hint(left),
    )
    return 0


# ---- objections and plans ---------------------------------------------------------------------------


def _show_hold(args: argparse.Namespace, hold: Any, title: str) -> int:
    show_record(args, hold, view.hold_fields(hold), title=title)
    return 0


def _show_plan(args: argparse.Namespace, plan: Any, title: str) -> int:
    show_record(args, plan, view.plan_fields(plan), title=title)
    return 0


@naming_flags(_FLAGS)
def cmd_objections_register(args: argparse.Namespace) -> int:
    request = collection_pb2.RegisterObjectionRequest(
        invoice_number=args.invoice_number,
        reason=args.reason,
        disputed=_money(args.disputed),
        registered_on=args.on or "",
    )
    hold = _ask(args, "RegisterObjection", request).hold
    return _show_hold(args, hold, "Objection registered: reminders hold on the disputed amount")


@naming_flags(_FLAGS)
def cmd_objections_settle(args: argparse.Namespace) -> int:
    request = collection_pb2.SettleObjectionRequest(hold_id=args.hold_id, settled_on=args.on or "")
    return _show_hold(
        args, _ask(args, "SettleObjection", request).hold, "Objection settled: reminders may follow again"
    )


@naming_flags(_FLAGS)
def cmd_objections_list(args: argparse.Namespace) -> int:
    answer = _ask(args, "ListCollectionHolds", collection_pb2.ListCollectionHoldsRequest(**args.recipient))
    show_table(
        args,
        answer,
        view.HOLD_COLUMNS,
        view.hold_rows(answer.holds),
        "No objections or appeals hold reminders.",
    )
    return 0


@naming_flags(_FLAGS)
def cmd_plans_request(args: argparse.Namespace) -> int:
    if (args.deferral_until is None) == (args.instalments is None):
        raise BadInput("ask for one: --deferral-until D, or --instalments K with --first-due D")
    if args.instalments is not None and args.first_due is None:
        raise BadInput("--instalments needs --first-due (the first instalment's due date)")
    request = collection_pb2.RequestPaymentPlanRequest(
        **args.recipient,
        invoice_numbers=args.invoices,
        deferral_until=args.deferral_until or "",
        instalments=args.instalments or 0,
        first_due=args.first_due or "",
        requested_on=args.on or "",
    )
    plan = _ask(args, "RequestPaymentPlan", request).plan
    return _show_plan(args, plan, "Plan recorded: reminders hold while it is kept")


@naming_flags(_FLAGS)
def cmd_plans_list(args: argparse.Namespace) -> int:
    answer = _ask(args, "ListPaymentPlans", collection_pb2.ListPaymentPlansRequest(**args.recipient))
    show_table(
        args, answer, view.PLAN_COLUMNS, view.plan_rows(answer.plans), "No deferrals or instalment plans."
    )
    return 0


@naming_flags(_FLAGS)
def cmd_plans_cancel(args: argparse.Namespace) -> int:
    request = collection_pb2.CancelPaymentPlanRequest(plan_id=args.plan_id, cancelled_on=args.on or "")
    return _show_plan(args, _ask(args, "CancelPaymentPlan", request).plan, "Plan cancelled")


# ---- AvtaleGiro ---------------------------------------------------------------------------------------


@naming_flags(_FLAGS)
def cmd_avtalegiro_agreements(args: argparse.Namespace) -> int:
    content = read_input(args.file, "FILE")
    if not content:
        raise BadInput(f"FILE {args.file}: the file is empty")
    # "avtale.txt line 3: …", "avtale.txt: the bank's transmission … was read on …"
    args.extra_flags = sent_file_flags(args.file, "content")
    answer = _ask(
        args,
        "ImportAvtaleGiroAgreements",
        collection_pb2.ImportAvtaleGiroAgreementsRequest(content=content, received_on=args.on or ""),
    )
    show_record(
        args,
        answer,
        view.agreements_fields(answer),
        title=f"AvtaleGiro agreements read from {shown_path(args.file)}.",
    )
    if not wants_json(args):
        for sentence in view.agreements_sentences(answer):
            console().print(sentence)
    return 0


@naming_flags(_FLAGS)
def cmd_avtalegiro_claims(args: argparse.Namespace) -> int:
    request = collection_pb2.GetAvtaleGiroClaimsRequest(run_id=args.run_id, sent_on=args.on or "")
    answer = _ask(args, "GetAvtaleGiroClaims", request)
    with open_output(args.out, "--out") as handle:
        handle.write(answer.content)
    if wants_json(args):
        emit_json(
            {
                "out": args.out,
                "claims": answer.claims,
                "total": {"ore": answer.total.ore},
                "paid": answer.paid,
                "partly_settled": answer.partly_settled,
                "too_late": answer.too_late,
                "earliest_due_date": answer.earliest_due_date,
            }
        )
        return 0
    # with the file on stdout, what was left out still reaches the officer, on stderr
    out = console(stderr=args.out == "-")
    for sentence in view.claims_sentences(answer, args.out):
        out.print(sentence)
    return 0


# ---- the command tree ----------------------------------------------------------------------------------


_INVOICE_HELP = "the invoice number (as printed on the invoice)"
_RUN_HELP = "the reminder run's id, from `reminders run`"


def _on(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(_ON, type=day_arg, help=f"{what}, 2025-03-01 or 01.03.2025 (default: today)")


def _recipient(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "recipient", type=recipient_arg, metavar="ACCOUNT", help="customer number or account id"
    )


def _add(commands: Any, name: str, help_text: str, func: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(name, help=help_text)
    parser.set_defaults(func=func)
    return parser


def _add_payment_commands(billing: Any) -> None:
    payments = billing.add_parser("payments", help="payments from bank files").add_subparsers(
        dest="payments_action", required=True
    )
    imported = _add(
        payments, "import", "import a bank file (OCR giro or camt.054), all or nothing", cmd_payments_import
    )
    imported.add_argument(
        "file",
        metavar="FILE",
        help="the bank's file (- for stdin); a file imported before is recognised by its content and by "
        "the bank's transmission number (OCR giro) or message id (camt.054), and changes nothing",
    )
    add_remote_options(imported)
    unmatched = _add(payments, "unmatched", "the queue of payments no KID matched", cmd_payments_unmatched)
    unmatched.add_argument("--page-size", type=page_size_arg, default=0, help="1-1000 (default 100)")
    unmatched.add_argument("--page-token", default="", help="from the previous page's last line")
    unmatched.add_argument("--all", action="store_true", help="follow the pages to the end")
    add_remote_options(unmatched)
    allocate = _add(payments, "allocate", "allocate an unmatched payment", cmd_payments_allocate)
    allocate.add_argument(
        "payment_id", metavar="PAYMENT_ID", help="the payment's id, from `payments unmatched`"
    )
    allocate.add_argument("--invoice", type=document_number_arg, help="the invoice number it pays")
    allocate.add_argument(
        "--recipient", type=recipient_arg, help="the recipient it pays (open invoices oldest first)"
    )
    _on(allocate, "the allocation's date")
    add_remote_options(allocate)
    refund = _add(payments, "refund", "pay a recipient's credit balance back", cmd_payments_refund)
    _recipient(refund)
    refund.add_argument("--bank-account", required=True, help="11 digits, e.g. 1234.56.78903")
    refund.add_argument(
        "--amount", type=positive_kroner, help="in kroner, e.g. 250,00 (default: the whole credit)"
    )
    _on(refund, "the refund's date")
    add_remote_options(refund)


def _add_report_commands(billing: Any) -> None:
    statement = _add(billing, "statement", "a recipient's statement of account", cmd_statement)
    _recipient(statement)
    statement.add_argument(
        "--from", dest="from_date", type=day_arg, help="first day (default: the first entry)"
    )
    statement.add_argument("--to", dest="to_date", type=day_arg, help="last day (default: today)")
    add_remote_options(statement)
    ageing = _add(billing, "ageing", "open invoices by days past due", cmd_ageing)
    ageing.add_argument("--as-of", type=day_arg, help="the day (default: today)")
    add_remote_options(ageing)
    year_end = _add(
        billing,
        "paid-by-year-end",
        "the share of a year's invoices (less credit notes) paid by 31 December",
        cmd_paid_by_year_end,
    )
    year_end.add_argument("year", type=year_arg, metavar="YEAR", help="the year invoiced, e.g. 2024")
    add_remote_options(year_end)
    write_off = _add(billing, "write-off", "write off what is open on an invoice", cmd_write_off)
    write_off.add_argument("invoice_number", type=document_number_arg, metavar="INVOICE", help=_INVOICE_HELP)
    write_off.add_argument(
        "--reason", required=True, help='why it is written off, e.g. "Dødsbo uten midler" (kept with it)'
    )
    _on(write_off, "the write-off's date")
    add_remote_options(write_off)


def _add_reminder_commands(billing: Any) -> None:
    reminders = billing.add_parser(
        "reminders", help="reminder runs (purring, varsel, inkasso)"
    ).add_subparsers(dest="reminders_action", required=True)
    preview = _add(reminders, "preview", "dry run: what a reminder run would do", cmd_reminders_preview)
    _on(preview, "the run's date")
    add_remote_options(preview)
    run = _add(
        reminders, "run", "start (or resume) the reminder run of a date and follow it", cmd_reminders_run
    )
    _on(run, "the run's date: its letters' date")
    run.add_argument("--no-wait", action="store_true", help="start it and return at once")
    add_remote_options(run)
    status = _add(reminders, "status", "a reminder run's progress", cmd_reminders_status)
    status.add_argument("run_id", metavar="RUN_ID", help=_RUN_HELP)
    status.add_argument("--watch", action="store_true", help="follow progress until it ends")
    add_remote_options(status)
    steps = _add(
        reminders,
        "steps",
        "the invoices a reminder run reminded or handed over, with amounts and letters",
        cmd_reminders_steps,
    )
    steps.add_argument("run_id", metavar="RUN_ID", help=_RUN_HELP)
    steps.add_argument("--page-size", type=page_size_arg, default=0, help="1-1000 (default 100)")
    steps.add_argument("--page-token", default="", help="from the previous page's last line")
    steps.add_argument("--all", action="store_true", help="follow the pages to the end")
    add_remote_options(steps)


def _add_hold_and_plan_commands(billing: Any) -> None:
    objections = billing.add_parser("objections", help="objections to invoices (innsigelser)").add_subparsers(
        dest="objections_action", required=True
    )
    register = _add(objections, "register", "register an objection: reminders hold", cmd_objections_register)
    register.add_argument("invoice_number", type=document_number_arg, metavar="INVOICE", help=_INVOICE_HELP)
    register.add_argument("--reason", required=True, help="the objection in a few words")
    register.add_argument(
        "--disputed", type=positive_kroner, help="disputed amount in kroner (default: all open)"
    )
    _on(register, "the objection's date")
    add_remote_options(register)
    settle = _add(objections, "settle", "end an objection's hold", cmd_objections_settle)
    settle.add_argument("hold_id", metavar="HOLD_ID", help="the hold's id, from `objections list`")
    _on(settle, "the day it was settled")
    add_remote_options(settle)
    holds = _add(
        objections, "list", "a recipient's objections and appeals holding reminders", cmd_objections_list
    )
    _recipient(holds)
    add_remote_options(holds)

    plans = billing.add_parser("plans", help="deferrals and instalment plans").add_subparsers(
        dest="plans_action", required=True
    )
    request = _add(plans, "request", "record a deferral or an instalment plan", cmd_plans_request)
    _recipient(request)
    request.add_argument(
        "--invoices", type=invoice_list_arg, required=True, help="the invoice numbers, e.g. 1001,1002"
    )
    request.add_argument("--deferral-until", type=day_arg, help="a deferral: the new due date")
    request.add_argument("--instalments", type=instalments_arg, help="an instalment plan: how many (monthly)")
    request.add_argument("--first-due", type=day_arg, help="the first instalment's due date")
    _on(request, "the request's date")
    add_remote_options(request)
    listed = _add(plans, "list", "a recipient's plans", cmd_plans_list)
    _recipient(listed)
    add_remote_options(listed)
    cancel = _add(plans, "cancel", "cancel an active plan", cmd_plans_cancel)
    cancel.add_argument("plan_id", metavar="PLAN_ID", help="the plan's id, from `plans list`")
    _on(cancel, "the cancellation's date")
    add_remote_options(cancel)


def _add_avtalegiro_commands(billing: Any) -> None:
    avtalegiro = billing.add_parser("avtalegiro", help="AvtaleGiro (direct debit)").add_subparsers(
        dest="avtalegiro_action", required=True
    )
    agreements = avtalegiro.add_parser("agreements", help="the bank's agreements files").add_subparsers(
        dest="agreements_action", required=True
    )
    imported = _add(
        agreements, "import", "read the bank's AvtaleGiro agreements file", cmd_avtalegiro_agreements
    )
    imported.add_argument(
        "file",
        metavar="FILE",
        help="the agreements file from Nets (80-character records), - for stdin; imported again it "
        "changes nothing",
    )
    _on(imported, "the day the file came")
    add_remote_options(imported)
    claims = _add(avtalegiro, "claims", "write a billing run's AvtaleGiro claim file", cmd_avtalegiro_claims)
    claims.add_argument("run_id", metavar="RUN_ID", help="billing run id")
    claims.add_argument("--out", required=True, help="file to write, - for stdout")
    _on(claims, "the day the file goes to the bank (claims due less than 4 days after it are left out)")
    add_remote_options(claims)


def add_collection_commands(billing: Any) -> None:
    """Collection's commands under `propertytax billing`."""
    _add_payment_commands(billing)
    _add_report_commands(billing)
    _add_reminder_commands(billing)
    _add_hold_and_plan_commands(billing)
    _add_avtalegiro_commands(billing)
