"""Reading properties and zones from real GeoJSON and GeoPackage files (written here with geopandas)."""

from __future__ import annotations

from pathlib import Path

import geopandas
import pytest
import shapely

from devstack.synthetic_register import OSLO_ZONES
from services.assessment.adapters.property_files import read_properties_geo
from services.assessment.adapters.zone_files import read_zones
from services.platform.errors import InvalidInput


def _frame(geometries: list[object]) -> geopandas.GeoDataFrame:
    return geopandas.GeoDataFrame(
        {
            "property_id": [f"0301-7/{n}/0/0" for n in range(1, len(geometries) + 1)],
            "category": ["housing"] * len(geometries),
            "units": [1] * len(geometries),
            "housing_value": ["9000000"] * len(geometries),
        },
        geometry=geometries,
        crs="EPSG:4326",
    )


def test_a_geopackage_with_a_point_and_a_parcel_polygon(tmp_path: Path) -> None:
    parcel = shapely.box(10.70, 59.90, 10.701, 59.901)
    path = tmp_path / "register.gpkg"
    _frame([shapely.Point(10.75, 59.91), parcel]).to_file(path, driver="GPKG")
    rows = read_properties_geo(path.read_bytes())
    assert [r.property_id for r in rows] == ["0301-7/1/0/0", "0301-7/2/0/0"]
    assert rows[0].facts.location is not None and rows[0].geometry_wkt is None
    assert rows[1].geometry_wkt is not None and rows[1].facts.location is not None
    assert parcel.contains(shapely.Point(rows[1].facts.location.lon, rows[1].facts.location.lat))


def test_a_line_is_neither_a_point_nor_a_parcel(tmp_path: Path) -> None:
    path = tmp_path / "bad.geojson"
    _frame([shapely.Point(10.75, 59.91), shapely.LineString([(10.7, 59.9), (10.8, 59.9)])]).to_file(
        path, driver="GeoJSON"
    )
    with pytest.raises(InvalidInput) as caught:
        read_properties_geo(path.read_bytes())
    assert [v.field for v in caught.value.violations] == ["feature 2"]


def test_the_shipped_oslo_zones_read_as_sixteen_valid_zones() -> None:
    zones = read_zones(OSLO_ZONES.read_bytes())
    assert len(zones) == 16 and all(z.geometry.is_valid for z in zones)
    assert {z.name for z in zones} >= {"Frogner", "Grorud", "Sentrum"}
    with pytest.raises(InvalidInput):
        read_zones(b"not geojson at all")
