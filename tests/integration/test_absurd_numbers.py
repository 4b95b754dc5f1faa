"""Absurd numbers through the real services and the command line (issue 10, case 5): refused as
INVALID_ARGUMENT naming the field (or by the CLI naming its argument, exit code 2, no traceback), and a
reading stored before readings were bounded makes a preview answer FAILED_PRECONDITION, never INTERNAL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import grpc
import pytest
from pydantic import SecretStr

from propertytax.assessment.v1 import assessment_pb2, assessment_pb2_grpc
from propertytax.billing.v1 import fees_pb2, preview_pb2
from propertytax.platform.v1 import money_pb2
from services.assessment.service import SPEC as ASSESSMENT
from services.billing.adapters.fee_repository import FeeFactsRepository
from services.billing.adapters.repository import BillingPropertyRepository
from services.billing.domain.billing_property import BillingProperty
from services.cli import main
from services.platform.auth import Role, TokenAuthority
from services.platform.db import session_factory
from services.platform.grpc_status import field_violations
from services.platform.runtime import ServiceRuntime
from services.platform.service_builder import build_runtime
from services.platform.settings import Settings
from tests.integration.billing_fixtures import Api, billing_service, seed_recipients

pytestmark = pytest.mark.kafka
SECRET = "absurd-numbers-test-secret-0123456789abcdef"
REPO = Path(__file__).resolve().parents[2]
OSLO_2024 = (REPO / "data" / "fee_schedules" / "oslo-2024.yaml").read_text(encoding="utf-8")
PROPERTY = "0301-10/2/0/0"


@pytest.fixture
def billing(database_url: str, kafka_bootstrap: str, tmp_path: Path) -> Iterator[ServiceRuntime]:
    with billing_service(database_url, kafka_bootstrap, tmp_path, SECRET) as running:
        seed_recipients(running)
        with session_factory(running.engine)() as session:
            properties = BillingPropertyRepository(session)
            for pid in [PROPERTY, *(f"p{n}" for n in range(1, 12))]:  # p1…p11 have recipients
                properties.add(
                    BillingProperty(
                        pid, pid, "Øvre Ærvei 6", "PROPERTY_CATEGORY_HOUSING", 1, "e", Decimal(100)
                    )
                )
            session.commit()
        yield running


@pytest.fixture
def officer(billing: ServiceRuntime) -> Iterator[Api]:
    channel = grpc.insecure_channel(f"127.0.0.1:{billing.server.port}")
    yield Api(channel, SECRET, Role.BILLING_OFFICER)
    channel.close()


@pytest.mark.parametrize(
    ("m3", "reason"),
    [
        ("1e12", "out of range"),  # was accepted, and May's preview totalled about 16 trillion kr
        ("9" * 29, "out of range"),  # was stored, and every later preview of the month answered INTERNAL
        ("1e2000000", "out of range"),
        ("-1", "out of range"),
        ("132,5555", "too many decimals"),
        ("NaN", "not a number"),
        ("x" * 1000, "too long"),
    ],
)
def test_absurd_meter_readings_are_refused_naming_the_field(officer: Api, m3: str, reason: str) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        officer.RecordMeterReading(fees_pb2.RecordMeterReadingRequest(property_id=PROPERTY, year=2024, m3=m3))
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT, refused.value.details()
    violations = field_violations(refused.value)
    assert set(violations) == {"m3"} and reason in violations["m3"]
    assert len(violations["m3"]) < 200  # never the whole input echoed


def test_plausible_readings_are_recorded_with_either_separator(officer: Api) -> None:
    recorded = officer.RecordMeterReading(
        fees_pb2.RecordMeterReadingRequest(property_id=PROPERTY, year=2024, m3="132,5")
    )
    assert Decimal(recorded.m3) == Decimal("132.5")


def test_a_stored_absurd_reading_makes_the_preview_refuse_not_fail(
    officer: Api, billing: ServiceRuntime
) -> None:
    officer.PutFeeSchedule(fees_pb2.PutFeeScheduleRequest(document=OSLO_2024))
    with session_factory(billing.engine)() as session:  # as it was stored before readings were bounded
        FeeFactsRepository(session).record_meter_reading("p1", 2024, Decimal("9" * 29), datetime.now(UTC))
        session.commit()
    for month in (5, 6):
        with pytest.raises(grpc.RpcError) as refused:
            officer.PreviewBillingRun(preview_pb2.PreviewBillingRunRequest(year=2024, month=month))
        assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION, refused.value.details()
        assert "meter reading" in (refused.value.details() or "")
    officer.RecordMeterReading(fees_pb2.RecordMeterReadingRequest(property_id="p1", year=2024, m3="132.5"))
    preview = officer.PreviewBillingRun(preview_pb2.PreviewBillingRunRequest(year=2024, month=5))
    assert 0 < preview.term.total.ore < 10**9  # plausible again: well under ten million kr


def test_the_command_line_refuses_an_absurd_reading_naming_its_argument(
    billing: ServiceRuntime, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROPERTYTAX_TOKEN", TokenAuthority(SECRET).mint("tester", [Role.BILLING_OFFICER]))
    target = ["--target", f"127.0.0.1:{billing.server.port}"]
    with pytest.raises(SystemExit) as exited:
        main(["billing", "meter", PROPERTY, "2024", "1e12", *target])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert "argument m3" in error and "out of range" in error and "Traceback" not in error
    assert main(["billing", "meter", PROPERTY, "2024", "132,5", *target]) == 0
    assert "Recorded 132,5 m³ for 2024" in capsys.readouterr().out


@pytest.fixture
def assessment(sqlite_url: str, kafka_bootstrap: str, tmp_path: Path) -> Iterator[ServiceRuntime]:
    runtime = build_runtime(
        ASSESSMENT,
        Settings(
            database_url=sqlite_url,
            kafka_bootstrap=kafka_bootstrap,
            var_dir=tmp_path,
            auth_secret=SecretStr(SECRET),
        ),
    )
    runtime.start()
    yield runtime
    runtime.stop()


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["assessment", "correct", PROPERTY, "--year", "2024", "--reason", "klage"], "--value-nok"),
        (
            ["appeals", "decide", "case-1", "--meeting", "m-1", "--outcome", "upheld", "--reasons", "r"],
            "--new-value-nok",
        ),
    ],
)
def test_value_nok_of_twenty_nines_is_a_usage_error_naming_the_flag(
    argv: list[str], flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*argv, flag, "99999999999999999999"])  # was a traceback (beyond protobuf's int64)
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert flag in error and "out of range" in error and "Traceback" not in error
    with pytest.raises(SystemExit):
        main(
            ["assessment", "correct", PROPERTY, "--year", "99999999999", "--value-nok", "1", "--reason", "r"]
        )
    assert "argument --year" in capsys.readouterr().err


def test_the_assessment_service_refuses_amounts_beyond_any_value(assessment: ServiceRuntime) -> None:
    channel = grpc.insecure_channel(f"127.0.0.1:{assessment.server.port}")
    stub = assessment_pb2_grpc.AssessmentServiceStub(channel)
    token = TokenAuthority(SECRET).mint("tester", [Role.ASSESSOR])
    try:
        for ore in (2**63 - 1, -1, 10**13 + 1):
            with pytest.raises(grpc.RpcError) as refused:
                stub.ProposeManualValuation(
                    assessment_pb2.ProposeManualValuationRequest(
                        property_id=PROPERTY, value=money_pb2.Money(ore=ore), reason="befaring"
                    ),
                    metadata=(("authorization", f"Bearer {token}"),),
                    timeout=30,
                )
            assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT, refused.value.details()
            assert "out of range" in field_violations(refused.value)["value"]
    finally:
        channel.close()
