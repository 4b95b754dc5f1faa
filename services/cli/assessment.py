"""`propertytax assessment …`: the assessors' commands, thin calls onto AssessmentService. Each answer is
shown for people by default (services/cli/assessment_view.py builds it) and in machine form with --json."""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from propertytax.assessment.v1 import assessment_pb2, assessment_pb2_grpc, tax_pb2
from propertytax.platform.v1 import money_pb2
from services.cli import assessment_view as view
from services.cli import calibration, inspections, ratio_study
from services.cli.common import (
    BadInput,
    add_remote_options,
    caller_for,
    kroner,
    naming_flags,
    open_output,
    page_size_arg,
    read_input,
    year_arg,
)
from services.cli.dates import day_arg
from services.cli.output import (
    console,
    counted,
    emit_json,
    job_progress,
    say,
    show_record,
    show_table,
    wants_json,
)

_FORMATS = {
    ".csv": assessment_pb2.IMPORT_FORMAT_CSV,
    ".geojson": assessment_pb2.IMPORT_FORMAT_GEOJSON,
    ".json": assessment_pb2.IMPORT_FORMAT_GEOJSON,
    ".gpkg": assessment_pb2.IMPORT_FORMAT_GPKG,
}
_FORMAT_NAMES = {
    "csv": assessment_pb2.IMPORT_FORMAT_CSV,
    "geojson": assessment_pb2.IMPORT_FORMAT_GEOJSON,
    "gpkg": assessment_pb2.IMPORT_FORMAT_GPKG,
}
# An import this large takes long enough in one call that a person should see it is working.
_LARGE_IMPORT_LINES = 2000
_LARGE_IMPORT_BYTES = 1_000_000
POLL_SECONDS = 1.0
EXIT_INTERRUPTED = 130  # as a shell reports a command stopped by Ctrl-C


def _stub(args: argparse.Namespace) -> tuple[Any, assessment_pb2_grpc.AssessmentServiceStub]:
    caller = caller_for(args, "assessment")
    return caller, assessment_pb2_grpc.AssessmentServiceStub(caller.channel)


@contextlib.contextmanager
def _waiting(description: str, shown: bool) -> Iterator[None]:
    """A spinner with the elapsed time on stderr while one long call runs (no percentage: the call says
    nothing until it ends); nothing when `shown` is false or stderr is not a terminal."""
    out = console(stderr=True)
    spinner = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),  # a file name is shown as it is, brackets too
        TimeElapsedColumn(),
        console=out,
        transient=True,
        disable=not (shown and out.is_terminal),
    )
    spinner.add_task(description, total=None)
    with spinner:
        yield


def _format_of(args: argparse.Namespace, kinds: str) -> assessment_pb2.ImportFormat.ValueType:
    """The import's format: --format, else the file name's extension (`kinds` says which fit). A folder
    is said first: its name has no extension, and "cannot tell the format" would send the user astray."""
    if args.file != "-" and Path(args.file).is_dir():
        raise BadInput(f"{args.file} is a folder, not a file: give the file to import")
    if args.format:
        return _FORMAT_NAMES[args.format]
    try:
        return _FORMATS[Path(args.file).suffix.lower()]
    except KeyError:
        raise BadInput(
            f"--format: cannot tell the format of {args.file} from its name: {args.kind} come as {kinds}; "
            "pass --format"
        ) from None


_KINDS_FORMATS = {
    "properties": "CSV, GeoJSON or GeoPackage (.csv, .geojson, .gpkg)",
    "zones": "GeoJSON or GeoPackage (.geojson, .gpkg)",
}
_IMPORT_FLAGS = {
    "content": "file",
    "format": "--format",
    "housing_value_year": "--year",
    "year": "--year",
    "id_property": "--id-property",
    "name_property": "--name-property",
    "factor_property": "--factor-property",
    "allow_uncovered": "--allow-uncovered",
}


