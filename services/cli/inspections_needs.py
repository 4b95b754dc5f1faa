"""`propertytax assessment inspections needs|import-history|record`: who needs an inspection, the register's
inspection history, and what an assessor found on site (see services/cli/inspections.py).

`needs --json OUT` writes the list to a file (as `plan --json OUT` does), not the machine form of the answer
that other commands print with --json: {"on", "total", "by_reason": {code: count}, "needs": [{"priority",
"property_id", "address", "reason", "since", "needed_by", "appeal_case_id", "status", "detail"}]} (dates
YYYY-MM-DD; needed_by and appeal_case_id null when none; "on" empty when reckoned on today; "total" and
"needs" of the --reason asked for, "by_reason" every reason's count, most urgent reason first).

Every ListInspectionNeeds call reckons all the needs anew (about 3 s at Oslo's scale), so the table shows
the --limit most urgent (50) from one call, and only --json OUT or --limit 0 reads every page."""

from __future__ import annotations

import argparse
import functools
import json
from collections.abc import Callable
from typing import Any

import grpc

from propertytax.assessment.v1 import assessment_pb2_grpc, inspections_pb2
from services.assessment.domain.field_results import INSPECTION_FACTOR
from services.assessment.domain.property import BRA_M2, PLOT_M2
from services.cli.common import (
    EXIT_REFUSED,
    add_remote_options,
    caller_for,
    decimal_text,
    naming_flags,
    open_output,
    read_input,
    seconds_arg,
    whole,
    write_error,
)
from services.cli.dates import day_arg
from services.cli.inspections_outputs import check_output_file
from services.cli.output import Column, counted, day, nok, number, say, show_record, show_table, wants_json
from services.platform.numbers import read_decimal

NEED_COLUMNS: list[Column | str] = [
    Column("Priority", numeric=True),
    "Property",
    "Address",
    "Reason",
    "Since",
    "Needed by",
    "Status",
    "Detail",
]
REASONS = (
    "appeal",
    "new_building",
    "division",
    "sectioning",
    "fire_or_demolition",
    "cannot_be_valued",
    "never_inspected",
    "general_revaluation",
)
_PAGE = 1000
# Said after a refusal naming a property the register does not know (NOT_FOUND).
PROPERTY_HINT = "find it with `propertytax assessment find --text ...`"


def said_unknown(exc: grpc.RpcError, hint: str) -> bool:
    """When the service does not know what was named (NOT_FOUND: a property, a plan), writes its refusal
    and `hint`, how to find the right one, to stderr and returns True; False for any other refusal."""
    if exc.code() != grpc.StatusCode.NOT_FOUND:  # type: ignore[attr-defined]
        return False
    write_error("NOT_FOUND", [f"{exc.details()}; {hint}"])  # type: ignore[attr-defined]
    return True


