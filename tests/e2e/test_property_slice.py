"""The three services as processes on PostgreSQL and the real broker: a property registered in
assessment reaches billing over Kafka, also when assessment is killed mid-stream and restarted."""

from __future__ import annotations

import os
import signal
import time

import grpc
import pytest
from sqlalchemy import create_engine, func, select, text

from devstack.scenario import connect, wait_for_billing
from devstack.stack import Stack
from propertytax.appeals.v1 import appeals_pb2, appeals_pb2_grpc
from propertytax.assessment.v1 import assessment_pb2, assessment_pb2_grpc, property_pb2
from services.billing.adapters.orm import platform_tables as billing_tables
from services.client import Caller, health_status
from services.platform.auth import Role
from services.platform.db import normalise_url

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]


def _register(caller: Caller, n: int) -> str:
    stub = assessment_pb2_grpc.AssessmentServiceStub(caller.channel)
    response = caller.call(
        stub.RegisterProperty,
        assessment_pb2.RegisterPropertyRequest(
            facts=assessment_pb2.PropertyFacts(
                cadastral_id=f"0301-{100 + n}/{n}/0/0",
                address=f"Storgata {n}, Oslo",
                category=property_pb2.PROPERTY_CATEGORY_HOUSING,
                dwelling_units=1 + n % 3,
            )
        ),
    )
    return str(response.property.property_id)


def test_registered_properties_reach_billing_over_kafka(stack: Stack) -> None:
    assessor = connect(stack, "assessment", "e2e", Role.ASSESSOR)
    billing = connect(stack, "billing", "e2e", Role.BILLING_OFFICER)
    ids = [_register(assessor, n) for n in range(1, 21)]
    for n, property_id in enumerate(ids, start=1):
        record = wait_for_billing(billing, property_id)
        assert record.cadastral_id == f"0301-{100 + n}/{n}/0/0"
        assert record.category == "PROPERTY_CATEGORY_HOUSING"
        assert record.dwelling_units == 1 + n % 3
    # The third service answers too, behind the same auth.
    secretariat = connect(stack, "appeals", "e2e", Role.SECRETARIAT)
    listed = secretariat.call(
        appeals_pb2_grpc.AppealsServiceStub(secretariat.channel).ListAppealCases,
        appeals_pb2.ListAppealCasesRequest(),
    )
    assert list(listed.cases) == []
    with pytest.raises(grpc.RpcError) as caught:
        connect(stack, "appeals", "e2e", Role.ASSESSOR).call(
            appeals_pb2_grpc.AppealsServiceStub(secretariat.channel).ListAppealCases,
            appeals_pb2.ListAppealCasesRequest(),
        )
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_assessment_killed_mid_stream_loses_no_event_and_billing_counts_each_once(stack: Stack) -> None:
    assessor = connect(stack, "assessment", "e2e", Role.ASSESSOR)
    ids = [_register(assessor, n) for n in range(1, 41)]
    pid = int((stack.var_dir / "run" / "assessment.pid").read_text())
    os.kill(pid, signal.SIGKILL)  # no chance to drain: whatever the relay had not sent is still pending
    assessor.close()
    stack.start_service("assessment")
    assessor = connect(stack, "assessment", "e2e", Role.ASSESSOR)
    ids += [_register(assessor, n) for n in range(41, 51)]

    billing = connect(stack, "billing", "e2e", Role.BILLING_OFFICER)
    for property_id in ids:
        wait_for_billing(billing, property_id)
    engine = create_engine(normalise_url(stack.database_urls["billing"]))
    try:
        with engine.connect() as conn:
            handled = conn.execute(select(func.count()).select_from(billing_tables.inbox)).scalar_one()
            records = conn.execute(text("SELECT count(*) FROM billing_properties")).scalar_one()
    finally:
        engine.dispose()
    assert handled == 50 and records == 50


def test_sigterm_stops_a_service_gracefully(stack: Stack) -> None:
    pid = int((stack.var_dir / "run" / "billing.pid").read_text())
    assert health_status(stack.target("billing")) == "SERVING"
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        waited, status = os.waitpid(pid, os.WNOHANG)
        if waited == pid:
            assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
            break
        time.sleep(0.1)
    else:
        pytest.fail("billing did not stop within 30 s of SIGTERM")
    log = stack.log_file("billing").read_text()
    assert '"service stopping"' in log and '"service stopped"' in log
