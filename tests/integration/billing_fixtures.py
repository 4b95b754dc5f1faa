"""A billing service in this process with invoice recipients to bill: what the invoice API and CLI tests
start from.

The service runs without its Kafka consumer, so other tests' events on the shared broker cannot add
recipients to it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import grpc

from propertytax.billing.v1 import billing_pb2, billing_pb2_grpc
from services.billing.adapters.account_repository import AccountRepository, HoldingRepository
from services.billing.adapters.repository import PropertyTaxRepository
from services.billing.adapters.unit_of_work import SqlBillingUnitOfWork
from services.billing.application.record_property_tax import record_property_tax
from services.billing.application.take_over_property import NewHolder, take_over_property
from services.billing.domain.account import RecipientKind
from services.billing.domain.intervals import IntervalChoice, InvoiceInterval
from services.billing.domain.property_tax import PropertyTax
from services.billing.service import SPEC
from services.platform.auth import Role, TokenAuthority
from services.platform.db import session_factory
from services.platform.money import Money
from services.platform.runtime import ServiceRuntime
from services.platform.service_builder import build_runtime
from services.platform.settings import Settings

ORGANISATION_NUMBER = "974683520"


@contextmanager
def billing_service(
    database_url: str,
    kafka_bootstrap: str,
    var_dir: Path,
    auth_secret: str | None = None,
    **overrides: Any,  # other settings, e.g. seller_file
) -> Iterator[ServiceRuntime]:
    secret = {"auth_secret": auth_secret} if auth_secret is not None else {}  # else the development one
    settings = Settings(
        database_url=database_url,
        kafka_bootstrap=kafka_bootstrap,
        var_dir=var_dir,
        **secret,  # type: ignore[arg-type]
        **overrides,
    )
    service = build_runtime(replace(SPEC, consumer=None), settings)
    service.start()
    try:
        yield service
    finally:
        service.stop()


def give_postal_addresses(accounts: AccountRepository, account_ids: Iterable[str]) -> None:
    """Recipients made from owners have no postal address, and a paper invoice without one is held, not
    issued: the tests' recipients get one, as a billing officer would give them."""
    for n, account_id in enumerate(account_ids, start=1):
        account = accounts.get(account_id)
        if account is not None and not account.address_line:
            accounts.save(replace(account, address_line=f"Testveien {n}", postcode="0150", city="Oslo"))


def seed_recipients(service: ServiceRuntime, count: int = 10) -> None:
    """Properties p1…p{count}, each held since 1 January 2024 by acc-01…acc-{count} (every fifth an
    organisation, invoiced by EHF; the others persons, on paper), with 1,200 NOK × n property tax for
    2024 in four terms. acc-01 also holds p{count + 1} and is invoiced monthly; the others quarterly."""
    uow = SqlBillingUnitOfWork(session_factory(service.engine))
    now = datetime.now(UTC)
    with uow:
        taxes = PropertyTaxRepository(uow.session)
        accounts, holdings = AccountRepository(uow.session), HoldingRepository(uow.session)
        for n in range(1, count + 2):
            record_property_tax(
                taxes,
                PropertyTax(f"p{n}", 2024, 1, "TAX_STATUS_TAXED", Money.of(1200 * n), Money(0), 4, f"e{n}"),
            )
            holder = 1 if n == count + 1 else n
            organisation = holder % 5 == 0
            take_over_property(
                accounts,
                holdings,
                f"p{n}",
                date(2024, 1, 1),
                [
                    NewHolder(
                        f"acc-{holder:02d}",
                        RecipientKind.ORGANISATION if organisation else RecipientKind.PERSON,
                        f"Eier {holder}",
                        ORGANISATION_NUMBER if organisation else "",
                        Fraction(1),
                    )
                ],
                now,
            )
        accounts.set_interval("acc-01", IntervalChoice(InvoiceInterval.MONTHLY, date(2024, 1, 1)))
        give_postal_addresses(accounts, [f"acc-{n:02d}" for n in range(1, count + 1)])
        uow.commit()


class Api:
    """BillingService calls as one user (a bearer token for the given roles)."""

    def __init__(self, channel: grpc.Channel, secret: str, *roles: Role) -> None:
        self._stub = billing_pb2_grpc.BillingServiceStub(channel)
        self._token = TokenAuthority(secret).mint("tester", list(roles))

    def __getattr__(self, name: str) -> Any:
        return lambda request: getattr(self._stub, name)(
            request, metadata=(("authorization", f"Bearer {self._token}"),), timeout=60
        )


def run_month(api: Any, year: int, month: int, issue_date: str) -> Any:
    """Starts a month's run and waits until it is complete."""
    run = api.StartBillingRun(
        billing_pb2.StartBillingRunRequest(year=year, month=month, issue_date=issue_date)
    ).run
    deadline = time.monotonic() + 60
    while run.state == billing_pb2.BILLING_RUN_STATE_RUNNING and time.monotonic() < deadline:
        time.sleep(0.1)
        run = api.GetBillingRun(billing_pb2.GetBillingRunRequest(run_id=run.run_id)).run
    assert run.state == billing_pb2.BILLING_RUN_STATE_COMPLETED, run.error
    return run
