"""A service's gRPC face, in-process against the real broker: health, reflection, auth, errors, audit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from sqlalchemy import select

from propertytax.assessment.v1 import assessment_pb2, assessment_pb2_grpc, property_pb2
from services.assessment.adapters.orm import platform_tables
from services.assessment.service import SPEC
from services.platform.auth import Role, TokenAuthority
from services.platform.grpc_status import field_violations
from services.platform.runtime import ServiceRuntime
from services.platform.service_builder import build_runtime
from services.platform.settings import Settings

pytestmark = pytest.mark.kafka

SECRET = "integration-test-secret-0123456789abcdef"


@pytest.fixture
def runtime(database_url: str, kafka_bootstrap: str, tmp_path: Path) -> Iterator[ServiceRuntime]:
    settings = Settings(
        database_url=database_url,
        kafka_bootstrap=kafka_bootstrap,
        grpc_port=0,
        var_dir=tmp_path,
        auth_secret=SECRET,  # type: ignore[arg-type]
        shutdown_grace_seconds=2,
    )
    service = build_runtime(SPEC, settings)
    service.start()
    yield service
    service.stop()


@pytest.fixture
def channel(runtime: ServiceRuntime) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(f"127.0.0.1:{runtime.server.port}") as chan:
        yield chan


def _auth(*roles: str) -> tuple[tuple[str, str], ...]:
    token = TokenAuthority(SECRET).mint("tester", list(roles))
    return (("authorization", f"Bearer {token}"), ("x-request-id", "req-42"))


def _valid_request() -> assessment_pb2.RegisterPropertyRequest:
    return assessment_pb2.RegisterPropertyRequest(
        facts=assessment_pb2.PropertyFacts(
            cadastral_id="0301-208/1/0/0",
            address="Karl Johans gate 22",
            category=property_pb2.PROPERTY_CATEGORY_HOUSING,
            dwelling_units=1,
        )
    )


def test_health_and_reflection_answer_without_a_token(channel: grpc.Channel) -> None:
    health = health_pb2_grpc.HealthStub(channel)
    for name in ("", "propertytax.assessment.v1.AssessmentService"):
        status = health.Check(health_pb2.HealthCheckRequest(service=name), timeout=5).status
        assert status == health_pb2.HealthCheckResponse.SERVING
    reflection = reflection_pb2_grpc.ServerReflectionStub(channel)
    responses = reflection.ServerReflectionInfo(
        iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=5
    )
    names = {s.name for r in responses for s in r.list_services_response.service}
    assert "propertytax.assessment.v1.AssessmentService" in names
    assert "grpc.health.v1.Health" in names


def test_no_token_is_unauthenticated_and_a_bad_token_too(channel: grpc.Channel) -> None:
    stub = assessment_pb2_grpc.AssessmentServiceStub(channel)
    with pytest.raises(grpc.RpcError) as caught:
        stub.RegisterProperty(_valid_request(), timeout=5)
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
    forged = TokenAuthority("another-secret-0123456789abcdefghij").mint("x", [Role.ASSESSOR])
    with pytest.raises(grpc.RpcError) as caught:
        stub.RegisterProperty(_valid_request(), metadata=(("authorization", f"Bearer {forged}"),), timeout=5)
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_the_wrong_role_is_permission_denied_and_changes_nothing(
    channel: grpc.Channel, runtime: ServiceRuntime
) -> None:
    stub = assessment_pb2_grpc.AssessmentServiceStub(channel)
    with pytest.raises(grpc.RpcError) as caught:
        stub.RegisterProperty(_valid_request(), metadata=_auth(Role.READER), timeout=5)
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    stub.RegisterProperty(_valid_request(), metadata=_auth(Role.ASSESSOR), timeout=5)


def test_bad_input_is_invalid_argument_with_field_violations(
    channel: grpc.Channel, runtime: ServiceRuntime
) -> None:
    stub = assessment_pb2_grpc.AssessmentServiceStub(channel)
    with pytest.raises(grpc.RpcError) as caught:
        stub.RegisterProperty(
            assessment_pb2.RegisterPropertyRequest(
                facts=assessment_pb2.PropertyFacts(cadastral_id="nonsense", dwelling_units=-3)
            ),
            metadata=_auth(Role.ASSESSOR),
            timeout=5,
        )
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(field_violations(caught.value)) == {
        "facts.cadastral_id",
        "facts.address",
        "facts.category",
        "facts.dwelling_units",
    }
    with pytest.raises(grpc.RpcError) as caught:
        stub.GetProperty(
            assessment_pb2.GetPropertyRequest(property_id=""), metadata=_auth(Role.READER), timeout=5
        )
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    with runtime.engine.connect() as conn:
        assert conn.execute(select(platform_tables.outbox)).first() is None


def test_state_changes_are_audited_and_answered(channel: grpc.Channel, runtime: ServiceRuntime) -> None:
    stub = assessment_pb2_grpc.AssessmentServiceStub(channel)
    created = stub.RegisterProperty(_valid_request(), metadata=_auth(Role.ASSESSOR), timeout=5)
    with pytest.raises(grpc.RpcError) as caught:
        stub.RegisterProperty(_valid_request(), metadata=_auth(Role.ASSESSOR), timeout=5)
    assert caught.value.code() == grpc.StatusCode.ALREADY_EXISTS
    read = stub.GetProperty(
        assessment_pb2.GetPropertyRequest(property_id=created.property.property_id),
        metadata=_auth(Role.READER),
        timeout=5,
    )
    assert read.property == created.property
    with runtime.engine.connect() as conn:
        audit = conn.execute(
            select(
                platform_tables.audit.c.principal,
                platform_tables.audit.c.method,
                platform_tables.audit.c.request_id,
                platform_tables.audit.c.outcome,
            ).order_by(platform_tables.audit.c.id)
        ).all()
    method = "/propertytax.assessment.v1.AssessmentService/RegisterProperty"
    # Reads are not audited; both writes are, the refused one with its outcome.
    assert [tuple(a) for a in audit] == [
        ("tester", method, "req-42", "OK"),
        ("tester", method, "req-42", "ALREADY_EXISTS"),
    ]


def test_graceful_stop_reports_not_serving_and_drains_the_outbox(
    runtime: ServiceRuntime, channel: grpc.Channel
) -> None:
    stub = assessment_pb2_grpc.AssessmentServiceStub(channel)
    stub.RegisterProperty(_valid_request(), metadata=_auth(Role.ASSESSOR), timeout=5)
    runtime.stop()
    health = runtime.server.health.Check(health_pb2.HealthCheckRequest(service=""), None)  # type: ignore[arg-type]
    assert health.status == health_pb2.HealthCheckResponse.NOT_SERVING
    assert runtime.relay is not None and runtime.relay.pending() == 0


def test_the_cli_says_which_role_a_refused_token_lacks_and_what_to_do_about_a_bad_one(
    runtime: ServiceRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    from services.cli import main

    target = ["--target", f"127.0.0.1:{runtime.server.port}"]
    reader = TokenAuthority(SECRET).mint("kari", [Role.READER])
    argv = ["assessment", "register-property", "--cadastral-id", "0301-208/1/0/0", "--address", "Storgata 1"]
    argv += ["--category", "housing", "--token", reader, *target]
    assert main(argv) == 1
    said = capsys.readouterr().err
    assert said.count("error:") == 1
    assert "kari (roles: reader) may not call RegisterProperty: it needs the role assessor" in said
    assert "propertytax token mint --role assessor" in said
    assert main([*argv[:-4], "--token", "not-a-token", *target]) == 1
    said = capsys.readouterr().err
    assert said.startswith("error: the token was not accepted (invalid token")
    assert "propertytax token mint --role ROLE" in said
