"""Valuation zones for King County, Washington, made from where its houses sold: the county has no zones
of this project's kind, and the calibration needs polygons to fit a zone factor to.

python -m tools.king_county_zones [--sales data/king_county_calibration_sales.csv] [--zones 200]
    [--seed 20140502] [--out data/king_county_zones.geojson]

The sales' points are projected to UTM zone 10N (EPSG:32610, metres), grouped by k-means (scipy's kmeans2,
k-means++ start, seeded: the same file gives the same zones) into `--zones` clusters; each cluster's
centre gets its Voronoi cell, clipped to the sales' convex hull grown by 1 km, and the cells go back to
WGS 84 lon/lat. Only the sales' locations are used, never their prices. Each feature has zone_id kc-NNN,
name, factor 1 (the calibration fits the factors) and built_up true.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from scipy.cluster.vq import kmeans2

UTM_10N = "EPSG:32610"


def make_zones(lons: np.ndarray, lats: np.ndarray, count: int, seed: int) -> gpd.GeoDataFrame:
    points = gpd.GeoSeries(shapely.points(lons, lats), crs="EPSG:4326").to_crs(UTM_10N)
    xy = np.column_stack([points.x.to_numpy(), points.y.to_numpy()])
    centres, _ = kmeans2(xy, count, seed=seed, minit="++")
    area = shapely.convex_hull(shapely.multipoints(xy)).buffer(1000)
    cells = shapely.voronoi_polygons(shapely.multipoints(centres), extend_to=area)
    by_centre = []
    for centre in centres:
        point = shapely.Point(centre)
        cell = next(c for c in shapely.get_parts(cells) if c.contains(point) or c.touches(point))
        by_centre.append(cell.intersection(area))
    # Zones numbered from north-west to south-east (by rounded northing, then easting): stable names.
    order = sorted(range(count), key=lambda i: (-round(centres[i][1], -3), centres[i][0]))
    frame = gpd.GeoDataFrame(
        {
            "zone_id": [f"kc-{n + 1:03d}" for n in range(count)],
            "name": [f"King County zone {n + 1:03d}" for n in range(count)],
            "factor": [1.0] * count,
            "built_up": [True] * count,
        },
        geometry=[by_centre[i] for i in order],
        crs=UTM_10N,
    ).to_crs("EPSG:4326")
    frame["geometry"] = shapely.make_valid(shapely.set_precision(frame.geometry.values, 1e-6))
    return frame


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sales", type=Path, default=Path("data/king_county_calibration_sales.csv"))
    parser.add_argument("--zones", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20140502)
    parser.add_argument("--out", type=Path, default=Path("data/king_county_zones.geojson"))
    args = parser.parse_args(argv)
    with args.sales.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    lons = np.array([float(r["lon"]) for r in rows])
    lats = np.array([float(r["lat"]) for r in rows])
    zones = make_zones(lons, lats, args.zones, args.seed)
    args.out.write_text(zones.to_json(drop_id=True, to_wgs84=True) + "\n")
    sys.stdout.write(f"{len(zones)} zones written to {args.out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
