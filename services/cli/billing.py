"""`propertytax billing …`: the billing officers' commands, thin calls onto BillingService."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

import yaml

from propertytax.billing.v1 import billing_pb2, billing_pb2_grpc, fees_pb2, preview_pb2
from services.cli import billing_view as view
from services.cli.common import (
    BadInput,
    add_remote_options,
    caller_for,
    decimal_text,
    document_number_arg,
    every_page,
    month_arg,
    more_hint,
    naming_flags,
    page_size_arg,
    read_input,
    whole,
    write_document,
    year_arg,
)
from services.cli.dates import check_period, day_arg
from services.cli.output import (
    counted,
    day,
    emit_json,
    job_progress,
    say,
    show_record,
    show_table,
    wants_json,
)
from services.platform.money import Money
from services.platform.numbers import METER_M3

POLL_SECONDS = 1.0
customer_number_arg = whole(1, 2**31 - 1, "1042")


def _stub(args: argparse.Namespace) -> tuple[Any, billing_pb2_grpc.BillingServiceStub]:
    caller = caller_for(args, "billing")
    return caller, billing_pb2_grpc.BillingServiceStub(caller.channel)


# ---- invoice recipients ----------------------------------------------------------------------------------

_RECIPIENT = "RECIPIENT"
_FIND_RECIPIENT_FLAGS = {
    "name": "--name",
    "property_id": "--property",
    "organisation_number": "--organisation-number",
    "customer_number": "--customer-number",
    "page_size": "--page-size",
    "page_token": "--page-token",
}
_ACCOUNT_FLAGS = {
    "account_id": _RECIPIENT,
    "customer_number": _RECIPIENT,
    "address_line": "--address",
    "postcode": "--postcode",
    "city": "--city",
    "channel": "--channel",
    "interval": "--interval",
    "interval_from": "--interval-from",
}


def recipient_arg(text: str) -> dict[str, Any]:
    """An argparse type: a recipient as people name it, its customer number (digits) or its account id;
    as the request fields that name it."""
    text = text.strip()
    if text.isdigit():
        return {"customer_number": customer_number_arg(text)}
    return {"account_id": text}


@naming_flags(_FIND_RECIPIENT_FLAGS)
def cmd_recipients_find(args: argparse.Namespace) -> int:
    if not (args.name or args.property or args.organisation_number or args.customer_number):
        raise BadInput("say whom to find: --name, --property, --organisation-number or --customer-number")
    caller, stub = _stub(args)
    request = billing_pb2.FindAccountsRequest(
        name=args.name or "",
        property_id=args.property or "",
        organisation_number=args.organisation_number or "",
        customer_number=args.customer_number or 0,
        page_size=args.page_size,
        page_token=args.page_token,
    )
    found, left = every_page(caller, stub.FindAccounts, request, "accounts", args.all)
    page = billing_pb2.FindAccountsResponse(accounts=found, next_page_token=left)
    more = more_hint(left)
    show_table(
        args,
        page,
        view.RECIPIENT_COLUMNS,
        view.recipient_rows(page.accounts),
        "No invoice recipient matches.",
        footer=more,
    )
    return 0


def _show_account(args: argparse.Namespace, answer: Any, latest: Any = None) -> None:
    if wants_json(args):
        emit_json(answer)
        return
    account = answer.account
    show_record(args, answer, view.recipient_fields(account, getattr(answer, "avtalegiro", None)))
    say("")
    show_table(
        args,
        answer,
        view.HOLDING_COLUMNS,
        view.holding_rows(account.holdings),
        "Holds no property.",
        title="Properties",
    )
    if latest is not None:
        say("")
        show_table(
            args,
            answer,
            view.LATEST_INVOICE_COLUMNS,
            view.invoice_rows(latest, with_recipient=False),
            "No invoices yet.",
            title="Latest invoices",
        )


@naming_flags(_ACCOUNT_FLAGS)
def cmd_account_get(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    answer = caller.call(stub.GetAccount, billing_pb2.GetAccountRequest(**args.recipient))
    _show_account(args, answer, answer.latest_invoices)
    return 0


@naming_flags(_ACCOUNT_FLAGS)
def cmd_account_update(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    request = billing_pb2.UpdateAccountRequest(
        **args.recipient,
        address_line=args.address or "",
        postcode=args.postcode or "",
        city=args.city or "",
        channel=view.CHANNELS[args.channel] if args.channel else billing_pb2.CHANNEL_UNSPECIFIED,
        interval=view.INTERVALS[args.interval] if args.interval else billing_pb2.INVOICE_INTERVAL_UNSPECIFIED,
        interval_from=args.interval_from or "",
    )
    answer = caller.call(stub.UpdateAccount, request)
    if wants_json(args):
        emit_json(answer)
        return 0
    say(f"Updated invoice recipient {answer.account.customer_number} ({answer.account.name}).")
    # shown as `recipients show` shows it, AvtaleGiro included (the update's answer carries the account only)
    shown = caller.call(stub.GetAccount, billing_pb2.GetAccountRequest(account_id=answer.account.account_id))
    _show_account(args, shown)
    return 0


# ---- billing runs ------------------------------------------------------------------------------------------

_RUN_FLAGS = {"issue_date": "--issue-date", "year": "YEAR", "month": "MONTH", "run_id": "RUN_ID"}


def _show_run(args: argparse.Namespace, run: Any) -> int:
    show_record(args, run, view.run_fields(run), title=f"Billing run {run.year}-{run.month:02d}")
    return 0 if run.state != billing_pb2.BILLING_RUN_STATE_FAILED else 1


@naming_flags(_RUN_FLAGS)
def cmd_run_start(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    started = caller.call(
        stub.StartBillingRun,
        billing_pb2.StartBillingRunRequest(
            year=args.year, month=args.month, issue_date=args.issue_date or ""
        ),
    )
    run = started.run
    warnings = list(started.earlier_years_not_billed)
    sys.stderr.write(warning_lines(warnings))  # at once, and again on the final line with --wait
    if args.wait:
        run = _follow_run(caller, stub, run, warnings)
    return _show_run(args, run)


def warning_lines(warnings: list[str]) -> str:
    """One `warning: …` line per earlier year not billed to its end."""
    return "".join(f"warning: {warning}\n" for warning in warnings)


def _follow_run(
    caller: Any, stub: billing_pb2_grpc.BillingServiceStub, run: Any, warnings: list[str] | None = None
) -> Any:
    """Follows the run until it ends, with a progress bar on stderr (recipients gone through of all, the
    rate, time left), then says what the ended run issued, from the run as it stands at its end, and (for
    a start) each earlier year the start warned is not billed to its end."""
    run = follow_recipients(
        run,
        f"Billing run {run.year}-{run.month:02d}",
        lambda job: job.state == billing_pb2.BILLING_RUN_STATE_RUNNING,
        lambda job: caller.call(stub.GetBillingRun, billing_pb2.GetBillingRunRequest(run_id=job.run_id)).run,
    )
    sys.stderr.write(run_outcome(run, warnings or []) + "\n")
    return run


def follow_recipients(
    run: Any, description: str, running: Callable[[Any], bool], refresh: Callable[[Any], Any]
) -> Any:
    """Follows a billing or reminder run while it is `running`, with a progress bar on stderr (recipients
    gone through of all, the rate, time left), asking `refresh` for it again every POLL_SECONDS; returns
    the run as it ended."""
    with job_progress(description, "recipients") as bar:
        while running(run):
            bar.update(run.recipients_done, run.recipients_total)
            time.sleep(POLL_SECONDS)
            run = refresh(run)
        bar.update(run.recipients_done, run.recipients_total)
    return run


def _counted(n: int, noun: str) -> str:
    """`1 invoice`, `2 invoices`."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _recipients_documents(n: int) -> str:
    """`1 recipient's documents`, `2 recipients' documents`."""
    return f"{n} recipient's documents" if n == 1 else f"{n} recipients' documents"


