"""The consumer under injected faults, against the real broker (a two-partition topic) and a billing
database on SQLite: a dead-letter topic that fails to take a record, a poison record in the middle of a
poll, a database that drops away, a bad deploy whose handler fails for every event of one type. In
every case each event ends handled exactly once or dead-lettered, none is skipped, and the committed
offsets never pass a record that is neither."""

from __future__ import annotations

import dataclasses
import threading
import time
import uuid
from collections.abc import Callable, Collection, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from kafka import KafkaConsumer, KafkaProducer
from kafka.errors import KafkaTimeoutError
from kafka.structs import TopicPartition
from sqlalchemy import select
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from propertytax.assessment.v1 import events_pb2 as assessment_events
from services.billing.adapters.orm import platform_tables as billing_tables
from services.billing.service import BATCH_HANDLERS, HANDLERS
from services.billing.service import SPEC as BILLING
from services.platform.events import unwrap, wrap
from services.platform.kafka_bus import make_consumer, make_producer
from services.platform.kafka_topics import TopicSpec, ensure_topics
from services.platform.messaging.consumer_loop import ConsumerLoop
from services.platform.messaging.dead_letters import (
    DeadLetterReader,
    DeadLetterWriter,
    dead_letter_topic,
    replay,
)
from services.platform.messaging.failures import Backoff
from services.platform.messaging.inbox_processor import (
    BatchHandler,
    EventHandler,
    EventProcessor,
    Outcome,
)
from services.platform.service_builder import ConsumerSpec, build_runtime
from services.platform.settings import Settings
from tests.integration.outbox_fixtures import Consumer, consumer_side, property_registered
from tests.kafka_helpers import read_topic

pytestmark = pytest.mark.kafka

PROPERTY_REGISTERED = assessment_events.PropertyRegistered.DESCRIPTOR.full_name
PARTITIONS = 2


def _new_topic(bootstrap: str, partitions: int) -> str:
    name = f"test.{uuid.uuid4().hex[:12]}"
    ensure_topics(bootstrap, [TopicSpec(name, partitions, 3_600_000)])
    return name


@dataclasses.dataclass
class Scene:
    """A source topic with two partitions, a dead-letter topic of the test's own, billing's database."""

    bootstrap: str
    consumer: Consumer
    kafka: KafkaProducer
    source: str
    dead_letters: str
    group: str

    def publish(self, first: int, count: int, poison: Collection[int] = ()) -> list[str]:
        """PropertyRegistered for properties first..first+count-1; those in `poison` lack their
        property_id, which billing's handler refuses (ValueError). Returns the good events' ids."""
        ids = []
        for n in range(first, first + count):
            property_id, payload = property_registered(n)
            if n in poison:
                payload.property.property_id = ""
            envelope = wrap(payload, source="assessment", subject=property_id, occurred_at=datetime.now(UTC))
            self.kafka.send(self.source, value=envelope.SerializeToString(), key=property_id.encode())
            if n not in poison:
                ids.append(envelope.event_id)
        self.kafka.flush()
        return ids

    def processor(
        self,
        handlers: dict[str, EventHandler],
        batch_handlers: dict[str, BatchHandler] | None,
        dead_letter_producer: KafkaProducer | None = None,
        **options: Any,
    ) -> EventProcessor:
        writer = DeadLetterWriter(
            dead_letter_producer or self.kafka, self.dead_letters, attempts=2, backoff=Backoff(0.05, 0.1)
        )
        options.setdefault("backoff", Backoff(0.05, 0.2))
        return EventProcessor(
            self.consumer.sessions,
            billing_tables.inbox,
            "billing-test",
            handlers,
            writer,
            batch_handlers=batch_handlers,
            max_attempts=2,
            **options,
        )

    def loop(self, processor: EventProcessor) -> ConsumerLoop:
        return ConsumerLoop(
            make_consumer(self.bootstrap, self.group, [self.source]), processor, backoff=Backoff(0.1, 0.5)
        )

    def inbox_ids(self) -> list[str]:
        with self.consumer.engine.connect() as conn:
            return list(conn.scalars(select(billing_tables.inbox.c.event_id)))

    def dead(self, expected: int) -> list[Any]:
        return read_topic(self.bootstrap, self.dead_letters, expected=expected, settle=2.0)

    def offsets(self) -> tuple[dict[int, int | None], dict[int, int]]:
        """(committed offset, end offset) per partition of the source topic."""
        reader = KafkaConsumer(
            bootstrap_servers=self.bootstrap, group_id=self.group, enable_auto_commit=False
        )
        try:
            partitions = [TopicPartition(self.source, p) for p in range(PARTITIONS)]
            committed = {tp.partition: reader.committed(tp) for tp in partitions}
            ends = {tp.partition: offset for tp, offset in reader.end_offsets(partitions).items()}
            return committed, ends
        finally:
            reader.close()