@naming_flags(_IMPORT_FLAGS)
def cmd_import(args: argparse.Namespace) -> int:
    if args.kind == "owners":
        from services.cli.register import cmd_import_owners

        return cmd_import_owners(args)
    import_format = assessment_pb2.IMPORT_FORMAT_CSV  # housing values are CSV only
    if args.kind in _KINDS_FORMATS:
        import_format = _format_of(args, _KINDS_FORMATS[args.kind])
    content = read_input(args.file, "file")
    caller, stub = _stub(args)
    large = content.count(b"\n") > _LARGE_IMPORT_LINES or len(content) > _LARGE_IMPORT_BYTES
    with _waiting(f"Importing {args.kind} from {args.file}", large):
        if args.kind == "properties":
            answer: Any = caller.call(
                stub.ImportProperties,
                assessment_pb2.ImportPropertiesRequest(
                    content=content, format=import_format, housing_value_year=args.year or 0
                ),
            )
            summary = view.properties_imported(answer)
        elif args.kind == "housing-values":
            answer = caller.call(
                stub.ImportHousingValues,
                assessment_pb2.ImportHousingValuesRequest(content=content, year=args.year or 0),
            )
            summary = view.housing_values_imported(answer, args.year)
        else:
            answer = caller.call(
                stub.ImportZones,
                assessment_pb2.ImportZonesRequest(
                    content=content,
                    format=import_format,
                    id_property=args.id_property,
                    name_property=args.name_property,
                    factor_property=args.factor_property,
                    allow_uncovered=args.allow_uncovered,
                ),
            )
            summary = view.zones_imported(answer)
    if wants_json(args):
        emit_json(answer)
        return 0
    say(summary)
    needs = list(getattr(answer, "not_valued", []))
    if needs:
        csv_lines = args.kind == "housing-values" or import_format == assessment_pb2.IMPORT_FORMAT_CSV
        show_table(
            args,
            answer,
            view.needs_columns("Line" if csv_lines else "Feature"),
            view.needs_rows(needs),
            empty="",
            footer="They need a valuation: correct the file and import it again, or value them by hand.",
        )
    return 0


@naming_flags({"decision_yaml": "--decision"})
def cmd_simulate(args: argparse.Namespace) -> int:
    decision_yaml = read_input(args.decision, "--decision", text=True)
    caller, stub = _stub(args)
    report = caller.call(
        stub.SimulateTaxYear,
        assessment_pb2.SimulateTaxYearRequest(
            decision_yaml=decision_yaml, include_properties=bool(args.by_property)
        ),
    )
    # With --by-property - the CSV has stdout to itself (for a pipe); the report goes to stderr then.
    to_stdout = str(args.by_property) != "-"
    with contextlib.redirect_stdout(sys.stdout if to_stdout else sys.stderr):
        if wants_json(args):
            emit_json(report)
        else:
            _show_simulation(args, report)
    if args.by_property:
        _write_by_property(args, caller, stub, report)
        if to_stdout and not wants_json(args):
            say(f"Per property: {args.by_property} ({counted(len(report.property_taxes), 'row')})")
    return 0


def _show_simulation(args: argparse.Namespace, report: assessment_pb2.SimulateTaxYearResponse) -> None:
    show_record(
        args,
        report,
        view.simulation_fields(report),
        title=f"Revenue simulation for {report.year} (nothing is stored)",
    )
    say("")
    columns, rows = view.category_table(report)
    show_table(args, report, columns, rows, empty="No category has a property.", title="Per category")
    say("")
    show_table(
        args,
        report,
        view.BAND_COLUMNS,
        view.band_rows(report.bands),
        empty="No property pays.",
        title="How many pay how much",
    )


