"""Runs one service process: gRPC server, outbox relay and event consumer, with graceful shutdown."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FrameType
from typing import Protocol

from grpc_health.v1 import health_pb2
from kafka import KafkaProducer
from sqlalchemy import Engine

from services.platform.grpc_server import GrpcServer
from services.platform.logging import get_logger
from services.platform.messaging.consumer_loop import ConsumerLoop
from services.platform.messaging.inbox_processor import ConsumerHalted
from services.platform.messaging.outbox_relay import OutboxRelay

log = get_logger(__name__)

# The consumer's own entry in the gRPC health service: NOT_SERVING once it has halted, while the
# service's RPCs go on serving (grpc_health_probe -service=consumer).
CONSUMER_HEALTH = "consumer"


class BackgroundTask(Protocol):
    """Long work a service runs beside its RPCs (a levy, a billing run); stops between steps."""

    name: str

    def run(self, stop: threading.Event) -> None: ...


@dataclass
class ServiceRuntime:
    name: str
    engine: Engine
    server: GrpcServer
    grace_seconds: float
    relay: OutboxRelay | None = None
    consumer: ConsumerLoop | None = None
    background: list[BackgroundTask] = field(default_factory=list)
    producers: list[KafkaProducer] = field(default_factory=list)
    _stop_relay: threading.Event = field(default_factory=threading.Event)
    _stop_consumer: threading.Event = field(default_factory=threading.Event)
    _stop_background: threading.Event = field(default_factory=threading.Event)
    _stopped: threading.Event = field(default_factory=threading.Event)
    _threads: dict[str, threading.Thread] = field(default_factory=dict)

    def start(self) -> None:
        self.server.start()
        if self.relay is not None:
            self._spawn("relay", lambda: self.relay.run(self._stop_relay) if self.relay else None)
        for task in self.background:
            self._spawn(task.name, lambda task=task: task.run(self._stop_background))  # type: ignore[misc]
        if self.consumer is not None:
            self.server.health.set(CONSUMER_HEALTH, health_pb2.HealthCheckResponse.SERVING)
            self._spawn("consumer", self._consume)
        log.info("service started", port=self.server.port)

    @property
    def consumer_halted(self) -> ConsumerHalted | None:
        """Why the consumer stopped by itself (a burst of failures of one event type), or None."""
        return self.consumer.halted if self.consumer is not None else None

    def _consume(self) -> None:
        if self.consumer is None:
            return
        self.consumer.run(self._stop_consumer)
        halted = self.consumer.halted
        if halted is not None:
            # The loop has logged why. The RPCs keep serving; events wait on the topic until a fix is
            # deployed and the service restarted.
            self.server.health.set(CONSUMER_HEALTH, health_pb2.HealthCheckResponse.NOT_SERVING)

    def _spawn(self, name: str, target: Callable[[], object]) -> None:
        thread = threading.Thread(target=target, name=f"{self.name}-{name}", daemon=True)
        thread.start()
        self._threads[name] = thread

    def stop(self) -> None:
        """Health NOT_SERVING, in-flight calls finish, consumer stops, relay drains, then close."""
        if self._stopped.is_set():
            return
        log.info("service stopping")
        self.server.stop(self.grace_seconds)
        self._stop_background.set()
        for task in self.background:
            self._threads[task.name].join(timeout=60)
        self._stop_consumer.set()
        if "consumer" in self._threads:
            self._threads["consumer"].join(timeout=30)
        self._stop_relay.set()
        if "relay" in self._threads:
            self._threads["relay"].join(timeout=60)
        for producer in self.producers:
            producer.close(timeout=10)
        self.engine.dispose()
        self._stopped.set()
        log.info("service stopped")

    def run_until_signalled(self) -> None:
        requested = threading.Event()

        def _on_signal(signum: int, _frame: FrameType | None) -> None:
            log.info("signal received", signal=signal.Signals(signum).name)
            requested.set()

        signal.signal(signal.SIGTERM, _on_signal)
        signal.signal(signal.SIGINT, _on_signal)
        self.start()
        requested.wait()
        self.stop()
