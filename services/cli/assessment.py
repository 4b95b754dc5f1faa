"""`propertytax assessment …`: the assessors' commands, thin calls onto AssessmentService."""

from __future__ import annotations

import argparse
import csv
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import grpc

from propertytax.assessment.v1 import assessment_pb2, assessment_pb2_grpc, property_pb2, tax_pb2
from propertytax.platform.v1 import money_pb2
from services.cli.common import (
    add_remote_options,
    caller_for,
    follow,
    kroner,
    open_output,
    page_size_arg,
    print_json,
    print_rpc_error,
    read_input,
    year_arg,
)

_FORMATS = {
    ".csv": assessment_pb2.IMPORT_FORMAT_CSV,
    ".geojson": assessment_pb2.IMPORT_FORMAT_GEOJSON,
    ".json": assessment_pb2.IMPORT_FORMAT_GEOJSON,
    ".gpkg": assessment_pb2.IMPORT_FORMAT_GPKG,
}


def _nok(money: money_pb2.Money) -> str:
    return f"{Decimal(money.ore) / 100:,.2f}".replace(",", " ")


def _stub(args: argparse.Namespace) -> tuple[Any, assessment_pb2_grpc.AssessmentServiceStub]:
    caller = caller_for(args, "assessment")
    return caller, assessment_pb2_grpc.AssessmentServiceStub(caller.channel)


def _format_of(path: Path, given: str | None) -> assessment_pb2.ImportFormat.ValueType:
    if given:
        return {
            "csv": assessment_pb2.IMPORT_FORMAT_CSV,
            "geojson": assessment_pb2.IMPORT_FORMAT_GEOJSON,
            "gpkg": assessment_pb2.IMPORT_FORMAT_GPKG,
        }[given]
    try:
        return _FORMATS[path.suffix.lower()]
    except KeyError:
        raise SystemExit(f"cannot tell the format of {path}; pass --format csv|geojson|gpkg") from None


def cmd_import(args: argparse.Namespace) -> int:
    if args.kind == "owners":
        from services.cli.register import cmd_import_owners

        return cmd_import_owners(args)
    content = read_input(args.file, "file")
    caller, stub = _stub(args)
    if args.kind == "properties":
        request: Any = assessment_pb2.ImportPropertiesRequest(
            content=content, format=_format_of(args.file, args.format), housing_value_year=args.year or 0
        )
        print_json(caller.call(stub.ImportProperties, request))
    elif args.kind == "housing-values":
        request = assessment_pb2.ImportHousingValuesRequest(content=content, year=args.year or 0)
        print_json(caller.call(stub.ImportHousingValues, request))
    else:
        request = assessment_pb2.ImportZonesRequest(
            content=content,
            format=_format_of(args.file, args.format),
            id_property=args.id_property,
            name_property=args.name_property,
            factor_property=args.factor_property,
            allow_uncovered=args.allow_uncovered,
        )
        print_json(caller.call(stub.ImportZones, request))
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    decision_yaml = read_input(args.decision, "--decision", text=True)
    caller, stub = _stub(args)
    report = caller.call(
        stub.SimulateTaxYear,
        assessment_pb2.SimulateTaxYearRequest(
            decision_yaml=decision_yaml, include_properties=bool(args.by_property)
        ),
    )
    out = sys.stdout
    out.write(f"Revenue simulation for {report.year}\n")
    out.write(f"  total revenue: {_nok(report.total_revenue)} NOK\n")
    if report.has_current:
        change = money_pb2.Money(ore=report.total_revenue.ore - report.current_total_revenue.ore)
        out.write(
            f"  current decision: {_nok(report.current_total_revenue)} NOK (change {_nok(change)} NOK)\n"
        )
    else:
        out.write("  no current decision for the year to compare with\n")
    out.write(
        f"  properties: {report.properties} (pay {report.paying}, taxed 0 kr "
        f"{report.taxed - report.paying}, exempt {report.exempt}, below minimum {report.below_minimum}, "
        f"out of scope {report.out_of_scope}, not valued {report.not_valued})\n"
    )
    out.write("  per category:\n")
    for c in report.categories:
        name = property_pb2.PropertyCategory.Name(c.category).removeprefix("PROPERTY_CATEGORY_").lower()
        line = f"    {name:<13} {c.taxed:>7} of {c.properties:>7} pay {_nok(c.revenue):>20} NOK"
        if report.has_current:
            line += f"  (current {_nok(c.current_revenue)})"
        if c.not_valued:
            line += f"  ({c.not_valued} not valued)"
        out.write(line + "\n")
    out.write("  how many pay how much (NOK a year):\n")
    for b in report.bands:
        upper = f"{b.upper_nok:,}".replace(",", " ") if b.upper_nok else "and more"
        out.write(f"    {b.lower_nok:>9,} – {upper:<10} {b.properties:>8}\n".replace(",", " "))
    if args.by_property:
        # A property that is not valued has no tax base, which is not one taxed at 0 kr: the status says
        # which, and the reason column names why a property is not valued (every reason it has).
        needs = _needs_by_property(caller, stub) if report.not_valued else {}
        with open_output(args.by_property, "--by-property", text=True) as handle:
            writer = csv.writer(handle)
            writer.writerow(["property_id", "tax_base_nok", "tax_nok", "status", "reason"])
            for p in report.property_taxes:
                status = tax_pb2.TaxStatus.Name(p.status).removeprefix("TAX_STATUS_").lower()
                reason = ""
                if p.status == tax_pb2.TAX_STATUS_NOT_VALUED:
                    reason = (
                        ",".join(n.reason for n in needs.get(p.property_id, [])) or "no adopted valuation"
                    )
                writer.writerow(
                    [
                        p.property_id,
                        f"{Decimal(p.tax_base.ore) / 100:.2f}",
                        f"{Decimal(p.tax.ore) / 100:.2f}",
                        status,
                        reason,
                    ]
                )
        if str(args.by_property) != "-":
            out.write(f"  per property: {args.by_property}\n")
    return 0


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


