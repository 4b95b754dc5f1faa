"""Billing's unit of work over SQLAlchemy: its repositories on one session, its events in its outbox."""

from __future__ import annotations

from collections.abc import Callable

from services.billing.adapters.account_repository import AccountRepository, HoldingRepository
from services.billing.adapters.avtalegiro_repository import AgreementRepository
from services.billing.adapters.collection_repository import CollectionRepository
from services.billing.adapters.correction_repository import CorrectionFlags
from services.billing.adapters.event_payloads import event_to_proto
from services.billing.adapters.fee_repository import FeeFactsRepository, FeeScheduleRepository
from services.billing.adapters.invoice_repository import BillingRunRepository, InvoiceRepository
from services.billing.adapters.ledger_repository import LedgerRepository
from services.billing.adapters.orm import platform_tables
from services.billing.adapters.payment_repository import PaymentRepository
from services.billing.adapters.repository import (
    BillingPropertyRepository,
    BillingYearRepository,
    PropertyTaxRepository,
)
from services.platform.unit_of_work import EventMapper, UnitOfWork


class SqlBillingUnitOfWork(UnitOfWork):
    """Implements application/ports.py BillingUnitOfWork."""

    OUTBOX = platform_tables.outbox
    SOURCE = "billing"
    TOPIC = "propertytax.billing.v1"
    EVENT_MAPPER: EventMapper | None = event_to_proto

    accounts: AccountRepository
    holdings: HoldingRepository
    runs: BillingRunRepository
    invoices: InvoiceRepository
    fee_schedules: FeeScheduleRepository
    fee_facts: FeeFactsRepository
    corrections: CorrectionFlags
    properties: BillingPropertyRepository
    taxes: PropertyTaxRepository
    years: BillingYearRepository
    ledger: LedgerRepository
    payments: PaymentRepository
    collection: CollectionRepository
    agreements: AgreementRepository

    def _opened(self) -> None:
        session = self.session
        self.accounts = AccountRepository(session)
        self.holdings = HoldingRepository(session)
        self.runs = BillingRunRepository(session)
        self.invoices = InvoiceRepository(session)
        self.fee_schedules = FeeScheduleRepository(session)
        self.fee_facts = FeeFactsRepository(session)
        self.corrections = CorrectionFlags(session)
        self.properties = BillingPropertyRepository(session)
        self.taxes = PropertyTaxRepository(session)
        self.years = BillingYearRepository(session)
        self.ledger = LedgerRepository(session)
        self.payments = PaymentRepository(session)
        self.collection = CollectionRepository(session)
        self.agreements = AgreementRepository(session)


# What integration tests and tools that reach into the SQL repositories hand around.
SqlUnitOfWorkFactory = Callable[[], SqlBillingUnitOfWork]
