"""GetLevyJob by tax year (issue 12): the newest levy job of the year, NOT_FOUND in words for a year without
a levy, and a request that names both a job and a year, or neither, is refused by field."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from devstack.synthetic_register import OSLO_2024_DECISION, register_csv
from propertytax.assessment.v1 import assessment_pb2, assessment_pb2_grpc
from services.assessment.service import SPEC
from services.platform.auth import Role, TokenAuthority
from services.platform.grpc_status import field_violations
from services.platform.runtime import ServiceRuntime
from services.platform.service_builder import build_runtime
from services.platform.settings import Settings

pytestmark = pytest.mark.kafka

SECRET = "levy-by-year-test-secret-0123456789abcdef"


@pytest.fixture
def runtime(sqlite_url: str, kafka_bootstrap: str, tmp_path: Path) -> Iterator[ServiceRuntime]:
    settings = Settings(
        database_url=sqlite_url,
        kafka_bootstrap=kafka_bootstrap,
        var_dir=tmp_path,
        auth_secret=SECRET,  # type: ignore[arg-type]
    )
    service = build_runtime(SPEC, settings)
    service.start()
    yield service
    service.stop()


@pytest.fixture
def stub(runtime: ServiceRuntime) -> Iterator[assessment_pb2_grpc.AssessmentServiceStub]:
    channel = grpc.insecure_channel(f"127.0.0.1:{runtime.server.port}")
    yield assessment_pb2_grpc.AssessmentServiceStub(channel)
    channel.close()


def _metadata() -> tuple[tuple[str, str]]:
    return (("authorization", f"Bearer {TokenAuthority(SECRET).mint('kari', [Role.ASSESSOR])}"),)


def _refused(call: object, request: assessment_pb2.GetLevyJobRequest) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call(request, metadata=_metadata(), timeout=30)  # type: ignore[operator]
    return caught.value


def test_levy_job_by_year(stub: assessment_pb2_grpc.AssessmentServiceStub) -> None:
    metadata = _metadata()
    missing = _refused(stub.GetLevyJob, assessment_pb2.GetLevyJobRequest(tax_year=2024))
    assert missing.code() == grpc.StatusCode.NOT_FOUND
    assert missing.details() == "no levy for 2024 yet"

    stub.ImportProperties(
        assessment_pb2.ImportPropertiesRequest(
            content=register_csv(5), format=assessment_pb2.IMPORT_FORMAT_CSV, housing_value_year=2024
        ),
        metadata=metadata,
    )
    stub.SetTaxYearDecision(
        assessment_pb2.SetTaxYearDecisionRequest(decision_yaml=OSLO_2024_DECISION), metadata=metadata
    )
    started = stub.StartLevy(
        assessment_pb2.StartLevyRequest(tax_year=2024, levied_on="2024-02-20"), metadata=metadata
    ).job
    deadline = time.monotonic() + 60
    job = started
    while job.state == assessment_pb2.LEVY_JOB_STATE_RUNNING and time.monotonic() < deadline:
        time.sleep(0.1)
        job = stub.GetLevyJob(assessment_pb2.GetLevyJobRequest(tax_year=2024), metadata=metadata).job
    assert job.job_id == started.job_id
    assert (job.tax_year, job.state, job.total, job.levied_on) == (
        2024,
        assessment_pb2.LEVY_JOB_STATE_COMPLETED,
        5,
        "2024-02-20",
    )
    assert stub.GetLevyJob(assessment_pb2.GetLevyJobRequest(job_id=job.job_id), metadata=metadata).job == job

    other_year = _refused(stub.GetLevyJob, assessment_pb2.GetLevyJobRequest(tax_year=2025))
    assert (other_year.code(), other_year.details()) == (grpc.StatusCode.NOT_FOUND, "no levy for 2025 yet")
    both = _refused(stub.GetLevyJob, assessment_pb2.GetLevyJobRequest(job_id=job.job_id, tax_year=2024))
    assert both.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(field_violations(both)) == {"tax_year"}
    neither = _refused(stub.GetLevyJob, assessment_pb2.GetLevyJobRequest())
    assert set(field_violations(neither)) == {"job_id"}
    not_a_year = _refused(stub.GetLevyJob, assessment_pb2.GetLevyJobRequest(tax_year=24))
    assert set(field_violations(not_a_year)) == {"tax_year"}
