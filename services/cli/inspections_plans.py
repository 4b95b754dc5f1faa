"""`propertytax assessment inspections request|plans|plan|show|replan|documents`: owners' wishes, the
stored plans, planning a period, showing and re-planning a plan, and writing its documents (see
services/cli/inspections.py). Wherever a plan id is typed, its short reference (BEF-1A2B3C4D, as `plans`,
the route sheets and the map show it, or its 8 letters and digits alone) does as well: the CLI looks it up
in the list of plans.

A plan of a season (20,000 needs) takes up to a minute: `plan` and `replan` wait 600 s by default and
show a spinner meanwhile. Their --json OUT is a file (the plan JSON of services/cli/inspections_view.py),
not the machine form of the answer that other commands print."""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import grpc

from propertytax.assessment.v1 import assessment_pb2_grpc, inspections_pb2
from services.cli import inspections_view as view
from services.cli.common import (
    EXIT_REFUSED,
    BadInput,
    add_remote_options,
    caller_for,
    open_output,
    print_rpc_error,
    read_input,
    seconds_arg,
    whole,
    write_error,
)
from services.cli.dates import day_arg
from services.cli.inspections_needs import PROPERTY_HINT, said_unknown
from services.cli.inspections_outputs import check_output_file, check_output_folder
from services.cli.output import console, counted, day, number, say, show_record, show_table
from services.platform.clock import oslo_today
from services.platform.grpc_status import field_violation_list

PLAN_TIMEOUT_SECONDS = 600.0  # a season's plan takes 30–60 s on two cores: room for a slower machine
_LINE = re.compile(r"^line \d+$")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_version = whole(1, 1_000_000, "2")
# Said after a refusal that names no plan or no property the service knows (NOT_FOUND).
PLANS_HINT = "list the plans with `propertytax assessment inspections plans`"


def version_arg(text: str) -> int:
    """An argparse type: a plan's version, from 1 (0 meant "the latest" to the API only; leaving the flag
    out says that)."""
    if text.strip() == "0":
        raise argparse.ArgumentTypeError("from 1; leave it out for the latest")
    return _version(text)


def _stub(args: argparse.Namespace) -> tuple[Any, assessment_pb2_grpc.AssessmentServiceStub]:
    caller = caller_for(args, "assessment")
    return caller, assessment_pb2_grpc.AssessmentServiceStub(caller.channel)


@contextlib.contextmanager
def _spinner(description: str) -> Iterator[None]:
    # assessment.py imports this module to register it, so its spinner is fetched when a call runs.
    from services.cli.assessment import _waiting

    with _waiting(description, True):
        yield


class Unknown(Exception):
    """What the user named is not what the service has: a PLAN_ID naming no plan, or several (found by
    asking the service), an assessor or day not in the plan. Said as the service's own "no inspection
    plan" is: one line, exit EXIT_REFUSED (README: 1 for what the service answered no to)."""


def _unknown_plan(args: argparse.Namespace, exc: grpc.RpcError) -> bool:
    """A NOT_FOUND of a plan command said naming PLAN_ID as typed, and how to find the right plan."""
    if exc.code() != grpc.StatusCode.NOT_FOUND:  # type: ignore[attr-defined]
        return False
    typed = getattr(args, "plan_id", "")
    named = f"PLAN_ID {typed}: " if typed else ""
    write_error("NOT_FOUND", [f"{named}{exc.details()}; {PLANS_HINT}"])  # type: ignore[attr-defined]
    return True


def _left_out(args: argparse.Namespace, exc: grpc.RpcError, defaulted: dict[str, str]) -> str:
    """' (--planned-on was left out: today, 01.12.2026)' when the refusal is about a business date the
    user left out (the service took today): a violation of that field, or one naming today's date (an
    owner's day "before the day the owner asked"). Else ''."""
    today = oslo_today()
    for field, flag in defaulted.items():
        if getattr(args, field, None):
            continue
        for named, description in field_violation_list(exc):
            if named == field or today.isoformat() in description or f"{today:%d.%m.%Y}" in description:
                return f" ({flag} was left out: today, {today:%d.%m.%Y})"
    return ""


