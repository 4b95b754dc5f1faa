"""`propertytax billing …`: the billing officers' commands, thin calls onto BillingService."""

from __future__ import annotations

import argparse
from typing import Any

from propertytax.billing.v1 import billing_pb2, billing_pb2_grpc
from services.cli_common import add_remote_options, caller_for, follow, print_json

_CHANNELS = {
    "ehf": billing_pb2.CHANNEL_EHF,
    "efaktura": billing_pb2.CHANNEL_EFAKTURA,
    "print": billing_pb2.CHANNEL_PRINT,
}
_INTERVALS = {
    "monthly": billing_pb2.INVOICE_INTERVAL_MONTHLY,
    "bimonthly": billing_pb2.INVOICE_INTERVAL_BIMONTHLY,
    "quarterly": billing_pb2.INVOICE_INTERVAL_QUARTERLY,
    "half_yearly": billing_pb2.INVOICE_INTERVAL_HALF_YEARLY,
    "yearly": billing_pb2.INVOICE_INTERVAL_YEARLY,
}


def _stub(args: argparse.Namespace) -> tuple[Any, billing_pb2_grpc.BillingServiceStub]:
    caller = caller_for(args, "billing")
    return caller, billing_pb2_grpc.BillingServiceStub(caller.channel)


def cmd_account_get(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    print_json(caller.call(stub.GetAccount, billing_pb2.GetAccountRequest(account_id=args.account_id)))
    return 0


def cmd_account_update(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    request = billing_pb2.UpdateAccountRequest(
        account_id=args.account_id,
        address_line=args.address or "",
        postcode=args.postcode or "",
        city=args.city or "",
        channel=_CHANNELS[args.channel] if args.channel else billing_pb2.CHANNEL_UNSPECIFIED,
        interval=_INTERVALS[args.interval] if args.interval else billing_pb2.INVOICE_INTERVAL_UNSPECIFIED,
        interval_from=args.interval_from or "",
    )
    print_json(caller.call(stub.UpdateAccount, request))
    return 0


def cmd_run_start(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    run = caller.call(
        stub.StartBillingRun,
        billing_pb2.StartBillingRunRequest(
            year=args.year, month=args.month, issue_date=args.issue_date or ""
        ),
    ).run
    if args.wait:
        run = follow(
            run,
            lambda r: caller.call(stub.GetBillingRun, billing_pb2.GetBillingRunRequest(run_id=r.run_id)).run,
            lambda r: r.state == billing_pb2.BILLING_RUN_STATE_RUNNING,
            lambda r: f"{r.invoices} invoices issued",
        )
    print_json(run)
    return 0 if run.state != billing_pb2.BILLING_RUN_STATE_FAILED else 1


def cmd_run_status(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    print_json(caller.call(stub.GetBillingRun, billing_pb2.GetBillingRunRequest(run_id=args.run_id)).run)
    return 0


def add_commands(billing: Any) -> None:
    account = billing.add_parser("account", help="invoice recipients").add_subparsers(
        dest="account_action", required=True
    )
    get = account.add_parser("get", help="read an invoice recipient")
    get.add_argument("account_id")
    add_remote_options(get)
    get.set_defaults(func=cmd_account_get)
    update = account.add_parser("update", help="address, channel or invoice interval")
    update.add_argument("account_id")
    update.add_argument("--address")
    update.add_argument("--postcode")
    update.add_argument("--city")
    update.add_argument("--channel", choices=sorted(_CHANNELS))
    update.add_argument("--interval", choices=list(_INTERVALS))
    update.add_argument("--interval-from", help="first day of a month, YYYY-MM-01")
    add_remote_options(update)
    update.set_defaults(func=cmd_account_update)

    run = billing.add_parser("run", help="billing runs").add_subparsers(dest="run_action", required=True)
    start = run.add_parser("start", help="start (or resume) the billing run for a month")
    start.add_argument("year", type=int)
    start.add_argument("month", type=int)
    start.add_argument("--issue-date", help="YYYY-MM-DD (default today)")
    start.add_argument("--wait", action="store_true", help="follow progress until it ends")
    add_remote_options(start)
    start.set_defaults(func=cmd_run_start)
    status = run.add_parser("status", help="a billing run's progress")
    status.add_argument("run_id")
    add_remote_options(status)
    status.set_defaults(func=cmd_run_status)