def _write_by_property(
    args: argparse.Namespace,
    caller: Any,
    stub: assessment_pb2_grpc.AssessmentServiceStub,
    report: assessment_pb2.SimulateTaxYearResponse,
) -> None:
    """The per-property CSV, a machine file: plain numbers with a dot ("1600000.00"), status codes. A
    property that is not valued has no tax base, which is not one taxed at 0 kr: the status says which, and
    the reason column names every reason a property is not valued."""
    needs = _needs_by_property(caller, stub) if report.not_valued else {}
    with open_output(args.by_property, "--by-property", text=True) as handle:
        writer = csv.writer(handle)
        writer.writerow(["property_id", "tax_base_nok", "tax_nok", "status", "reason"])
        for p in report.property_taxes:
            status = tax_pb2.TaxStatus.Name(p.status).removeprefix("TAX_STATUS_").lower()
            reason = ""
            if p.status == tax_pb2.TAX_STATUS_NOT_VALUED:
                reason = ",".join(n.reason for n in needs.get(p.property_id, [])) or "no adopted valuation"
            writer.writerow(
                [
                    p.property_id,
                    f"{Decimal(p.tax_base.ore) / 100:.2f}",
                    f"{Decimal(p.tax.ore) / 100:.2f}",
                    status,
                    reason,
                ]
            )


def _needs_by_property(
    caller: Any, stub: assessment_pb2_grpc.AssessmentServiceStub
) -> dict[str, list[assessment_pb2.ValuationNeed]]:
    """Every valuation need, every page, by property (a property's reasons may span two pages)."""
    found: dict[str, list[assessment_pb2.ValuationNeed]] = {}
    token = ""
    while True:
        page = caller.call(
            stub.ListValuationNeeds,
            assessment_pb2.ListValuationNeedsRequest(page_size=1000, page_token=token),
        )
        for need in page.needs:
            found.setdefault(need.property_id, []).append(need)
        token = page.next_page_token
        if not token:
            return found


@naming_flags({"decision_yaml": "file"})
def cmd_set_decision(args: argparse.Namespace) -> int:
    decision_yaml = read_input(args.file, "file", text=True)
    args.extra_flags = {"decision_yaml": args.file}  # "register.csv: not a decision file …"
    caller, stub = _stub(args)
    answer = caller.call(
        stub.SetTaxYearDecision, assessment_pb2.SetTaxYearDecisionRequest(decision_yaml=decision_yaml)
    )
    if wants_json(args):
        emit_json(answer)
    else:
        say(f"Stored the council's tax decision for {answer.year} (from {args.file}).")
    return 0