def _refusals_named(
    flags: dict[str, str], missing: str = "", defaulted: dict[str, str] | None = None
) -> Callable[[Callable[[argparse.Namespace], int]], Callable[[argparse.Namespace], int]]:
    """A command whose refusals name its flags; a bad row of the assessors file is named by the file and
    its line (the service names it "line N", as every import does). A thing the service does not know
    (NOT_FOUND: a plan id, a property) is said with `missing`, how to find the right one (a plan named by
    the PLAN_ID typed). A refusal of a business date the user left out (`defaulted`: field → flag, the
    field also the argument's name) says so and which day the service took."""

    def wrap(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        @functools.wraps(command)
        def run(args: argparse.Namespace) -> int:
            try:
                return command(args)
            except Unknown as exc:
                write_error("NOT_FOUND", [str(exc)])
                return EXIT_REFUSED
            except grpc.RpcError as exc:
                if missing == PLANS_HINT and _unknown_plan(args, exc):
                    return EXIT_REFUSED
                if missing and said_unknown(exc, missing):
                    return EXIT_REFUSED
                named = dict(flags)
                source = getattr(args, "assessors", None)
                if source:
                    for field, _ in field_violation_list(exc):
                        if _LINE.match(field):
                            named[field] = f"--assessors {source} {field}"
                return print_rpc_error(exc, named, note=_left_out(args, exc, defaulted or {}))

        return run

    return wrap


def _plan_id(caller: Any, stub: Any, typed: str) -> str:
    """The plan id the user means: a full id as typed, a short reference (BEF-1A2B3C4D or 1A2B3C4D) the
    one stored plan whose id begins so. BadInput when none does or several do."""
    letters = view.short_reference(typed)
    if not typed or letters is None:
        return typed
    plans = caller.call(stub.ListInspectionPlans, inspections_pb2.ListInspectionPlansRequest()).plans
    found = view.matching_plans(letters, [p.plan_id for p in plans])
    if len(found) == 1:
        return found[0]
    if not found:
        raise Unknown(f"PLAN_ID {typed}: no inspection plan has that reference; {PLANS_HINT}")
    raise Unknown(f"PLAN_ID {typed}: {len(found)} plans begin so ({', '.join(found)}); give the full id")


def _assessors_file(content: bytes) -> bytes:
    """The assessors file as read, refused when it lists no assessor: the service would plan no one."""
    rows = [line for line in content.decode("utf-8-sig", errors="replace").splitlines() if line.strip()]
    if not rows:
        raise BadInput("--assessors: the file is empty (a header and a line per assessor)")
    if len(rows) == 1:
        raise BadInput("--assessors: the file lists no assessor (header only)")
    return content


def _between(text: str) -> tuple[str, str]:
    """An argparse type: HH:MM-HH:MM, the hours an owner can be there."""
    start, _, end = text.partition("-")
    if not (_TIME.match(start.strip()) and _TIME.match(end.strip())):
        raise argparse.ArgumentTypeError(f"{text!r}: give the hours as HH:MM-HH:MM, e.g. 10:00-12:00")
    first, last = (f"{int(t.split(':')[0]):02d}:{t.split(':')[1]}" for t in (start.strip(), end.strip()))
    if last <= first:
        raise argparse.ArgumentTypeError(f"{text!r}: the end must be after the start")
    return first, last


def _absence(text: str) -> inspections_pb2.Absence:
    """An argparse type: ID:D or ID:D:D (an assessor away one day, or from a day to a day)."""
    parts = text.split(":")
    if len(parts) not in (2, 3) or not parts[0].strip():
        raise argparse.ArgumentTypeError(f"{text!r}: give ID:DAY or ID:FIRST:LAST, e.g. A2:2024-05-07")
    try:
        days = [day_arg(p) for p in parts[1:]]
    except argparse.ArgumentTypeError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: {exc}") from None
    return inspections_pb2.Absence(assessor_id=parts[0].strip(), first_day=days[0], last_day=days[-1])


def _write_json(plan: Any, out: str) -> None:
    with open_output(out, "--json", text=True) as handle:
        handle.write(json.dumps(view.plan_json(plan), indent=2, ensure_ascii=False) + "\n")


def _write_documents(
    caller: Any, stub: Any, request: inspections_pb2.GetInspectionDocumentsRequest, folder: str, flag: str
) -> int:
    """Writes each streamed document to `folder` (made when missing; checked before the call by
    check_output_folder, but it may have gone meanwhile); returns how many."""
    target = Path(folder)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"{flag} {folder}: cannot make the folder: {exc.strerror or exc}") from None
    if not target.is_dir():
        raise BadInput(f"{flag} {folder}: not a folder")
    written = 0
    for answer in caller.call(stub.GetInspectionDocuments, request, timeout=PLAN_TIMEOUT_SECONDS):
        with open_output(target / answer.document.name, flag) as handle:
            handle.write(answer.document.content)
        written += 1
    return written


