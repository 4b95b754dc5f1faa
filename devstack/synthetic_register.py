"""A synthetic property register placed inside real zone polygons, for demos, tests and benchmarks.

Deterministic for a given seed: the same rows every time. No personal data.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import shapely

OSLO_MUNICIPALITY = "0301"  # the municipality number of the register's property ids
OSLO_ZONES = Path(__file__).resolve().parents[1] / "data" / "oslo_zones.geojson"
CSV_COLUMNS = [
    "property_id",
    "cadastral_id",
    "address",
    "category",
    "units",
    "housing_value",
    "bra_m2",
    "plot_m2",
    "lon",
    "lat",
    "exempt_reason",
]
# Share of each category in an Oslo-like register.
_CATEGORIES = [
    ("housing", 0.86),
    ("commercial", 0.08),
    ("undeveloped", 0.03),
    ("holiday_home", 0.01),
    ("power", 0.005),
    ("agriculture", 0.015),
]
_STREETS = [
    "Storgata",
    "Kirkeveien",
    "Trondheimsveien",
    "Bogstadveien",
    "Ringveien",
    "Hovedveien",
    "Skogveien",
    "Parkveien",
    "Sjøgata",
    "Bekkeveien",
]


def points_in_zones(count: int, seed: int, zones_file: Path = OSLO_ZONES) -> np.ndarray:
    """`count` random (lon, lat) points inside the union of the zone polygons."""
    collection = json.loads(zones_file.read_text(encoding="utf-8"))
    area = shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in collection["features"]])
    shapely.prepare(area)
    rng = np.random.default_rng(seed)
    min_x, min_y, max_x, max_y = area.bounds
    found = np.empty((0, 2))
    while len(found) < count:
        candidates = np.column_stack(
            [rng.uniform(min_x, max_x, count * 2), rng.uniform(min_y, max_y, count * 2)]
        )
        inside = shapely.contains_xy(area, candidates[:, 0], candidates[:, 1])
        found = np.vstack([found, candidates[inside]])
    return found[:count]


def register_csv(count: int, seed: int = 7, municipality: str = OSLO_MUNICIPALITY) -> bytes:
    """A property-import CSV with `count` rows (the columns the import accepts)."""
    rng = np.random.default_rng(seed)
    points = points_in_zones(count, seed)
    names = [c for c, _ in _CATEGORIES]
    weights = np.array([w for _, w in _CATEGORIES])
    categories = rng.choice(names, size=count, p=weights / weights.sum())
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for n in range(count):
        category = str(categories[n])
        gnr, bnr = 1 + n // 500, 1 + n % 500
        housing = category == "housing"
        units = (
            int(rng.choice([1, 1, 1, 2, 3]))
            if housing
            else (1 if category in ("holiday_home", "agriculture") else 0)
        )
        # Most housing has the tax authority's value; some is valued by standard rates.
        housing_value = int(rng.lognormal(15.9, 0.45)) * units if housing and rng.random() < 0.9 else ""
        bra = round(float(rng.uniform(40, 220)) * max(units, 1), 1) if category != "undeveloped" else 0
        plot = int(rng.uniform(0, 900)) if category != "power" else int(rng.uniform(1000, 20000))
        exempt = "§ 5 h" if rng.random() < 0.01 else ("§ 7 b" if rng.random() < 0.01 else "")
        writer.writerow(
            [
                f"{municipality}-{gnr}/{bnr}/0/0",
                f"{municipality}-{gnr}/{bnr}/0/0",
                f"{_STREETS[n % len(_STREETS)]} {1 + n % 197}, Oslo",
                category,
                units,
                housing_value,
                bra,
                plot,
                f"{points[n, 0]:.6f}",
                f"{points[n, 1]:.6f}",
                exempt,
            ]
        )
    return out.getvalue().encode("utf-8")


OSLO_2024_DECISION = """\
# Oslo 2024 (figures from the council's decision): housing 2.8 per mille, other property 3.7,
# basic deduction 4.7 million per dwelling unit, values reduced by 30 %.
year: 2024
rates_per_mille:
  housing: 2.8
  holiday_home: 2.8
  commercial: 3.7
  power: 3.7
  undeveloped: 3.7
basic_deduction_nok: 4700000
reduction_factor: 0.30
first_year: false
previous_rates_per_mille:
  housing: 3.0
  holiday_home: 3.0
  commercial: 3.7
  power: 3.7
  undeveloped: 3.7
minimum_amount_nok: 50
terms: 4
"""


def synthetic_national_id(n: int) -> str:
    """A synthetic fødselsnummer (month + 80, as the national test numbers use) with valid check digits:
    it can never belong to a real person. Check digits by the rule for numbers issued before 2032, as for
    the people of these years."""
    from services.platform.identity import is_valid_national_id_before_2032

    day, month, year = 1 + n % 28, 1 + (n // 28) % 12, 50 + (n // 336) % 50
    for individual in range(500, 1000):
        base = f"{day:02d}{month + 80:02d}{year:02d}{individual:03d}"
        for k1 in range(10):
            for k2 in range(10):
                candidate = f"{base}{k1}{k2}"
                if is_valid_national_id_before_2032(candidate):
                    return candidate
    raise AssertionError("unreachable")


def synthetic_organisation_number(n: int) -> str:
    from services.platform.identity import is_valid_organisation_number

    for offset in range(100):
        base = f"9{(n * 97 + offset) % 10_000_000:07d}"
        for check in range(10):
            if is_valid_organisation_number(base + str(check)):
                return base + str(check)
    raise AssertionError("unreachable")
