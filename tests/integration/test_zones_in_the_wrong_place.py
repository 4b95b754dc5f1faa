"""Zone and property files in the wrong place (issue 11, case 4), through the real service and the CLI: a
zones file with lat/lon swapped, UTM metres without a CRS or lon 400 / lat 95 is INVALID_ARGUMENT naming
the feature and what to do, and Oslo's zones stay; a file with a "crs" member is transformed; zones that
leave registered properties outside every zone are refused with the count unless allowed; the request's
format is honoured; random coordinates and CRSs never end in INTERNAL."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import grpc
import pyproj
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from devstack.synthetic_register import OSLO_ZONES, register_csv
from propertytax.assessment.v1 import assessment_pb2
from services.assessment.adapters.orm import zones as zones_table
from services.assessment.service import SPEC
from services.cli import main
from services.platform.auth import Role, TokenAuthority
from services.platform.grpc_status import field_violations
from services.platform.runtime import ServiceRuntime
from services.platform.service_builder import build_runtime
from services.platform.settings import Settings
from tests.integration.test_assessment_levy import Api

pytestmark = pytest.mark.kafka

SECRET = "assessment-test-secret-0123456789abcdef"
GEOJSON = assessment_pb2.IMPORT_FORMAT_GEOJSON
OSLO = json.loads(OSLO_ZONES.read_text(encoding="utf-8"))
REGISTERED = 120
TO_UTM33 = pyproj.Transformer.from_crs(4326, 25833, always_xy=True)

Point = list[float]


def _moved(move: Callable[[Point], Point], crs: str | None = None, features: int | None = None) -> bytes:
    """Oslo's zones with every coordinate moved, optionally a legacy "crs" member and fewer features."""

    def each(coordinates: Any) -> Any:
        if isinstance(coordinates[0], int | float):
            return move(coordinates)
        return [each(c) for c in coordinates]

    document = copy.deepcopy(OSLO)
    document["features"] = document["features"][:features]
    for feature in document["features"]:
        feature["geometry"]["coordinates"] = each(feature["geometry"]["coordinates"])
    if crs:
        document["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(document).encode()


SWAPPED = _moved(lambda p: [p[1], p[0]])
UTM_WITHOUT_CRS = _moved(lambda p: list(TO_UTM33.transform(p[0], p[1])))
LON_400_LAT_95 = _moved(lambda p: [p[0] + 390, p[1] + 35])  # Oslo's shapes at lon ~400, lat ~95
UTM_33_WITH_CRS = _moved(lambda p: list(TO_UTM33.transform(p[0], p[1])), crs="urn:ogc:def:crs:EPSG::25833")


@pytest.fixture
def runtime(database_url: str, kafka_bootstrap: str, tmp_path: Path) -> Iterator[ServiceRuntime]:
    settings_ = Settings(
        database_url=database_url,
        kafka_bootstrap=kafka_bootstrap,
        var_dir=tmp_path,
        auth_secret=SECRET,  # type: ignore[arg-type]
    )
    service = build_runtime(SPEC, settings_)
    service.start()
    yield service
    service.stop()


@pytest.fixture
def api(runtime: ServiceRuntime) -> Iterator[Api]:
    """The service with Oslo's zones and a register of properties inside them."""
    client = Api(runtime.server.port)
    client.ImportZones(assessment_pb2.ImportZonesRequest(content=OSLO_ZONES.read_bytes(), format=GEOJSON))
    imported = client.ImportProperties(
        assessment_pb2.ImportPropertiesRequest(
            content=register_csv(REGISTERED), format=assessment_pb2.IMPORT_FORMAT_CSV, housing_value_year=2024
        )
    )
    assert imported.rows == REGISTERED
    yield client
    client.channel.close()


def _stored_zones(runtime: ServiceRuntime) -> list[tuple[str, str]]:
    with runtime.engine.connect() as conn:
        rows = conn.execute(select(zones_table.c.zone_id, zones_table.c.geometry_wkt).order_by("zone_id"))
        return [(r.zone_id, r.geometry_wkt) for r in rows]


def _refused(api: Api, request: Any) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as refused:
        api.ImportZones(request)
    return refused.value


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (SWAPPED, "latitude and longitude look swapped"),
        (UTM_WITHOUT_CRS, "looks like projected metres (UTM?)"),
        (LON_400_LAT_95, "out of range"),
    ],
    ids=["swapped", "utm-metres-without-crs", "lon-400-lat-95"],
)
def test_zones_in_the_wrong_place_are_refused_naming_the_feature_and_oslo_keeps_its_zones(
    api: Api, runtime: ServiceRuntime, content: bytes, says: str
) -> None:
    before = _stored_zones(runtime)
    error = _refused(api, assessment_pb2.ImportZonesRequest(content=content, format=GEOJSON))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error.details()
    violations = field_violations(error)
    assert says in violations["feature 1"] and "geometry" in violations["feature 1"]
    assert len(violations) == len(OSLO["features"])  # every feature named
    if content is UTM_WITHOUT_CRS:
        assert "give the CRS" in violations["feature 1"]
    assert _stored_zones(runtime) == before
    found = api.FindProperties(assessment_pb2.FindPropertiesRequest(zone_id="bydel-01", page_size=500))
    assert found.properties  # properties still have their zones


