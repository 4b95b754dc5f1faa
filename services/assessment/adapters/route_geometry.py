"""Distances and travel times for planning inspections: WGS 84 points projected to EPSG:25833 (UTM 33N, the
national grid in which a metre is a metre across Norway), straight lines times the settings' detour factor.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

import numpy as np
from pyproj import Transformer

from services.assessment.domain.property import Location

_TO_UTM33 = Transformer.from_crs("EPSG:4326", "EPSG:25833", always_xy=True)
_HILBERT_SIDE = 1 << 16


def project(locations: Sequence[Location]) -> np.ndarray:
    """(n, 2) float array of EPSG:25833 easting and northing in metres."""
    if not locations:
        return np.empty((0, 2))
    lon = np.fromiter((point.lon for point in locations), dtype=float, count=len(locations))
    lat = np.fromiter((point.lat for point in locations), dtype=float, count=len(locations))
    east, north = _TO_UTM33.transform(lon, lat)
    return np.column_stack([east, north])


def road_metres(origins: np.ndarray, destinations: np.ndarray, detour: float) -> np.ndarray:
    """Travelled metres between (n, 2) and (m, 2) points, shape (n, m): straight line × detour."""
    delta = origins[:, None, :] - destinations[None, :, :]
    metres: np.ndarray = np.hypot(delta[..., 0], delta[..., 1]) * detour
    return metres


def travel_minutes(metres: np.ndarray, metres_per_minute: float) -> np.ndarray:
    """Whole minutes to travel `metres`, rounded up (an assessor is never early by a fraction)."""
    return np.ceil(metres / metres_per_minute - 1e-9).astype(np.int64)


def metres_per_minute(speed_kmh: Decimal) -> float:
    return float(speed_kmh) * 1000 / 60


def kilometres(metres: float) -> Decimal:
    """Metres as kilometres with 3 decimals."""
    return Decimal(f"{metres / 1000:.3f}")


def route_metres(start: np.ndarray, stops: np.ndarray, detour: float) -> tuple[list[float], float]:
    """The legs of a route from `start` through `stops` (in order) and back, in travelled metres."""
    points = np.vstack([start[None, :], stops, start[None, :]])
    legs = np.hypot(*np.diff(points, axis=0).T) * detour
    values = [float(leg) for leg in legs] if len(stops) else []
    return values, math.fsum(values)


def hilbert_order(xy: np.ndarray) -> np.ndarray:
    """Indices that sort points along a Hilbert curve over their bounding square: consecutive runs of the
    order are compact areas, so cutting it into pieces gives compact clusters (ties by index)."""
    if len(xy) == 0:
        return np.empty(0, dtype=np.int64)
    side = _HILBERT_SIDE
    low = xy.min(axis=0)
    span = max(float((xy.max(axis=0) - low).max()), 1.0)
    x = ((xy[:, 0] - low[0]) / span * (side - 1)).astype(np.int64)
    y = ((xy[:, 1] - low[1]) / span * (side - 1)).astype(np.int64)
    distance = np.zeros(len(xy), dtype=np.int64)
    step = side >> 1
    while step > 0:
        rx = ((x & step) > 0).astype(np.int64)
        ry = ((y & step) > 0).astype(np.int64)
        distance += step * step * ((3 * rx) ^ ry)
        flip = (ry == 0) & (rx == 1)
        x = np.where(flip, side - 1 - x, x)
        y = np.where(flip, side - 1 - y, y)
        swap = ry == 0
        x, y = np.where(swap, y, x), np.where(swap, x, y)
        step >>= 1
    return np.lexsort((np.arange(len(xy)), distance))
