"""The outbox relay (services/platform/messaging/outbox_relay.py) on SQLite and PostgreSQL: no transaction
open while Kafka is slow, a key's events one at a time in outbox order, exactly one active relay per
database, and a standby that takes over when the active relay's lock session is terminated or it stops."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from kafka import KafkaProducer
from sqlalchemy import create_engine, select, text

from services.assessment.adapters.orm import platform_tables as assessment_tables
from services.platform.db import is_postgres, normalise_url
from services.platform.events import unwrap
from services.platform.kafka_bus import make_producer
from services.platform.messaging.outbox_relay import OutboxRelay, PublishFailed
from services.platform.messaging.relay_lock import relay_lock_for
from tests.integration.outbox_fixtures import Producer, producer_side, property_registered
from tests.kafka_helpers import read_topic

OUTBOX = assessment_tables.outbox


@pytest.fixture
def producer(database_url: str, request: pytest.FixtureRequest) -> Iterator[Producer]:
    """The outbox of a migrated assessment database; its events go to the test's topic, if it has one."""
    topic = str(request.getfixturevalue("topic")) if "topic" in request.fixturenames else "test.relay"
    yield from producer_side(database_url, topic)


def _publish(producer: Producer, *keys: str) -> list[str]:
    """One committed transaction with an event for each key (keys may repeat); returns the event ids."""
    with producer.uow() as uow:
        ids = [uow.publish(key, property_registered(n)[1]) for n, key in enumerate(keys)]
        uow.commit()
    return ids


class _Future:
    def __init__(self, gate: threading.Event | None, error: Exception | None) -> None:
        self._gate, self._error = gate, error

    def get(self, timeout: float | None = None) -> None:
        if self._gate is not None:
            self._gate.wait(timeout)
        if self._error is not None:
            raise self._error


class _FakeKafka:
    """A producer that records what it was given; `gate` holds every answer back until set (a broker
    that does not answer), `fail_once` refuses the first send of each listed key."""

    def __init__(self, gate: threading.Event | None = None, fail_once: set[str] | None = None) -> None:
        self.gate = gate
        self.fail_once = set(fail_once or ())
        self.sent: list[tuple[str, str, bool]] = []  # key, event id, acknowledged
        self.sending = threading.Event()

    def send(self, topic: str, value: bytes, key: bytes, headers: Any = None) -> _Future:
        self.sending.set()
        refused = key.decode() in self.fail_once
        self.fail_once.discard(key.decode())
        self.sent.append((key.decode(), unwrap(value).event_id, not refused))
        return _Future(self.gate, TimeoutError("no answer from the broker") if refused else None)

    def flush(self, timeout: float | None = None) -> None:
        if self.gate is not None:
            self.gate.wait(timeout)


def _open_transactions(url: str) -> int:
    """PostgreSQL: sessions of this database (other than the asking one) inside a transaction."""
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
                    )
                ).scalar_one()
            )
    finally:
        engine.dispose()


def test_while_kafka_does_not_answer_the_relay_holds_no_transaction_and_writers_go_on(
    producer: Producer, database_url: str
) -> None:
    _publish(producer, "p-1", "p-2")
    kafka = _FakeKafka(gate=threading.Event())
    relay = OutboxRelay(producer.engine, OUTBOX, kafka, send_timeout_seconds=30)  # type: ignore[arg-type]
    results: list[int] = []
    sending = threading.Thread(target=lambda: results.append(relay.publish_batch()), daemon=True)
    try:
        sending.start()
        assert kafka.sending.wait(10)
        # The relay waits for Kafka now. A writer commits at once (on SQLite it would otherwise wait for
        # the write lock and fail with "database is locked")...
        writer = threading.Thread(target=_publish, args=(producer, "p-3"), daemon=True)
        writer.start()
        writer.join(timeout=3)
        assert not writer.is_alive(), "a writer waited for the relay's transaction"
        if database_url.startswith("postgresql"):
            # ...and no session sits in a transaction (the relay's lock connection is autocommit).
            # (Polled: a session may be inside a statement's own short transaction at the instant asked;
            # a transaction held across the send would stay open for as long as Kafka does not answer.)
            deadline = time.monotonic() + 3
            while _open_transactions(database_url) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert _open_transactions(database_url) == 0
    finally:
        kafka.gate.set()  # type: ignore[union-attr]
        sending.join(timeout=10)
        relay.close()
    assert results == [2]  # acknowledged in the end, and marked
    assert producer.unpublished() == 1  # the writer's row


def test_a_keys_next_event_waits_until_kafka_acknowledged_the_one_before(producer: Producer) -> None:
    written = _publish(producer, "k1", "k2", "k1", "k2", "k1")
    kafka = _FakeKafka(fail_once={"k1"})
    relay = OutboxRelay(producer.engine, OUTBOX, kafka)  # type: ignore[arg-type]
    try:
        with pytest.raises(PublishFailed) as failed:
            relay.publish_batch()  # k1's first is refused, k2's first acknowledged; nothing else sent
        assert failed.value.published == 1
        assert [(k, ok) for k, _, ok in kafka.sent] == [("k1", False), ("k2", True)]
        assert relay.drain() == 4
    finally:
        relay.close()
    # Each key's events were sent one at a time, and acknowledged in the order they were written.
    acknowledged: dict[str, list[str]] = defaultdict(list)
    for key, event_id, ok in kafka.sent:
        if ok:
            acknowledged[key].append(event_id)
    assert acknowledged == {"k1": [written[0], written[2], written[4]], "k2": [written[1], written[3]]}
    assert producer.unpublished() == 0