@pytest.fixture
def scene(kafka_bootstrap: str, tmp_path: Path) -> Iterator[Scene]:
    kafka = make_producer(kafka_bootstrap, "test-source")
    for consumer in consumer_side(f"sqlite:///{tmp_path / 'billing.db'}"):
        source = _new_topic(kafka_bootstrap, PARTITIONS)
        yield Scene(kafka_bootstrap, consumer, kafka, source, _new_topic(kafka_bootstrap, 1), f"g-{source}")
    kafka.close(timeout=5)


def _run(loop: ConsumerLoop, until: Callable[[], bool], timeout: float = 60.0) -> threading.Thread:
    """Runs the loop in a thread until `until()` or the timeout, then stops it; returns the thread."""
    stop = threading.Event()
    thread = threading.Thread(target=loop.run, args=(stop,))
    thread.start()
    deadline = time.monotonic() + timeout
    try:
        while thread.is_alive() and not until() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join(timeout=30)
    return thread


class _FlakyProducer:
    """The real producer behind a dead-letter topic that fails the first `failures` sends: the odd ones
    raise in send() (no metadata within max_block_ms), the even ones return a future that fails."""

    def __init__(self, real: KafkaProducer, failures: int) -> None:
        self._real = real
        self._failures = failures
        self.failed = 0

    def send(self, *args: Any, **kwargs: Any) -> Any:
        if self.failed >= self._failures:
            return self._real.send(*args, **kwargs)
        self.failed += 1
        if self.failed % 2:
            raise KafkaTimeoutError("injected: no metadata for the dead-letter topic")
        return _FailedFuture()


class _FailedFuture:
    def get(self, timeout: float | None = None) -> Any:
        raise KafkaTimeoutError("injected: the dead-letter send was never acknowledged")


@pytest.mark.parametrize(
    "send_failures",
    [
        pytest.param(1, id="absorbed-by-the-writer-retry"),
        pytest.param(3, id="outlasting-the-retries-so-the-loop-seeks-back"),
    ],
)
def test_a_failing_dead_letter_send_and_a_poison_record_mid_poll_skip_nothing(
    scene: Scene, send_failures: int
) -> None:
    expected = scene.publish(1, 20, poison={8})
    flaky = _FlakyProducer(scene.kafka, send_failures)
    processor = scene.processor(HANDLERS, BATCH_HANDLERS, cast(KafkaProducer, flaky))
    loop = scene.loop(processor)
    published_more = False

    def all_handled() -> bool:
        nonlocal published_more, expected
        if not published_more and flaky.failed >= send_failures:
            # After the failure, new records: a loop that moved on would commit past the lost ones.
            expected = expected + scene.publish(21, 10)
            published_more = True
        return published_more and sorted(scene.inbox_ids()) == sorted(expected)

    _run(loop, all_handled)

    assert sorted(scene.inbox_ids()) == sorted(expected)  # every good event, each once
    assert len(scene.consumer.property_ids()) == len(expected) == 29
    assert processor.counts[Outcome.HANDLED] == 29  # replays after a seek-back are duplicates
    dead = scene.dead(expected=1)
    assert [dict(r.headers)["dlt.error"] for r in dead] == [
        b"ValueError: PropertyRegistered without property_id"
    ]
    assert not unwrap(dead[0].value).payload.property.property_id  # type: ignore[attr-defined]
    committed, ends = scene.offsets()
    assert committed == ends


def _failing_first(
    target: set[str], failures: list[Exception], handler: Callable[..., None]
) -> Callable[..., None]:
    """The handler, but a call that includes a target event raises the next of `failures` first."""

    def handle(session: Session, events: Any) -> None:
        batch = events if isinstance(events, list) else [events]
        if failures and any(e.event_id in target for e in batch):
            raise failures.pop(0)
        handler(session, events)

    return handle


def test_a_database_that_drops_away_is_retried_never_dead_lettered_and_nothing_is_skipped(
    scene: Scene,
) -> None:
    expected = scene.publish(1, 10)
    target = {expected[4]}
    # Five failures in a row of the kinds a database gives while it restarts: more than the processor's
    # three tries, so the loop also seeks back and reads the record again.
    failures: list[Exception] = [
        OperationalError("INSERT", {}, Exception("server closed the connection unexpectedly")),
        InterfaceError("INSERT", {}, Exception("connection already closed"), connection_invalidated=True),
        ConnectionResetError("connection reset by peer"),
        TimeoutError("statement timeout"),
        OperationalError("INSERT", {}, Exception("database is locked")),
    ]
    processor = scene.processor(
        {PROPERTY_REGISTERED: _failing_first(target, failures, HANDLERS[PROPERTY_REGISTERED])},
        {PROPERTY_REGISTERED: _failing_first(target, failures, BATCH_HANDLERS[PROPERTY_REGISTERED])},
        transient_attempts=3,
    )
    _run(scene.loop(processor), lambda: sorted(scene.inbox_ids()) == sorted(expected))

    assert processor.counts.get(Outcome.DEAD_LETTERED, 0) == 0
    assert scene.dead(expected=0) == []
    assert sorted(scene.inbox_ids()) == sorted(expected)
    assert failures == []  # every injected failure happened
    committed, ends = scene.offsets()
    assert committed == ends