def test_a_file_in_etrs89_utm_33_with_a_crs_member_is_transformed_and_keeps_every_property_in_its_zone(
    api: Api, runtime: ServiceRuntime
) -> None:
    before = {zone_id: shapely.from_wkt(wkt) for zone_id, wkt in _stored_zones(runtime)}
    result = api.ImportZones(assessment_pb2.ImportZonesRequest(content=UTM_33_WITH_CRS, format=GEOJSON))
    assert (result.zones, result.properties_in_zones, result.properties_outside) == (16, REGISTERED, 0)
    for zone_id, wkt in _stored_zones(runtime):
        stored = shapely.from_wkt(wkt)
        assert stored.bounds[0] > 4 and stored.bounds[1] > 57  # lon/lat degrees, not metres
        assert stored.hausdorff_distance(before[zone_id]) < 1e-6  # the same polygon, within a millimetre


def test_zones_that_leave_properties_uncovered_are_refused_with_the_count_unless_allowed(
    api: Api, runtime: ServiceRuntime
) -> None:
    before = _stored_zones(runtime)
    half = _moved(lambda p: p, features=8)
    error = _refused(api, assessment_pb2.ImportZonesRequest(content=half, format=GEOJSON))
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION, error.details()
    details = error.details() or ""
    assert "registered properties outside every zone" in details and "nothing was replaced" in details
    assert "e.g. 0301-" in details and "allow-uncovered" in details
    assert _stored_zones(runtime) == before

    allowed = api.ImportZones(
        assessment_pb2.ImportZonesRequest(content=half, format=GEOJSON, allow_uncovered=True)
    )
    assert allowed.zones == 8 and allowed.properties_outside > 0
    assert f"leave {allowed.properties_outside} registered properties" in details
    assert allowed.properties_in_zones + allowed.properties_outside == REGISTERED


@pytest.mark.parametrize(
    ("content", "import_format"),
    [
        (OSLO_ZONES.read_bytes(), assessment_pb2.IMPORT_FORMAT_CSV),
        (OSLO_ZONES.read_bytes(), assessment_pb2.IMPORT_FORMAT_UNSPECIFIED),
        (OSLO_ZONES.read_bytes(), assessment_pb2.IMPORT_FORMAT_GPKG),
        (b"SQLite format 3\x00" + b"\x00" * 100, assessment_pb2.IMPORT_FORMAT_GEOJSON),
    ],
    ids=["csv", "unspecified", "gpkg-but-geojson", "geojson-but-gpkg"],
)
def test_the_request_format_is_honoured(
    api: Api, runtime: ServiceRuntime, content: bytes, import_format: assessment_pb2.ImportFormat.ValueType
) -> None:
    before = _stored_zones(runtime)
    error = _refused(api, assessment_pb2.ImportZonesRequest(content=content, format=import_format))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error.details()
    assert set(field_violations(error)) == {"format"}
    assert _stored_zones(runtime) == before


def _properties_refused(
    api: Api, content: bytes, import_format: assessment_pb2.ImportFormat.ValueType
) -> dict[str, str]:
    with pytest.raises(grpc.RpcError) as refused:
        api.ImportProperties(
            assessment_pb2.ImportPropertiesRequest(
                content=content, format=import_format, housing_value_year=2024
            )
        )
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT, refused.value.details()
    return field_violations(refused.value)


