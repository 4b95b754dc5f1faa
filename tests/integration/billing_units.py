"""Billing's application on its SQL unit of work, as the ledger, payment import and billing run tests set
it up: a migrated database, properties taxed and held by recipients, and a month's run taken to its end in
chunks. Below the API on purpose: these tests drive the application functions themselves."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from fractions import Fraction

from services.billing.adapters.account_repository import AccountRepository, HoldingRepository
from services.billing.adapters.repository import PropertyTaxRepository
from services.billing.adapters.unit_of_work import SqlBillingUnitOfWork
from services.billing.adapters.unit_of_work import SqlUnitOfWorkFactory as UowFactory
from services.billing.application.record_property_tax import record_property_tax
from services.billing.application.run_billing import (
    BillingPolicy,
    billing_chunk,
    complete_billing_run,
    start_billing_run,
)
from services.billing.application.take_over_property import NewHolder, take_over_property
from services.billing.domain.account import RecipientKind
from services.billing.domain.billing_run import BillingRun, RunState
from services.billing.domain.intervals import IntervalChoice
from services.billing.domain.property_tax import PropertyTax
from services.billing.service import SPEC
from services.platform.db import create_db_engine, session_factory
from services.platform.migrations import upgrade_to_head
from tests.integration.billing_fixtures import give_postal_addresses


@contextmanager
def sql_billing_units(database_url: str) -> Iterator[UowFactory]:
    """Units of work on the database at `database_url`, migrated to head; the engine is closed after."""
    upgrade_to_head(SPEC.migrations_dir, database_url)
    engine = create_db_engine(database_url)
    sessions = session_factory(engine)
    yield lambda: SqlBillingUnitOfWork(sessions)
    engine.dispose()


def person(account_id: str) -> NewHolder:
    """A sole holder who is a person, named as the account."""
    return NewHolder(account_id, RecipientKind.PERSON, account_id, "", Fraction(1))


def seed_holders(
    make: UowFactory,
    taxes: Iterable[PropertyTax],
    holders: Iterable[tuple[str, date, NewHolder]],
    at: datetime,
    addressed: Iterable[str],
    intervals: Mapping[str, IntervalChoice] | None = None,
) -> None:
    """In one unit of work: the tax bases recorded, each (property, since, holder) taken over at `at`,
    the `intervals` chosen and the `addressed` accounts given a postal address (paper invoices need one)."""
    uow = make()
    with uow:
        tax_store = PropertyTaxRepository(uow.session)
        for tax in taxes:
            record_property_tax(tax_store, tax)
        accounts, holdings = AccountRepository(uow.session), HoldingRepository(uow.session)
        for property_id, since, holder in holders:
            take_over_property(accounts, holdings, property_id, since, [holder], at)
        for account_id, choice in (intervals or {}).items():
            accounts.set_interval(account_id, choice)
        give_postal_addresses(accounts, addressed)
        uow.commit()


def run_to_end(
    make: UowFactory, year: int, month: int, issue_date: date, policy: BillingPolicy, chunk: int
) -> BillingRun:
    """The month's billing run started, taken `chunk` recipients at a time while it runs, and completed."""
    run = start_billing_run(make(), year, month, issue_date)
    while run.state == RunState.RUNNING:
        run = billing_chunk(make(), run.run_id, policy, chunk)
    return complete_billing_run(make(), run.run_id)
