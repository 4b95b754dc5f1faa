"""An appeals service in this process, and what its tests share: a caller with a role, assessment's
events fed through the service's own idempotent event processor, and the outbox read back.

The service runs without its Kafka consumer and without its outbox relay: events stay in the outbox
table where the tests read them, and nothing reaches the shared broker where other tests' services
listen.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import grpc
from google.protobuf.message import Message
from sqlalchemy import select

from propertytax.appeals.v1 import appeals_pb2_grpc
from propertytax.assessment.v1 import events_pb2 as assessment_events
from propertytax.assessment.v1 import tax_pb2
from propertytax.platform.v1 import money_pb2
from services.appeals.adapters.orm import platform_tables
from services.appeals.service import BATCH_HANDLERS, HANDLERS, SPEC
from services.platform.auth import Role, TokenAuthority
from services.platform.db import session_factory
from services.platform.events import ReceivedEvent, unwrap, wrap
from services.platform.messaging.inbox_processor import EventProcessor, Outcome
from services.platform.runtime import ServiceRuntime
from services.platform.service_builder import build_runtime
from services.platform.settings import Settings


@contextmanager
def appeals_service(database_url: str, var_dir: Path, auth_secret: str) -> Iterator[ServiceRuntime]:
    settings = Settings(database_url=database_url, var_dir=var_dir, auth_secret=auth_secret)  # type: ignore[arg-type]
    service = build_runtime(replace(SPEC, consumer=None, produces_events=False), settings)
    service.start()
    try:
        yield service
    finally:
        service.stop()


class Api:
    """AppealsService calls as one user (a bearer token for the given roles)."""

    def __init__(self, channel: grpc.Channel, secret: str, *roles: Role, subject: str = "tester") -> None:
        self._stub = appeals_pb2_grpc.AppealsServiceStub(channel)
        self._token = TokenAuthority(secret).mint(subject, list(roles))

    def __getattr__(self, name: str) -> Any:
        return lambda request: getattr(self._stub, name)(
            request, metadata=(("authorization", f"Bearer {self._token}"),), timeout=60
        )


@dataclass(frozen=True)
class _Record:
    """What the event processor reads from a Kafka record."""

    value: bytes
    topic: str = "propertytax.assessment.v1"
    partition: int = 0
    offset: int = 0
    key: bytes = b""


class _NoDeadLetters:
    def write(self, record: Any, error: BaseException, **about: Any) -> None:
        raise AssertionError(f"an event was dead-lettered: {error!r} {about}")


def processor(service: ServiceRuntime) -> EventProcessor:
    """The consumer's processor (inbox and handlers) over the service's database."""
    return EventProcessor(
        session_factory(service.engine),
        platform_tables.inbox,
        "appeals",
        HANDLERS,
        _NoDeadLetters(),
        batch_handlers=BATCH_HANDLERS,
    )


def envelope(payload: Message, subject: str, at: datetime) -> bytes:
    return wrap(payload, source="assessment", subject=subject, occurred_at=at).SerializeToString()


def feed(service: ServiceRuntime, *envelopes: bytes) -> list[Outcome]:
    """One record at a time, as after a failed batch."""
    events = processor(service)
    return [events.process(_Record(e, offset=n)) for n, e in enumerate(envelopes)]


def feed_batch(service: ServiceRuntime, *envelopes: bytes) -> list[Outcome]:
    """One poll's records in one transaction, as the consumer loop hands them over."""
    return processor(service).process_batch([_Record(e, offset=n) for n, e in enumerate(envelopes)])


def tax_base_determined(
    property_id: str, year: int, value_ore: int, *, version: int = 1, valuation_version: int = 1
) -> assessment_events.TaxBaseDetermined:
    return assessment_events.TaxBaseDetermined(
        tax_base=tax_pb2.TaxBase(
            property_id=property_id,
            tax_year=year,
            version=version,
            status=tax_pb2.TAX_STATUS_TAXED,
            value=money_pb2.Money(ore=value_ore),
            valuation_version=valuation_version,
            terms=4,
        )
    )


def outbox_events(service: ServiceRuntime) -> list[ReceivedEvent]:
    outbox = platform_tables.outbox
    with service.engine.connect() as conn:
        rows = conn.execute(select(outbox.c.envelope).order_by(outbox.c.id)).all()
    return [unwrap(r.envelope) for r in rows]
