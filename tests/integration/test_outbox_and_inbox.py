"""The event pipe against the real broker, on SQLite and on PostgreSQL: only committed changes are
published, a crashed relay loses nothing, redeliveries change nothing, poison goes to dead letters."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaProducer

from services.assessment.adapters.orm import platform_tables as assessment_tables
from services.platform.events import unwrap
from services.platform.kafka_bus import make_consumer, make_producer
from services.platform.messaging.consumer_loop import ConsumerLoop
from services.platform.messaging.dead_letters import dead_letter_topic
from services.platform.messaging.inbox_processor import Outcome
from services.platform.messaging.outbox_relay import OutboxRelay
from tests.integration.outbox_fixtures import (
    Consumer,
    Producer,
    consumer_side,
    producer_side,
    property_registered,
)
from tests.kafka_helpers import read_topic

pytestmark = pytest.mark.kafka


@pytest.fixture
def producer(database_url: str, topic: str) -> Iterator[Producer]:
    yield from producer_side(database_url, topic)


@pytest.fixture
def consumer(tmp_path: Path) -> Iterator[Consumer]:
    yield from consumer_side(f"sqlite:///{tmp_path / 'billing.db'}")


@pytest.fixture
def kafka_producer(kafka_bootstrap: str) -> Iterator[KafkaProducer]:
    client = make_producer(kafka_bootstrap, "test-relay")
    yield client
    client.close(timeout=5)


def _relay(producer: Producer, client: KafkaProducer, batch_size: int = 500) -> OutboxRelay:
    return OutboxRelay(producer.engine, assessment_tables.outbox, client, batch_size=batch_size)


def test_a_rolled_back_transaction_publishes_nothing(
    producer: Producer, kafka_producer: KafkaProducer, kafka_bootstrap: str
) -> None:
    with producer.uow() as uow:
        property_id, payload = property_registered(99)
        uow.publish(property_id, payload)
        uow.rollback()
    with producer.uow() as uow:
        uow.publish(*property_registered(98))
        # leaving the block without commit: rolled back too
    committed = producer.publish_committed(1)

    assert _relay(producer, kafka_producer).drain() == 1
    records = read_topic(kafka_bootstrap, producer.topic, expected=1)
    assert [r.key.decode() for r in records] == committed
    assert unwrap(records[0].value).payload.property.property_id == committed[0]  # type: ignore[attr-defined]


@pytest.mark.postgres
def test_an_uncommitted_change_is_invisible_to_the_relay(
    postgres_url: str, topic: str, kafka_producer: KafkaProducer, kafka_bootstrap: str
) -> None:
    for producer in producer_side(postgres_url, topic):
        with producer.uow() as uow:
            uow.publish(*property_registered(1))
            uow.flush_events()
            # The row is written but not committed: a relay running now must not see it.
            relay = _relay(producer, kafka_producer)
            assert relay.publish_batch() == 0
            uow.commit()
        assert relay.publish_batch() == 1
        relay.close()
        assert len(read_topic(kafka_bootstrap, topic, expected=1)) == 1


class _CrashAfterSend(Exception):
    pass


class _RelayThatDiesBeforeMarking(OutboxRelay):
    """Kafka has the batch, the process dies before the rows are marked published."""

    def _mark_published(self, ids: list[int]) -> None:
        raise _CrashAfterSend


def test_a_relay_killed_and_restarted_loses_nothing_and_each_event_counts_once(
    producer: Producer,
    consumer: Consumer,
    kafka_producer: KafkaProducer,
    kafka_bootstrap: str,
) -> None:
    ids = producer.publish_committed(30)
    dying = _RelayThatDiesBeforeMarking(
        producer.engine, assessment_tables.outbox, kafka_producer, batch_size=10
    )
    with pytest.raises(_CrashAfterSend):
        dying.publish_batch()
    dying.close()  # its process is gone, and its relay lock with it
    assert producer.unpublished() == 30  # nothing marked: the restart will send those 10 again

    restarted = _relay(producer, kafka_producer, batch_size=7)
    assert restarted.drain() == 30
    assert producer.unpublished() == 0

    records = read_topic(kafka_bootstrap, producer.topic, expected=40)
    assert len(records) == 40  # 10 sent twice
    processor = consumer.processor(kafka_bootstrap)
    outcomes = [processor.process(r) for r in records]
    assert outcomes.count(Outcome.HANDLED) == 30
    assert outcomes.count(Outcome.DUPLICATE) == 10
    assert sorted(consumer.property_ids()) == sorted(ids)
    # Per-key order is kept: the records come in the order of the outbox.
    first_seen = list(dict.fromkeys(r.key.decode() for r in records))
    assert first_seen == ids


def _run_loop_until(
    consumer: Consumer, kafka_bootstrap: str, topic: str, done: Any, timeout: float = 30.0
) -> dict[Outcome, int]:
    processor = consumer.processor(kafka_bootstrap)
    loop = ConsumerLoop(make_consumer(kafka_bootstrap, f"g-{topic}", [topic]), processor)
    stop = threading.Event()
    thread = threading.Thread(target=loop.run, args=(stop,))
    thread.start()
    try:
        deadline = time.monotonic() + timeout
        while not done(processor.counts) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join(timeout=30)
    return processor.counts


def test_a_duplicate_delivery_changes_nothing(
    consumer: Consumer, kafka_producer: KafkaProducer, kafka_bootstrap: str, topic: str
) -> None:
    from datetime import UTC, datetime

    from services.platform.events import wrap

    property_id, payload = property_registered(7)
    envelope = wrap(payload, source="assessment", subject=property_id, occurred_at=datetime.now(UTC))
    for _ in range(3):  # the same event delivered three times
        kafka_producer.send(topic, value=envelope.SerializeToString(), key=property_id.encode())
    kafka_producer.flush()

    counts = _run_loop_until(consumer, kafka_bootstrap, topic, lambda c: sum(c.values()) >= 3)
    assert counts == {Outcome.HANDLED: 1, Outcome.DUPLICATE: 2}
    assert consumer.property_ids() == [property_id]
    assert consumer.inbox_count() == 1


def test_a_poison_message_goes_to_the_dead_letter_topic_and_the_next_one_is_processed(
    consumer: Consumer, kafka_producer: KafkaProducer, kafka_bootstrap: str, topic: str
) -> None:
    from datetime import UTC, datetime

    from services.platform.events import wrap

    kafka_producer.send(topic, value=b"\x00\x01 definitely not an event", key=b"k1")
    bad_id, bad = property_registered(8)
    bad.property.property_id = ""  # well-formed envelope, but the handler must refuse it
    kafka_producer.send(
        topic,
        value=wrap(
            bad, source="assessment", subject=bad_id, occurred_at=datetime.now(UTC)
        ).SerializeToString(),
        key=bad_id.encode(),
    )
    good_id, good = property_registered(9)
    kafka_producer.send(
        topic,
        value=wrap(
            good, source="assessment", subject=good_id, occurred_at=datetime.now(UTC)
        ).SerializeToString(),
        key=good_id.encode(),
    )
    kafka_producer.flush()

    counts = _run_loop_until(consumer, kafka_bootstrap, topic, lambda c: c.get(Outcome.HANDLED, 0) >= 1)
    assert counts == {Outcome.DEAD_LETTERED: 2, Outcome.HANDLED: 1}
    assert consumer.property_ids() == [good_id]

    dead = [
        r
        for r in read_topic(kafka_bootstrap, dead_letter_topic("billing"), expected=1, settle=2.0)
        if dict(r.headers).get("dlt.topic") == topic.encode()
    ]
    assert len(dead) == 2
    assert dead[0].value == b"\x00\x01 definitely not an event"
    headers = dict(dead[0].headers)
    assert headers["dlt.consumer"] == b"billing-test"
    assert b"MalformedEvent" in headers["dlt.error"]
    assert (headers["dlt.partition"], headers["dlt.offset"], headers["dlt.event_id"]) == (b"0", b"0", b"")
    refused = dict(dead[1].headers)
    assert b"property_id" in refused["dlt.error"]
    assert refused["dlt.event_type"] == b"propertytax.assessment.v1.PropertyRegistered"
    assert refused["dlt.event_id"] == unwrap(dead[1].value).event_id.encode()
    assert refused["dlt.offset"] == b"1" and refused["dlt.first_failed_at"]
