"""Billing's unit of work over SQLAlchemy."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from services.billing.adapters.account_repository import AccountRepository, HoldingRepository
from services.billing.adapters.correction_repository import CorrectionFlags
from services.billing.adapters.fee_repository import FeeFactsRepository, FeeScheduleRepository
from services.billing.adapters.invoice_repository import BillingRunRepository, InvoiceRepository
from services.billing.adapters.orm import platform_tables
from services.billing.adapters.proto_mapping import event_to_proto
from services.billing.adapters.repository import BillingPropertyRepository, PropertyTaxRepository
from services.platform.clock import Clock, utc_now
from services.platform.unit_of_work import UnitOfWork

SERVICE = "billing"
TOPIC = "propertytax.billing.v1"


class SqlBillingUnitOfWork(UnitOfWork):
    accounts: AccountRepository
    holdings: HoldingRepository
    runs: BillingRunRepository
    invoices: InvoiceRepository
    fee_schedules: FeeScheduleRepository
    fee_facts: FeeFactsRepository
    corrections: CorrectionFlags
    properties: BillingPropertyRepository
    taxes: PropertyTaxRepository

    def __init__(self, sessions: Callable[[], Session], clock: Clock = utc_now) -> None:
        super().__init__(
            sessions,
            platform_tables.outbox,
            source=SERVICE,
            topic=TOPIC,
            event_mapper=event_to_proto,
            clock=clock,
        )

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
