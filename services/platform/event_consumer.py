"""Consumes events idempotently: each event is handled in a transaction that also records its id in
the inbox, and offsets are committed only after that transaction. A redelivered event finds its id and
changes nothing; a message that cannot be processed goes to the dead-letter topic and the consumer
goes on with the next one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

from kafka import KafkaConsumer, KafkaProducer
from kafka.structs import OffsetAndMetadata, TopicPartition
from sqlalchemy import Table, insert, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from services.platform.clock import Clock, utc_now
from services.platform.errors import DomainError
from services.platform.events import MalformedEvent, ReceivedEvent, correlation_id_var, unwrap
from services.platform.identity import mask_national_ids
from services.platform.kafka_bus import DEAD_LETTER_TOPIC
from services.platform.logging import get_logger

log = get_logger(__name__)

EventHandler = Callable[[Session, ReceivedEvent], None]
# Optional form of a handler for a run of consecutive events of one type in one call: one query for many
# rows instead of a few per event, where a levy or an import sends hundreds of thousands.
BatchHandler = Callable[[Session, list[ReceivedEvent]], None]


class Outcome(StrEnum):
    HANDLED = "handled"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    DEAD_LETTERED = "dead_lettered"


class EventProcessor:
    """Handles records, a batch in one transaction where it can; knows nothing about polling."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        inbox: Table,
        consumer_name: str,
        handlers: Mapping[str, EventHandler],
        dead_letters: KafkaProducer,
        *,
        batch_handlers: Mapping[str, BatchHandler] | None = None,
        max_attempts: int = 3,
        clock: Clock = utc_now,
    ) -> None:
        self._batch_handlers = batch_handlers or {}
        self._sessions = sessions
        self._inbox = inbox
        self.consumer_name = consumer_name
        self._handlers = handlers
        self._dead_letters = dead_letters
        self._max_attempts = max_attempts
        self._clock = clock
        self.counts: dict[Outcome, int] = {}

    def _count(self, outcome: Outcome) -> Outcome:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1
        return outcome

    def process(self, record: Any) -> Outcome:
        return self._count(self._process(record))

    def process_batch(self, records: list[Any]) -> list[Outcome]:
        """All records in one transaction. If any handler fails, that transaction is rolled back and
        the records are taken one at a time, so that only the bad one goes to the dead letters."""
        if len(records) <= 1:
            return [self.process(r) for r in records]
        batch: list[tuple[int, ReceivedEvent, EventHandler]] = []
        others: list[int] = []
        for index, record in enumerate(records):
            try:
                event = unwrap(record.value)
            except MalformedEvent:
                others.append(index)
                continue
            handler = self._handlers.get(event.type)
            if handler is None:
                others.append(index)
            else:
                batch.append((index, event, handler))
        outcomes: dict[int, Outcome] = {}
        try:
            self._handle_batch(records, batch, outcomes)
        except Exception as exc:
            log.warning("batch failed; handling its records one at a time", error=str(exc))
            return [self.process(r) for r in records]
        for index in others:
            outcomes[index] = self._process(records[index])
        return [self._count(outcomes[i]) for i in range(len(records))]

    def _handle_batch(
        self,
        records: list[Any],
        batch: list[tuple[int, ReceivedEvent, EventHandler]],
        outcomes: dict[int, Outcome],
    ) -> None:
        if not batch:
            return
        inbox = self._inbox
        with self._sessions() as session, session.begin():
            seen = set(
                session.scalars(
                    select(inbox.c.event_id).where(
                        inbox.c.consumer == self.consumer_name,
                        inbox.c.event_id.in_([event.event_id for _, event, _ in batch]),
                    )
                )
            )
            rows = []
            run: list[ReceivedEvent] = []  # consecutive events of one type with a batch handler

            def flush() -> None:
                if run:
                    correlation_id_var.set(run[0].envelope.correlation_id)
                    self._batch_handlers[run[0].type](session, list(run))
                    run.clear()

            for index, event, handler in batch:
                if event.event_id in seen:
                    outcomes[index] = Outcome.DUPLICATE
                    continue
                seen.add(event.event_id)
                if run and run[0].type != event.type:
                    flush()
                if event.type in self._batch_handlers:
                    run.append(event)  # handled at its place in the order: before any later event
                else:
                    correlation_id_var.set(event.envelope.correlation_id)
                    handler(session, event)
                rows.append(self._inbox_row(records[index], event))
                outcomes[index] = Outcome.HANDLED
            flush()
            if rows:
                session.execute(insert(inbox), rows)

    def _inbox_row(self, record: Any, event: ReceivedEvent) -> dict[str, object]:
        return {
            "consumer": self.consumer_name,
            "event_id": event.event_id,
            "event_type": event.type,
            "topic": record.topic,
            "partition": record.partition,
            "offset": record.offset,
            "processed_at": self._clock(),
        }

    def _process(self, record: Any) -> Outcome:
        try:
            event = unwrap(record.value)
        except MalformedEvent as exc:
            return self._dead_letter(record, exc)
        handler = self._handlers.get(event.type)
        if handler is None:
            return Outcome.IGNORED
        correlation_id_var.set(event.envelope.correlation_id)
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._handle_once(record, event, handler)
            except OperationalError as exc:
                # The database is away, not the message at fault: wait and try the same record again.
                log.warning("database unavailable while handling event; retrying", error=str(exc))
                time.sleep(min(5.0, 0.2 * attempt))
            except (DomainError, ValueError, KeyError, TypeError) as exc:
                return self._dead_letter(record, exc)
            except Exception as exc:
                if attempt >= self._max_attempts:
                    return self._dead_letter(record, exc)
                time.sleep(0.1 * attempt)

    def _handle_once(self, record: Any, event: ReceivedEvent, handler: EventHandler) -> Outcome:
        inbox = self._inbox
        with self._sessions() as session, session.begin():
            seen = session.execute(
                select(inbox.c.event_id).where(
                    inbox.c.consumer == self.consumer_name, inbox.c.event_id == event.event_id
                )
            ).first()
            if seen is not None:
                return Outcome.DUPLICATE
            session.execute(insert(inbox).values(self._inbox_row(record, event)))
            handler(session, event)
        return Outcome.HANDLED

    def _dead_letter(self, record: Any, error: BaseException) -> Outcome:
        # The error text may quote the payload: mask it like a log line before it leaves.
        reason = mask_national_ids(f"{type(error).__name__}: {error}")[:2000]
        headers = [
            ("dlt.consumer", self.consumer_name.encode()),
            ("dlt.topic", record.topic.encode()),
            ("dlt.partition", str(record.partition).encode()),
            ("dlt.offset", str(record.offset).encode()),
            ("dlt.error", reason.encode()),
        ]
        self._dead_letters.send(DEAD_LETTER_TOPIC, value=record.value, key=record.key, headers=headers).get(
            timeout=30
        )
        log.error(
            "event dead-lettered",
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            error=reason,
        )
        return Outcome.DEAD_LETTERED


class ConsumerLoop:
    """Polls, processes each record, then commits the batch's offsets."""

    def __init__(self, consumer: KafkaConsumer, processor: EventProcessor) -> None:
        self._consumer = consumer
        self._processor = processor

    def poll_once(self, timeout_ms: int = 500) -> int:
        batches = self._consumer.poll(timeout_ms=timeout_ms)
        offsets: dict[TopicPartition, OffsetAndMetadata] = {}
        polled: list[Any] = []
        for partition, records in batches.items():
            if records:
                polled.extend(records)
                offsets[partition] = OffsetAndMetadata(records[-1].offset + 1, "", -1)
        # One transaction for the whole poll; per-key order holds, since a key lives on one partition.
        self._processor.process_batch(polled)
        handled = len(polled)
        if offsets:
            self._consumer.commit(offsets)
        return handled

    def run(self, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                try:
                    self.poll_once()
                except Exception:
                    log.exception("consumer poll failed; retrying")
                    stop.wait(1.0)
        finally:
            self._consumer.close(autocommit=False)
