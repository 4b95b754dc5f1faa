"""Dead letters: records a consumer gave up on, parked on its service's dead-letter topic with what went
wrong, so that an operator can read them and, after a fix, replay them.

Topic: `propertytax.<service>.deadletter.v1`, one partition (so that an offset names a dead letter), kept
90 days (infra/kafka/topics.toml).

A dead letter is the original record's value and key, its original headers, and these (UTF-8 text):
    dlt.consumer         the consumer (inbox name) that gave up
    dlt.topic, dlt.partition, dlt.offset, dlt.timestamp   where the original was (timestamp: ms since epoch)
    dlt.event_type, dlt.event_id   from the envelope; empty when the value is not a readable envelope
    dlt.error            exception class and message, national identity numbers masked, at most 2000 chars
    dlt.first_failed_at  ISO 8601 UTC time of the record's first failed attempt
A replayed record carries `dlt.replay_of` (dead-letter topic:offset) and `dlt.replay_for` (the consumer):
the other consumers of the original topic ignore it (see EventProcessor).

A send that times out but did reach the broker is sent again, so a dead letter can appear twice;
replaying either is the same, since the consumer's inbox drops the repeat.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kafka import KafkaConsumer, KafkaProducer
from kafka.errors import KafkaError
from kafka.structs import TopicPartition

from services.platform.identity import mask_national_ids
from services.platform.logging import get_logger
from services.platform.messaging.failures import Backoff

log = get_logger(__name__)

HEADER_PREFIX = "dlt."
REPLAY_OF = "dlt.replay_of"
REPLAY_FOR = "dlt.replay_for"
MAX_ERROR_CHARS = 2000


def dead_letter_topic(service: str) -> str:
    """`billing` → `propertytax.billing.deadletter.v1`."""
    return f"propertytax.{service}.deadletter.v1"


class DeadLetterUnavailable(Exception):
    """The dead-letter topic did not take a record after every retry. The record is not done: the
    consumer must not commit past it (the consumer loop seeks back and tries again later)."""


def error_text(error: BaseException) -> str:
    """`KeyError: 'x'`, masked and cut: the message may quote the payload."""
    return mask_national_ids(f"{type(error).__name__}: {error}")[:MAX_ERROR_CHARS]


class DeadLetterWriter:
    """Writes dead letters for one consumer to one topic, retrying sends with back-off.

    write() returns once the broker has the record; after `attempts` failed sends it raises
    DeadLetterUnavailable (caused by the last send's error)."""

    def __init__(
        self,
        producer: KafkaProducer,
        topic: str,
        *,
        attempts: int = 3,
        send_timeout_seconds: float = 10.0,
        backoff: Backoff | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.topic = topic
        self._producer = producer
        self._attempts = max(1, attempts)
        self._send_timeout = send_timeout_seconds
        self._backoff = backoff or Backoff(first=0.5, cap=10.0)
        self._sleep = sleep

    def write(
        self,
        record: Any,
        error: BaseException,
        *,
        consumer: str,
        event_type: str,
        event_id: str,
        first_failed_at: datetime,
    ) -> None:
        """record: a kafka-python ConsumerRecord (topic, partition, offset, timestamp, key, value,
        headers). Its own headers go along, except earlier dlt.* ones."""
        headers = [
            (k, v) for k, v in (getattr(record, "headers", None) or []) if not k.startswith(HEADER_PREFIX)
        ]
        headers += [
            ("dlt.consumer", consumer.encode()),
            ("dlt.topic", record.topic.encode()),
            ("dlt.partition", str(record.partition).encode()),
            ("dlt.offset", str(record.offset).encode()),
            ("dlt.timestamp", str(getattr(record, "timestamp", -1)).encode()),
            ("dlt.event_type", event_type.encode()),
            ("dlt.event_id", event_id.encode()),
            ("dlt.error", error_text(error).encode()),
            ("dlt.first_failed_at", first_failed_at.isoformat().encode()),
        ]
        self._backoff.reset()
        for attempt in range(1, self._attempts + 1):
            try:
                self._producer.send(self.topic, value=record.value, key=record.key, headers=headers).get(
                    timeout=self._send_timeout
                )
                return
            except (KafkaError, TimeoutError, OSError) as exc:
                if attempt == self._attempts:
                    raise DeadLetterUnavailable(
                        f"{self.topic} did not take the dead letter for {record.topic}"
                        f"[{record.partition}]@{record.offset} after {attempt} attempts: {exc}"
                    ) from exc
                delay = self._backoff.next_delay()
                log.warning(
                    "dead-letter send failed; retrying",
                    attempt=attempt,
                    retry_in_seconds=delay,
                    error=str(exc),
                )
                self._sleep(delay)


@dataclass(frozen=True)
class DeadLetter:
    """One record read back from a dead-letter topic."""

    topic: str
    offset: int
    timestamp_ms: int
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...]

    def header(self, name: str) -> str:
        for key, value in self.headers:
            if key == name:
                return value.decode("utf-8", errors="replace")
        return ""

    @property
    def consumer(self) -> str:
        return self.header("dlt.consumer")

    @property
    def event_type(self) -> str:
        return self.header("dlt.event_type")

    @property
    def event_id(self) -> str:
        return self.header("dlt.event_id")

    @property
    def original_topic(self) -> str:
        return self.header("dlt.topic")

    @property
    def original_partition(self) -> int:
        return int(self.header("dlt.partition") or -1)

    @property
    def original_offset(self) -> int:
        return int(self.header("dlt.offset") or -1)

    @property
    def error(self) -> str:
        return self.header("dlt.error")

    @property
    def first_failed_at(self) -> str:
        return self.header("dlt.first_failed_at")

    def original_headers(self) -> list[tuple[str, bytes]]:
        return [(k, v) for k, v in self.headers if not k.startswith(HEADER_PREFIX)]


class DeadLetterNotFound(LookupError):
    """No dead letter at that offset (never written, or older than the topic's retention)."""


class DeadLetterTopicMissing(LookupError):
    """The broker has no such dead-letter topic (infra/kafka/topics.toml declares them)."""


class DeadLetterReader:
    """Reads a dead-letter topic from its start, outside any consumer group (nothing is committed).

    Raises kafka.errors.KafkaError (e.g. NoBrokersAvailable) when the broker cannot be reached, and
    DeadLetterTopicMissing when it has no such topic."""

    def __init__(self, bootstrap: str, topic: str, *, timeout_seconds: float = 15.0) -> None:
        self.topic = topic
        self._timeout = timeout_seconds
        self._consumer = KafkaConsumer(
            bootstrap_servers=bootstrap,
            group_id=None,
            client_id="propertytax-admin",
            enable_auto_commit=False,
            isolation_level="read_committed",
            request_timeout_ms=max(1000, int(timeout_seconds * 1000)),
            bootstrap_timeout_ms=int(timeout_seconds * 1000),
        )

    def close(self) -> None:
        self._consumer.close()

    def __enter__(self) -> DeadLetterReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _partitions(self) -> list[TopicPartition]:
        partitions = self._consumer.partitions_for_topic(self.topic)
        if not partitions:
            raise DeadLetterTopicMissing(f"the broker has no topic {self.topic}")
        return [TopicPartition(self.topic, p) for p in sorted(partitions)]

    def read_all(self) -> list[DeadLetter]:
        """Every dead letter still on the topic, oldest first."""
        partitions = self._partitions()
        self._consumer.assign(partitions)
        self._consumer.seek_to_beginning(*partitions)
        return self._read_until_end(partitions)

    def find(self, offset: int) -> DeadLetter:
        """The dead letter at `offset` (of partition 0); DeadLetterNotFound if there is none."""
        partition = self._partitions()[0]
        first = self._consumer.beginning_offsets([partition])[partition]
        end = self._consumer.end_offsets([partition])[partition]
        if not first <= offset < end:
            raise DeadLetterNotFound(
                f"no dead letter at offset {offset} of {self.topic} (it holds offsets {first} to {end - 1})"
                if end > first
                else f"no dead letter at offset {offset}: {self.topic} is empty"
            )
        self._consumer.assign([partition])
        self._consumer.seek(partition, offset)
        for letter in self._read_until_end([partition], stop_after=offset):
            if letter.offset == offset:
                return letter
        raise DeadLetterNotFound(f"no dead letter at offset {offset} of {self.topic}")

    def _read_until_end(
        self, partitions: list[TopicPartition], stop_after: int | None = None
    ) -> list[DeadLetter]:
        ends = self._consumer.end_offsets(partitions)
        letters: list[DeadLetter] = []
        deadline = time.monotonic() + self._timeout
        while any(self._consumer.position(p) < ends[p] for p in partitions):
            if time.monotonic() > deadline:
                raise TimeoutError(f"reading {self.topic} took longer than {self._timeout:.0f} s")
            for batch in self._consumer.poll(timeout_ms=200).values():
                letters.extend(_letter(r) for r in batch)
            if stop_after is not None and any(letter.offset >= stop_after for letter in letters):
                break
        return letters


def _letter(record: Any) -> DeadLetter:
    return DeadLetter(
        topic=record.topic,
        offset=record.offset,
        timestamp_ms=record.timestamp,
        key=record.key,
        value=record.value,
        headers=tuple((k, v or b"") for k, v in (record.headers or [])),
    )


def replay(producer: KafkaProducer, letter: DeadLetter, *, timeout_seconds: float = 30.0) -> None:
    """Publishes the original value and key to the original topic again, marked as a replay for the
    consumer that gave up. Idempotent for that consumer: its inbox drops an event it has handled."""
    if not letter.original_topic:
        raise ValueError(f"dead letter {letter.offset} does not name its original topic")
    headers = [
        *letter.original_headers(),
        (REPLAY_OF, f"{letter.topic}:{letter.offset}".encode()),
        (REPLAY_FOR, letter.consumer.encode()),
    ]
    producer.send(letter.original_topic, value=letter.value, key=letter.key, headers=headers).get(
        timeout=timeout_seconds
    )