def test_property_points_in_the_wrong_place_are_row_errors(api: Api) -> None:
    header = b"property_id,category,units,bra_m2,plot_m2,lon,lat\n"
    swapped = _properties_refused(
        api,
        header
        + b"0301-90/1/0/0,housing,1,120,300,10.75,59.92\n0301-90/2/0/0,housing,1,120,300,59.92,10.75\n",
        assessment_pb2.IMPORT_FORMAT_CSV,
    )
    assert set(swapped) == {"line 3"} and "latitude and longitude look swapped" in swapped["line 3"]
    metres = _properties_refused(
        api, header + b"0301-90/1/0/0,housing,1,120,300,597000,6643000\n", assessment_pb2.IMPORT_FORMAT_CSV
    )
    assert "projected metres" in metres["line 2"]
    bergen = _properties_refused(
        api, header + b"0301-90/1/0/0,housing,1,120,300,5.32,60.39\n", assessment_pb2.IMPORT_FORMAT_CSV
    )
    assert "outside the municipality" in bergen["line 2"]
    x, y = TO_UTM33.transform(10.75, 59.92)
    points = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"property_id": "0301-90/3/0/0", "category": "housing"},
                    "geometry": {"type": "Point", "coordinates": [x, y]},
                }
            ],
        }
    ).encode()
    assert "give the CRS" in _properties_refused(api, points, GEOJSON)["feature 1"]
    unknown = json.loads(points)
    unknown["crs"] = {"type": "name", "properties": {"name": "EPSG:999999"}}
    assert "unknown CRS" in _properties_refused(api, json.dumps(unknown).encode(), GEOJSON)["crs"]


def test_the_command_line_names_the_feature_and_what_to_do(
    api: Api,
    runtime: ServiceRuntime,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PROPERTYTAX_TOKEN", TokenAuthority(SECRET).mint("kari", [Role.ASSESSOR]))
    target = ["--target", f"127.0.0.1:{runtime.server.port}"]
    swapped = tmp_path / "soner.geojson"
    swapped.write_bytes(SWAPPED)
    assert main(["assessment", "import", "zones", str(swapped), *target]) != 0
    error = capsys.readouterr().err
    assert (
        "feature 1" in error and "latitude and longitude look swapped" in error and "Traceback" not in error
    )
    half = tmp_path / "half.geojson"
    half.write_bytes(_moved(lambda p: p, features=8))
    assert main(["assessment", "import", "zones", str(half), *target]) != 0
    assert "--allow-uncovered" in capsys.readouterr().err
    assert main(["assessment", "import", "zones", str(half), "--allow-uncovered", *target]) == 0


_CRS = st.sampled_from(
    [
        None,
        "EPSG:4326",
        "urn:ogc:def:crs:OGC:1.3:CRS84",
        "EPSG:25833",
        "EPSG:25832",
        "EPSG:32633",
        "EPSG:4258",
        "EPSG:99999",
        "not a crs",
        "",
    ]
)
_NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-200, 200),
    st.floats(-1e7, 1e7),
    st.sampled_from([10.75, 59.92, 4.0, 71.5, 31.5, 57.5, 597000.0, 6643000.0]),
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(crs=_CRS, x=_NUMBER, y=_NUMBER, size=st.sampled_from([0.001, 0.05, 1.0, 5000.0]))
def test_random_coordinates_and_crss_are_accepted_in_range_or_refused_never_internal(
    api: Api, runtime: ServiceRuntime, crs: str | None, x: float, y: float, size: float
) -> None:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    document: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"zone_id": "z", "factor": "1"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        ],
    }
    if crs is not None:
        document["crs"] = {"type": "name", "properties": {"name": crs}}
    content = json.dumps(document, allow_nan=True).encode()
    request = assessment_pb2.ImportZonesRequest(content=content, format=GEOJSON, allow_uncovered=True)
    try:
        api.ImportZones(request)
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, (error.code(), error.details())
        return
    for _, wkt in _stored_zones(runtime):
        min_lon, min_lat, max_lon, max_lat = shapely.from_wkt(wkt).bounds
        assert -180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90