@naming_flags({"adoption_reference": "--reference", "property_ids": "--property"})
def cmd_adopt(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    answer = caller.call(
        stub.AdoptValuations,
        assessment_pb2.AdoptValuationsRequest(
            property_ids=args.property or [], adoption_reference=args.reference
        ),
    )
    if wants_json(args):
        emit_json(answer)
    elif answer.adopted:
        say(f"Adopted {counted(answer.adopted, 'valuation')} ({args.reference}).")
    else:
        say("No proposed valuation to adopt: nothing changed.")
    return 0


_LEVY_FLAGS = {"levied_on": "--on", "tax_year": "YEAR", "job_id": "JOB"}


@naming_flags(_LEVY_FLAGS)
def cmd_levy_start(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    request = assessment_pb2.StartLevyRequest(tax_year=args.year, levied_on=args.on or "")
    job = caller.call(stub.StartLevy, request).job
    if args.wait and job.state == assessment_pb2.LEVY_JOB_STATE_RUNNING:
        try:
            job = _follow_levy(caller, stub, job)
        except KeyboardInterrupt:
            # Ctrl-C stops the watching, not the levy: it runs on in the service.
            sys.stderr.write(
                f"Stopped following; the levy goes on. See where it stands: "
                f"propertytax assessment levy status {job.tax_year}\n"
            )
            return EXIT_INTERRUPTED
    return _show_levy(args, job, record=False)


def _follow_levy(
    caller: Any, stub: assessment_pb2_grpc.AssessmentServiceStub, job: assessment_pb2.LevyJob
) -> assessment_pb2.LevyJob:
    """Polls a running levy until it ends, with a progress bar on stderr (counts, rate, time left)."""
    with job_progress(f"Levy {job.tax_year}", "properties") as bar:
        while job.state == assessment_pb2.LEVY_JOB_STATE_RUNNING:
            bar.update(job.processed, job.total)
            time.sleep(POLL_SECONDS)
            job = caller.call(stub.GetLevyJob, assessment_pb2.GetLevyJobRequest(job_id=job.job_id)).job
        bar.update(job.processed, job.total)
    return job


def _show_levy(args: argparse.Namespace, job: assessment_pb2.LevyJob, *, record: bool) -> int:
    failed = job.state == assessment_pb2.LEVY_JOB_STATE_FAILED
    if wants_json(args):
        emit_json(job)
    elif failed:
        sys.stderr.write(f"error: {view.levy_summary(job)}\n")
    elif record:
        show_record(args, job, view.levy_fields(job), title=view.levy_summary(job))
    else:
        say(view.levy_summary(job))
    return 1 if failed else 0


def _year_or_job(text: str) -> tuple[int, str]:
    """`levy status`'s argument: a tax year (2024) or a job id."""
    if text.strip().isdigit():
        return year_arg(text), ""
    return 0, text


@naming_flags(_LEVY_FLAGS)
def cmd_levy_status(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    year, job_id = args.job
    request = assessment_pb2.GetLevyJobRequest(job_id=job_id, tax_year=year)
    return _show_levy(args, caller.call(stub.GetLevyJob, request).job, record=True)


_LIST_NAMES = {"public": ("skatteliste", "public tax list"), "exempt": ("fritaksliste", "exempt list")}


@naming_flags({"tax_year": "YEAR", "list": "--list", "format": "--format"})
def cmd_tax_list(args: argparse.Namespace) -> int:
    stem, title = _LIST_NAMES[args.list]
    out = args.out
    folder = bool(out) and out != "-" and Path(out).is_dir()
    named = "" if folder or not out else Path(out).suffix.lower().lstrip(".")
    document_format = args.format or named or "csv"
    if document_format not in ("csv", "pdf"):
        document_format = "csv"
    file_name = f"{stem}-{args.year}.{document_format}"
    # A folder gets the list under its usual name, as `invoices document` and `appeals letter` do.
    out = str(Path(out) / file_name) if folder else out or file_name
    if out != "-" and (Path(out).is_dir() or not Path(out).parent.is_dir()):
        # Named before calling; opening such a path fails, so this creates nothing.
        with open_output(out, "--out"):
            pass
    caller, stub = _stub(args)
    request = assessment_pb2.ExportTaxListRequest(
        tax_year=args.year,
        list=assessment_pb2.TAX_LIST_EXEMPT if args.list == "exempt" else assessment_pb2.TAX_LIST_PUBLIC,
        format=assessment_pb2.DOCUMENT_FORMAT_PDF
        if document_format == "pdf"
        else assessment_pb2.DOCUMENT_FORMAT_CSV,
    )
    # The whole list is fetched before the file is opened: a refusal leaves no empty file behind.
    stream = stub.ExportTaxList(request, metadata=caller.metadata(), timeout=caller.timeout)
    content = b"".join(chunk.chunk for chunk in stream)
    with open_output(out, "--out") as handle:
        handle.write(content)
    if str(out) == "-":
        return 0
    if document_format == "csv":
        rows = max(len(list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))) - 1, 0)
        what = counted(rows, "property", "properties")
    else:
        what = "PDF"
    if wants_json(args):
        emit_json({"out": str(out), "tax_year": args.year, "list": args.list, "format": document_format})
    else:
        say(f"Wrote {out} ({title} {args.year}, {what})")
    return 0


_CORRECT_FLAGS = {
    "corrected_on": "--on",
    "value": "--value-nok",
    "reason": "--reason",
    "tax_year": "--year",
    "property_id": "PROPERTY_ID",
}


@naming_flags(_CORRECT_FLAGS)
def cmd_correct(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    request = assessment_pb2.CorrectTaxBaseRequest(
        property_id=args.property_id,
        tax_year=args.year,
        value=money_pb2.Money(ore=args.value_nok.ore),
        reason=args.reason,
        corrected_on=args.on or "",
    )
    answer = caller.call(stub.CorrectTaxBase, request)
    base = answer.tax_base
    show_record(
        args,
        answer,
        view.tax_base_fields(base, args.on),
        title=f"Corrected the tax base of {base.property_id} for {base.tax_year} (version {base.version}).",
    )
    return 0


@naming_flags({"text": "--text", "zone_id": "--zone", "page_size": "--page-size"})
def cmd_find(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    answer = caller.call(
        stub.FindProperties,
        assessment_pb2.FindPropertiesRequest(text=args.text, zone_id=args.zone, page_size=args.page_size),
    )
    footer = None
    if answer.next_page_token:
        footer = (
            f"The first {counted(len(answer.properties), 'property', 'properties')} shown; more match: "
            "narrow --text or raise --page-size (at most 1000)."
        )
    show_table(
        args,
        answer,
        view.PROPERTY_COLUMNS,
        view.property_rows(answer.properties),
        empty=view.no_property_matches(args.text, args.zone),
        footer=footer,
    )
    return 0


@naming_flags({})
def cmd_unvalued(args: argparse.Namespace) -> int:
    """The properties that need a valuation (an inspection): one row each, with every reason it has."""
    caller, stub = _stub(args)
    needs = _needs_by_property(caller, stub)
    every = assessment_pb2.ListValuationNeedsResponse(needs=[n for found in needs.values() for n in found])
    rows = [
        [
            property_id,
            ", ".join(view.reason(n.reason) for n in found),
            "; ".join(n.detail for n in found),
        ]
        for property_id, found in needs.items()
    ]
    needing = "needs" if len(needs) == 1 else "need"
    show_table(
        args,
        every,
        ["Property", "Reasons", "Detail"],
        rows,
        empty="No property needs a valuation.",
        footer=f"{counted(len(needs), 'property', 'properties')} {needing} a valuation.",
    )
    return 0


_IMPORT_KINDS = """what the file holds:
  properties      the register: CSV, GeoJSON or GeoPackage file (.csv, .geojson, .gpkg)
  housing-values  the tax authority's housing values: CSV file (property_id, unit, value_nok)
  zones           zone polygons: GeoJSON or GeoPackage file (.geojson, .gpkg); replaces every zone
  owners          owners and their shares: CSV file (property_id, from_date, share as 1/2 or 0,5,
                  owner_name, national_id or organisation_number, address, postcode, city; optional
                  channel ehf|efaktura|print, interval monthly|bimonthly|quarterly|half_yearly|yearly);
                  rows of one property and from_date are one change with co-owners"""


def add_commands(assessment: Any) -> None:
    """Adds the commands to the `assessment` sub-parser group."""
    importing = assessment.add_parser(
        "import",
        help="import properties, housing values, zones or owners (all or nothing)",
        description="Import a file, all or nothing: a refusal lists the problems by line (or feature) "
        "and column, and changes nothing.",
        epilog=_IMPORT_KINDS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    importing.add_argument(
        "kind",
        metavar="KIND",
        choices=["properties", "housing-values", "zones", "owners"],
        help="properties, housing-values, zones or owners (see below)",
    )
    importing.add_argument("file", type=Path, help="the file (- for stdin)")
    importing.add_argument(
        "--format", choices=["csv", "geojson", "gpkg"], help="default: from the file name's extension"
    )
    importing.add_argument("--year", type=year_arg, help="year of the housing values (default: this year)")
    importing.add_argument("--id-property", default="zone_id", help="zones: feature property with the id")
    importing.add_argument("--name-property", default="name", help="zones: feature property with the name")
    importing.add_argument(
        "--factor-property", default="factor", help="zones: feature property with the factor"
    )
    importing.add_argument(
        "--allow-uncovered",
        action="store_true",
        help="zones: replace them even if they leave registered properties outside every zone",
    )
    add_remote_options(importing)
    importing.set_defaults(func=cmd_import)

    simulate = assessment.add_parser(
        "simulate", help="revenue a tax-year decision would give; changes nothing"
    )
    simulate.add_argument("--decision", type=Path, required=True, help="decision YAML (- for stdin)")
    simulate.add_argument(
        "--by-property",
        type=Path,
        help="also write a CSV for machines to this file (- for stdout, the report then goes to stderr): "
        "property_id, tax_base_nok, tax_nok (plain numbers with a dot: 1600000.00), status (taxed, exempt, "
        "out_of_scope, below_minimum or not_valued) and reason (why not valued)",
    )
    add_remote_options(simulate)
    simulate.set_defaults(func=cmd_simulate)

    decision = assessment.add_parser("set-decision", help="store the council's decision for a year")
    decision.add_argument("file", type=Path, help="decision YAML (- for stdin)")
    add_remote_options(decision)
    decision.set_defaults(func=cmd_set_decision)

    adopt = assessment.add_parser("adopt", help="record the valuation committee's adoption")
    adopt.add_argument("--reference", required=True, help="the committee's decision, e.g. 'sak 12/2024'")
    adopt.add_argument("--property", action="append", help="only these properties (default: every proposal)")
    add_remote_options(adopt)
    adopt.set_defaults(func=cmd_adopt)

    levy = assessment.add_parser("levy", help="the annual levy").add_subparsers(
        dest="levy_action", required=True
    )
    start = levy.add_parser("start", help="start or resume the levy for a year")
    start.add_argument("year", type=year_arg)
    start.add_argument("--wait", action="store_true", help="show its progress until it ends")
    start.add_argument(
        "--on",
        type=day_arg,
        help="the levy's business date, 2024-02-20 or 20.02.2024 (default today; a resumed job keeps "
        "its own)",
    )
    add_remote_options(start)
    start.set_defaults(func=cmd_levy_start)
    status = levy.add_parser("status", help="where a year's levy stands")
    status.add_argument("job", metavar="YEAR_OR_JOB", type=_year_or_job, help="a tax year (2024) or a job id")
    add_remote_options(status)
    status.set_defaults(func=cmd_levy_status)

    tax_list = assessment.add_parser("tax-list", help="write the public tax list or the exempt list")
    tax_list.add_argument("year", type=year_arg)
    tax_list.add_argument("--list", choices=["public", "exempt"], default="public")
    tax_list.add_argument(
        "--format", choices=["csv", "pdf"], help="default: from --out's extension, else csv"
    )
    tax_list.add_argument(
        "--out",
        help="file or folder to write to (- for stdout; default skatteliste-YEAR.csv, fritaksliste-YEAR.csv)",
    )
    add_remote_options(tax_list)
    tax_list.set_defaults(func=cmd_tax_list)

    correct = assessment.add_parser("correct", help="correct a levied tax base (§ 17)")
    correct.add_argument("property_id")
    correct.add_argument("--year", type=year_arg, required=True)
    correct.add_argument("--value-nok", required=True, type=kroner, help="e.g. 4 500 000 or 4500000,50")
    correct.add_argument("--reason", required=True)
    correct.add_argument(
        "--on",
        type=day_arg,
        help="the correction's business date, 2024-05-02 or 02.05.2024 (default today): the § 17 time limits "
        "are checked against it and the corrected bill's complaint deadline runs from it",
    )
    add_remote_options(correct)
    correct.set_defaults(func=cmd_correct)

    unvalued = assessment.add_parser(
        "unvalued", help="properties that cannot be valued from the register, with the reason"
    )
    add_remote_options(unvalued)
    unvalued.set_defaults(func=cmd_unvalued)

    find = assessment.add_parser("find", help="search the register")
    find.add_argument("--text", default="", help="part of a property id, cadastral id or address")
    find.add_argument("--zone", default="", help="only properties in this zone")
    find.add_argument("--page-size", type=page_size_arg, default=50, help="at most this many (up to 1000)")
    add_remote_options(find)
    find.set_defaults(func=cmd_find)

    ratio_study.add_commands(assessment)
    calibration.add_commands(assessment)
    inspections.add_commands(
        assessment.add_parser(
            "inspections", help="inspections: needs, plans, routes, owners' notices, field results"
        ).add_subparsers(dest="inspections_command", required=True, metavar="COMMAND")
    )