def run_outcome(run: Any, warnings: list[str] | None = None) -> str:
    """A billing run's outcome in a sentence: its true counts, and why when it issued nothing; then each
    earlier year not billed to its end (the start's warnings), so the final line cannot miss them."""
    text = _run_outcome(run)
    return "".join([text, *(f"; warning: {warning}" for warning in warnings or [])])


def _run_outcome(run: Any) -> str:
    name = f"billing run {run.year}-{run.month:02d}"
    if run.state == billing_pb2.BILLING_RUN_STATE_FAILED:
        return f"{name} failed: {run.error}"
    state = "completed" if run.state == billing_pb2.BILLING_RUN_STATE_COMPLETED else "running"
    total = Money(run.total.ore).kroner()
    text = (
        f"{name} {state}: {_counted(run.invoices, 'invoice')}, {_counted(run.credit_notes, 'credit note')} "
        f"issued ({total})"
    )
    if run.nothing_issued:  # the service's reasons, every one that applies (held and minimum included)
        text += f"; nothing was issued because {run.nothing_issued}"
        if run.held:
            text += " (see held.csv beside the run's documents)"
        return text
    if run.below_minimum:
        text += f"; {_counted(run.below_minimum, 'recipient')} under the minimum amount (carried forward)"
    if run.held:
        text += (
            f"; {_recipients_documents(run.held)} held, not issued: they cannot be delivered through their "
            "channel (see held.csv beside the run's documents); the first run after their address or "
            "organisation number is given issues them"
        )
    if not (run.invoices or run.credit_notes or run.below_minimum or run.held):
        text += (
            "; nothing was owed: no recipient's invoice interval starts a period this month with anything "
            "not yet invoiced, and no correction is pending"
        )
    return text


