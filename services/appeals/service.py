"""How the appeals service is put together: the one place that chooses the adapters (SQL, the YAML
configuration, PDF documents) and hands them to the entry points."""

from __future__ import annotations

from pathlib import Path

import grpc
from sqlalchemy.orm import Session, sessionmaker

from services.appeals.adapters.config_file import load_config
from services.appeals.adapters.documents_pdf import PdfDocuments
from services.appeals.adapters.orm import platform_tables
from services.appeals.adapters.unit_of_work import SqlAppealsUnitOfWork
from services.appeals.application.ports import AppealsUnitOfWork
from services.appeals.entrypoints import event_handlers, grpc_api
from services.platform.messaging.inbox_processor import BatchHandler, EventHandler
from services.platform.service_builder import ConsumerSpec, ServiceSpec
from services.platform.settings import Settings


def _add_servicer(sessions: sessionmaker[Session], server: grpc.Server, settings: Settings) -> None:
    wiring = grpc_api.Wiring(
        uow=lambda: SqlAppealsUnitOfWork(sessions),
        config=load_config(settings.appeals_config_file),
        documents=PdfDocuments(),
    )
    grpc_api.add_to_server(server, wiring)


def _joining(session: Session) -> AppealsUnitOfWork:
    return SqlAppealsUnitOfWork.in_transaction_of(session)


# The consumer's handlers, each working in the consumer's own transaction.
HANDLERS: dict[str, EventHandler] = event_handlers.handlers(_joining)
BATCH_HANDLERS: dict[str, BatchHandler] = event_handlers.batch_handlers(_joining)

SPEC = ServiceSpec(
    name="appeals",
    service_full_name=grpc_api.SERVICE_FULL_NAME,
    tables=platform_tables,
    migrations_dir=Path(__file__).parent / "adapters" / "migrations",
    rules=grpc_api.RULES,
    add_servicer=_add_servicer,
    produces_events=True,
    consumer=ConsumerSpec(
        topics=["propertytax.assessment.v1", "propertytax.billing.v1"],
        handlers=lambda _settings: HANDLERS,
        batch_handlers=lambda _settings: BATCH_HANDLERS,
    ),
)