def _unknown_said(
    hint: str,
) -> Callable[[Callable[[argparse.Namespace], int]], Callable[[argparse.Namespace], int]]:
    """A command whose NOT_FOUND refusal says how to find the right thing (see said_unknown)."""

    def wrap(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        @functools.wraps(command)
        def run(args: argparse.Namespace) -> int:
            try:
                return command(args)
            except grpc.RpcError as exc:
                if said_unknown(exc, hint):
                    return EXIT_REFUSED
                raise

        return run

    return wrap


def _stub(args: argparse.Namespace) -> tuple[Any, assessment_pb2_grpc.AssessmentServiceStub]:
    caller = caller_for(args, "assessment")
    return caller, assessment_pb2_grpc.AssessmentServiceStub(caller.channel)


def need_json(need: inspections_pb2.InspectionNeed) -> dict[str, Any]:
    return {
        "priority": need.priority,
        "property_id": need.property_id,
        "address": need.address,
        "reason": need.reason,
        "since": need.since,
        "needed_by": need.needed_by or None,
        "appeal_case_id": need.appeal_case_id or None,
        "status": need.status,
        "detail": need.detail,
    }


def need_rows(needs: list[inspections_pb2.InspectionNeed]) -> list[list[object]]:
    return [
        [
            n.priority,
            n.property_id,
            n.address or "–",
            n.reason.replace("_", " "),
            day(n.since),
            day(n.needed_by),
            n.status,
            n.detail,
        ]
        for n in needs
    ]


def reason_counts(total: int, by_reason: list[tuple[str, int]]) -> str:
    """The footer: "12 needs: appeal 2, new building 3, never inspected 7" (`by_reason` most urgent first)."""
    parts = [f"{reason.replace('_', ' ')} {number(count)}" for reason, count in by_reason if count]
    return f"{counted(total, 'need')}" + (f": {', '.join(parts)}" if parts else "")


def _fetch(
    caller: Any, stub: Any, args: argparse.Namespace, limit: int
) -> tuple[list[inspections_pb2.InspectionNeed], inspections_pb2.ListInspectionNeedsResponse]:
    """The `limit` most urgent needs (0: all), in as few calls as pages allow: every call reckons all the
    needs anew (seconds at Oslo's scale), so the usual 50 take one. Returns them and the first answer
    (its total and by_reason count all)."""
    size = min(limit, _PAGE) if limit else _PAGE
    request = inspections_pb2.ListInspectionNeedsRequest(
        on=args.on or "", reason=args.reason or "", page_size=size
    )
    first = caller.call(stub.ListInspectionNeeds, request)
    needs = list(first.needs)
    page = first
    while page.next_page_token and (not limit or len(needs) < limit):
        request.page_token = page.next_page_token
        page = caller.call(stub.ListInspectionNeeds, request)
        needs.extend(page.needs)
    return (needs[:limit] if limit else needs), first


NEEDS_FLAGS = {"on": "--on", "reason": "--reason", "page_size": "--limit"}


@naming_flags(NEEDS_FLAGS)
def cmd_needs(args: argparse.Namespace) -> int:
    check_output_file(args.json, "--json")  # before the call: reckoning a city's needs takes seconds
    caller, stub = _stub(args)
    needs, first = _fetch(caller, stub, args, 0 if args.json else args.limit)
    by_reason = [(c.reason, c.count) for c in first.by_reason]
    everything = reason_counts(sum(count for _, count in by_reason), by_reason)
    if args.json:
        document = {
            "on": args.on or "",
            "total": len(needs),
            "by_reason": dict(by_reason),
            "needs": [need_json(n) for n in needs],
        }
        with open_output(args.json, "--json", text=True) as handle:
            handle.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        if args.json != "-":
            say(f"{counted(len(needs), 'need')} written to {args.json}; {everything}")
        return 0
    footer = [everything]
    empty = "No property needs an inspection."
    if args.reason:
        words = args.reason.replace("_", " ")
        footer.insert(0, f"{counted(first.total, 'need')} of the reason {words}")
        every = sum(count for _, count in by_reason)
        empty = f"No open needs with reason {words} ({counted(every, 'open need')} in all)."
    if len(needs) < first.total:
        footer.append(
            f"Showing the {number(len(needs))} most urgent of {number(first.total)}; --limit 0 for all, "
            "--json OUT for a file."
        )
    show_table(
        args,
        needs,
        NEED_COLUMNS,
        need_rows(needs),
        empty,
        title=f"Inspection needs on {day(args.on) if args.on else 'today'}",
        footer="\n".join(footer),
    )
    return 0


@naming_flags({"content": "FILE"})
def cmd_import_history(args: argparse.Namespace) -> int:
    content = read_input(args.file, "FILE")
    caller, stub = _stub(args)
    answer = caller.call(
        stub.ImportInspectionHistory, inspections_pb2.ImportInspectionHistoryRequest(content=content)
    )
    show_record(
        args,
        answer,
        [
            ("Rows", number(answer.rows)),
            ("New inspections", number(answer.inspections)),
            ("New registered changes", number(answer.changes)),
        ],
        title=f"Inspection history imported from {args.file}.",
    )
    return 0


def _floor(text: str) -> inspections_pb2.MeasuredFloor:
    """An argparse type: LEVEL=BRA_M2, e.g. 1=82,5 (level −5..99: 0 the basement, 1 the ground floor)."""
    level, sep, area = text.partition("=")
    try:
        if not sep:
            raise ValueError
        floor_level = int(level.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give LEVEL=BRA_M2, e.g. 1=82,5") from None
    if not -5 <= floor_level <= 99:
        raise argparse.ArgumentTypeError(f"{text!r}: the level must be between -5 and 99")
    try:
        bra = read_decimal(area, BRA_M2)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: BRA m² {exc}") from None
    return inspections_pb2.MeasuredFloor(level=floor_level, bra_m2=str(bra))


RECORD_FLAGS = {
    "property_id": "PROPERTY",
    "inspected_on": "--on",
    "assessor_id": "--assessor",
    "floors": "--floor",
    "plot_m2": "--plot",
    "inner_factor": "--inner-factor",
    "inner_reason": "--inner-reason",
    "outer_factor": "--outer-factor",
    "outer_reason": "--outer-reason",
    "notes": "--notes",
    "photo_refs": "--photo",
}


@naming_flags(RECORD_FLAGS)
@_unknown_said(PROPERTY_HINT)
def cmd_record(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    request = inspections_pb2.RecordInspectionRequest(
        property_id=args.property_id,
        inspected_on=args.on,
        assessor_id=args.assessor,
        floors=args.floor or [],
        plot_m2=args.plot or "",
        inner_factor=args.inner_factor or "",
        inner_reason=args.inner_reason,
        outer_factor=args.outer_factor or "",
        outer_reason=args.outer_reason,
        notes=args.notes,
        photo_refs=args.photo or [],
    )
    answer = caller.call(stub.RecordInspection, request)
    if wants_json(args):
        show_record(args, answer, [])
        return 0
    valuation = answer.valuation
    cases = f" It answers appeal case {answer.appeal_case_id}." if answer.appeal_case_id else ""
    say(
        f"Proposed value of {valuation.property_id}: {nok(valuation.value)} (version {valuation.version}, "
        f"not adopted).{cases}"
    )
    show_table(
        args,
        answer,
        ["Factor", "Value", "Source"],
        [[t.factor, t.value, t.source] for t in valuation.trace],
        "No trace.",
    )
    for warning in answer.warnings:  # recorded all the same; for the office to look at
        say(f"Warning: {warning}")
    say(
        "The valuation committee must adopt it: propertytax assessment adopt "
        f"--property {valuation.property_id} --reference 'sak …'"
    )
    return 0


def add_commands(inspections: Any) -> None:
    """Adds `needs`, `import-history` and `record`."""
    needs = inspections.add_parser("needs", help="who needs an inspection, most urgent first")
    needs.add_argument(
        "--on", type=day_arg, metavar="D", help="the day the needs are reckoned on (default today)"
    )
    needs.add_argument(
        "--reason", choices=REASONS, metavar="CODE", help=f"only this reason: {', '.join(REASONS)}"
    )
    needs.add_argument(
        "--limit",
        type=whole(0, 1_000_000, "50"),
        default=50,
        metavar="N",
        help="show the N most urgent (default 50; 0: all, slow at a city's scale)",
    )
    needs.add_argument(
        "--json",
        metavar="OUT",
        help="write all the needs as JSON to OUT (- for stdout; --limit does not apply)",
    )
    _remote(needs)
    needs.set_defaults(func=cmd_needs)

    history = inspections.add_parser(
        "import-history", help="import past inspections and registered changes (CSV property_id,event,date)"
    )
    history.add_argument(
        "file",
        metavar="FILE",
        help="CSV: property_id, event (inspected, new_building, division, sectioning, fire, demolition), "
        "date",
    )
    add_remote_options(history)
    history.set_defaults(func=cmd_import_history)

    record = inspections.add_parser("record", help="record what the assessor found: a new value is proposed")
    record.add_argument("property_id", metavar="PROPERTY")
    record.add_argument("--on", type=day_arg, required=True, metavar="D", help="the day of the inspection")
    record.add_argument("--assessor", required=True, metavar="ID", help="the assessor, e.g. A1")
    record.add_argument(
        "--floor",
        type=_floor,
        action="append",
        metavar="LEVEL=BRA_M2",
        help="a floor's measured BRA, e.g. 1=82,5 (repeatable; none: the register's floors stand)",
    )
    record.add_argument(
        "--plot", type=decimal_text(PLOT_M2, "plot m²"), metavar="M2", help="measured plot area"
    )
    factor = decimal_text(INSPECTION_FACTOR, "factor")
    record.add_argument(
        "--inner-factor", type=factor, metavar="F", help="inner factor IF (0.5–1.5; default 1)"
    )
    record.add_argument("--inner-reason", default="", metavar="TEXT", help="why that inner factor")
    record.add_argument(
        "--outer-factor", type=factor, metavar="F", help="outer factor YF (0.5–1.5; default 1)"
    )
    record.add_argument("--outer-reason", default="", metavar="TEXT", help="why that outer factor")
    record.add_argument("--notes", default="", metavar="TEXT", help="what the assessor noted")
    record.add_argument("--photo", action="append", metavar="REF", help="a photo reference (repeatable)")
    add_remote_options(record)
    record.set_defaults(func=cmd_record)


def _remote(parser: argparse.ArgumentParser) -> None:
    """--target, --token and --timeout (a command with --json OUT has no --json switch)."""
    parser.add_argument("--target", help="host:port of the service")
    parser.add_argument("--token", help="bearer token (default: $PROPERTYTAX_TOKEN)")
    parser.add_argument("--timeout", type=seconds_arg, default=60.0, help="deadline in seconds (60)")
