"""What a hostile trial of assessment found after issue 11's fixes, through the real service (SQLite, no
Kafka): identity numbers in an owner's name, a property id or a zone name; property ids with control
characters; swapped or misplaced points given to RegisterProperty and UpdateProperty; over-long cells on
many rows; a property import given the wrong format. Each is INVALID_ARGUMENT naming the field (or the line
or feature) and changes nothing: no row stored, no event in the outbox."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from devstack.synthetic_register import OSLO_ZONES
from propertytax.assessment.v1 import assessment_pb2, assessment_pb2_grpc, property_pb2
from services.assessment.adapters.orm import platform_tables, properties, zones
from services.assessment.service import SPEC as ASSESSMENT
from services.platform.identity import NATIONAL_ID_IN_TEXT
from services.platform.runtime import ServiceRuntime
from tests.integration.test_bounded_inputs import Caller, _refused, _start

CSV = assessment_pb2.IMPORT_FORMAT_CSV
GEOJSON = assessment_pb2.IMPORT_FORMAT_GEOJSON
NUMBER = "15033290036"  # a valid identity number (a synthetic one of the trial)
HEADER = "property_id,category,units,cadastral_id,bra_m2,housing_value,lon,lat,address\n"


class Service:
    def __init__(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime
        self.api = Caller(runtime, assessment_pb2_grpc.AssessmentServiceStub)

    def counts(self) -> tuple[int, int, int]:
        """(events in the outbox, properties stored, zones stored)."""
        with self.runtime.engine.connect() as conn:
            return tuple(  # type: ignore[return-value]
                int(conn.execute(select(func.count()).select_from(table)).scalar_one())
                for table in (platform_tables.outbox, properties, zones)
            )


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    runtime = _start(ASSESSMENT, tmp_path)
    service = Service(runtime)
    yield service
    service.api.channel.close()
    runtime.stop()


def _facts(lon: float | None = None, lat: float | None = None, cadastral: str = "0301-500/4") -> Any:
    facts = assessment_pb2.PropertyFacts(
        cadastral_id=cadastral,
        address="Storgata 4",
        category=property_pb2.PROPERTY_CATEGORY_HOUSING,
        dwelling_units=1,
    )
    if lon is not None and lat is not None:
        facts.location.lon, facts.location.lat = lon, lat
    return facts


def _geojson(features: list[tuple[dict[str, Any], dict[str, Any]]]) -> bytes:
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": p, "geometry": g} for p, g in features],
        }
    ).encode()


def _point(lon: float = 10.75, lat: float = 59.91) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lon, lat]}


def test_an_owner_name_with_an_identity_number_is_refused_naming_the_name(service: Service) -> None:
    registered = service.api.RegisterProperty(assessment_pb2.RegisterPropertyRequest(facts=_facts()))
    before = service.counts()
    request = assessment_pb2.RecordOwnershipChangeRequest(
        property_id=registered.property.property_id,
        effective_date="2024-03-01",
        owners=[
            assessment_pb2.NewOwner(
                kind=property_pb2.OWNER_KIND_PERSON,
                identity_number="01019010046",
                name=f"Ola Nordmann {NUMBER}",
                share_numerator=1,
                share_denominator=1,
            )
        ],
    )
    violations = _refused(service.api.RecordOwnershipChange, request)
    assert set(violations) == {"owners[0].name"}
    assert NATIONAL_ID_IN_TEXT in violations["owners[0].name"]
    assert service.counts() == before


@pytest.mark.parametrize("property_id", [NUMBER, f"P-{NUMBER}", f"P-{NUMBER[:6]}-{NUMBER[6:]}"])
def test_a_property_id_with_an_identity_number_is_refused_in_a_csv_by_line(
    service: Service, property_id: str
) -> None:
    content = (HEADER + "P-ok,housing,1,,100,,10.75,59.91,Storgata 8\n").encode()
    content += f"{property_id},housing,1,,100,,10.75,59.91,Storgata 9\n".encode()
    request = assessment_pb2.ImportPropertiesRequest(format=CSV, housing_value_year=2024, content=content)
    assert _refused(service.api.ImportProperties, request) == {
        "line 3": f"property_id: {NATIONAL_ID_IN_TEXT}"
    }
    assert service.counts() == (0, 0, 0)


@pytest.mark.parametrize(
    ("property_id", "said"),
    [
        (NUMBER, NATIONAL_ID_IN_TEXT),
        ("P\x00-1", "has a NUL character"),
        ("P-1\x7f", "1–64 characters"),
        ("P\x1b-1", "1–64 characters"),
        ("P-1\nX", "1–64 characters"),
    ],
    ids=["identity-number", "nul", "del", "escape", "newline"],
)
def test_a_property_id_with_an_identity_number_or_control_characters_is_refused_in_a_geojson_by_feature(
    service: Service, property_id: str, said: str
) -> None:
    content = _geojson(
        [
            ({"property_id": "P-ok", "category": "housing", "units": 1}, _point()),
            ({"property_id": property_id, "category": "housing", "units": 1}, _point()),
        ]
    )
    request = assessment_pb2.ImportPropertiesRequest(format=GEOJSON, housing_value_year=2024, content=content)
    violations = _refused(service.api.ImportProperties, request)
    assert list(violations) == ["feature 2"] and violations["feature 2"].startswith("property_id: ")
    assert said in violations["feature 2"]
    assert service.counts() == (0, 0, 0)


def test_an_update_of_a_property_id_that_is_an_identity_number_is_refused_naming_it(service: Service) -> None:
    request = assessment_pb2.UpdatePropertyRequest(property_id=NUMBER, facts=_facts())
    assert _refused(service.api.UpdateProperty, request) == {"property_id": NATIONAL_ID_IN_TEXT}


def test_a_zone_name_with_an_identity_number_is_refused_naming_the_feature(service: Service) -> None:
    document = json.loads(OSLO_ZONES.read_text(encoding="utf-8"))
    document["features"][0]["properties"]["name"] = f"Gamle Oslo {NUMBER}"
    request = assessment_pb2.ImportZonesRequest(content=json.dumps(document).encode(), format=GEOJSON)
    assert _refused(service.api.ImportZones, request) == {"feature 1": f"name: {NATIONAL_ID_IN_TEXT}"}
    assert service.counts() == (0, 0, 0)


@pytest.mark.parametrize(
    ("lon", "lat", "said"),
    [
        (59.91, 10.75, "latitude and longitude look swapped"),
        (597000.0, 6643000.0, "looks like projected metres"),
        (200.0, 95.0, "out of range"),
        (2.35, 48.86, "lies outside Norway"),  # Paris
    ],
    ids=["swapped", "metres", "out-of-range", "paris"],
)
def test_a_point_in_the_wrong_place_is_refused_naming_facts_location(
    service: Service, lon: float, lat: float, said: str
) -> None:
    register = assessment_pb2.RegisterPropertyRequest(facts=_facts(lon, lat))
    violations = _refused(service.api.RegisterProperty, register)
    assert list(violations) == ["facts.location"] and said in violations["facts.location"], violations
    registered = service.api.RegisterProperty(
        assessment_pb2.RegisterPropertyRequest(facts=_facts(10.75, 59.91))
    )
    before = service.counts()
    update = assessment_pb2.UpdatePropertyRequest(
        property_id=registered.property.property_id, facts=_facts(lon, lat)
    )
    violations = _refused(service.api.UpdateProperty, update)
    assert list(violations) == ["facts.location"] and said in violations["facts.location"], violations
    assert service.counts() == before


def test_a_point_far_outside_the_municipality_is_refused_where_zones_exist(service: Service) -> None:
    bergen = assessment_pb2.RegisterPropertyRequest(facts=_facts(5.32, 60.39))
    assert service.api.RegisterProperty(bergen).property.location.lon == pytest.approx(5.32)  # no zones yet
    service.api.ImportZones(
        assessment_pb2.ImportZonesRequest(content=OSLO_ZONES.read_bytes(), format=GEOJSON)
    )
    before = service.counts()
    again = assessment_pb2.RegisterPropertyRequest(facts=_facts(5.32, 60.39, cadastral="0301-500/5"))
    violations = _refused(service.api.RegisterProperty, again)
    assert "lies outside the municipality" in violations["facts.location"], violations
    assert service.counts() == before


def _long_values(column_header: str, row: str) -> bytes:
    return (column_header + "".join(row.format(i=i, value="9" * 5000) for i in range(300))).encode()


def test_over_long_cells_on_many_rows_are_row_errors_listing_the_first_and_counting_the_rest(
    service: Service,
) -> None:
    register = _long_values("property_id,category,units,housing_value\n", "P-{i},housing,1,{value}\n")
    request = assessment_pb2.ImportPropertiesRequest(format=CSV, housing_value_year=2024, content=register)
    housing = assessment_pb2.ImportHousingValuesRequest(
        year=2024, content=_long_values("property_id,value_nok\n", "P-{i},{value}\n")
    )
    for violations, column in (
        (_refused(service.api.ImportProperties, request), "housing_value"),
        (_refused(service.api.ImportHousingValues, housing), "value_nok"),
    ):
        # The first rows, each named (as many as the status may carry), and how many more: all 300.
        more = violations.pop("more")
        assert list(violations) == [f"line {n}" for n in range(2, 2 + len(violations))]
        assert set(violations.values()) == {f"{column}: is longer than 1,000 characters"}
        assert len(violations) >= 20 and more == f"… and {300 - len(violations)} more problems"
    assert service.counts() == (0, 0, 0)


def test_a_property_import_honours_the_requested_format(service: Service) -> None:
    request = assessment_pb2.ImportPropertiesRequest(
        format=CSV, housing_value_year=2024, content=OSLO_ZONES.read_bytes()
    )
    violations = _refused(service.api.ImportProperties, request)
    assert violations == {"format": "is CSV but the content is GEOJSON; give the format it is"}
    assert service.counts() == (0, 0, 0)
