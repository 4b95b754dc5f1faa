"""`propertytax assessment calibrate --sales FILE --zones FILE --json OUT [--valuation-date D] [--holdout 0.2]
[--seed N] [--config-out FILE] [--report OUT.pdf [--report-date YYYY-MM-DD]]`: fits the standard-rate model
to sales and ratio-studies a held-out share.

--json OUT writes {"valuation_date", "sales": {"read", "used", "training", "holdout", "holdout_unvalued",
"excluded": [{"rule", "description", "count"}]}, "excluded_sales": [{"line", "sale_id", "rule", "detail"}],
"time_index": [{"month", "index", "sales"}], "time_index_note", "rates": {"rate_per_m2": {CATEGORY: rate},
"plot_rate_per_m2", "area_bands", "plot_bands": [{"from_m2", "factor"}]}, "zone_factors": {ZONE: {"name",
"factor", "sales", "too_few_sales"}}, "condition_factors": {"used", "bic_with", "bic_without", "factors":
{LEVEL: factor}}, "factor_families": {NAME: the same and "inner"}, "holdout": GROUP (as ratio-study writes
it: n, median_ratio, cod, prd, prb, intervals, pass/fail, notes), "fit": {"sales", "parameters", "r2_log",
"rmse_log", "bic", "converged", "method", "seconds"}}; the excluded sales also as OUT's name with
-excluded.csv. --config-out FILE writes the model as a complete standard_rates.yaml document (the
configuration in force with the fitted rates, plot rate and size bands replaced, headed by comments saying
what is fitted and what carried over; the service loads it with PROPERTYTAX_STANDARD_RATES_FILE) and, when
--zones is GeoJSON, the zones with their fitted factors next to it (FILE's name with .zones.geojson); when
the held-out sales fail the IAAO goals it is not written (exit 1, naming the failing figures; JSON and
report are) unless --config-out-anyway. --report OUT.pdf writes the valuation-quality report (Norwegian)
from the same calibration: the holdout's ratio study with its plots and map, the fitted rates, zone factors
and price index, the excluded sales by rule."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

from propertytax.assessment.v1 import assessment_pb2_grpc, calibration_pb2, ratio_study_pb2
from services.cli.common import (
    EXIT_REFUSED,
    caller_for,
    naming_flags,
    number_arg,
    open_output,
    read_input,
    seconds_arg,
    whole,
)
from services.cli.output import show_table
from services.cli.ratio_study import COLUMNS, add_report_flags, group_json, group_row, write_report
from services.platform.numbers import bounds

SHARE = bounds("0.01", "0.9", 4, "0.2")


def _family_json(family: calibration_pb2.FactorFamily) -> dict[str, Any]:
    return {
        "inner": family.inner,
        "used": family.used,
        "bic_with": round(family.bic_with, 1),
        "bic_without": round(family.bic_without, 1),
        "factors": {str(f.level): f.factor for f in family.factors},
    }


def calibration_json(answer: calibration_pb2.CalibrateResponse) -> dict[str, Any]:
    families = {f.name: _family_json(f) for f in answer.factor_families}
    condition = families.get("condition")
    return {
        "valuation_date": answer.valuation_date,
        "sales": {
            "read": answer.sales_read,
            "used": answer.sales_used,
            "training": answer.training_sales,
            "holdout": answer.sales_used - answer.training_sales,
            "holdout_unvalued": answer.holdout_unvalued,
            "excluded": [
                {"rule": e.rule, "description": e.description, "count": e.count} for e in answer.exclusions
            ],
        },
        "excluded_sales": [
            {"line": e.line, "sale_id": e.sale_id, "rule": e.rule, "detail": e.detail}
            for e in answer.excluded
        ],
        "time_index": [
            {"month": m.month, "index": round(m.index, 4), "sales": m.sales} for m in answer.time_index
        ],
        "time_index_note": answer.time_index_note,
        "rates": {
            "rate_per_m2": {r.category: r.rate_per_m2 for r in answer.rates},
            "plot_rate_per_m2": answer.plot_rate_per_m2,
            "area_bands": [{"from_m2": b.from_m2, "factor": b.factor} for b in answer.area_bands],
            "plot_bands": [{"from_m2": b.from_m2, "factor": b.factor} for b in answer.plot_bands],
        },
        "zone_factors": {
            z.zone_id: {
                "name": z.name,
                "factor": z.factor,
                "sales": z.sales,
                "too_few_sales": z.too_few_sales,
            }
            for z in answer.zone_factors
        },
        "condition_factors": condition
        if condition is not None
        else {"used": False, "bic_with": None, "bic_without": None, "factors": {}},
        "factor_families": families,
        "holdout": group_json(answer.holdout),
        "fit": {
            "sales": answer.fit.sales,
            "parameters": answer.fit.parameters,
            "r2_log": round(answer.fit.r2_log, 4),
            "rmse_log": round(answer.fit.rmse_log, 4),
            "bic": round(answer.fit.bic, 1),
            "converged": answer.fit.converged,
            "method": answer.fit.method,
            "seconds": round(answer.fit.seconds, 1),
        },
    }


def _sibling(path: str, suffix: str) -> Path:
    target = Path(path)
    return target.with_name(target.stem + suffix)


def _write_zones(zones: bytes, answer: calibration_pb2.CalibrateResponse, target: Path) -> bool:
    """The zones file with its factors replaced by the fitted ones (zones the fit had no sales for keep
    theirs); False when the zones file is no GeoJSON (a GeoPackage is left to GIS tools)."""
    try:
        document = json.loads(zones)
    except (UnicodeDecodeError, ValueError):
        return False
    fitted = {z.zone_id: z.factor for z in answer.zone_factors}
    for feature in document.get("features", []):
        properties = feature.get("properties") or {}
        zone_id = str(properties.get("zone_id", ""))
        if zone_id in fitted:
            properties["factor"] = fitted[zone_id]
    with open_output(target, "--config-out", text=True) as handle:
        handle.write(json.dumps(document, ensure_ascii=False) + "\n")
    return True


@naming_flags(
    {
        "sales": "--sales",
        "content": "--sales",
        "zones": "--zones",
        "zones.content": "--zones",
        "valuation_date": "--valuation-date",
        "holdout": "--holdout",
        "seed": "--seed",
        "report_date": "--report-date",
    }
)
def cmd_calibrate(args: argparse.Namespace) -> int:
    sales = read_input(args.sales, "--sales")
    zones = read_input(args.zones, "--zones")
    caller = caller_for(args, "assessment")
    stub = assessment_pb2_grpc.AssessmentServiceStub(caller.channel)
    request = calibration_pb2.CalibrateRequest(
        sales=sales,
        zones=zones,
        valuation_date=args.valuation_date or "",
        holdout=args.holdout or 0.0,
        report=bool(args.report),
        report_date=args.report_date or "",
        sales_name=Path(args.sales).name,
        zones_name=Path(args.zones).name,
    )
    if args.seed is not None:
        request.seed = int(args.seed)
    answer = caller.call(stub.Calibrate, request)
    document = calibration_json(answer)
    written = []
    if args.json:
        with open_output(args.json, "--json", text=True) as handle:
            handle.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        if args.json != "-":
            excluded = _sibling(args.json, "-excluded.csv")
            with open_output(excluded, "--json", text=True) as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(["line", "sale_id", "rule", "detail"])
                writer.writerows([e.line, e.sale_id, e.rule, e.detail] for e in answer.excluded)
            written += [args.json, str(excluded)]
    refused = _config_refusal(answer.holdout) if args.config_out and not args.config_out_anyway else ""
    if args.config_out and not refused:
        with open_output(args.config_out, "--config-out", text=True) as handle:
            handle.write(answer.configuration_yaml)
        written.append(args.config_out)
        zones_out = _sibling(args.config_out, ".zones.geojson")
        if _write_zones(zones, answer, zones_out):
            written.append(str(zones_out))
    if write_report(args.report, answer.report):
        written.append(args.report)
    if args.json == "-":
        return _refuse(refused)
    sales_note = (
        f"{answer.sales_read} sales read, {answer.sales_used} used ({answer.training_sales} to fit); "
        + "excluded: "
        + ", ".join(f"{e.rule} {e.count}" for e in answer.exclusions if e.count)
    )
    footer = sales_note + (f"\nwritten to {', '.join(written)}" if written else "")
    show_table(
        argparse.Namespace(**{**vars(args), "json": False}),
        document,
        COLUMNS,
        [group_row(answer.holdout, "holdout")],
        "No holdout.",
        title=f"Calibration to {answer.valuation_date}: ratio study of the held-out sales",
        footer=footer,
    )
    return _refuse(refused)


GOALS = "median ratio 0.90–1.10, COD ≤ 15, PRD 0.98–1.03, |PRB| ≤ 0.05"


def _config_refusal(holdout: ratio_study_pb2.RatioGroup) -> str:
    """Why the model is not written as configuration: the held-out sales' figures that miss the IAAO
    goals, or too few held-out sales for figures; "" when they pass."""
    if not holdout.computed:
        return "the held-out sales are too few for a ratio study"
    if holdout.passed:
        return ""
    failing = [
        text
        for met, text in (
            (holdout.median_ratio_met, f"median ratio {holdout.median_ratio:.3f}"),
            (holdout.cod_met, f"COD {holdout.cod:.1f}"),
            (holdout.prd_met, f"PRD {holdout.prd:.3f}"),
            (holdout.prb_met, f"PRB {holdout.prb:.4f}"),
        )
        if not met
    ]
    return f"the {holdout.n} held-out sales fail the IAAO goals ({GOALS}): {', '.join(failing)}"


def _refuse(reason: str) -> int:
    if not reason:
        return 0
    sys.stderr.write(
        f"error: --config-out not written: {reason}. The JSON and report are written; "
        "give --config-out-anyway to write the configuration regardless.\n"
    )
    return EXIT_REFUSED


def add_commands(assessment: Any) -> None:
    """Adds `calibrate`."""
    calibrate = assessment.add_parser(
        "calibrate",
        help="fit the standard-rate model (m² rates, zone factors, inner and outer factors) to sales and "
        "ratio-study a held-out share",
    )
    calibrate.add_argument(
        "--sales",
        required=True,
        metavar="FILE",
        help="CSV: sale_price, sale_date, bra_m2, plot_m2, lon, lat, build_year, condition "
        "(optional sale_id, category, standard, outer); at least 30 sales, and after the exclusion rules "
        "at least 20 to fit and 3 held out; a zone with fewer than min_zone_sales (calibration.yaml, 5) "
        "sales to fit is not fitted freely",
    )
    calibrate.add_argument(
        "--zones",
        required=True,
        metavar="FILE",
        help="zone polygons (GeoJSON or GeoPackage: zone_id, factor) the sales lie in",
    )
    calibrate.add_argument(
        "--json", metavar="OUT", help="write the calibration as JSON to OUT (- for stdout)"
    )
    calibrate.add_argument(
        "--valuation-date", metavar="YYYY-MM-DD", help="adjust prices to this date (default: the last sale's)"
    )
    calibrate.add_argument(
        "--holdout", type=number_arg(SHARE, "--holdout"), help="share held out of the fit (default 0.2)"
    )
    calibrate.add_argument("--seed", type=whole(0, 4294967295, "20140502"), help="the holdout's random start")
    calibrate.add_argument(
        "--config-out",
        metavar="FILE",
        help="write the model as a complete standard_rates.yaml document (the configuration in force with "
        "the fitted values replaced) and the zones; refused (exit 1) when the held-out sales fail the IAAO "
        "goals",
    )
    calibrate.add_argument(
        "--config-out-anyway",
        action="store_true",
        help="write --config-out even when the held-out sales fail the IAAO goals",
    )
    add_report_flags(calibrate)
    calibrate.add_argument("--target", help="host:port of the service")
    calibrate.add_argument("--token", help="bearer token (default: $PROPERTYTAX_TOKEN)")
    calibrate.add_argument(
        "--timeout", type=seconds_arg, default=600.0, help="deadline in seconds (600: the fit takes time)"
    )
    calibrate.set_defaults(func=cmd_calibrate)
