"""`propertytax assessment ratio-study --sales FILE [--group-by COLUMN] [--class CLASS] [--unsold FILE]
[--json OUT] [--report OUT.pdf [--zones FILE] [--report-date YYYY-MM-DD]]`: the IAAO ratio study of a sales
file, per group and overall, as a table; --json OUT writes
{"group_by", "property_class", "cod_max", "groups": [GROUP...], "overall": GROUP} where GROUP is {"group",
"sales", "trimmed_lines", "n", "median_ratio", "cod", "prd", "prb", "median_ratio_ci", "cod_ci", "prd_ci",
"prb_ci" ([low, high]), "median_ratio_met", "cod_met", "prd_met", "prb_met", "passed", "low_cod",
"ratios_bunched", "notes", "value_change"} (figures null when too few sales are left after trimming;
value_change {"sold", "unsold", "sold_median_change", "unsold_median_change", "flagged"} or null).
--report OUT.pdf writes the valuation-quality report (Norwegian) from the same study: the figures, ratio
against sale price, box plots by group, a map of the groups' median ratios over --zones, the trimmed sales."""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path
from typing import Any

from propertytax.assessment.v1 import assessment_pb2_grpc, ratio_study_pb2
from services.cli.common import BadInput, caller_for, naming_flags, open_output, read_input, seconds_arg
from services.cli.output import Column, show_table

COLUMNS: list[Column | str] = [
    "Group",
    Column("Sales", numeric=True),
    Column("Trimmed", numeric=True),
    Column("Median ratio", numeric=True),
    Column("COD", numeric=True),
    Column("PRD", numeric=True),
    Column("PRB", numeric=True),
    "Result",
    "Notes",
]


def _pair(interval: ratio_study_pb2.RatioInterval) -> list[float]:
    return [round(interval.low, 4), round(interval.high, 4)]


def group_json(group: ratio_study_pb2.RatioGroup) -> dict[str, Any]:
    computed = group.computed

    def figure(value: float, decimals: int) -> float | None:
        return round(value, decimals) if computed else None

    return {
        "group": group.group,
        "sales": group.sales,
        "trimmed_lines": list(group.trimmed_lines),
        "n": group.n if computed else None,
        "median_ratio": figure(group.median_ratio, 4),
        "cod": figure(group.cod, 2),
        "prd": figure(group.prd, 4),
        "prb": figure(group.prb, 4),
        "median_ratio_ci": _pair(group.median_ratio_ci) if computed else None,
        "cod_ci": _pair(group.cod_ci) if computed else None,
        "prd_ci": _pair(group.prd_ci) if computed else None,
        "prb_ci": _pair(group.prb_ci) if computed else None,
        "median_ratio_met": group.median_ratio_met if computed else None,
        "cod_met": group.cod_met if computed else None,
        "prd_met": group.prd_met if computed else None,
        "prb_met": group.prb_met if computed else None,
        "passed": group.passed if computed else None,
        "low_cod": group.low_cod,
        "ratios_bunched": group.ratios_bunched,
        "notes": list(group.notes),
        "value_change": _change_json(group) if group.HasField("value_change") else None,
    }


def _change_json(group: ratio_study_pb2.RatioGroup) -> dict[str, Any]:
    change = group.value_change
    return {
        "sold": change.sold,
        "unsold": change.unsold,
        "sold_median_change": round(change.sold_median_change, 4),
        "unsold_median_change": round(change.unsold_median_change, 4),
        "flagged": change.flagged,
    }


def study_json(answer: ratio_study_pb2.RatioStudyResponse) -> dict[str, Any]:
    return {
        "group_by": answer.group_by,
        "property_class": answer.property_class,
        "cod_max": answer.cod_max,
        "groups": [group_json(g) for g in answer.groups],
        "overall": group_json(answer.overall),
    }


# The IAAO ranges the service judges by (median ratio, PRD, |PRB|; COD's limit comes with the answer).
MEDIAN_RANGE = (0.90, 1.10)
PRD_RANGE = (0.98, 1.03)
PRB_LIMIT = 0.05


def off_limits(value: float, decimals: int, limits: tuple[float, ...]) -> int:
    """Enough decimals that a figure does not show as sitting on a limit (PRB -0.0501, not -0.050)."""
    while decimals < 6 and any(
        round(abs(value), decimals) == round(abs(limit), decimals) for limit in limits
    ):
        decimals += 1
    return decimals


def _with_interval(
    value: float,
    interval: ratio_study_pb2.RatioInterval,
    decimals: int,
    met: bool,
    limits: tuple[float, ...] = (),
) -> str:
    mark = "" if met else " ✗"
    decimals = off_limits(value, decimals, limits)
    return f"{value:.{decimals}f} ({interval.low:.{decimals}f}–{interval.high:.{decimals}f}){mark}"


def group_row(group: ratio_study_pb2.RatioGroup, name: str, cod_max: float = 15.0) -> list[object]:
    if not group.computed:
        return [
            name,
            group.sales,
            len(group.trimmed_lines),
            "",
            "",
            "",
            "",
            "too few",
            "; ".join(group.notes),
        ]
    return [
        name,
        group.sales,
        len(group.trimmed_lines),
        _with_interval(group.median_ratio, group.median_ratio_ci, 3, group.median_ratio_met, MEDIAN_RANGE),
        _with_interval(group.cod, group.cod_ci, 1, group.cod_met, (cod_max,)),
        _with_interval(group.prd, group.prd_ci, 3, group.prd_met, PRD_RANGE),
        _with_interval(group.prb, group.prb_ci, 3, group.prb_met, (PRB_LIMIT,)),
        "pass" if group.passed else "fail",
        "; ".join(group.notes),
    ]


