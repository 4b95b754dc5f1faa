"""How the billing service is put together: the one place that picks billing's adapters (SQL, files,
YAML, PDF/EHF) and hands them to its entry points."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import grpc
from netsgiro import NETS_ID
from sqlalchemy.orm import Session, sessionmaker

from services.billing.adapters.avtalegiro_file import avtalegiro_claims, read_agreements
from services.billing.adapters.collection_rules_file import load_collection_rules
from services.billing.adapters.fee_schedule_file import read_fee_schedule
from services.billing.adapters.orm import platform_tables
from services.billing.adapters.payment_file import read_payment_file
from services.billing.adapters.reminder_letters import ReminderLetterFiles
from services.billing.adapters.reminder_workers import ReminderWorkerProcesses, worker_count
from services.billing.adapters.run_documents import InvoiceDocuments, RunOutput, load_seller
from services.billing.adapters.unit_of_work import SqlBillingUnitOfWork
from services.billing.application.invoices import InvoiceDocument
from services.billing.application.invoices import invoice_document as _invoice_document
from services.billing.application.ports import BillingUnitOfWork
from services.billing.application.run_billing import BillingPolicy
from services.billing.domain.avtalegiro import DirectDebitClaim
from services.billing.domain.collection_rules import CollectionRules
from services.billing.domain.seller import Seller
from services.billing.entrypoints import event_handlers, grpc_api
from services.platform.db import normalise_url
from services.platform.runtime import BackgroundTask
from services.platform.service_builder import ConsumerSpec, ServiceSpec
from services.platform.settings import Settings


def _avtalegiro_writer(
    seller: Seller, data_transmitter: str
) -> Callable[[Sequence[DirectDebitClaim], str], str]:
    """The claim file of a billing run for Nets: the data transmitter is the Nets customer unit id from the
    settings (nets_data_transmitter; until one is set, the first 8 digits of the seller's organisation number
    stand in), the assignment account the seller's bank account (digits only: the file may write dots),
    and the transmission and assignment numbers are made from the run id (7 digits each)."""

    def write(claims: Sequence[DirectDebitClaim], run_id: str) -> str:
        number = f"{int(run_id.replace('-', '')[:12], 16) % 10_000_000:07d}"
        return avtalegiro_claims(
            claims,
            data_transmitter=data_transmitter or seller.organisation_number[:8],
            data_recipient=NETS_ID,
            transmission_number=number,
            assignment_number=number,
            assignment_account="".join(c for c in seller.bank_account if c.isdigit()),
        )

    return write


def _reminder_workers(
    settings: Settings, rules: CollectionRules, seller: Seller
) -> ReminderWorkerProcesses | None:
    """Worker processes for reminder runs on PostgreSQL (settings.reminder_processes; SQLite, or 1: none,
    the service takes one chunk at a time). They start with the first run and stay for the service's life."""
    url = settings.database_url_for("billing")
    processes = worker_count(settings.reminder_processes)
    if processes < 2 or not normalise_url(url).startswith("postgresql"):
        return None
    return ReminderWorkerProcesses(url, rules, seller, settings.billing_chunk_size, processes)


def _add_servicer(
    sessions: sessionmaker[Session], server: grpc.Server, settings: Settings
) -> list[BackgroundTask]:
    seller = load_seller(settings.seller_file)  # the seller file is read once
    letters = ReminderLetterFiles(settings.var_dir / "reminders")
    rules = load_collection_rules(settings.collection_rules_file)
    wiring = grpc_api.Wiring(
        uow=lambda: SqlBillingUnitOfWork(sessions),
        files=RunOutput(
            journals=settings.var_dir / "journals",
            documents=settings.var_dir / "invoices",
            pdf_for_persons=settings.billing_pdf_for_persons,
        ),
        policy=BillingPolicy(seller=seller),
        chunk_size=settings.billing_chunk_size,
        chunk_pause_seconds=settings.billing_chunk_pause_seconds,
        read_schedule=read_fee_schedule,
        renderer=InvoiceDocuments(),
        read_payment_file=read_payment_file,
        collection_rules=rules,
        reminder_letters=letters,
        letters_folder=letters.folder,
        read_agreements=read_agreements,
        write_direct_debits=_avtalegiro_writer(seller, settings.nets_data_transmitter),
        reminder_workers=_reminder_workers(settings, rules, seller),
    )
    return grpc_api.add_to_server(server, wiring)


def _joined(session: Session) -> BillingUnitOfWork:
    """A unit of work in the consumer's transaction: the consumer commits it with the inbox row."""
    return SqlBillingUnitOfWork.in_transaction_of(session)


EVENTS = event_handlers.BillingEventHandlers(_joined)
HANDLERS = EVENTS.handlers()
BATCH_HANDLERS = EVENTS.batch_handlers()
# One handler by itself, for callers that feed it an event in a transaction of their own (tests, tools).
on_ownership_changed = EVENTS.on_ownership_changed


def invoice_document(
    uow: BillingUnitOfWork, invoice_number: int, document_format: str = ""
) -> InvoiceDocument:
    """An issued invoice's document rendered with billing's own renderers, for callers outside the server."""
    return _invoice_document(uow, InvoiceDocuments(), invoice_number, document_format)


SPEC = ServiceSpec(
    name="billing",
    service_full_name=grpc_api.SERVICE_FULL_NAME,
    tables=platform_tables,
    migrations_dir=Path(__file__).parent / "adapters" / "migrations",
    rules=grpc_api.RULES,
    add_servicer=_add_servicer,
    produces_events=True,
    consumer=ConsumerSpec(
        topics=["propertytax.assessment.v1", "propertytax.appeals.v1"],
        handlers=lambda _settings: HANDLERS,
        batch_handlers=lambda _settings: BATCH_HANDLERS,
    ),
)
