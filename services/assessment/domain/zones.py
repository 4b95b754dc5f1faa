"""Zones (soner) with their zone factors, and finding each property's zone by a spatial join."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from services.assessment.domain.coordinates import FAR_OUTSIDE_LAT, FAR_OUTSIDE_LON, Box


@dataclass(frozen=True)
class Zone:
    zone_id: str
    name: str
    factor: Decimal
    geometry: BaseGeometry
    built_up: bool = True


class ZoneIndex:
    """A spatial index (STR tree) over the zone polygons: point-in-zone without nested loops."""

    def __init__(self, zones: Sequence[Zone]) -> None:
        self.zones = list(zones)
        self._tree = shapely.STRtree([z.geometry for z in self.zones])

    def locate(self, lons: Sequence[float], lats: Sequence[float]) -> list[Zone | None]:
        """The zone of each point (the first by zone id where zones overlap), or None outside all."""
        found: list[Zone | None] = [None] * len(lons)
        if not self.zones or not len(lons):
            return found
        points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
        point_index, zone_index = self._tree.query(points, predicate="intersects")
        for p, z in zip(point_index.tolist(), zone_index.tolist(), strict=True):
            zone = self.zones[z]
            current = found[p]
            if current is None or zone.zone_id < current.zone_id:
                found[p] = zone
        return found

    def surroundings(self) -> Box | None:
        """Where the municipality's properties may lie: its zones' extent and about 50 km around it."""
        if not self.zones:
            return None
        min_lon, min_lat, max_lon, max_lat = shapely.total_bounds([z.geometry for z in self.zones]).tolist()
        extent = Box("the zones", min_lon, min_lat, max_lon, max_lat)
        return extent.grown(
            "the municipality (its zones and ~50 km around)", FAR_OUTSIDE_LON, FAR_OUTSIDE_LAT
        )

    def by_id(self, zone_id: str | None) -> Zone | None:
        return next((z for z in self.zones if z.zone_id == zone_id), None) if zone_id else None