@pytest.fixture
def kafka_clients(kafka_bootstrap: str) -> Iterator[Callable[[], KafkaProducer]]:
    made: list[KafkaProducer] = []

    def make() -> KafkaProducer:
        made.append(make_producer(kafka_bootstrap, f"test-relay-{len(made)}"))
        return made[-1]

    yield make
    for client in made:
        client.close(timeout=5)


def _on_topic_in_order(bootstrap: str, topic: str, producer: Producer) -> None:
    """Every outbox event is on the topic exactly once, and each key's events in outbox order."""
    with producer.engine.connect() as conn:
        rows = conn.execute(select(OUTBOX.c.event_id, OUTBOX.c.key).order_by(OUTBOX.c.id)).all()
    records = read_topic(bootstrap, topic, expected=len(rows), settle=1.5)
    published = [unwrap(r.value).event_id for r in records]
    assert sorted(published) == sorted(r.event_id for r in rows)
    by_key: dict[str, list[str]] = defaultdict(list)
    for record in records:
        by_key[record.key.decode()].append(unwrap(record.value).event_id)
    expected: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        expected[row.key].append(row.event_id)
    assert by_key == expected


@pytest.mark.kafka
def test_two_relays_on_one_database_only_one_publishes(
    producer: Producer, topic: str, kafka_bootstrap: str, kafka_clients: Callable[[], KafkaProducer]
) -> None:
    first = OutboxRelay(producer.engine, OUTBOX, kafka_clients(), lock=relay_lock_for(producer.engine, "a"))
    second = OutboxRelay(producer.engine, OUTBOX, kafka_clients(), lock=relay_lock_for(producer.engine, "a"))
    try:
        _publish(producer, "k1", "k2", "k1")
        assert first.publish_batch() == 2
        _publish(producer, "k3", "k2")
        assert second.publish_batch() == 0  # stands by, although rows are pending
        assert second.drain() == 0
        assert first.drain() == 3
        first.close()  # the active relay goes away: the other one may take over
        _publish(producer, "k1")
        assert second.publish_batch() == 1
        assert first.publish_batch() == 0  # and now the first one stands by
    finally:
        first.close()
        second.close()
    _on_topic_in_order(kafka_bootstrap, topic, producer)


def _terminate_lock_session(url: str) -> int:
    """Ends the database session that holds this database's advisory lock, as a crash or a network cut
    would; returns how many sessions were ended."""
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' "
                        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                    )
                ).scalar_one()
            )
    finally:
        engine.dispose()


class _Running:
    """A relay on a thread of its own, as in a service."""

    def __init__(self, relay: OutboxRelay) -> None:
        self.relay = relay
        self.stop = threading.Event()
        self.thread = threading.Thread(target=relay.run, args=(self.stop,), daemon=True)
        self.thread.start()

    def end(self) -> None:
        self.stop.set()
        self.thread.join(timeout=30)


def _published_by(producer: Producer, keys: list[str], relay: OutboxRelay, within: float) -> float:
    """Writes events for the keys and waits until they are published, by this relay; returns how long."""
    before, started = relay.published, time.monotonic()
    _publish(producer, *keys)
    while producer.unpublished() > 0 or relay.published < before + len(keys):
        assert time.monotonic() - started < within, "not published in time"
        time.sleep(0.05)
    return time.monotonic() - started


@pytest.mark.kafka
def test_a_standby_relay_takes_over_when_the_active_one_loses_its_lock_or_stops(
    producer: Producer,
    database_url: str,
    topic: str,
    kafka_bootstrap: str,
    kafka_clients: Callable[[], KafkaProducer],
) -> None:
    takeover_seconds = 5.0  # the standby retries every 0.5 s
    keys = [f"prop-{n}" for n in range(4)]

    def relay() -> OutboxRelay:
        return OutboxRelay(
            producer.engine,
            OUTBOX,
            kafka_clients(),
            lock=relay_lock_for(producer.engine, "assessment"),
            poll_seconds=0.05,
            standby_retry_seconds=0.5,
        )

    first = _Running(relay())
    _published_by(producer, keys, first.relay, within=10)
    second = _Running(relay())
    try:
        time.sleep(1.0)  # the second has tried and stands by
        _published_by(producer, keys + keys, first.relay, within=10)
        assert second.relay.published == 0
        if is_postgres(producer.engine):
            # The active relay's lock session is terminated: the standby takes over, the first
            # notices before its next batch and stands by.
            assert _terminate_lock_session(database_url) == 1
            published_by_first = first.relay.published
            assert _published_by(producer, keys, second.relay, within=takeover_seconds) < takeover_seconds
            _published_by(producer, keys + keys, second.relay, within=10)
            assert first.relay.published == published_by_first
            active, standby = second, first
        else:
            active, standby = first, second
        # The active relay stops (a service shutting down, or a process gone): the standby takes over.
        active.end()
        assert _published_by(producer, keys, standby.relay, within=takeover_seconds) < takeover_seconds
        _published_by(producer, keys + keys, standby.relay, within=10)
    finally:
        first.end()
        second.end()
    _on_topic_in_order(kafka_bootstrap, topic, producer)