@naming_flags(_RUN_FLAGS)
def cmd_run_status(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    run = caller.call(stub.GetBillingRun, billing_pb2.GetBillingRunRequest(run_id=args.run_id)).run
    if args.watch:
        run = _follow_run(caller, stub, run)
    return _show_run(args, run)


@naming_flags(_RUN_FLAGS)
def cmd_run_preview(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    request = preview_pb2.PreviewBillingRunRequest(
        year=args.year, month=args.month, issue_date=args.issue_date or ""
    )
    preview = caller.call(stub.PreviewBillingRun, request, timeout=600)
    title = f"Billing run {preview.year}-{preview.month:02d} would issue (preview, nothing is issued)"
    show_record(args, preview, view.preview_fields(preview), title=title)
    sys.stderr.write(preview_outcome(preview))
    return 0


def preview_outcome(preview: Any) -> str:
    """The preview's lines for a person: each held recipient's year with the period its held lines cover
    (first and last day) and why, how many recipients that is, why the run would issue nothing, and each
    earlier year not billed to its end (which this run does not bill)."""
    lines = []
    for held in preview.held:
        period = f" {held.period_start}..{held.period_end}" if held.period_start else ""  # the last day
        amount = Money(held.total.ore).kroner()
        lines.append(
            f"held: {held.account_id} {held.name} ({held.channel}): {held.tax_year}{period}, {amount}: "
            f"{held.reason}"
        )
    recipients = len({held.account_id for held in preview.held})
    if recipients:
        lines.append(
            f"{_recipients_documents(recipients)} would be held, not issued: they cannot be delivered "
            "through their channel until their address or organisation number is given"
        )
    if preview.nothing_issued:
        name = f"billing run {preview.year}-{preview.month:02d}"
        lines.append(f"{name} would issue nothing because {preview.nothing_issued}")
    lines.extend(f"warning: {warning}" for warning in preview.earlier_years_not_billed)
    lines.extend(f"waiting: {waiting}" for waiting in preview.corrections_waiting)
    return "".join(line + "\n" for line in lines)


# ---- fees ------------------------------------------------------------------------------------------------

_FEE_FLAGS = {"property_id": "PROPERTY_ID", "year": "YEAR", "m3": "M3", "facts.chimneys": "--chimneys"}


@naming_flags(_FEE_FLAGS)
def cmd_schedule_put(args: argparse.Namespace) -> int:
    document = read_input(args.file, "file", text=True)
    caller, stub = _stub(args)
    stored = caller.call(stub.PutFeeSchedule, fees_pb2.PutFeeScheduleRequest(document=document)).schedule
    answer = fees_pb2.FeeSchedule(year=stored.year, version=stored.version, stored_at=stored.stored_at)
    if wants_json(args):
        emit_json(answer)
    else:
        say(
            f"Stored the fee schedule for {stored.year} as version {stored.version} "
            f"({day(stored.stored_at)})."
        )
    return 0


@naming_flags(_FEE_FLAGS)
def cmd_schedule_show(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    stored = caller.call(stub.GetFeeSchedule, fees_pb2.GetFeeScheduleRequest(year=args.year)).schedule
    if args.yaml:  # the document as stored, to edit and put again
        sys.stdout.write(stored.document)
        return 0
    raw = yaml.safe_load(stored.document)
    title = f"Fee schedule {stored.year}, version {stored.version}, stored {day(stored.stored_at)}"
    show_record(args, stored, view.schedule_fields(raw if isinstance(raw, dict) else {}), title=title)
    return 0


@naming_flags(_FEE_FLAGS)
def cmd_fee_facts_set(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    facts = fees_pb2.FeeFacts(
        chimneys=args.chimneys,
        not_connected_to_water=args.not_connected,
        summer_only=args.summer_only,
        no_wc=args.no_wc,
    )
    answer = caller.call(
        stub.SetFeeFacts, fees_pb2.SetFeeFactsRequest(property_id=args.property_id, facts=facts)
    )
    show_record(args, answer, view.fee_facts_fields(args.property_id, answer.facts), title="Fee facts stored")
    return 0


@naming_flags(_FEE_FLAGS)
def cmd_meter_record(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    request = fees_pb2.RecordMeterReadingRequest(property_id=args.property_id, year=args.year, m3=args.m3)
    answer = caller.call(stub.RecordMeterReading, request)
    if wants_json(args):
        emit_json(answer)
    else:
        say(view.meter_sentence(args.property_id, args.year, answer.m3))
    return 0


def _add_fee_commands(billing: Any) -> None:
    schedule = billing.add_parser("schedule", help="fee schedules").add_subparsers(
        dest="schedule_action", required=True
    )
    put = schedule.add_parser("put", help="store a year's fee schedule from a YAML file")
    put.add_argument("file", help="the YAML document, e.g. data/fee_schedules/oslo-2024.yaml")
    add_remote_options(put)
    put.set_defaults(func=cmd_schedule_put)
    show = schedule.add_parser("show", help="a year's current fee schedule, its amounts in kroner")
    show.add_argument("year", type=year_arg, help="the year, e.g. 2024")
    show.add_argument("--yaml", action="store_true", help="print the stored YAML document instead")
    add_remote_options(show)
    show.set_defaults(func=cmd_schedule_show)
    facts = billing.add_parser("fee-facts", help="a property's own fee facts (replaced as a whole)")
    facts.add_argument("property_id", help=_PROPERTY_HELP)
    facts.add_argument(
        "--chimneys", type=whole(0, 1000, "1"), default=0, help="chimneys to sweep (default 0)"
    )
    facts.add_argument("--not-connected", action="store_true", help="not on the public water network")
    facts.add_argument("--summer-only", action="store_true", help="summer connection: half water fees")
    facts.add_argument("--no-wc", action="store_true", help="no WC: half the sewage fee")
    add_remote_options(facts)
    facts.set_defaults(func=cmd_fee_facts_set)
    meter = billing.add_parser("meter", help="record a property's metered water consumption for a year")
    meter.add_argument("property_id", help=_PROPERTY_HELP)
    meter.add_argument("year", type=year_arg, help="the year the water was used, e.g. 2024")
    meter.add_argument("m3", type=decimal_text(METER_M3, "m³ used in the year"), help="m³, e.g. 132,5")
    add_remote_options(meter)
    meter.set_defaults(func=cmd_meter_record)


# ---- invoices ------------------------------------------------------------------------------------------

_DOCUMENT_FORMATS = {"pdf": billing_pb2.DOCUMENT_FORMAT_PDF, "ehf": billing_pb2.DOCUMENT_FORMAT_EHF}
_INVOICE_FLAGS = {
    "account_id": "--account",
    "property_id": "--property",
    "run_id": "--run",
    "kind": "--kind",
    "issued_from": "--from",
    "issued_to": "--to",
    "page_size": "--page-size",
    "page_token": "--page-token",
    "invoice_number": "INVOICE_NUMBER",
    "format": "--format",
}


@naming_flags(_INVOICE_FLAGS)
def cmd_invoices_find(args: argparse.Namespace) -> int:
    check_period(args.issued_from, args.issued_to)
    caller, stub = _stub(args)
    request = billing_pb2.FindInvoicesRequest(
        account_id=args.account or "",
        property_id=args.property or "",
        run_id=args.run or "",
        kind=args.kind or "",
        issued_from=args.issued_from or "",
        issued_to=args.issued_to or "",
        page_size=args.page_size,
        page_token=args.page_token,
    )
    found, left = every_page(caller, stub.FindInvoices, request, "invoices", args.all)
    page = billing_pb2.FindInvoicesResponse(invoices=found, next_page_token=left)
    more = more_hint(left)
    rows = view.invoice_rows(page.invoices)
    show_table(args, page, view.INVOICE_COLUMNS, rows, "No invoices match.", footer=more)
    return 0


@naming_flags(_INVOICE_FLAGS)
def cmd_invoices_show(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    answer = caller.call(stub.GetInvoice, billing_pb2.GetInvoiceRequest(invoice_number=args.invoice_number))
    if wants_json(args):
        emit_json(answer)
        return 0
    show_record(args, answer, view.invoice_fields(answer.invoice, answer.set_off_at_issue))
    say("")
    show_table(args, answer, view.LINE_COLUMNS, view.line_rows(answer.lines), "No lines.", title="Lines")
    return 0


@naming_flags(_INVOICE_FLAGS)
def cmd_invoices_document(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    document = caller.call(
        stub.GetInvoiceDocument,
        billing_pb2.GetInvoiceDocumentRequest(
            invoice_number=args.invoice_number,
            format=_DOCUMENT_FORMATS[args.format] if args.format else billing_pb2.DOCUMENT_FORMAT_UNSPECIFIED,
        ),
    )
    out = write_document(args.out, "--out", document.content, document.file_name)
    written = {
        "out": out,
        "file_name": document.file_name,
        "media_type": document.media_type,
        "bytes": len(document.content),
    }
    if out == "-":  # the document itself went to stdout: what was written is said on stderr
        sys.stderr.write(
            f"Wrote {document.file_name} to stdout ({counted(len(document.content), 'byte')}).\n"
        )
    elif wants_json(args):
        emit_json(written)
    else:
        say(f"Wrote {out} ({counted(len(document.content), 'byte')}).")
    return 0


# ---- properties -------------------------------------------------------------------------------------------


@naming_flags({"property_id": "PROPERTY_ID"})
def cmd_billing_property(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    answer = caller.call(
        stub.GetBillingProperty, billing_pb2.GetBillingPropertyRequest(property_id=args.property_id)
    )
    if wants_json(args):
        emit_json(answer)
        return 0
    found = answer.property
    show_record(args, answer, view.billing_property_fields(found))
    say("")
    show_table(
        args,
        answer,
        view.TAX_COLUMNS,
        view.tax_rows(found.property_taxes),
        "No property tax yet.",
        title="Property tax",
    )
    say("")
    show_table(
        args,
        answer,
        view.HOLDER_COLUMNS,
        view.holder_rows(found.holders),
        "Nobody holds it.",
        title="Holders",
    )
    return 0


# ---- the command tree ----------------------------------------------------------------------------------

_YEAR_HELP = "the year, e.g. 2024"
_MONTH_HELP = "the month, 1-12"
_RUN_ID_HELP = "the billing run's id, from `run start`"
_PROPERTY_HELP = "the property id, e.g. 0301-227/103/0/0"
_INVOICE_NUMBER_HELP = "the invoice (or credit note) number, as printed on it"


def _add_recipient_commands(billing: Any, name: str, help_text: str, with_find: bool) -> None:
    """`recipients find|show|update`, and the older `account get|update` for scripts written before."""
    commands = billing.add_parser(name, help=help_text).add_subparsers(dest=f"{name}_action", required=True)
    if with_find:
        find = commands.add_parser("find", help="find invoice recipients; filters combine")
        find.add_argument("--name", help="any part of the name, upper or lower case")
        find.add_argument("--property", help="property id: who holds or held it")
        find.add_argument("--organisation-number", help="nine digits")
        find.add_argument(
            "--customer-number", type=customer_number_arg, help="the customer number, as on the invoice"
        )
        find.add_argument("--page-size", type=page_size_arg, default=0, help="1-1000 (default 100)")
        find.add_argument("--page-token", default="", help="from the previous page's last line")
        find.add_argument("--all", action="store_true", help="follow the pages to the end")
        add_remote_options(find)
        find.set_defaults(func=cmd_recipients_find)
    get = commands.add_parser(
        "show" if with_find else "get",
        help="an invoice recipient with its properties and latest invoices",
    )
    get.add_argument(
        "recipient", type=recipient_arg, metavar="RECIPIENT", help="customer number or account id"
    )
    add_remote_options(get)
    get.set_defaults(func=cmd_account_get)
    update = commands.add_parser("update", help="address, channel or invoice interval")
    update.add_argument(
        "recipient", type=recipient_arg, metavar="RECIPIENT", help="customer number or account id"
    )
    update.add_argument("--address", help='the street address line, e.g. "Storgata 1"')
    update.add_argument("--postcode", help="four digits, e.g. 0155")
    update.add_argument("--city", help="the post town, e.g. Oslo")
    update.add_argument(
        "--channel",
        choices=sorted(view.CHANNELS),
        help="how invoices reach the recipient: ehf (organisations), efaktura or print (paper)",
    )
    update.add_argument(
        "--interval",
        choices=list(view.INTERVALS),
        help="how often the recipient is invoiced, from --interval-from (recipients start quarterly)",
    )
    update.add_argument(
        "--interval-from", type=day_arg, help="first day of a month, 2024-05-01 or 01.05.2024"
    )
    add_remote_options(update)
    update.set_defaults(func=cmd_account_update)


def add_commands(billing: Any) -> None:
    _add_recipient_commands(billing, "recipients", "invoice recipients (fakturamottakere)", with_find=True)
    _add_recipient_commands(
        billing, "account", "invoice recipients (older name of `recipients`)", with_find=False
    )

    run = billing.add_parser("run", help="billing runs").add_subparsers(dest="run_action", required=True)
    start = run.add_parser("start", help="start (or resume) the billing run for a month")
    start.add_argument("year", type=year_arg, help=_YEAR_HELP)
    start.add_argument("month", type=month_arg, help=_MONTH_HELP)
    start.add_argument(
        "--issue-date",
        type=day_arg,
        help="2024-05-06 or 06.05.2024 (default: the month's run's own, or today for a new run)",
    )
    start.add_argument("--wait", action="store_true", help="follow progress until it ends")
    add_remote_options(start)
    start.set_defaults(func=cmd_run_start)
    status = run.add_parser("status", help="a billing run's progress")
    status.add_argument("run_id", help=_RUN_ID_HELP)
    status.add_argument("--watch", action="store_true", help="follow progress until it ends")
    add_remote_options(status)
    status.set_defaults(func=cmd_run_status)
    watch = run.add_parser("watch", help="follow a billing run until it ends")
    watch.add_argument("run_id", help=_RUN_ID_HELP)
    add_remote_options(watch)
    watch.set_defaults(func=cmd_run_status, watch=True)
    preview = run.add_parser("preview", help="dry run: what a month's run would issue, against the last term")
    preview.add_argument("year", type=year_arg, help=_YEAR_HELP)
    preview.add_argument("month", type=month_arg, help=_MONTH_HELP)
    preview.add_argument(
        "--issue-date",
        type=day_arg,
        help="the issue date to preview, 2024-05-06 or 06.05.2024 (default: as `run start` would take)",
    )
    add_remote_options(preview)
    preview.set_defaults(func=cmd_run_preview)
    _add_fee_commands(billing)

    invoices = billing.add_parser("invoices", help="issued invoices and their documents").add_subparsers(
        dest="invoices_action", required=True
    )
    find = invoices.add_parser("find", help="find invoices; filters combine")
    find.add_argument("--account", help="account id of the invoice recipient")
    find.add_argument("--property", help="property id: invoices with a line for it")
    find.add_argument("--run", help="billing run id")
    find.add_argument("--kind", choices=["invoice", "credit_note"], help="invoices or credit notes only")
    find.add_argument("--from", dest="issued_from", type=day_arg, help="issued on or after, e.g. 01.05.2024")
    find.add_argument("--to", dest="issued_to", type=day_arg, help="issued on or before, e.g. 31.05.2024")
    find.add_argument("--page-size", type=page_size_arg, default=0, help="1-1000 (default 100)")
    find.add_argument("--page-token", default="", help="next_page_token of the previous page")
    find.add_argument("--all", action="store_true", help="follow the pages to the end")
    add_remote_options(find)
    find.set_defaults(func=cmd_invoices_find)
    show = invoices.add_parser("show", help="one invoice with its lines")
    show.add_argument("invoice_number", type=document_number_arg, help=_INVOICE_NUMBER_HELP)
    add_remote_options(show)
    show.set_defaults(func=cmd_invoices_show)
    document = invoices.add_parser("document", help="write an invoice's PDF or EHF document to a file")
    document.add_argument("invoice_number", type=document_number_arg, help=_INVOICE_NUMBER_HELP)
    document.add_argument("--out", required=True, help="file (or directory) to write, - for stdout")
    document.add_argument(
        "--format", choices=sorted(_DOCUMENT_FORMATS), help="default: the recipient's (EHF or PDF)"
    )
    add_remote_options(document)
    document.set_defaults(func=cmd_invoices_document)

    prop = billing.add_parser("get-property", help="billing's record of a property")
    prop.add_argument("property_id", help=_PROPERTY_HELP)
    add_remote_options(prop)
    prop.set_defaults(func=cmd_billing_property)

    # Imported here: billing_collection uses this module's recipient_arg.
    from services.cli.billing_collection import add_collection_commands

    add_collection_commands(billing)