def _check_outputs(args: argparse.Namespace) -> None:
    """--json OUT and --documents DIR checked before the service is called: a plan or re-plan stores its
    version and sends its letters, so a path found wrong afterwards would say "error" of work done."""
    check_output_file(args.json, "--json")
    check_output_folder(getattr(args, "documents", None), "--documents")


def _show_plan(args: argparse.Namespace, caller: Any, stub: Any, lines: list[str], plan: Any) -> None:
    """Prints the summary `lines`, writes the plan JSON (--json) and fetches the documents (--documents)."""
    to_stdout = args.json == "-"  # the JSON alone on stdout, for a pipe; the summary to stderr then
    out = console(stderr=to_stdout)
    for line in lines:
        out.print(line)
    if args.json:
        _write_json(plan, args.json)
        if not to_stdout:
            say(f"Plan JSON written to {args.json}")
    if args.documents:
        request = inspections_pb2.GetInspectionDocumentsRequest(plan_id=plan.plan_id, version=plan.version)
        with _spinner("Rendering the route sheets, the map and the notices"):
            count = _write_documents(caller, stub, request, args.documents, "--documents")
        say(f"{counted(count, 'document')} written to {args.documents}")


@_refusals_named(
    {
        "property_id": "PROPERTY",
        "day": "--day",
        "from_time": "--between",
        "until_time": "--between",
        "note": "--note",
        "asked_on": "--asked-on",
        "notice_name": "--notice-name",
        "notice_address": "--notice-address",
        "notice_lines": "--notice-address",  # the owner's wish names them so (OwnerRequest.notice_lines)
    },
    missing=PROPERTY_HINT,
    defaulted={"asked_on": "--asked-on"},
)
def cmd_request(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    start, end = args.between or ("", "")
    address = [line.strip() for line in args.notice_address or []]
    answer = caller.call(
        stub.RequestVisit,
        inspections_pb2.RequestVisitRequest(
            property_id=args.property_id,
            asked_on=args.asked_on or "",
            notify=args.notify,
            day=args.day or "",
            from_time=start,
            until_time=end,
            note=args.note,
            notice_name=args.notice_name.strip(),
            notice_address=address,
        ),
    )
    wish = []
    if args.notify:
        wish.append("to be told of the visit")
        if args.notice_name or address:
            wish[-1] += f" (letter to {', '.join([args.notice_name.strip(), *address]).strip(', ')})"
    if args.day:
        wish.append(f"the day {day(args.day)}")
    if args.between:
        wish.append(f"between {start} and {end}")
    show_record(
        args,
        answer,
        [
            ("Property", answer.property_id),
            ("Wish", ", ".join(wish) or "none (an earlier wish is replaced)"),
            (
                "Takes effect",
                "at the next re-plan (a plan visits the property already)"
                if answer.needs_replan
                else "when the property is planned",
            ),
        ],
        title="The owner's wish is recorded.",
    )
    return 0


@_refusals_named(
    {
        "first_day": "--from",
        "last_day": "--to",
        "planned_on": "--planned-on",
        "assessors_csv": "--assessors",
        "absences": "--absent",  # absences[1].first_day → --absent #2
    },
    defaulted={"planned_on": "--planned-on"},
)
def cmd_plan(args: argparse.Namespace) -> int:
    if args.dry_run and args.documents:
        raise BadInput("--documents: a dry run stores no plan, so it has no documents; leave out one of them")
    content = _assessors_file(read_input(args.assessors, "--assessors"))
    _check_outputs(args)
    caller, stub = _stub(args)
    request = inspections_pb2.PlanInspectionsRequest(
        first_day=args.first_day,
        last_day=args.last_day,
        assessors_csv=content,
        absences=args.absent or [],
        planned_on=args.planned_on or "",
        dry_run=args.dry_run,
    )
    what = "Trying a plan (nothing stored)" if args.dry_run else "Planning"
    with _spinner(f"{what} {day(args.first_day)} to {day(args.last_day)}"):
        answer = caller.call(stub.PlanInspections, request)
    lines = view.summary(answer.plan, answer.notices, dry_run=not answer.stored)
    lines.extend(view.plan_warnings(answer.already_planned, list(answer.overlapping_plans)))
    _show_plan(args, caller, stub, lines, answer.plan)
    return 0


@_refusals_named({"from_day": "--from"})
def cmd_plans(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    answer = caller.call(
        stub.ListInspectionPlans, inspections_pb2.ListInspectionPlansRequest(from_day=args.from_day or "")
    )
    since = f" with days on or after {day(args.from_day)}" if args.from_day else ""
    show_table(
        args,
        answer,
        view.PLAN_COLUMNS,
        view.plan_rows(answer.plans),
        f"No inspection plans{since}." + (" Leave out --from for all." if since else ""),
        title=f"Inspection plans{since}, newest period first (the latest version of each)",
        footer="`propertytax assessment inspections show BEF-…` shows one (the reference or the full id).",
    )
    return 0


def _show_stops(plan: Any, days: list[Any]) -> None:
    """A table of stops under each assessor-day's heading."""
    for planned in days:
        say("")
        show_table(
            argparse.Namespace(json=False),
            plan,
            view.STOP_COLUMNS,
            view.stop_rows(planned),
            "No visits.",
            title=view.day_heading(plan, planned),
        )


def _narrowing(plan: Any, assessor: str, on: str) -> None:
    """Unknown: the refusals of `show --assessor ID` naming no assessor of the plan and `--day D`
    outside its period: said with what the plan has, rather than "No visits"."""
    name = view.reference(plan.plan_id)
    if assessor:
        known = [a.assessor_id for a in plan.assessors] or sorted({d.assessor_id for d in plan.days})
        if assessor.casefold() not in {k.casefold() for k in known}:
            raise Unknown(f"--assessor {assessor} is no assessor of plan {name}: {', '.join(known)}")
    if on and not plan.first_day <= on <= plan.last_day:
        raise Unknown(f"--day {day(on)} is outside plan {name}, {view.period(plan.first_day, plan.last_day)}")


@_refusals_named({"plan_id": "PLAN_ID", "version": "--version"}, missing=PLANS_HINT)
def cmd_show(args: argparse.Namespace) -> int:
    check_output_file(args.json, "--json")
    caller, stub = _stub(args)
    plan = caller.call(
        stub.GetInspectionPlan,
        inspections_pb2.GetInspectionPlanRequest(
            plan_id=_plan_id(caller, stub, args.plan_id or ""), version=args.version or 0
        ),
    ).plan
    args.json, out = False, args.json  # the tables for people; the plan JSON goes to the file
    _narrowing(plan, args.assessor or "", args.day or "")  # an assessor or day not in the plan: refused
    if out == "-":  # the JSON alone on stdout, for a pipe
        _write_json(plan, out)
        return 0
    lines = view.summary(plan, None)  # no notices line: they are the plan's answer, not this version's
    chosen = view.chosen_days(plan, args.assessor or "", args.day or "")
    narrowed = bool(args.assessor or args.day)
    listed = args.stops or narrowed or view.stops_lines(chosen) + len(lines) <= view.STOPS_SHOWN_LINES
    if listed:
        for line in lines:
            say(line)
        _show_stops(plan, chosen)
        if narrowed and not chosen:
            say("No visits of that assessor or day in this plan.")
    else:
        stops = view.planned_count(plan)
        show_table(
            args,
            plan,
            view.DAY_COLUMNS,
            view.day_rows(plan),
            "The plan has no visits.",
            title=lines[0],
            footer="\n".join(
                [
                    *lines[1:],
                    f"The {number(stops)} stops are not listed here: --assessor ID or --day D lists some, "
                    "--stops all of them, --json OUT writes the plan to a file.",
                ]
            ),
        )
    if out:
        _write_json(plan, out)
        say(f"Plan JSON written to {out}")
    return 0


@_refusals_named(
    {
        "plan_id": "PLAN_ID",
        "assessor_id": "--ill",
        "absent_from": "--from",
        "absent_until": "--until",
        "replanned_on": "--replanned-on",
    },
    missing=PLANS_HINT,
    defaulted={"replanned_on": "--replanned-on"},
)
def cmd_replan(args: argparse.Namespace) -> int:
    _check_outputs(args)
    caller, stub = _stub(args)
    plan_id = _plan_id(caller, stub, args.plan_id)
    request = inspections_pb2.ReplanInspectionsRequest(
        plan_id=plan_id,
        assessor_id=args.ill,
        absent_from=args.absent_from,
        absent_until=args.until or "",
        replanned_on=args.replanned_on or "",
    )
    with _spinner(f"Re-planning {view.reference(plan_id)} without {args.ill} from {day(args.absent_from)}"):
        answer = caller.call(stub.ReplanInspections, request)
    if not answer.stored:  # the answer is the plan as it stands: no JSON or documents of a new version
        for line in view.unchanged(answer.plan):
            say(line)
        return 0
    lines = view.summary(
        answer.plan,
        answer.notices,
        list(answer.moved),
        answer.cancellations,
        now_unplanned=list(answer.now_unplanned),
    )
    _show_plan(args, caller, stub, lines, answer.plan)
    return 0


@_refusals_named({"plan_id": "PLAN_ID", "version": "--version"}, missing=PLANS_HINT)
def cmd_documents(args: argparse.Namespace) -> int:
    check_output_folder(args.out, "--out")
    caller, stub = _stub(args)
    request = inspections_pb2.GetInspectionDocumentsRequest(
        plan_id=_plan_id(caller, stub, args.plan_id or ""),
        version=args.version or 0,
        route_sheets=args.route_sheets,
        map=args.map,
        notices=args.notices,
    )
    with _spinner("Rendering the plan's documents"):
        count = _write_documents(caller, stub, request, args.out, "--out")
    console().print(f"{counted(count, 'document')} written to {args.out}")
    return 0


def _remote(parser: argparse.ArgumentParser, timeout: float = 30.0) -> None:
    """--target, --token and --timeout (the commands with --json OUT have no --json switch)."""
    parser.add_argument("--target", help="host:port of the service")
    parser.add_argument("--token", help="bearer token (default: $PROPERTYTAX_TOKEN)")
    parser.add_argument(
        "--timeout", type=seconds_arg, default=timeout, help=f"deadline in seconds ({timeout:g})"
    )


def add_commands(inspections: Any) -> None:
    """Adds `request`, `plans`, `plan`, `show`, `replan` and `documents`."""
    request = inspections.add_parser("request", help="record an owner's wish: to be told, a day, hours")
    request.add_argument("property_id", metavar="PROPERTY")
    request.add_argument("--notify", action="store_true", help="the owner wants a notice of the visit")
    request.add_argument(
        "--day", type=day_arg, metavar="D", help="the day the owner asks for (a working day)"
    )
    request.add_argument(
        "--between", type=_between, metavar="HH:MM-HH:MM", help="hours the owner can be there"
    )
    request.add_argument("--note", default="", help="what the owner said, in brief")
    request.add_argument(
        "--asked-on", type=day_arg, metavar="D", help="the day the owner asked (default today)"
    )
    request.add_argument(
        "--notice-name",
        default="",
        metavar="NAME",
        help="whom the notice goes to, when not the registered owners (an heir, a guardian)",
    )
    request.add_argument(
        "--notice-address",
        action="append",
        metavar="LINE",
        help="a line of the notice's postal address, once per line, postcode and city last (at most 4), "
        "e.g. --notice-address 'Storgata 1' --notice-address '0155 Oslo'; default: the property's address",
    )
    add_remote_options(request)
    request.set_defaults(func=cmd_request)

    plans = inspections.add_parser("plans", help="the stored plans, newest period first")
    plans.add_argument(
        "--from",
        dest="from_day",
        type=day_arg,
        metavar="D",
        help="only plans with days on or after D (default: all)",
    )
    add_remote_options(plans)
    plans.set_defaults(func=cmd_plans)

    plan = inspections.add_parser("plan", help="plan a period's inspections")
    plan.add_argument("--from", dest="first_day", type=day_arg, required=True, metavar="D", help="first day")
    plan.add_argument("--to", dest="last_day", type=day_arg, required=True, metavar="D", help="last day")
    plan.add_argument(
        "--assessors",
        required=True,
        metavar="FILE",
        help="CSV: assessor_id, name, transport (foot|bike|ebike|car), start_lon, start_lat, minutes_per_day",
    )
    plan.add_argument(
        "--absent", type=_absence, action="append", metavar="ID:D[:D]", help="an assessor away (repeatable)"
    )
    plan.add_argument(
        "--planned-on", type=day_arg, metavar="D", help="the plan's business date (default today)"
    )
    plan.add_argument(
        "--dry-run",
        action="store_true",
        help="only show what the plan would be: nothing stored, no notices sent (no --documents)",
    )
    plan.add_argument("--json", metavar="OUT", help="write the plan as JSON to OUT (- for stdout)")
    plan.add_argument("--documents", metavar="DIR", help="write route sheets, the map and notices to DIR")
    _remote(plan, PLAN_TIMEOUT_SECONDS)
    plan.set_defaults(func=cmd_plan)

    show = inspections.add_parser(
        "show", help="show a plan's days and their stops (default: the latest plan)"
    )
    show.add_argument(
        "plan_id", metavar="PLAN_ID", nargs="?", default="", help="the plan's id or reference (BEF-…)"
    )
    show.add_argument("--version", type=version_arg, help="version, from 1 (default: the latest)")
    show.add_argument(
        "--stops",
        action="store_true",
        help=f"list every stop (a plan longer than about {view.STOPS_SHOWN_LINES} lines lists its days)",
    )
    show.add_argument("--assessor", metavar="ID", help="only this assessor's days, with their stops")
    show.add_argument("--day", type=day_arg, metavar="D", help="only this day, with its stops")
    show.add_argument("--json", metavar="OUT", help="write the plan as JSON to OUT (- for stdout)")
    _remote(show)
    show.set_defaults(func=cmd_show)

    replan = inspections.add_parser("replan", help="re-plan after an assessor falls ill")
    replan.add_argument("plan_id", metavar="PLAN_ID", help="the plan's id or reference (BEF-…)")
    replan.add_argument("--ill", required=True, metavar="ID", help="the assessor who cannot work")
    replan.add_argument(
        "--from", dest="absent_from", type=day_arg, required=True, metavar="D", help="first day away"
    )
    replan.add_argument(
        "--until", type=day_arg, metavar="D", help="last day away (default: the period's end)"
    )
    replan.add_argument(
        "--replanned-on", type=day_arg, metavar="D", help="the re-plan's business date (default today)"
    )
    replan.add_argument("--json", metavar="OUT", help="write the new version as JSON to OUT (- for stdout)")
    replan.add_argument("--documents", metavar="DIR", help="write route sheets, the map and notices to DIR")
    _remote(replan, PLAN_TIMEOUT_SECONDS)
    replan.set_defaults(func=cmd_replan)

    documents = inspections.add_parser(
        "documents", help="write a plan's route sheets, map and notices (none of the three flags: all)"
    )
    documents.add_argument(
        "plan_id", metavar="PLAN_ID", nargs="?", default="", help="the plan's id or reference (BEF-…)"
    )
    documents.add_argument("--version", type=version_arg, help="version, from 1 (default: the latest)")
    documents.add_argument("--out", required=True, metavar="DIR", help="folder to write to (made if missing)")
    documents.add_argument("--route-sheets", action="store_true", help="one PDF per assessor-day")
    documents.add_argument("--map", action="store_true", help="the plan's HTML map (works offline)")
    documents.add_argument("--notices", action="store_true", help="the owners' notices of this version")
    _remote(documents, PLAN_TIMEOUT_SECONDS)
    documents.set_defaults(func=cmd_documents)
