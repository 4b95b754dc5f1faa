"""Assembles a service process from its parts; each service's __main__ only describes itself."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import grpc
from sqlalchemy.orm import Session, sessionmaker

from services.platform.audit import AuditTrail
from services.platform.auth import TokenAuthority
from services.platform.db import create_db_engine, session_factory
from services.platform.grpc_server import GrpcServer, MethodRule, PlatformInterceptor
from services.platform.kafka_bus import make_consumer, make_producer
from services.platform.logging import configure_logging, get_logger
from services.platform.messaging.consumer_loop import ConsumerLoop
from services.platform.messaging.dead_letters import DeadLetterWriter, dead_letter_topic
from services.platform.messaging.failures import Backoff
from services.platform.messaging.inbox_processor import BatchHandler, EventHandler, EventProcessor
from services.platform.messaging.outbox_relay import OutboxRelay
from services.platform.messaging.relay_lock import relay_lock_for
from services.platform.messaging.retention import Pruner, check_retention
from services.platform.migrations import upgrade_to_head
from services.platform.runtime import BackgroundTask, ServiceRuntime
from services.platform.settings import Settings
from services.platform.tables import PlatformTables

log = get_logger(__name__)


@dataclass(frozen=True)
class ConsumerSpec:
    topics: list[str]
    handlers: Callable[[Settings], Mapping[str, EventHandler]]
    # Types whose consecutive events in a poll are also handled many at a time (see BatchHandler).
    batch_handlers: Callable[[Settings], Mapping[str, BatchHandler]] | None = None


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    service_full_name: str
    tables: PlatformTables
    migrations_dir: Path
    rules: Mapping[str, MethodRule]
    # Registers the servicer; returns the background tasks the servicer hands work to (or none).
    add_servicer: Callable[[sessionmaker[Session], grpc.Server, Settings], list[BackgroundTask] | None]
    produces_events: bool = False
    consumer: ConsumerSpec | None = None


def build_runtime(spec: ServiceSpec, settings: Settings) -> ServiceRuntime:
    # Refused before anything starts: a retention too short for the topics' would break idempotency.
    retention = check_retention(settings.outbox_retention_days, settings.inbox_retention_days)
    url = settings.database_url_for(spec.name)
    upgrade_to_head(spec.migrations_dir, url)
    engine = create_db_engine(url)
    sessions = session_factory(engine)
    background: list[BackgroundTask] = [
        Pruner(
            engine,
            spec.tables.outbox,
            spec.tables.inbox,
            retention,
            batch_size=settings.retention_batch_size,
            interval_seconds=settings.retention_interval_seconds,
        )
    ]
    authority = TokenAuthority(settings.auth_secret.get_secret_value(), settings.auth_issuer)
    server = GrpcServer(
        service_full_name=spec.service_full_name,
        add_servicer=lambda s: background.extend(spec.add_servicer(sessions, s, settings) or []),
        interceptor=PlatformInterceptor(
            spec.service_full_name, spec.rules, authority, AuditTrail(engine, spec.tables.audit)
        ),
        host=settings.grpc_host,
        port=settings.grpc_port,
        workers=settings.grpc_workers,
    )
    runtime = ServiceRuntime(
        name=spec.name,
        engine=engine,
        server=server,
        grace_seconds=settings.shutdown_grace_seconds,
        background=background,
    )
    if spec.produces_events:
        producer = make_producer(settings.kafka_bootstrap, f"{spec.name}-relay")
        runtime.producers.append(producer)
        runtime.relay = OutboxRelay(
            engine,
            spec.tables.outbox,
            producer,
            lock=relay_lock_for(engine, spec.name),
            batch_size=settings.relay_batch_size,
            poll_seconds=settings.relay_poll_seconds,
            standby_retry_seconds=settings.relay_standby_retry_seconds,
            max_backoff_seconds=settings.relay_max_backoff_seconds,
        )
    if spec.consumer is not None:
        dead_letters = make_producer(settings.kafka_bootstrap, f"{spec.name}-deadletters")
        runtime.producers.append(dead_letters)
        backoff = (settings.consumer_backoff_seconds, settings.consumer_backoff_max_seconds)
        processor = EventProcessor(
            sessions,
            spec.tables.inbox,
            spec.name,
            spec.consumer.handlers(settings),
            DeadLetterWriter(
                dead_letters,
                dead_letter_topic(spec.name),
                attempts=settings.dead_letter_send_attempts,
                send_timeout_seconds=settings.dead_letter_send_timeout_seconds,
                backoff=Backoff(*backoff),
            ),
            batch_handlers=spec.consumer.batch_handlers(settings) if spec.consumer.batch_handlers else None,
            max_attempts=settings.consumer_max_attempts,
            transient_attempts=settings.consumer_transient_attempts,
            backoff=Backoff(*backoff),
            halt_after=settings.consumer_halt_after_failures,
        )
        runtime.consumer = ConsumerLoop(
            make_consumer(settings.kafka_bootstrap, f"propertytax-{spec.name}", spec.consumer.topics),
            processor,
            backoff=Backoff(*backoff),
        )
    return runtime


def serve(spec: ServiceSpec) -> None:
    """Starts the service from PROPERTYTAX_* settings and runs until SIGTERM or SIGINT."""
    settings = Settings()
    settings.check()
    configure_logging(spec.name, settings.log_level, settings.log_json)
    runtime = build_runtime(spec, settings)
    runtime.run_until_signalled()
