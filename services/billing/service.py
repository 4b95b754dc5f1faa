"""How the billing service is put together."""

from __future__ import annotations

from pathlib import Path

from services.billing.adapters.orm import platform_tables
from services.billing.entrypoints import event_handlers, grpc_api
from services.platform.service_builder import ConsumerSpec, ServiceSpec

SPEC = ServiceSpec(
    name="billing",
    service_full_name=grpc_api.SERVICE_FULL_NAME,
    tables=platform_tables,
    migrations_dir=Path(__file__).parent / "adapters" / "migrations",
    rules=grpc_api.RULES,
    add_servicer=grpc_api.add_to_server,
    produces_events=True,
    consumer=ConsumerSpec(
        topics=["propertytax.assessment.v1"],
        handlers=lambda _settings: event_handlers.HANDLERS,
        batch_handlers=lambda _settings: event_handlers.BATCH_HANDLERS,
    ),
)
