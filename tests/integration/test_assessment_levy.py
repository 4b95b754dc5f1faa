"""Assessment end to end in one process (real broker; SQLite and PostgreSQL): zones, imports, adoption,
decision, simulation, levy, tax lists and corrections."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import grpc
import pytest
from sqlalchemy import func, select

from devstack.synthetic_register import OSLO_2024_DECISION, OSLO_ZONES, register_csv
from propertytax.appeals.v1 import events_pb2 as appeals_events
from propertytax.assessment.v1 import assessment_pb2, assessment_pb2_grpc, tax_pb2
from propertytax.platform.v1 import money_pb2
from services.assessment.adapters.orm import platform_tables, tax_bases, valuations
from services.assessment.service import SPEC
from services.platform.auth import Role, TokenAuthority
from services.platform.events import wrap
from services.platform.grpc_status import field_violations
from services.platform.kafka_bus import make_producer
from services.platform.runtime import ServiceRuntime
from services.platform.service_builder import build_runtime
from services.platform.settings import Settings

pytestmark = pytest.mark.kafka

SECRET = "assessment-test-secret-0123456789abcdef"
WORKED_EXAMPLE = b"0301-999/1/0/0,0301-999/1/0/0,Eksempelveien 1,housing,1,9000000,120,300,10.75,59.92,\n"


@pytest.fixture
def runtime(database_url: str, kafka_bootstrap: str, tmp_path: Path) -> Iterator[ServiceRuntime]:
    settings = Settings(
        database_url=database_url,
        kafka_bootstrap=kafka_bootstrap,
        var_dir=tmp_path,
        auth_secret=SECRET,  # type: ignore[arg-type]
        levy_chunk_size=70,  # several chunks for a few hundred properties
    )
    service = build_runtime(SPEC, settings)
    service.start()
    yield service
    service.stop()


class Api:
    def __init__(self, port: int) -> None:
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = assessment_pb2_grpc.AssessmentServiceStub(self.channel)
        token = TokenAuthority(SECRET).mint("kari", [Role.ASSESSOR])
        self.metadata = (("authorization", f"Bearer {token}"),)

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.stub, name)
        return lambda request: method(request, metadata=self.metadata, timeout=60)


@pytest.fixture
def api(runtime: ServiceRuntime) -> Iterator[Api]:
    client = Api(runtime.server.port)
    yield client
    client.channel.close()


def _counts(runtime: ServiceRuntime) -> tuple[int, int, int]:
    with runtime.engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (valuations, tax_bases, platform_tables.outbox)
        )


def _invalid(call: Any, request: Any) -> dict[str, str]:
    with pytest.raises(grpc.RpcError) as caught:
        call(request)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT, caught.value.details()
    return field_violations(caught.value)


def _levy(api: Api, year: int) -> assessment_pb2.LevyJob:
    job: assessment_pb2.LevyJob = api.StartLevy(assessment_pb2.StartLevyRequest(tax_year=year)).job
    deadline = time.monotonic() + 120
    while job.state == assessment_pb2.LEVY_JOB_STATE_RUNNING and time.monotonic() < deadline:
        time.sleep(0.1)
        job = api.GetLevyJob(assessment_pb2.GetLevyJobRequest(job_id=job.job_id)).job
    return job


def test_import_adopt_simulate_levy_export_and_correct(
    api: Api, runtime: ServiceRuntime, kafka_bootstrap: str
) -> None:
    zones = api.ImportZones(
        assessment_pb2.ImportZonesRequest(
            content=OSLO_ZONES.read_bytes(), format=assessment_pb2.IMPORT_FORMAT_GEOJSON
        )
    )
    assert zones.zones == 16

    content = register_csv(300) + WORKED_EXAMPLE
    imported = api.ImportProperties(
        assessment_pb2.ImportPropertiesRequest(
            content=content, format=assessment_pb2.IMPORT_FORMAT_CSV, housing_value_year=2024
        )
    )
    assert (imported.rows, imported.created, imported.valuations_proposed) == (301, 301, 301)
    example = api.GetProperty(assessment_pb2.GetPropertyRequest(property_id="0301-999/1/0/0"))
    assert example.property.zone_id  # found by the spatial join
    assert example.valuations[0].route == tax_pb2.VALUATION_ROUTE_HOUSING_VALUE
    commercial = next(
        p
        for p in api.FindProperties(assessment_pb2.FindPropertiesRequest(text="", page_size=1000)).properties
        if p.category == 3
    )
    standard = api.GetProperty(assessment_pb2.GetPropertyRequest(property_id=commercial.property_id))
    factors = [t.factor for t in standard.valuations[0].trace]
    assert "zone factor" in factors and "plot rate" in factors and factors[-1] == "value"

    # Simulation before any decision or adoption: housing values count, nothing changes.
    before = _counts(runtime)
    simulated = api.SimulateTaxYear(
        assessment_pb2.SimulateTaxYearRequest(decision_yaml=OSLO_2024_DECISION, include_properties=True)
    )
    assert _counts(runtime) == before
    assert simulated.total_revenue.ore > 0 and not simulated.has_current
    assert simulated.not_valued > 0  # standard-rate values wait for the committee
    example_tax = next(p for p in simulated.property_taxes if p.property_id == "0301-999/1/0/0")
    assert example_tax.tax.ore == 448_000  # DOMAIN.md: 9,000,000 → 4,480 NOK

    bad = _invalid(
        api.SetTaxYearDecision,
        assessment_pb2.SetTaxYearDecisionRequest(
            decision_yaml=OSLO_2024_DECISION.replace("housing: 2.8", "housing: 4.5")
        ),
    )
    assert "4 ‰" in bad["rates_per_mille.housing"]
    assert (
        api.SetTaxYearDecision(
            assessment_pb2.SetTaxYearDecisionRequest(decision_yaml=OSLO_2024_DECISION)
        ).year
        == 2024
    )
    manual = _invalid(
        api.ProposeManualValuation,
        assessment_pb2.ProposeManualValuationRequest(
            property_id=commercial.property_id, value=money_pb2.Money(ore=500_000_000), reason=" "
        ),
    )
    assert "reason" in manual
    proposed = api.ProposeManualValuation(
        assessment_pb2.ProposeManualValuationRequest(
            property_id=commercial.property_id,
            value=money_pb2.Money(ore=500_000_000),
            reason="Befaring: brannskadet",
        )
    ).valuation
    assert proposed.route == tax_pb2.VALUATION_ROUTE_MANUAL and proposed.version == 2 and not proposed.adopted
    adopted = api.AdoptValuations(
        assessment_pb2.AdoptValuationsRequest(adoption_reference="Takstnemnda sak 1/2024")
    )
    assert adopted.adopted == 301

    after_adoption = api.SimulateTaxYear(
        assessment_pb2.SimulateTaxYearRequest(decision_yaml=OSLO_2024_DECISION)
    )
    assert after_adoption.has_current and after_adoption.not_valued == 0
    assert after_adoption.total_revenue == after_adoption.current_total_revenue

    job = _levy(api, 2024)
    assert job.state == assessment_pb2.LEVY_JOB_STATE_COMPLETED, job.error
    assert job.processed == 301
    assert job.total_tax == after_adoption.total_revenue  # the levy is what the simulation said
    with runtime.engine.connect() as conn:
        events = conn.execute(
            select(func.count())
            .select_from(platform_tables.outbox)
            .where(platform_tables.outbox.c.event_type == "propertytax.assessment.v1.TaxBaseDetermined")
        ).scalar_one()
    assert events == 301
    with pytest.raises(grpc.RpcError) as again:
        api.StartLevy(assessment_pb2.StartLevyRequest(tax_year=2024))
    assert again.value.code() == grpc.StatusCode.FAILED_PRECONDITION

    tax_list = b"".join(
        r.chunk
        for r in api.ExportTaxList(
            assessment_pb2.ExportTaxListRequest(
                tax_year=2024, list=assessment_pb2.TAX_LIST_PUBLIC, format=assessment_pb2.DOCUMENT_FORMAT_CSV
            )
        )
    )
    rows = list(csv.DictReader(io.StringIO(tax_list.decode())))
    assert sum(int(r["tax_nok"].replace(".", "")) for r in rows) == job.total_tax.ore
    example_row = next(r for r in rows if r["cadastral_id"] == "0301-999/1/0/0")
    assert (
        example_row["tax_value_nok"],
        example_row["deduction_nok"],
        example_row["rate_per_mille"],
        example_row["tax_nok"],
    ) == ("6300000.00", "4700000.00", "2.8", "4480.00")
    assert list(rows[0]) == [
        "cadastral_id",
        "address",
        "tax_value_nok",
        "deduction_nok",
        "rate_per_mille",
        "tax_nok",
    ]
    pdf = b"".join(
        r.chunk
        for r in api.ExportTaxList(
            assessment_pb2.ExportTaxListRequest(
                tax_year=2024, list=assessment_pb2.TAX_LIST_EXEMPT, format=assessment_pb2.DOCUMENT_FORMAT_PDF
            )
        )
    )
    assert pdf.startswith(b"%PDF")

    corrected = api.CorrectTaxBase(
        assessment_pb2.CorrectTaxBaseRequest(
            property_id="0301-999/1/0/0",
            tax_year=2024,
            value=money_pb2.Money(ore=800_000_000),
            reason="Feil areal",
        )
    ).tax_base
    assert corrected.version == 2 and corrected.tax.ore == 252_000  # (5.6 M − 4.7 M) × 2.8 ‰
    history = api.GetProperty(assessment_pb2.GetPropertyRequest(property_id="0301-999/1/0/0"))
    assert [t.version for t in history.tax_bases] == [2, 1]
    assert history.valuations[0].route == tax_pb2.VALUATION_ROUTE_MANUAL and history.valuations[0].adopted

    # The expert appeals committee raises the value: the AppealDecided event becomes version 3.
    decided = appeals_events.AppealDecided(
        case_id="case-9",
        property_id="0301-999/1/0/0",
        tax_year=2024,
        new_value=money_pb2.Money(ore=1_000_000_000),
        decided_on="2024-09-01",
        reasons="Verdien er for lav",
    )
    producer = make_producer(kafka_bootstrap, "test-appeals")
    envelope = wrap(decided, source="appeals", subject="case-9", occurred_at=datetime.now(UTC))
    producer.send("propertytax.appeals.v1", value=envelope.SerializeToString(), key=b"case-9").get(timeout=30)
    producer.close(timeout=5)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        history = api.GetProperty(assessment_pb2.GetPropertyRequest(property_id="0301-999/1/0/0"))
        if history.tax_bases[0].version == 3:
            break
        time.sleep(0.2)
    latest = history.tax_bases[0]
    assert latest.version == 3 and latest.tax.ore == 644_000  # (7.0 M − 4.7 M) × 2.8 ‰ = 6,440
    assert history.valuations[0].route == tax_pb2.VALUATION_ROUTE_APPEAL


def test_bad_imports_name_their_lines_and_change_nothing(api: Api, runtime: ServiceRuntime) -> None:
    api.ImportProperties(
        assessment_pb2.ImportPropertiesRequest(
            content=register_csv(5), format=assessment_pb2.IMPORT_FORMAT_CSV
        )
    )
    before = _counts(runtime)
    lines = register_csv(6, seed=99).decode().splitlines()
    lines[2] = lines[2].replace(",housing,", ",castle,").replace(",commercial,", ",castle,")
    lines[4] = lines[4].rsplit(",", 3)[0] + ",200.0,95.0,"
    lines.append("0301-1/1/0/0,0301-1/1/0/0,Dup,housing,1,,50,10,10.7,59.9,")  # clashes with line 2
    found = _invalid(
        api.ImportProperties,
        assessment_pb2.ImportPropertiesRequest(
            content="\n".join(lines).encode(), format=assessment_pb2.IMPORT_FORMAT_CSV
        ),
    )
    assert "category" in found["line 3"] and found["line 5"].startswith("lon/lat: coordinates out of range")
    assert "line 2" in found.get("line 8", ""), found
    assert _counts(runtime) == before

    missing = _invalid(
        api.ImportProperties,
        assessment_pb2.ImportPropertiesRequest(
            content=b"id;kind\n1;x\n", format=assessment_pb2.IMPORT_FORMAT_CSV
        ),
    )
    assert "missing columns" in missing["line 1"]
    values = _invalid(
        api.ImportHousingValues,
        assessment_pb2.ImportHousingValuesRequest(
            content=b"property_id,unit,value_nok\n0301-1/1/0/0,1,5000000\nnobody,1,abc\n", year=2024
        ),
    )
    assert "value_nok" in values["line 3"]
    zones = _invalid(
        api.ImportZones,
        assessment_pb2.ImportZonesRequest(
            content=b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
            b'{"zone_id":"a","factor":"-1"},"geometry":{"type":"Point","coordinates":[10,59]}}]}',
            format=assessment_pb2.IMPORT_FORMAT_GEOJSON,
        ),
    )
    assert "factor" in zones["feature 1"] or "geometry" in zones["feature 1"]
    assert _counts(runtime) == before
    levy = _invalid(api.StartLevy, assessment_pb2.StartLevyRequest(tax_year=0))
    assert "tax_year" in levy
    with pytest.raises(grpc.RpcError) as no_decision:
        api.StartLevy(assessment_pb2.StartLevyRequest(tax_year=2031))
    assert no_decision.value.code() == grpc.StatusCode.NOT_FOUND


def test_ownership_changes_keep_identity_numbers_out_of_events_and_errors(
    api: Api, runtime: ServiceRuntime
) -> None:
    from propertytax.assessment.v1 import property_pb2
    from services.assessment.adapters.orm import owners

    api.ImportProperties(
        assessment_pb2.ImportPropertiesRequest(
            content=register_csv(3), format=assessment_pb2.IMPORT_FORMAT_CSV
        )
    )
    person, organisation = "31129956715", "974683520"
    change = assessment_pb2.RecordOwnershipChangeRequest(
        property_id="0301-1/1/0/0",
        effective_date="2024-05-15",
        owners=[
            assessment_pb2.NewOwner(
                kind=property_pb2.OWNER_KIND_PERSON,
                identity_number=person,
                name="Kari Nordmann",
                share_numerator=1,
                share_denominator=2,
            ),
            assessment_pb2.NewOwner(
                kind=property_pb2.OWNER_KIND_ORGANISATION,
                identity_number=organisation,
                name="Eiendom AS",
                share_numerator=1,
                share_denominator=2,
            ),
        ],
    )
    recorded = api.RecordOwnershipChange(change)
    assert {o.name for o in recorded.owners} == {"Kari Nordmann", "Eiendom AS"}
    shown = api.GetProperty(assessment_pb2.GetPropertyRequest(property_id="0301-1/1/0/0"))
    assert sorted(shown.masked_identity_numbers) == ["311299*****", "974683***"]
    with runtime.engine.connect() as conn:
        envelopes = [r.envelope for r in conn.execute(select(platform_tables.outbox))]
        sealed = [r.identity_sealed for r in conn.execute(select(owners))]
    assert any(b"OwnershipChanged" in e for e in envelopes)
    for blob in [*envelopes, *(s.encode() for s in sealed)]:
        assert person.encode() not in blob  # a person's number: never in an event, never in clear at rest
    assert any(
        organisation.encode() in e for e in envelopes
    )  # organisation numbers are public: billing needs it
    assert all(organisation not in s for s in sealed)

    # An earlier date than the current owners' is refused; so are bad numbers and shares, without echo.
    with pytest.raises(grpc.RpcError) as earlier:
        api.RecordOwnershipChange(
            assessment_pb2.RecordOwnershipChangeRequest(
                property_id="0301-1/1/0/0", effective_date="2024-01-01", owners=change.owners
            )
        )
    assert earlier.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    bad = change.__class__()
    bad.CopyFrom(change)
    bad.effective_date = "2025-01-01"
    bad.owners[0].identity_number = "31129956716"
    bad.owners[1].share_numerator = 2
    found = _invalid(api.RecordOwnershipChange, bad)
    assert "owners[0].identity_number" in found and "owners" in found
    assert all("3112995671" not in text for text in found.values())
