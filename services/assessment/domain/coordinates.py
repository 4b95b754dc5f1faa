"""Where a coordinate may lie: the rules both the zone and the property imports check before storing.

Zones and property points are stored as WGS 84 longitude/latitude (EPSG:4326, x = lon, y = lat). A
file's coordinates are refused, with what to do, when they are out of range, look like projected metres
given without a CRS, look like latitude and longitude swapped, or lie outside Norway (or far outside the
municipality's zones)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

STORAGE_EPSG = 4326  # WGS 84, longitude then latitude (RFC 7946's order)
_DEGREES_AT_MOST = 1000.0  # beyond this a "degree" is surely a metre (UTM northings run to 10 million)


@dataclass(frozen=True)
class Box:
    """A lon/lat rectangle with a name for messages."""

    name: str
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def contains(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        return (
            (lons >= self.min_lon) & (lons <= self.max_lon) & (lats >= self.min_lat) & (lats <= self.max_lat)
        )

    def swapped(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """Points that lie in the box once their lon and lat change places."""
        return self.contains(lats, lons)

    def grown(self, name: str, d_lon: float, d_lat: float) -> Box:
        return Box(
            name, self.min_lon - d_lon, self.min_lat - d_lat, self.max_lon + d_lon, self.max_lat + d_lat
        )

    def describe(self) -> str:
        return f"lon {_g(self.min_lon)}–{_g(self.max_lon)}, lat {_g(self.min_lat)}–{_g(self.max_lat)}"


# Mainland Norway with its coast and islands (Svalbard and Jan Mayen are no municipalities).
NORWAY = Box("Norway", 4.0, 57.5, 31.5, 71.5)
# How far beyond the municipality's zones a property point is "far outside" it (about 50 km).
FAR_OUTSIDE_LON, FAR_OUTSIDE_LAT = 1.0, 0.5


def _g(value: float) -> str:
    return f"{value:.6g}"


def _example(lons: np.ndarray, lats: np.ndarray, where: np.ndarray) -> str:
    i = int(np.flatnonzero(where)[0])
    return f"lon {_g(float(lons[i]))}, lat {_g(float(lats[i]))}"


def coordinate_problem(
    lons: Sequence[float] | np.ndarray,
    lats: Sequence[float] | np.ndarray,
    region: Box = NORWAY,
    remedy: str = 'give the CRS (a "crs" member such as EPSG:25833)',
    crs: str | None = None,
) -> str | None:
    """Why these coordinates (one feature's or one point's) cannot be WGS 84 lon/lat in `region`, or None.

    `crs` names the CRS they were transformed from, if any, so that a wrong one is named."""
    x = np.asarray(lons, dtype=float)
    y = np.asarray(lats, dtype=float)
    if not len(x):
        return None
    from_crs = f" after transforming from {crs}: is that the file's CRS?" if crs else ""
    finite = np.isfinite(x) & np.isfinite(y)
    if not finite.all():
        return f"coordinates that are no finite numbers{from_crs}"
    out_of_range = (np.abs(x) > 180) | (np.abs(y) > 90)
    if out_of_range.any():
        if (np.abs(x) > _DEGREES_AT_MOST).any() or (np.abs(y) > _DEGREES_AT_MOST).any():
            big = (np.abs(x) > _DEGREES_AT_MOST) | (np.abs(y) > _DEGREES_AT_MOST)
            e_x, e_y = float(x[big][0]), float(y[big][0])
            return f"looks like projected metres (UTM?), e.g. x {e_x:.0f}, y {e_y:.0f}; {remedy}"
        return (
            f"coordinates out of range ({_example(x, y, out_of_range)}): longitude is −180..180 and "
            f"latitude −90..90{from_crs}"
        )
    if region.swapped(x, y).all():
        return (
            f"latitude and longitude look swapped ({_example(x, y, np.ones_like(x, dtype=bool))}): "
            "give longitude first (x = lon, y = lat)"
        )
    outside = ~region.contains(x, y)
    if outside.any():
        return f"lies outside {region.name} ({_example(x, y, outside)}; {region.describe()}){from_crs}"
    return None


def coordinate_problems(
    lons: np.ndarray,
    lats: np.ndarray,
    owners: np.ndarray,
    region: Box = NORWAY,
    remedy: str = 'give the CRS (a "crs" member such as EPSG:25833)',
    crs: str | None = None,
) -> dict[int, str]:
    """The problem of each owner (feature index) whose coordinates break a rule, checked in bulk."""
    x = np.asarray(lons, dtype=float)
    y = np.asarray(lats, dtype=float)
    owner = np.asarray(owners)
    with np.errstate(invalid="ignore"):
        fine = np.isfinite(x) & np.isfinite(y) & region.contains(x, y)
    problems: dict[int, str] = {}
    bad = np.unique(owner[~fine])
    if not len(bad):
        return problems
    order = np.argsort(owner, kind="stable")
    sorted_owners = owner[order]
    starts = np.searchsorted(sorted_owners, bad, side="left")
    ends = np.searchsorted(sorted_owners, bad, side="right")
    for index, start, end in zip(bad.tolist(), starts.tolist(), ends.tolist(), strict=True):
        mine = order[start:end]
        problem = coordinate_problem(x[mine], y[mine], region, remedy, crs)
        if problem:
            problems[int(index)] = problem
    return problems


# Anywhere on earth: the region of a study's own data (a calibration on another country's sales), where the
# register's check against Norway does not apply.
ANYWHERE = Box("the world", -180.0, -90.0, 180.0, 90.0)
