"""`propertytax assessment calibrate --sales FILE --zones FILE --json OUT [--valuation-date D] [--holdout 0.2]
[--seed N] [--config-out FILE] [--report OUT.pdf [--report-date YYYY-MM-DD]]`: fits the standard-rate model
to sales and ratio-studies a held-out share.

--json OUT writes {"valuation_date", "sales": {"read", "used", "training", "holdout", "holdout_unvalued",
"excluded": [{"rule", "description", "count"}]}, "excluded_sales": [{"line", "sale_id", "rule", "detail"}],
"time_index": [{"month", "index", "sales"}], "time_index_note", "rates": {"rate_per_m2": {CATEGORY: rate},
"plot_rate_per_m2", "area_bands", "plot_bands": [{"from_m2", "factor"}]}, "zone_factors": {ZONE: {"name",
"factor", "sales"}}, "condition_factors": {"used", "bic_with", "bic_without", "factors": {LEVEL: factor}},
"factor_families": {NAME: the same and "inner"}, "holdout": GROUP (as ratio-study writes it: n,
median_ratio, cod, prd, prb, intervals, pass/fail, notes), "fit": {"sales", "parameters", "r2_log",
"rmse_log", "bic", "converged", "method", "seconds"}}; the excluded sales also as OUT's name with
-excluded.csv. --config-out FILE writes the model as a standard_rates.yaml document (the service loads it
with PROPERTYTAX_STANDARD_RATES_FILE) and, when --zones is GeoJSON, the zones with their fitted factors
next to it (FILE's name with .zones.geojson). --report OUT.pdf writes the valuation-quality report
(Norwegian) from the same calibration: the holdout's ratio study with its plots and map, the fitted rates,
zone factors and price index, the excluded sales by rule."""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path
from typing import Any

from propertytax.assessment.v1 import assessment_pb2_grpc, calibration_pb2
from services.cli.common import (
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
    if args.config_out:
        with open_output(args.config_out, "--config-out", text=True) as handle:
            handle.write(answer.configuration_yaml)
        written.append(args.config_out)
        zones_out = _sibling(args.config_out, ".zones.geojson")
        if _write_zones(zones, answer, zones_out):
            written.append(str(zones_out))
    if write_report(args.report, answer.report):
        written.append(args.report)
    if args.json == "-":
        return 0
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
    return 0


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
        "(optional sale_id, category, standard, outer)",
    )
    calibrate.add_argument(
        "--zones",
        required=True,
        metavar="FILE",
        help="zone polygons (GeoJSON or GeoPackage: zone_id, factor)",
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
        help="write the model as a standard_rates.yaml document (and the zones)",
    )
    add_report_flags(calibrate)
    calibrate.add_argument("--target", help="host:port of the service")
    calibrate.add_argument("--token", help="bearer token (default: $PROPERTYTAX_TOKEN)")
    calibrate.add_argument(
        "--timeout", type=seconds_arg, default=600.0, help="deadline in seconds (600: the fit takes time)"
    )
    calibrate.set_defaults(func=cmd_calibrate)