@naming_flags(
    {
        "content": "--sales",
        "group_by": "--group-by",
        "property_class": "--class",
        "unsold": "--unsold",
        "zones": "--zones",
        "zones.content": "--zones",
        "report_date": "--report-date",
    }
)
def cmd_ratio_study(args: argparse.Namespace) -> int:
    content = read_input(args.sales, "--sales")
    if args.group_by:
        check_column(content, args.group_by.strip(), "--group-by")
    caller = caller_for(args, "assessment")
    stub = assessment_pb2_grpc.AssessmentServiceStub(caller.channel)
    unsold = read_input(args.unsold, "--unsold") if args.unsold else b""
    zones = read_input(args.zones, "--zones") if args.zones else b""
    request = ratio_study_pb2.RatioStudyRequest(
        content=content,
        group_by=args.group_by or "",
        property_class=args.property_class or "",
        unsold=unsold,
        report=bool(args.report),
        zones=zones,
        report_date=args.report_date or "",
        sales_name=Path(args.sales).name,
        zones_name=Path(args.zones).name if args.zones else "",
    )
    answer = caller.call(stub.RatioStudy, request)
    document = study_json(answer)
    written = write_report(args.report, answer.report)
    if args.json:
        with open_output(args.json, "--json", text=True) as handle:
            handle.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    if args.json == "-":
        return 0
    cod_max = answer.cod_max
    rows = [group_row(g, g.group, cod_max) for g in answer.groups] + [
        group_row(answer.overall, "overall", cod_max)
    ]
    # --json OUT is a file here, not the machine-form switch show_table looks for: the table still shows.
    show_table(
        argparse.Namespace(**{**vars(args), "json": False}),
        document,
        COLUMNS,
        rows,
        "No sales.",
        title=f"Ratio study ({answer.property_class}: COD at most {answer.cod_max:g}; 95 % intervals)",
        footer=f"written to {', '.join(w for w in (args.json, written) if w)}"
        if args.json or written
        else None,
    )
    return 0


def write_report(path: str | None, report: bytes) -> str:
    """Writes the report the service rendered to `path` (the --report flag); returns the path or ""."""
    if not path:
        return ""
    with open_output(path, "--report") as handle:
        handle.write(report)
    return path


def check_column(content: bytes, column: str, flag: str) -> None:
    """The sales file's header (comma or semicolon, as the service reads it) has `column`; BadInput naming
    the flag and the columns there are (exit 2 before anything is sent) otherwise."""
    first = content.split(b"\n", 1)[0].decode("utf-8", errors="replace").lstrip("\ufeff").rstrip("\r")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    columns = [c.strip() for c in next(csv.reader([first], delimiter=delimiter), [])]
    if column not in columns:
        raise BadInput(f"{flag} {column}: no such column in the sales file (columns: {', '.join(columns)})")


def add_report_flags(parser: Any) -> None:
    """--report OUT.pdf and --report-date, shared with `calibrate`."""
    parser.add_argument(
        "--report", metavar="OUT.pdf", help="write the valuation-quality report (PDF, Norwegian) to OUT.pdf"
    )
    parser.add_argument("--report-date", metavar="YYYY-MM-DD", help="the report's date (default: today)")


def add_commands(assessment: Any) -> None:
    """Adds `ratio-study`."""
    study = assessment.add_parser(
        "ratio-study", help="IAAO ratio study of assessed values against sale prices, per group and overall"
    )
    study.add_argument(
        "--sales",
        required=True,
        metavar="FILE",
        help="CSV with assessed_value and sale_price (NOK): at least 5 sales",
    )
    study.add_argument(
        "--group-by",
        metavar="COLUMN",
        help="a column of the file to group the sales by; a group needs at least 5 sales after trimming "
        "for figures (fewer: shown as too few)",
    )
    study.add_argument(
        "--class",
        dest="property_class",
        choices=("residential", "homogeneous"),
        help="COD limit: residential 15 (default), homogeneous (newer or uniform areas) 10",
    )
    study.add_argument(
        "--unsold",
        metavar="FILE",
        help="CSV of properties not sold (assessed_value, previous_value): compares their value changes "
        "with the sold ones' (previous_value in --sales)",
    )
    study.add_argument("--json", metavar="OUT", help="write the study as JSON to OUT (- for stdout)")
    add_report_flags(study)
    study.add_argument(
        "--zones",
        metavar="FILE",
        help="zone polygons (GeoJSON or GeoPackage: zone_id, name) for the report's map; a group is drawn in "
        "the zone whose zone_id or name it equals (so with --group-by; without it the map is left out)",
    )
    study.add_argument("--target", help="host:port of the service")
    study.add_argument("--token", help="bearer token (default: $PROPERTYTAX_TOKEN)")
    study.add_argument(
        "--timeout",
        type=seconds_arg,
        default=600.0,
        help="deadline in seconds (600: the intervals and the report take minutes on a slow machine)",
    )
    study.set_defaults(func=cmd_ratio_study)
