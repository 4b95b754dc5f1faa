"""BillingService over gRPC, in one process against the real broker: invoice recipients and a month's
billing run as a job, with its journal."""

from __future__ import annotations

import csv
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import grpc
import pytest

from propertytax.billing.v1 import billing_pb2, billing_pb2_grpc
from services.billing.adapters.account_repository import AccountRepository, HoldingRepository
from services.billing.adapters.repository import PropertyTaxRepository
from services.billing.adapters.unit_of_work import SqlBillingUnitOfWork
from services.billing.application.record_property_tax import record_property_tax
from services.billing.application.take_over_property import NewHolder, take_over_property
from services.billing.domain.account import RecipientKind
from services.billing.domain.property_tax import PropertyTax
from services.billing.service import SPEC
from services.platform.auth import Role, TokenAuthority
from services.platform.db import session_factory
from services.platform.grpc_status import field_violations
from services.platform.money import Money
from services.platform.runtime import ServiceRuntime
from services.platform.service_builder import build_runtime
from services.platform.settings import Settings
from tests.integration.billing_fixtures import give_postal_addresses

pytestmark = pytest.mark.kafka
SECRET = "billing-test-secret-0123456789abcdefghij"


@pytest.fixture
def runtime(sqlite_url: str, kafka_bootstrap: str, tmp_path: Path) -> Iterator[ServiceRuntime]:
    settings = Settings(
        database_url=sqlite_url,
        kafka_bootstrap=kafka_bootstrap,
        var_dir=tmp_path,
        auth_secret=SECRET,  # type: ignore[arg-type]
    )
    # Without its Kafka consumer: other tests' events on the shared broker must not add recipients here.
    service = build_runtime(replace(SPEC, consumer=None), settings)
    service.start()
    uow = SqlBillingUnitOfWork(session_factory(service.engine))
    with uow:
        for n in range(1, 31):
            record_property_tax(
                PropertyTaxRepository(uow.session),
                PropertyTax(f"p{n}", 2024, 1, "TAX_STATUS_TAXED", Money.of(1200 * n), Money(0), 4, f"e{n}"),
            )
            kind = RecipientKind.ORGANISATION if n % 5 == 0 else RecipientKind.PERSON
            take_over_property(
                AccountRepository(uow.session),
                HoldingRepository(uow.session),
                f"p{n}",
                date(2024, 1, 1),
                [
                    NewHolder(
                        f"acc-{n:02d}", kind, f"Eier {n}", "974683520" if n % 5 == 0 else "", Fraction(1)
                    )
                ],
                datetime.now(UTC),
            )
        give_postal_addresses(AccountRepository(uow.session), [f"acc-{n:02d}" for n in range(1, 31)])
        uow.commit()
    yield service
    service.stop()


@pytest.fixture
def api(runtime: ServiceRuntime) -> Iterator[Any]:
    channel = grpc.insecure_channel(f"127.0.0.1:{runtime.server.port}")
    stub = billing_pb2_grpc.BillingServiceStub(channel)
    token = TokenAuthority(SECRET).mint("ola", [Role.BILLING_OFFICER])

    class Api:
        def __getattr__(self, name: str) -> Any:
            return lambda request: getattr(stub, name)(
                request, metadata=(("authorization", f"Bearer {token}"),), timeout=30
            )

    yield Api()
    channel.close()


def test_accounts_and_a_billing_run_with_its_journal(api: Any) -> None:
    with pytest.raises(grpc.RpcError) as bad:
        api.UpdateAccount(
            billing_pb2.UpdateAccountRequest(
                account_id="acc-05", postcode="12", channel=billing_pb2.CHANNEL_PRINT
            )
        )
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "postcode" in field_violations(bad.value)
    with pytest.raises(grpc.RpcError) as wrong_channel:
        api.UpdateAccount(
            billing_pb2.UpdateAccountRequest(account_id="acc-05", channel=billing_pb2.CHANNEL_PRINT)
        )
    assert "channel" in field_violations(wrong_channel.value)
    updated = api.UpdateAccount(
        billing_pb2.UpdateAccountRequest(
            account_id="acc-01",
            address_line="Storgata 1",
            postcode="0155",
            city="Oslo",
            interval=billing_pb2.INVOICE_INTERVAL_MONTHLY,
            interval_from="2024-01-01",
        )
    ).account
    assert updated.interval == billing_pb2.INVOICE_INTERVAL_MONTHLY and updated.postcode == "0155"
    assert [(c.interval, c.valid_from) for c in updated.interval_changes] == [
        (billing_pb2.INVOICE_INTERVAL_MONTHLY, "2024-01-01")
    ]
    assert [(h.property_id, h.valid_from, h.valid_to) for h in updated.holdings] == [("p1", "2024-01-01", "")]
    assert (
        api.GetAccount(billing_pb2.GetAccountRequest(account_id="acc-05")).account.channel
        == billing_pb2.CHANNEL_EHF
    )

    run = api.StartBillingRun(
        billing_pb2.StartBillingRunRequest(year=2024, month=2, issue_date="2024-02-05")
    ).run
    deadline = time.monotonic() + 60
    while run.state == billing_pb2.BILLING_RUN_STATE_RUNNING and time.monotonic() < deadline:
        time.sleep(0.1)
        run = api.GetBillingRun(billing_pb2.GetBillingRunRequest(run_id=run.run_id)).run
    assert run.state == billing_pb2.BILLING_RUN_STATE_COMPLETED, run.error
    # February starts a period only for the monthly recipient: January and February of 1,200 NOK.
    assert run.invoices == 1 and run.total.ore == 20_000
    rows = list(csv.DictReader(Path(run.journal_path).read_text(encoding="utf-8").splitlines()))
    assert [r["account_id"] for r in rows] == ["acc-01"]
    assert (
        rows[0]["amount_nok"] == "200.00" and rows[0]["kind"] == "invoice" and rows[0]["property_ids"] == "p1"
    )

    april = api.StartBillingRun(
        billing_pb2.StartBillingRunRequest(year=2024, month=4, issue_date="2024-04-05")
    ).run
    while april.state == billing_pb2.BILLING_RUN_STATE_RUNNING:
        time.sleep(0.1)
        april = api.GetBillingRun(billing_pb2.GetBillingRunRequest(run_id=april.run_id)).run
    journal = list(csv.DictReader(Path(april.journal_path).read_text(encoding="utf-8").splitlines()))
    assert len(journal) == 30  # the quarterly ones (Jan–Jun due, nothing invoiced yet) and the monthly one
    assert sum(Money.of(r["amount_nok"]).ore for r in journal) == april.total.ore
    numbers = [int(r["invoice_number"]) for r in journal]
    assert numbers == list(range(2, 32))  # continuing the series after February's invoice 1

    # Documents: EHF for the organisations (every fifth recipient), PDF for the persons.
    documents = Path(april.journal_path).parent.parent / "invoices"
    (run_dir,) = [d for d in documents.iterdir() if d.name.startswith("2024-04-")]
    ehf = sorted(run_dir.glob("*.xml"))
    assert len(ehf) == 6 and len(list(run_dir.glob("*.pdf"))) == 24
    from services.billing.adapters.ehf_validation import EhfValidator, is_valid

    validator = EhfValidator()
    try:
        for document in ehf:
            findings = validator.validate_file(document)
            assert is_valid(findings), (document.name, [f for f in findings if f.flag == "fatal"])
    finally:
        validator.close()
