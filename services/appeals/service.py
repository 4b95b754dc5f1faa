"""How the appeals service is put together."""

from __future__ import annotations

from pathlib import Path

from services.appeals.adapters.orm import platform_tables
from services.appeals.entrypoints import event_handlers, grpc_api
from services.platform.service_builder import ConsumerSpec, ServiceSpec

SPEC = ServiceSpec(
    name="appeals",
    service_full_name=grpc_api.SERVICE_FULL_NAME,
    tables=platform_tables,
    migrations_dir=Path(__file__).parent / "adapters" / "migrations",
    rules=grpc_api.RULES,
    add_servicer=grpc_api.add_to_server,
    produces_events=True,
    consumer=ConsumerSpec(
        topics=["propertytax.assessment.v1", "propertytax.billing.v1"],
        handlers=lambda _settings: event_handlers.HANDLERS,
        batch_handlers=lambda _settings: event_handlers.BATCH_HANDLERS,
    ),
)
