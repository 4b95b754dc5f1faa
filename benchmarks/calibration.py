"""Calibration of the standard-rate model on King County's sales, judged on held-out sales.

python -m benchmarks.calibration [--sales data/king_county_calibration_sales.csv]
    [--zones data/king_county_zones.geojson] [--report benchmarks/results/calibration-king-county.json]

The committed sales (21,613 house sales, May 2014 – May 2015, converted by tools/king_county_sales.py) and
the 200 zones made from their locations (tools/king_county_zones.py) go through the Calibrate command as
the service runs it (the same readers, the configured rules of services/assessment/calibration.yaml, the
scipy/statsmodels calibrator, the assesspy ratio statistics), without a server: the exclusion rules, the
monthly index, the fit on 80 % of the usable sales, the holdout's values by the standard-rate formula and
its IAAO ratio study. The goals (issue 15): on the held-out sales COD ≤ 15, PRD 0.98–1.03, |PRB| ≤ 0.05.
Besides the model as configured, the report's "variants" give the holdout figures of simpler forms on
the same sales and holdout, to show what each part of the form buys: one m² rate and one plot rate with
the condition factor only ("one_rate"), the size-graded rates with the condition factor only
("graded_rates"), and with the building's standard in the inner factor too but no outer factor
("graded_rates_standard"). The last measured report is kept in
benchmarks/results/calibration-king-county.json.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.environment import write_report
from services.assessment.adapters.calibration_fit import LeastSquaresCalibrator
from services.assessment.adapters.config_files import load_calibration_settings
from services.assessment.adapters.import_files import ImportFileReaders
from services.assessment.adapters.ratio_statistics import AssesspyStatistics
from services.assessment.application.calibration import calibrate
from services.assessment.domain.calibration import CalibrationSale, CalibrationSettings
from services.assessment.domain.ratio_study import DEFAULT_STANDARDS
from services.assessment.domain.zones import Zone

DATA = Path(__file__).resolve().parents[1] / "data"


def _variant(
    sales: list[CalibrationSale], zones: list[Zone], settings: CalibrationSettings, standard: bool = False
) -> dict[str, Any]:
    plain = [replace(s, standard=s.standard if standard else None, outer=None) for s in sales]
    result = calibrate(
        plain, zones, None, settings, LeastSquaresCalibrator(), AssesspyStatistics(), DEFAULT_STANDARDS
    )
    figures = result.holdout.figures
    assert figures is not None
    return {
        "n": figures.n,
        "median_ratio": round(figures.median_ratio, 4),
        "cod": round(figures.cod, 2),
        "prd": round(figures.prd, 4),
        "prb": round(figures.prb, 4),
        "passed": bool(result.holdout.verdict and result.holdout.verdict.passed),
    }


def run(sales_path: Path, zones_path: Path, variants: bool = True) -> dict[str, Any]:
    started = time.perf_counter()
    files = ImportFileReaders()
    sales = files.calibration_sales(sales_path.read_bytes())
    zones = files.calibration_zones(zones_path.read_bytes())
    settings = load_calibration_settings()
    result = calibrate(
        sales, zones, None, settings, LeastSquaresCalibrator(), AssesspyStatistics(), DEFAULT_STANDARDS
    )
    seconds = time.perf_counter() - started
    simpler = {}
    if variants:
        one_rate = replace(settings.form, area_bands_m2=(), plot_bands_m2=())
        simpler = {
            "one_rate": _variant(sales, zones, replace(settings, form=one_rate)),
            "graded_rates": _variant(sales, zones, settings),
            "graded_rates_standard": _variant(sales, zones, settings, standard=True),
        }
    figures, verdict = result.holdout.figures, result.holdout.verdict
    assert figures is not None and verdict is not None
    met = figures.cod <= 15 and 0.98 <= figures.prd <= 1.03 and abs(figures.prb) <= 0.05
    rates = result.model.rates
    return {
        "benchmark": "calibration",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "system": platform.platform(),
        },
        "sales_file": sales_path.name,
        "zones_file": zones_path.name,
        "zones": len(zones),
        "valuation_date": result.valuation_date.isoformat(),
        "sales": {
            "read": result.sales_read,
            "used": result.sales_used,
            "training": result.training_sales,
            "holdout": result.sales_used - result.training_sales,
            "excluded": dict(Counter(e.rule.value for e in result.excluded)),
        },
        "model": {
            "rate_per_m2": {c.value: float(m.nok) for c, m in rates.rate_per_m2.items()},
            "area_bands": [[float(b.from_m2), float(b.factor)] for b in rates.area_bands],
            "plot_rate_per_m2": float(rates.plot_rate_per_m2.nok),
            "plot_bands": [[float(b.from_m2), float(b.factor)] for b in rates.plot_bands],
            "families": {c.family.value: c.used for c in result.choices},
        },
        "fit": {
            "parameters": result.fit.parameters,
            "r2_log": round(result.fit.r2_log, 4),
            "rmse_log": round(result.fit.rmse_log, 4),
        },
        "holdout": {
            "n": figures.n,
            "trimmed": len(result.holdout.trimmed_lines),
            "median_ratio": round(figures.median_ratio, 4),
            "cod": round(figures.cod, 2),
            "prd": round(figures.prd, 4),
            "prb": round(figures.prb, 4),
            "cod_ci": [round(figures.cod_ci.low, 2), round(figures.cod_ci.high, 2)],
            "prd_ci": [round(figures.prd_ci.low, 4), round(figures.prd_ci.high, 4)],
            "prb_ci": [round(figures.prb_ci.low, 4), round(figures.prb_ci.high, 4)],
            "passed": verdict.passed,
            "notes": list(result.holdout.notes),
        },
        "seconds": round(seconds, 1),
        "variants": simpler,
        "goal": {"cod_max": 15, "prd": [0.98, 1.03], "prb_abs_max": 0.05},
        "goal_met": met,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sales", type=Path, default=DATA / "king_county_calibration_sales.csv")
    parser.add_argument("--zones", type=Path, default=DATA / "king_county_zones.geojson")
    parser.add_argument(
        "--report", type=Path, default=Path("benchmarks/results/calibration-king-county.json")
    )
    parser.add_argument("--no-variants", action="store_true", help="only the model as configured")
    args = parser.parse_args(argv)
    report = run(args.sales, args.zones, not args.no_variants)
    write_report(report, args.report)
    return 0 if report["goal_met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
