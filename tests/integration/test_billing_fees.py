"""Fee schedules, fee facts and meter readings over gRPC, and what a run charges from them, previewed
first: the preview changes nothing and predicts the run to the øre, and compares with the last term."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import grpc
import pytest
from sqlalchemy import func, select

from propertytax.billing.v1 import billing_pb2, fees_pb2, preview_pb2
from services.billing.adapters.orm import invoices
from services.billing.adapters.repository import BillingPropertyRepository
from services.billing.domain.billing_property import BillingProperty
from services.platform.auth import Role
from services.platform.db import session_factory
from services.platform.grpc_status import field_violations
from services.platform.money import Money
from services.platform.runtime import ServiceRuntime
from tests.integration.billing_fixtures import Api, billing_service, run_month, seed_recipients

pytestmark = pytest.mark.kafka
SECRET = "billing-fees-test-secret-0123456789abcdef"
REPO = Path(__file__).resolve().parents[2]
OSLO_2024 = (REPO / "data" / "fee_schedules" / "oslo-2024.yaml").read_text(encoding="utf-8")


@pytest.fixture
def service(database_url: str, kafka_bootstrap: str, tmp_path: Path) -> Iterator[ServiceRuntime]:
    with billing_service(database_url, kafka_bootstrap, tmp_path, SECRET) as running:
        seed_recipients(running)  # p1…p11, acc-01 (monthly, p1 and p11) … acc-10, property tax 1,200 × n
        with session_factory(running.engine)() as session:
            properties = BillingPropertyRepository(session)
            for n in range(1, 12):
                properties.add(
                    BillingProperty(
                        f"p{n}", f"0301-{n}/1", f"Gate {n}", "PROPERTY_CATEGORY_HOUSING", 1, "e", Decimal(100)
                    )
                )
            session.commit()
        yield running


@pytest.fixture
def officer(service: ServiceRuntime) -> Iterator[Api]:
    channel = grpc.insecure_channel(f"127.0.0.1:{service.server.port}")
    yield Api(channel, SECRET, Role.BILLING_OFFICER)
    channel.close()


def _refused(
    call: Any, request: Any, code: grpc.StatusCode = grpc.StatusCode.INVALID_ARGUMENT
) -> dict[str, str]:
    with pytest.raises(grpc.RpcError) as refused:
        call(request)
    assert refused.value.code() == code, refused.value.details()
    return field_violations(refused.value) if code == grpc.StatusCode.INVALID_ARGUMENT else {}


def _net(totals: Any) -> dict[str, int]:
    return {c.code: c.net.ore for c in totals.charges}


def test_invalid_schedules_are_refused_with_the_reason_and_nothing_is_stored(officer: Api) -> None:
    broken = OSLO_2024.replace("water_per_m3_nok: 15.75", "water_per_m3_nok: -1").replace(
        "year: 2024", "year: next"
    )
    assert set(_refused(officer.PutFeeSchedule, fees_pb2.PutFeeScheduleRequest(document=broken))) == {
        "year",
        "water_sewage.water_per_m3_nok",
    }
    syntax = _refused(officer.PutFeeSchedule, fees_pb2.PutFeeScheduleRequest(document="year: [2024\n"))
    assert "line" in syntax["document"]
    _refused(officer.GetFeeSchedule, fees_pb2.GetFeeScheduleRequest(year=2024), grpc.StatusCode.NOT_FOUND)
    stored = officer.PutFeeSchedule(fees_pb2.PutFeeScheduleRequest(document=OSLO_2024)).schedule
    assert (stored.year, stored.version) == (2024, 1)
    again = officer.GetFeeSchedule(fees_pb2.GetFeeScheduleRequest(year=2024)).schedule
    assert again.document == OSLO_2024


def test_fee_facts_and_meter_readings_are_checked(officer: Api) -> None:
    bad = fees_pb2.RecordMeterReadingRequest(property_id="p3", year=2024, m3="-1")
    assert set(_refused(officer.RecordMeterReading, bad)) == {"m3"}
    facts = fees_pb2.SetFeeFactsRequest(property_id="p2", facts=fees_pb2.FeeFacts(chimneys=-1))
    assert set(_refused(officer.SetFeeFacts, facts)) == {"chimneys"}
    unknown = fees_pb2.SetFeeFactsRequest(property_id="nowhere", facts=fees_pb2.FeeFacts(chimneys=1))
    _refused(officer.SetFeeFacts, unknown, grpc.StatusCode.NOT_FOUND)


def test_the_preview_predicts_the_run_with_fees_to_the_ore_and_changes_nothing(
    officer: Api, service: ServiceRuntime
) -> None:
    officer.PutFeeSchedule(fees_pb2.PutFeeScheduleRequest(document=OSLO_2024))
    officer.SetFeeFacts(fees_pb2.SetFeeFactsRequest(property_id="p2", facts=fees_pb2.FeeFacts(chimneys=1)))
    officer.RecordMeterReading(fees_pb2.RecordMeterReadingRequest(property_id="p3", year=2024, m3="200"))
    officer.SetFeeFacts(
        fees_pb2.SetFeeFactsRequest(property_id="p4", facts=fees_pb2.FeeFacts(not_connected_to_water=True))
    )
    preview = officer.PreviewBillingRun(preview_pb2.PreviewBillingRunRequest(year=2024, month=1))
    with session_factory(service.engine)() as session:
        assert session.scalar(select(func.count()).select_from(invoices)) == 0
    assert preview.due_accounts == 10 and not preview.HasField("last_term")
    on_day = officer.PreviewBillingRun(
        preview_pb2.PreviewBillingRunRequest(year=2024, month=1, issue_date="2024-01-10")
    )
    assert (on_day.issue_date, on_day.term.total.ore) == ("2024-01-10", preview.term.total.ore)
    with pytest.raises(grpc.RpcError) as refused:  # a date that is none: named, never INTERNAL
        officer.PreviewBillingRun(
            preview_pb2.PreviewBillingRunRequest(year=2024, month=1, issue_date="2024-02-30")
        )
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT, refused.value.details()
    january = run_month(officer, 2024, 1, "2024-01-10")
    assert (
        (preview.term.invoices, preview.term.total.ore)
        == (january.invoices, january.total.ore)
        == (10, january.total.ore)
    )
    net = _net(preview.term)
    # Property tax: January for acc-01 (p1 and p11, monthly), the first quarter for the others.
    assert net["property_tax"] == 100_00 + 1_100_00 + sum(1200_00 * n // 4 for n in range(2, 11))
    assert (
        net["chimney"] == Money.of("97.38").ore
    )  # one chimney, a quarter of 389.50 (the first months get the øre)
    rows = list(csv.DictReader(Path(january.journal_path).read_text(encoding="utf-8").splitlines()))
    assert sum(Money.of(r["amount_nok"]).ore for r in rows) == january.total.ore
    lines = {
        (line.property_id, line.code): line
        for found in [
            officer.FindInvoices(billing_pb2.FindInvoicesRequest(account_id=a)) for a in ("acc-03", "acc-04")
        ]
        for summary in found.invoices
        for line in officer.GetInvoice(
            billing_pb2.GetInvoiceRequest(invoice_number=summary.invoice_number)
        ).lines
    }
    assert "målt forbruk" in lines[("p3", "water_consumption")].description
    assert Money(lines[("p3", "water_consumption")].amount.ore) == Money.of("787.50")  # 200 m³ × 15.75 / 4
    assert ("p4", "water_consumption") not in lines and ("p4", "waste") in lines
    april = officer.PreviewBillingRun(preview_pb2.PreviewBillingRunRequest(year=2024, month=4))
    assert (april.last_term_year, april.last_term_month) == (2024, 1)
    assert _net(april.last_term) == net
    assert {c.code: c.net.ore for c in april.changes} == {
        code: amount - net.get(code, 0) for code, amount in _net(april.term).items()
    }
