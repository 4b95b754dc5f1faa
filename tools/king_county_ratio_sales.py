"""Makes the ratio-study sample `propertytax assessment ratio-study --sales` reads from the 300 King County
sales in data/king_county_sales_sample.csv: each sale valued as a simple standard-rate model would (its zip
code's median price per square foot of living area times its living area, rounded to a thousand, as the
ratio-study tests value them) and placed in its zone of data/king_county_zones.geojson.

python -m tools.king_county_ratio_sales [--out data/samples/king_county_ratio_sales.csv]

Columns: sale_id, sale_date, zipcode, zone (the zone_id), assessed_value, sale_price (USD as is), in the
sample's order. Deterministic: the same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
from pathlib import Path

from services.assessment.adapters.zone_files import read_zones
from services.assessment.domain.coordinates import ANYWHERE
from services.assessment.domain.zones import ZoneIndex

DATA = Path(__file__).resolve().parents[1] / "data"
COLUMNS = ["sale_id", "sale_date", "zipcode", "zone", "assessed_value", "sale_price"]


def make(sample: Path, zones_file: Path, out: Path) -> int:
    with sample.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    per_sqft: dict[str, list[float]] = {}
    for r in rows:
        per_sqft.setdefault(r["zipcode"], []).append(float(r["price"]) / float(r["sqft_living"]))
    rate = {z: statistics.median(v) for z, v in per_sqft.items()}
    zones = read_zones(zones_file.read_bytes(), "zone_id", "name", "factor", "geojson", ANYWHERE)
    located = ZoneIndex(zones).locate([float(r["long"]) for r in rows], [float(r["lat"]) for r in rows])
    with out.open("w", newline="") as target:
        writer = csv.writer(target, lineterminator="\n")
        writer.writerow(COLUMNS)
        for r, zone in zip(rows, located, strict=True):
            day = r["date"][:8]
            writer.writerow(
                [
                    r["id"],
                    f"{day[:4]}-{day[4:6]}-{day[6:8]}",
                    r["zipcode"],
                    zone.zone_id if zone is not None else "",
                    int(round(rate[r["zipcode"]] * float(r["sqft_living"]), -3)),
                    r["price"],
                ]
            )
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=Path, default=DATA / "king_county_sales_sample.csv")
    parser.add_argument("--zones", type=Path, default=DATA / "king_county_zones.geojson")
    parser.add_argument("--out", type=Path, default=DATA / "samples" / "king_county_ratio_sales.csv")
    args = parser.parse_args(argv)
    count = make(args.sample, args.zones, args.out)
    sys.stdout.write(f"{count} sales written to {args.out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
