"""Issue 3's end to end: the Oslo districts as zones, a few thousand properties, adoption, the levy —
killed and resumed midway — and every TaxBaseDetermined arriving at billing; then a committee decision
with a new value flowing back as a corrected tax base."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from datetime import UTC, datetime

import grpc
import pytest
from sqlalchemy import create_engine, func, select

from propertytax.appeals.v1 import events_pb2 as appeals_events
from propertytax.assessment.v1 import assessment_pb2, assessment_pb2_grpc
from propertytax.billing.v1 import billing_pb2, billing_pb2_grpc
from propertytax.platform.v1 import money_pb2
from services.assessment.adapters.orm import tax_bases
from services.billing.adapters.orm import property_taxes
from services.client import Caller
from services.platform.auth import Role, TokenAuthority
from services.platform.db import normalise_url
from services.platform.events import wrap
from services.platform.kafka_bus import make_producer
from services.platform.settings import Settings
from services.stack import Stack
from services.synthetic_register import OSLO_2024_DECISION, OSLO_ZONES, register_csv

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]
PROPERTIES = int(os.environ.get("E2E_PROPERTIES", "3000"))


def _count(url: str, table: object, *where: object) -> int:
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())  # type: ignore[arg-type]
    finally:
        engine.dispose()


def _wait(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


# Small chunks with a pause between them, so that the kill lands while the levy runs.
@pytest.mark.parametrize(
    "stack",
    [{"PROPERTYTAX_LEVY_CHUNK_SIZE": "50", "PROPERTYTAX_LEVY_CHUNK_PAUSE_SECONDS": "0.1"}],
    indirect=True,
)
def test_levy_killed_midway_resumes_and_every_tax_base_reaches_billing(stack: Stack) -> None:
    tokens = TokenAuthority(Settings().auth_secret.get_secret_value())
    assessor = Caller(stack.target("assessment"), tokens.mint("e2e", [Role.ASSESSOR]), timeout=120)
    api = assessment_pb2_grpc.AssessmentServiceStub(assessor.channel)
    zones = assessor.call(
        api.ImportZones,
        assessment_pb2.ImportZonesRequest(
            content=OSLO_ZONES.read_bytes(), format=assessment_pb2.IMPORT_FORMAT_GEOJSON
        ),
    )
    assert zones.zones == 16
    imported = assessor.call(
        api.ImportProperties,
        assessment_pb2.ImportPropertiesRequest(
            content=register_csv(PROPERTIES), format=assessment_pb2.IMPORT_FORMAT_CSV, housing_value_year=2024
        ),
    )
    assert imported.created == PROPERTIES
    assessor.call(api.AdoptValuations, assessment_pb2.AdoptValuationsRequest(adoption_reference="sak 1/2024"))
    assessor.call(
        api.SetTaxYearDecision, assessment_pb2.SetTaxYearDecisionRequest(decision_yaml=OSLO_2024_DECISION)
    )
    simulated = assessor.call(
        api.SimulateTaxYear, assessment_pb2.SimulateTaxYearRequest(decision_yaml=OSLO_2024_DECISION)
    )
    assert _count(stack.database_urls["assessment"], tax_bases) == 0  # simulation changed nothing

    job = assessor.call(api.StartLevy, assessment_pb2.StartLevyRequest(tax_year=2024)).job

    def status() -> assessment_pb2.LevyJob:
        found: assessment_pb2.LevyJob = assessor.call(
            api.GetLevyJob, assessment_pb2.GetLevyJobRequest(job_id=job.job_id)
        ).job
        return found

    _wait(lambda: status().processed >= 400, 60, "the levy to get going")
    pid = int((stack.var_dir / "run" / "assessment.pid").read_text())
    os.kill(pid, signal.SIGKILL)
    assessor.close()
    midway = _count(stack.database_urls["assessment"], tax_bases)
    assert 0 < midway < PROPERTIES

    stack.start_service("assessment")  # resumes the unfinished job on its own
    assessor = Caller(stack.target("assessment"), tokens.mint("e2e", [Role.ASSESSOR]), timeout=120)
    api = assessment_pb2_grpc.AssessmentServiceStub(assessor.channel)
    _wait(lambda: status().state == assessment_pb2.LEVY_JOB_STATE_COMPLETED, 180, "the levy to complete")
    done = status()
    assert _count(stack.database_urls["assessment"], tax_bases) == PROPERTIES  # each property once
    assert done.total_tax == simulated.total_revenue

    billing_url = stack.database_urls["billing"]
    _wait(lambda: _count(billing_url, property_taxes) == PROPERTIES, 180, "billing to receive every tax base")
    engine = create_engine(normalise_url(billing_url))
    with engine.connect() as conn:
        billed = conn.execute(select(func.sum(property_taxes.c.tax_ore))).scalar_one()
    engine.dispose()
    assert billed == done.total_tax.ore

    # A committee decision with a new value: assessment corrects, billing sees the new version.
    example = "0301-1/1/0/0"
    producer = make_producer(stack.kafka_bootstrap, "e2e-appeals")
    decided = appeals_events.AppealDecided(
        case_id="case-1",
        property_id=example,
        tax_year=2024,
        new_value=money_pb2.Money(ore=900_000_000),
        decided_on="2024-06-01",
        reasons="Klagenemnda: arealet er feil",
    )
    envelope = wrap(decided, source="appeals", subject="case-1", occurred_at=datetime.now(UTC))
    producer.send("propertytax.appeals.v1", value=envelope.SerializeToString(), key=b"case-1").get(timeout=30)
    producer.close(timeout=5)
    billing = Caller(stack.target("billing"), tokens.mint("e2e", [Role.BILLING_OFFICER]))
    stub = billing_pb2_grpc.BillingServiceStub(billing.channel)

    def corrected() -> bool:
        try:
            record = billing.call(
                stub.GetBillingProperty, billing_pb2.GetBillingPropertyRequest(property_id=example)
            )
        except grpc.RpcError:
            return False
        return any(t.tax_year == 2024 and t.version == 2 for t in record.property.property_taxes)

    _wait(corrected, 60, "the corrected tax base to reach billing")
    record = billing.call(stub.GetBillingProperty, billing_pb2.GetBillingPropertyRequest(property_id=example))
    current = next(t for t in record.property.property_taxes if t.tax_year == 2024)
    units = assessor.call(
        api.GetProperty, assessment_pb2.GetPropertyRequest(property_id=example)
    ).property.dwelling_units
    expected = max(0, 6_300_000_00 - 4_700_000_00 * units) * 28 // 10_000
    assert current.annual_tax.ore == expected
