"""Handles records idempotently: each event is handled in a transaction that also records its id in the
inbox, so a redelivered event finds its id and changes nothing. Knows nothing about polling or offsets;
it tells its caller which records are done (on_done), and raises when it stops short.

What happens to a record whose handler fails:
- transient failure (failures.is_transient: database or broker away, timeouts): tried again with
  back-off, `transient_attempts` times, then TransientFailure is raised. Never dead-lettered.
- any other failure: the record is dead-lettered (after `max_attempts` tries for unknown errors; at once
  for DomainError, ValueError, KeyError, TypeError, which a retry does not change), and the consumer goes on,
- unless it is the `halt_after`-th such failure in a row of one event type (no success of that type in
  between): then ConsumerHalted is raised and the record is not dead-lettered. A handler that fails for
  every event of a type is a bad deploy, not bad records; stopping keeps the rest of them on the topic
  until the fix. So a dead-letter topic holds at most halt_after - 1 records of such a burst.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session, sessionmaker

from propertytax.platform.v1 import envelope_pb2
from services.platform.clock import Clock, utc_now
from services.platform.errors import DomainError
from services.platform.events import MalformedEvent, ReceivedEvent, correlation_id_var, unwrap
from services.platform.logging import get_logger
from services.platform.messaging.dead_letters import REPLAY_FOR, error_text
from services.platform.messaging.failures import Backoff, is_transient

log = get_logger(__name__)

EventHandler = Callable[[Session, ReceivedEvent], None]
# Optional form of a handler for a run of consecutive events of one type in one call: one query for many
# rows instead of a few per event, where a levy or an import sends hundreds of thousands.
BatchHandler = Callable[[Session, list[ReceivedEvent]], None]

# Errors that say the record (or the code) is wrong: trying the same record again gives the same error.
_DETERMINISTIC = (DomainError, ValueError, KeyError, TypeError, MalformedEvent)
# Failure streaks of records that are not readable envelopes are counted under this name.
MALFORMED = "(malformed)"


class Outcome(StrEnum):
    HANDLED = "handled"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    DEAD_LETTERED = "dead_lettered"


OnDone = Callable[[Any, Outcome], None]


class DeadLetters(Protocol):
    """Where given-up records go (DeadLetterWriter); write() returns once they are stored, or raises."""

    def write(
        self,
        record: Any,
        error: BaseException,
        *,
        consumer: str,
        event_type: str,
        event_id: str,
        first_failed_at: datetime,
    ) -> None: ...


class ConsumerHalted(Exception):
    """`failures` non-transient failures in a row for one event type: the consumer must stop."""

    def __init__(self, consumer: str, event_type: str, failures: int, last_error: BaseException) -> None:
        self.consumer = consumer
        self.event_type = event_type
        self.failures = failures
        self.last_error = error_text(last_error)
        super().__init__(
            f"consumer {consumer} stopped: {failures} {event_type} events in a row failed "
            f"(last error: {self.last_error}); nothing more is consumed until a fix is deployed and the "
            f"service restarted"
        )


class TransientFailure(Exception):
    """A record still failed for a transient reason after its retries; it is not done."""


def _no_op(_record: Any, _outcome: Outcome) -> None:
    return None


def _peek(value: bytes | None) -> tuple[str, str]:
    """(event type, event id) of an envelope without decoding its payload; ("", "") if unreadable."""
    try:
        envelope = envelope_pb2.EventEnvelope.FromString(value or b"")
    except Exception:  # protobuf raises DecodeError and, for some inputs, others
        return "", ""
    return envelope.type, envelope.event_id


class EventProcessor:
    """Handles records, a batch in one transaction where it can.

    records: kafka-python ConsumerRecords or anything with topic, partition, offset, key, value (and
    optionally headers, timestamp). Raises ConsumerHalted, TransientFailure, or what the dead letters
    raise (DeadLetterUnavailable); records finished before that were reported to on_done."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        inbox: Table,
        consumer_name: str,
        handlers: Mapping[str, EventHandler],
        dead_letters: DeadLetters,
        *,
        batch_handlers: Mapping[str, BatchHandler] | None = None,
        max_attempts: int = 3,
        transient_attempts: int = 5,
        backoff: Backoff | None = None,
        halt_after: int = 5,
        clock: Clock = utc_now,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._batch_handlers = batch_handlers or {}
        self._sessions = sessions
        self._inbox = inbox
        self.consumer_name = consumer_name
        self._handlers = handlers
        self._dead_letters = dead_letters
        self._max_attempts = max(1, max_attempts)
        self._transient_attempts = max(1, transient_attempts)
        self._backoff = backoff or Backoff(first=0.2, cap=5.0)
        self._halt_after = halt_after
        self._clock = clock
        self._sleep = sleep
        self.counts: dict[Outcome, int] = {}
        # Per event type: records dead-lettered since the last success of that type.
        self._streaks: dict[str, int] = {}

    def _count(self, outcome: Outcome) -> Outcome:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1
        return outcome

    def process(self, record: Any) -> Outcome:
        return self._count(self._process(record))

    def process_batch(self, records: list[Any], on_done: OnDone = _no_op) -> list[Outcome]:
        """All records in one transaction. If any handler fails, that transaction is rolled back and the
        records are taken one at a time, so that only the bad one is dead-lettered. on_done(record,
        outcome) is called for each record once it is done (its transaction committed, or dead-lettered,
        or ignored), in no promised order."""
        if len(records) <= 1:
            return self._one_by_one(records, on_done)
        batch: list[tuple[int, ReceivedEvent, EventHandler]] = []
        others: list[int] = []
        for index, record in enumerate(records):
            if self._replay_for_another(record):
                others.append(index)
                continue
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
            log.warning("batch failed; handling its records one at a time", error=error_text(exc))
            return self._one_by_one(records, on_done)
        for index, event, _ in batch:
            self._succeeded(event.type)
            on_done(records[index], self._count(outcomes[index]))
        for index in others:
            outcomes[index] = self.process(records[index])
            on_done(records[index], outcomes[index])
        return [outcomes[i] for i in range(len(records))]

    def _one_by_one(self, records: list[Any], on_done: OnDone) -> list[Outcome]:
        outcomes = []
        for record in records:
            outcome = self.process(record)
            on_done(record, outcome)
            outcomes.append(outcome)
        return outcomes

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

    def _replay_for_another(self, record: Any) -> bool:
        """A replay of another consumer's dead letter: ours to ignore (we handled or dead-lettered it)."""
        for key, value in getattr(record, "headers", None) or []:
            if key == REPLAY_FOR:
                return bool(value) and value.decode("utf-8", errors="replace") != self.consumer_name
        return False

    def _process(self, record: Any) -> Outcome:
        if self._replay_for_another(record):
            return Outcome.IGNORED
        event_type, event_id = _peek(record.value)
        if event_type and event_type not in self._handlers:
            return Outcome.IGNORED  # not ours: no need to understand its payload
        try:
            event = unwrap(record.value)
        except MalformedEvent as exc:
            return self._give_up(record, exc, event_type or MALFORMED, event_id, self._clock())
        handler = self._handlers[event.type]
        correlation_id_var.set(event.envelope.correlation_id)
        first_failed_at: datetime | None = None
        attempts = transient = 0
        self._backoff.reset()
        while True:
            try:
                outcome = self._handle_once(record, event, handler)
            except Exception as exc:
                first_failed_at = first_failed_at or self._clock()
                if is_transient(exc):
                    transient += 1
                    if transient >= self._transient_attempts:
                        raise TransientFailure(
                            f"{event.type} {event.event_id} still failing after {transient} attempts: "
                            f"{error_text(exc)}"
                        ) from exc
                    delay = self._backoff.next_delay()
                    log.warning(
                        "transient failure while handling event; retrying",
                        event_type=event.type,
                        retry_in_seconds=delay,
                        error=error_text(exc),
                    )
                    self._sleep(delay)
                    continue
                attempts += 1
                if isinstance(exc, _DETERMINISTIC) or attempts >= self._max_attempts:
                    return self._give_up(record, exc, event.type, event.event_id, first_failed_at)
                self._sleep(self._backoff.next_delay())
            else:
                self._succeeded(event.type)
                return outcome

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

    def _succeeded(self, event_type: str) -> None:
        self._streaks.pop(event_type, None)
        # Garbage has no type of its own to succeed with: any success ends its streak.
        self._streaks.pop(MALFORMED, None)

    def _give_up(
        self, record: Any, error: BaseException, event_type: str, event_id: str, first_failed_at: datetime
    ) -> Outcome:
        streak = self._streaks.get(event_type, 0) + 1
        if self._halt_after > 0 and streak >= self._halt_after:
            raise ConsumerHalted(self.consumer_name, event_type, streak, error) from error
        self._dead_letters.write(
            record,
            error,
            consumer=self.consumer_name,
            event_type=event_type,
            event_id=event_id,
            first_failed_at=first_failed_at,
        )
        self._streaks[event_type] = streak  # counted once it is stored: a failed send is tried again
        log.error(
            "event dead-lettered",
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            event_type=event_type,
            event_id=event_id,
            error=error_text(error),
        )
        return Outcome.DEAD_LETTERED
