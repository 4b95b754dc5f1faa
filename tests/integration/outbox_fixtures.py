"""A migrated assessment database with an outbox, a migrated billing database with an inbox, and the
real billing handler for PropertyRegistered: the pieces the outbox and consumer tests put together."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from propertytax.assessment.v1 import events_pb2, property_pb2
from services.assessment.adapters.orm import platform_tables as assessment_tables
from services.assessment.service import SPEC as ASSESSMENT
from services.billing.adapters.orm import billing_properties
from services.billing.adapters.orm import platform_tables as billing_tables
from services.billing.service import BATCH_HANDLERS, HANDLERS
from services.billing.service import SPEC as BILLING
from services.platform.db import create_db_engine, session_factory
from services.platform.kafka_bus import make_producer
from services.platform.messaging.dead_letters import DeadLetterWriter, dead_letter_topic
from services.platform.messaging.failures import Backoff
from services.platform.messaging.inbox_processor import EventHandler, EventProcessor
from services.platform.migrations import upgrade_to_head
from services.platform.unit_of_work import UnitOfWork


def property_registered(cadastral_suffix: int) -> tuple[str, events_pb2.PropertyRegistered]:
    property_id = str(uuid.uuid4())
    return property_id, events_pb2.PropertyRegistered(
        property=property_pb2.Property(
            property_id=property_id,
            cadastral_id=f"0301-1/{cadastral_suffix}/0/0",
            address=f"Testveien {cadastral_suffix}",
            category=property_pb2.PROPERTY_CATEGORY_HOUSING,
            dwelling_units=1,
        )
    )


@dataclass
class Producer:
    """assessment's side: an outbox in a migrated database."""

    engine: Engine
    sessions: sessionmaker[Session]
    topic: str

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, assessment_tables.outbox, source="assessment", topic=self.topic)

    def publish_committed(self, count: int, start: int = 1) -> list[str]:
        ids = []
        with self.uow() as uow:
            for n in range(start, start + count):
                property_id, payload = property_registered(n)
                uow.publish(property_id, payload)
                ids.append(property_id)
            uow.commit()
        return ids

    def unpublished(self) -> int:
        outbox = assessment_tables.outbox
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
                ).scalar_one()
            )


@dataclass
class Consumer:
    """billing's side: inbox and billing_properties in a migrated database."""

    engine: Engine
    sessions: sessionmaker[Session]

    def processor(
        self,
        bootstrap: str,
        batches: bool = True,
        *,
        dead_letters: str = dead_letter_topic("billing"),
        handlers: Mapping[str, EventHandler] = HANDLERS,
        **options: Any,
    ) -> EventProcessor:
        """Billing's handlers, as its service has them (with its batch handlers unless told not to),
        dead-lettering to the topic `dead_letters`; options go to EventProcessor."""
        options.setdefault("max_attempts", 2)
        options.setdefault("backoff", Backoff(first=0.05, cap=0.5))  # tests need not wait long
        return EventProcessor(
            self.sessions,
            billing_tables.inbox,
            "billing-test",
            handlers,
            DeadLetterWriter(make_producer(bootstrap, "test-deadletters"), dead_letters),
            batch_handlers=BATCH_HANDLERS if batches else None,
            **options,
        )

    def property_ids(self) -> list[str]:
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(select(billing_properties.c.property_id))]

    def inbox_count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(billing_tables.inbox)).scalar_one())


def producer_side(url: str, topic: str) -> Iterator[Producer]:
    upgrade_to_head(ASSESSMENT.migrations_dir, url)
    engine = create_db_engine(url)
    try:
        yield Producer(engine, session_factory(engine), topic)
    finally:
        engine.dispose()


def consumer_side(url: str) -> Iterator[Consumer]:
    upgrade_to_head(BILLING.migrations_dir, url)
    engine = create_db_engine(url)
    try:
        yield Consumer(engine, session_factory(engine))
    finally:
        engine.dispose()
