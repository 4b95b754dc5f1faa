"""Converts King County's house sales (the Kaggle extract of the county's public sales records,
May 2014 – May 2015) into the calibration sales file `propertytax assessment calibrate --sales` reads.

python -m tools.king_county_sales SOURCE [--out data/king_county_calibration_sales.csv]

Every sale is kept, in the source's order (21,613 rows; a property sold twice appears twice, as in the
source): sale_id (the parcel id), sale_date (YYYY-MM-DD), sale_price (USD as it is: the model is
currency-agnostic), bra_m2 (sqft_living × 0.09290304, rounded to 0.1 m²), plot_m2 (sqft_lot, likewise),
lon, lat, build_year, condition (King County's 1–5), category (housing: all are houses), standard (King
County's building grade, 1–13, with the few grades under 4 counted as 4 and over 12 as 12: a level needs
sales to be fitted), outer (the outer-factor class: 5 on the waterfront, else the view rating 0–4) and
zipcode.
Deterministic: the same source gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

SQFT = 0.09290304
COLUMNS = [
    "sale_id", "sale_date", "sale_price", "bra_m2", "plot_m2", "lon", "lat", "build_year", "condition",
    "category", "standard", "outer", "zipcode",
]  # fmt: skip


def convert(source: Path, out: Path) -> int:
    with source.open(newline="") as handle, out.open("w", newline="") as target:
        writer = csv.writer(target, lineterminator="\n")
        writer.writerow(COLUMNS)
        count = 0
        for row in csv.DictReader(handle):
            day = row["date"][:8]
            writer.writerow(
                [
                    row["id"],
                    f"{day[:4]}-{day[4:6]}-{day[6:8]}",
                    int(float(row["price"])),
                    f"{float(row['sqft_living']) * SQFT:.1f}",
                    f"{float(row['sqft_lot']) * SQFT:.1f}",
                    row["long"],
                    row["lat"],
                    row["yr_built"],
                    row["condition"],
                    "housing",
                    min(max(int(row["grade"]), 4), 12),
                    5 if row["waterfront"] == "1" else int(row["view"]),
                    row["zipcode"],
                ]
            )
            count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source", type=Path, help="king_county_sales_2014_2015.csv")
    parser.add_argument("--out", type=Path, default=Path("data/king_county_calibration_sales.csv"))
    args = parser.parse_args(argv)
    sys.stdout.write(f"{convert(args.source, args.out)} sales written to {args.out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