def cmd_set_decision(args: argparse.Namespace) -> int:
    decision_yaml = read_input(args.file, "file", text=True)
    caller, stub = _stub(args)
    print_json(
        caller.call(
            stub.SetTaxYearDecision, assessment_pb2.SetTaxYearDecisionRequest(decision_yaml=decision_yaml)
        )
    )
    return 0


def cmd_adopt(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    print_json(
        caller.call(
            stub.AdoptValuations,
            assessment_pb2.AdoptValuationsRequest(
                property_ids=args.property or [], adoption_reference=args.reference
            ),
        )
    )
    return 0


def cmd_levy_start(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    request = assessment_pb2.StartLevyRequest(tax_year=args.year, levied_on=args.on or "")
    job = caller.call(stub.StartLevy, request).job
    if args.wait:
        job = follow(
            job,
            lambda j: caller.call(stub.GetLevyJob, assessment_pb2.GetLevyJobRequest(job_id=j.job_id)).job,
            lambda j: j.state == assessment_pb2.LEVY_JOB_STATE_RUNNING,
            lambda j: f"{j.processed}/{j.total} properties levied",
        )
    print_json(job)
    return 0 if job.state != assessment_pb2.LEVY_JOB_STATE_FAILED else 1


def cmd_levy_status(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    print_json(caller.call(stub.GetLevyJob, assessment_pb2.GetLevyJobRequest(job_id=args.job_id)).job)
    return 0


def cmd_tax_list(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    request = assessment_pb2.ExportTaxListRequest(
        tax_year=args.year,
        list=assessment_pb2.TAX_LIST_EXEMPT if args.list == "exempt" else assessment_pb2.TAX_LIST_PUBLIC,
        format=assessment_pb2.DOCUMENT_FORMAT_PDF
        if args.format == "pdf"
        else assessment_pb2.DOCUMENT_FORMAT_CSV,
    )
    stream = stub.ExportTaxList(request, metadata=caller.metadata(), timeout=caller.timeout)
    with open_output(args.out, "--out") as handle:
        for chunk in stream:
            handle.write(chunk.chunk)
    if str(args.out) != "-":
        sys.stdout.write(f"{args.out}\n")
    return 0


_CORRECT_FLAGS = {"corrected_on": "--on", "value": "--value-nok", "reason": "--reason", "tax_year": "--year"}


def cmd_correct(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    request = assessment_pb2.CorrectTaxBaseRequest(
        property_id=args.property_id,
        tax_year=args.year,
        value=money_pb2.Money(ore=args.value_nok.ore),
        reason=args.reason,
        corrected_on=args.on or "",
    )
    try:
        print_json(caller.call(stub.CorrectTaxBase, request))
    except grpc.RpcError as exc:
        # A refusal names the command's flags (corrected_on → --on), so the user sees what to change.
        return print_rpc_error(exc, _CORRECT_FLAGS)
    return 0


def cmd_find(args: argparse.Namespace) -> int:
    caller, stub = _stub(args)
    print_json(
        caller.call(
            stub.FindProperties,
            assessment_pb2.FindPropertiesRequest(text=args.text, zone_id=args.zone, page_size=args.page_size),
        )
    )
    return 0


def cmd_unvalued(args: argparse.Namespace) -> int:
    """The properties that need a valuation (an inspection): one line each, with every reason it has
    (reasons joined by ",", their details by " | ")."""
    caller, stub = _stub(args)
    needs = _needs_by_property(caller, stub)
    for property_id, found in needs.items():
        reasons = ",".join(n.reason for n in found)
        details = " | ".join(n.detail for n in found)
        sys.stdout.write(f"{property_id}\t{reasons}\t{details}\n")
    sys.stdout.write(f"{len(needs)} properties need a valuation\n")
    return 0


def add_commands(assessment: Any) -> None:
    """Adds the commands to the `assessment` sub-parser group."""
    importing = assessment.add_parser(
        "import", help="import properties, housing values or zones (all or nothing)"
    )
    importing.add_argument("kind", choices=["properties", "housing-values", "zones", "owners"])
    importing.add_argument("file", type=Path)
    importing.add_argument("--format", choices=["csv", "geojson", "gpkg"], help="default: from the file name")
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
        help="also write property_id,tax_base_nok,tax_nok,status,reason to this CSV (- for stdout) "
        "(status taxed, exempt, out_of_scope, below_minimum or not_valued; reason: why not valued)",
    )
    add_remote_options(simulate)
    simulate.set_defaults(func=cmd_simulate)

    decision = assessment.add_parser("set-decision", help="store the council's decision for a year")
    decision.add_argument("file", type=Path)
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
    start.add_argument("--wait", action="store_true", help="follow progress until it ends")
    start.add_argument(
        "--on", help="the levy's business date, YYYY-MM-DD (default today; a resumed job keeps its own)"
    )
    add_remote_options(start)
    start.set_defaults(func=cmd_levy_start)
    status = levy.add_parser("status", help="a levy job's progress")
    status.add_argument("job_id")
    add_remote_options(status)
    status.set_defaults(func=cmd_levy_status)

    tax_list = assessment.add_parser("tax-list", help="write the public tax list or the exempt list")
    tax_list.add_argument("year", type=year_arg)
    tax_list.add_argument("--list", choices=["public", "exempt"], default="public")
    tax_list.add_argument("--format", choices=["csv", "pdf"], default="csv")
    tax_list.add_argument("--out", type=Path, required=True, help="file to write (- for stdout)")
    add_remote_options(tax_list)
    tax_list.set_defaults(func=cmd_tax_list)

    correct = assessment.add_parser("correct", help="correct a levied tax base (§ 17)")
    correct.add_argument("property_id")
    correct.add_argument("--year", type=year_arg, required=True)
    correct.add_argument("--value-nok", required=True, type=kroner, help="e.g. 4 500 000 or 4500000,50")
    correct.add_argument("--reason", required=True)
    correct.add_argument(
        "--on",
        help="the correction's business date, YYYY-MM-DD (default today): the § 17 time limits are checked "
        "against it and the corrected bill's complaint deadline runs from it",
    )
    add_remote_options(correct)
    correct.set_defaults(func=cmd_correct)

    unvalued = assessment.add_parser(
        "unvalued", help="properties that cannot be valued from the register, with the reason"
    )
    add_remote_options(unvalued)
    unvalued.set_defaults(func=cmd_unvalued)

    find = assessment.add_parser("find", help="search the register")
    find.add_argument("--text", default="")
    find.add_argument("--zone", default="")
    find.add_argument("--page-size", type=page_size_arg, default=50)
    add_remote_options(find)
    find.set_defaults(func=cmd_find)
