"""Issue 3's end to end: the Oslo districts as zones, a few thousand properties, adoption, the levy —
killed and resumed midway — and every TaxBaseDetermined arriving at billing; then a committee decision
with a new value flowing back as a corrected tax base."""

from __future__ import annotations

import os
import signal
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, func, select

from devstack.scenario import adopt_and_decide, connect, import_register, wait, wait_for_billing
from devstack.stack import Stack
from devstack.synthetic_register import OSLO_2024_DECISION
from propertytax.appeals.v1 import events_pb2 as appeals_events
from propertytax.assessment.v1 import assessment_pb2, assessment_pb2_grpc
from propertytax.platform.v1 import money_pb2
from services.assessment.adapters.orm import tax_bases
from services.billing.adapters.orm import property_taxes
from services.platform.auth import Role
from services.platform.db import normalise_url
from services.platform.events import wrap
from services.platform.kafka_bus import make_producer
from tests.e2e.checks import count

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]
PROPERTIES = int(os.environ.get("E2E_PROPERTIES", "3000"))


# Small chunks with a pause between them, so that the kill lands while the levy runs.
@pytest.mark.parametrize(
    "stack",
    [{"PROPERTYTAX_LEVY_CHUNK_SIZE": "50", "PROPERTYTAX_LEVY_CHUNK_PAUSE_SECONDS": "0.1"}],
    indirect=True,
)
def test_levy_killed_midway_resumes_and_every_tax_base_reaches_billing(stack: Stack) -> None:
    assessor = connect(stack, "assessment", "e2e", Role.ASSESSOR, timeout=120)
    api = assessment_pb2_grpc.AssessmentServiceStub(assessor.channel)
    zones, imported = import_register(assessor, PROPERTIES)
    assert zones.zones == 16
    assert imported.created == PROPERTIES
    adopt_and_decide(assessor, "sak 1/2024")
    simulated = assessor.call(
        api.SimulateTaxYear, assessment_pb2.SimulateTaxYearRequest(decision_yaml=OSLO_2024_DECISION)
    )
    assert count(stack.database_urls["assessment"], tax_bases) == 0  # simulation changed nothing

    job = assessor.call(api.StartLevy, assessment_pb2.StartLevyRequest(tax_year=2024)).job

    def status() -> assessment_pb2.LevyJob:
        found: assessment_pb2.LevyJob = assessor.call(
            api.GetLevyJob, assessment_pb2.GetLevyJobRequest(job_id=job.job_id)
        ).job
        return found

    wait(lambda: status().processed >= 400, 60, "the levy to get going")
    pid = int((stack.var_dir / "run" / "assessment.pid").read_text())
    os.kill(pid, signal.SIGKILL)
    assessor.close()
    midway = count(stack.database_urls["assessment"], tax_bases)
    assert 0 < midway < PROPERTIES

    stack.start_service("assessment")  # resumes the unfinished job on its own
    assessor = connect(stack, "assessment", "e2e", Role.ASSESSOR, timeout=120)
    api = assessment_pb2_grpc.AssessmentServiceStub(assessor.channel)
    wait(lambda: status().state == assessment_pb2.LEVY_JOB_STATE_COMPLETED, 180, "the levy to complete")
    done = status()
    assert count(stack.database_urls["assessment"], tax_bases) == PROPERTIES  # each property once
    assert done.total_tax == simulated.total_revenue

    billing_url = stack.database_urls["billing"]
    wait(lambda: count(billing_url, property_taxes) == PROPERTIES, 180, "billing to receive every tax base")
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
    billing = connect(stack, "billing", "e2e", Role.BILLING_OFFICER)
    record = wait_for_billing(
        billing,
        example,
        lambda p: any(t.tax_year == 2024 and t.version == 2 for t in p.property_taxes),
        60,
        "the corrected tax base to reach billing",
    )
    current = next(t for t in record.property_taxes if t.tax_year == 2024)
    units = assessor.call(
        api.GetProperty, assessment_pb2.GetPropertyRequest(property_id=example)
    ).property.dwelling_units
    expected = max(0, 6_300_000_00 - 4_700_000_00 * units) * 28 // 10_000
    assert current.annual_tax.ore == expected