def _bad_deploy(_session: Session, _events: Any) -> None:
    raise KeyError("floors")  # a handler that expects a field the event does not have


def test_a_burst_of_failures_of_one_type_halts_the_consumer_and_a_fix_then_handles_every_event(
    scene: Scene,
) -> None:
    expected = scene.publish(1, 12)
    broken = scene.processor(
        {PROPERTY_REGISTERED: _bad_deploy}, {PROPERTY_REGISTERED: _bad_deploy}, halt_after=3
    )
    loop = scene.loop(broken)
    thread = _run(loop, lambda: False, timeout=60)

    assert not thread.is_alive()
    assert loop.halted is not None, "the consumer should have halted by itself"
    assert (loop.halted.event_type, loop.halted.failures) == (PROPERTY_REGISTERED, 3)
    assert "KeyError: 'floors'" in loop.halted.last_error
    dead = scene.dead(expected=2)
    assert len(dead) == 2  # halt_after - 1: the burst itself stays on the topic
    assert {dict(r.headers)["dlt.event_type"] for r in dead} == {PROPERTY_REGISTERED.encode()}
    assert scene.inbox_ids() == []
    # Nothing committed past a record that is neither handled nor dead-lettered.
    dead_ids = {dict(r.headers)["dlt.event_id"].decode() for r in dead}
    by_place = {
        (r.partition, r.offset): unwrap(r.value).event_id
        for r in read_topic(scene.bootstrap, scene.source, 12)
    }
    committed, _ = scene.offsets()
    for (partition, offset), event_id in by_place.items():
        if offset < (committed[partition] or 0):
            assert event_id in dead_ids

    # The fix is deployed: the service restarts with a working handler, and the operator replays the
    # dead letters of the burst.
    fixed = scene.processor(HANDLERS, BATCH_HANDLERS, halt_after=3)
    with DeadLetterReader(scene.bootstrap, scene.dead_letters) as reader:
        letters = reader.read_all()
    for letter in letters:
        replay(scene.kafka, letter)
    _run(scene.loop(fixed), lambda: sorted(scene.inbox_ids()) == sorted(expected))

    assert sorted(scene.inbox_ids()) == sorted(expected)
    assert len(scene.consumer.property_ids()) == 12
    assert fixed.counts[Outcome.HANDLED] == 12
    committed, ends = scene.offsets()
    assert committed == ends  # the 12 and the 2 replays


def test_a_halted_consumer_shows_in_health_while_the_service_keeps_serving(
    scene: Scene, tmp_path: Path
) -> None:
    spec = dataclasses.replace(
        BILLING,
        consumer=ConsumerSpec(topics=[scene.source], handlers=lambda _s: {PROPERTY_REGISTERED: _bad_deploy}),
    )
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'halting-billing.db'}",
        kafka_bootstrap=scene.bootstrap,
        var_dir=tmp_path,
        consumer_halt_after_failures=1,  # not even one dead letter
    )
    runtime = build_runtime(spec, settings)
    runtime.start()
    try:
        scene.publish(1, 3)
        deadline = time.monotonic() + 60
        while runtime.consumer_halted is None and time.monotonic() < deadline:
            time.sleep(0.1)
        halted = runtime.consumer_halted
        assert halted is not None and halted.event_type == PROPERTY_REGISTERED
        with grpc.insecure_channel(f"127.0.0.1:{runtime.server.port}") as channel:
            health = health_pb2_grpc.HealthStub(channel)
            consumer = health.Check(health_pb2.HealthCheckRequest(service="consumer"), timeout=5)
            service = health.Check(
                health_pb2.HealthCheckRequest(service=BILLING.service_full_name), timeout=5
            )
        assert consumer.status == health_pb2.HealthCheckResponse.NOT_SERVING
        assert service.status == health_pb2.HealthCheckResponse.SERVING
    finally:
        runtime.stop()
    assert not [
        r
        for r in read_topic(scene.bootstrap, dead_letter_topic("billing"), expected=0, settle=1.0)
        if dict(r.headers).get("dlt.topic") == scene.source.encode()
    ]
