"""Publishes committed outbox rows to Kafka and marks them published.

A batch goes in three steps, and no database transaction is open while the relay talks to Kafka:
1. read the oldest pending rows (published_at IS NULL, by id) in a short transaction;
2. send them with the idempotent producer (acks=all) and wait until each is acknowledged or has failed
   (bounded by the producer's delivery timeout: see kafka_bus.make_producer);
3. mark the acknowledged rows published in another short transaction. Marking touches only rows still
   pending, so marking twice changes nothing.

What is guaranteed:
- Delivery: at least once. Only committed rows are ever read, so nothing is published before its commit.
  A row is marked only after Kafka acknowledged it; rows of a relay that dies, loses its lock or finds the
  broker away stay pending and are sent again. A repeat (sent, then the relay died before marking) is
  harmless: consumers drop it through their inbox.
- One active relay per service database (relay_lock: a PostgreSQL advisory lock, or a file lock next to
  an SQLite database). A relay checks that it still holds the lock before each batch; the others stand
  by, retry every `standby_retry_seconds` and take over when the holder's session or process is gone.
- Order per key (the aggregate id, also the Kafka key, so one key stays on one partition): the events of
  one key are published in the order their transactions wrote them, provided the writers of one
  aggregate are serialised (on PostgreSQL by the row lock a command takes on its aggregate, on SQLite by
  its single writer): then a later transaction inserts its outbox row, and so gets a higher id, only
  after the earlier one committed. The relay sends a key's rows in id order and at most one row of a key
  at a time: the next one only after Kafka acknowledged (and the relay marked) the one before. So, per
  key, the first appearance of each event on the topic follows the outbox order, also when a send fails
  half-way through a batch or when an old and a new relay overlap for a moment at a takeover; a repeat
  may appear later than its first copy.
- Across keys there is no order. Ids are taken at insert, not at commit, so a row committed later may
  have a lower id than rows already published; it is still published: the relay reads every pending row
  and keeps no high-water mark.
- A broker that is away blocks no writer: sends fail after the producer's timeouts, the rows stay pending,
  the relay waits (doubling from poll_seconds up to max_backoff_seconds) and tries again. It logs once
  when publishing stops, every few minutes while it stays stopped, and once when it resumes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

from kafka import KafkaProducer
from sqlalchemy import Engine, Table, func, select, update

from services.platform.clock import Clock, utc_now
from services.platform.kafka_bus import DELIVERY_TIMEOUT_MS
from services.platform.logging import get_logger
from services.platform.messaging.relay_lock import RelayLock, relay_lock_for

log = get_logger(__name__)

# While Kafka stays away, the relay says so again this often (it said so once when it started failing).
STILL_FAILING_LOG_SECONDS = 300.0


class PublishFailed(Exception):
    """Some rows of a batch were not acknowledged by Kafka; they stay pending. `published` counts those
    that were acknowledged and marked."""

    def __init__(self, published: int, unsent: int, cause: BaseException) -> None:
        super().__init__(f"{unsent} outbox row(s) not acknowledged by Kafka: {type(cause).__name__}: {cause}")
        self.published = published


class OutboxRelay:
    def __init__(
        self,
        engine: Engine,
        outbox: Table,
        producer: KafkaProducer,
        *,
        lock: RelayLock | None = None,
        batch_size: int = 500,
        poll_seconds: float = 0.2,
        standby_retry_seconds: float = 2.0,
        max_backoff_seconds: float = 10.0,
        send_timeout_seconds: float = DELIVERY_TIMEOUT_MS / 1000 + 10,
        clock: Clock = utc_now,
    ) -> None:
        """`lock` defaults to the lock of the engine's database under the name "outbox" (the service
        builder passes the service's own). `send_timeout_seconds` should exceed the producer's delivery
        timeout, so that every send has resolved by itself when the relay stops waiting."""
        self._engine = engine
        self._outbox = outbox
        self._producer = producer
        self._lock: RelayLock = lock if lock is not None else relay_lock_for(engine, "outbox")
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._standby_retry = standby_retry_seconds
        self._max_backoff = max_backoff_seconds
        self._send_timeout = send_timeout_seconds
        self._clock = clock
        self._active: bool | None = None  # None: not asked yet
        self._retry_after = 0.0  # monotonic time before which a relay that lost its lock does not try
        self.published = 0

    # --- one batch ---

    def publish_batch(self) -> int:
        """Sends one batch of pending rows if this relay holds the relay lock (taking it if free); returns
        how many were published (0 when another relay is active). Raises PublishFailed when Kafka did not
        acknowledge some rows (those acknowledged are marked), SQLAlchemyError when the database is away."""
        if not self.is_active():
            return 0
        return self._publish()

    def _publish(self) -> int:
        rows = self._read_pending()
        if not rows:
            return 0
        sendable = _one_per_key(rows)
        acked, error = self._send(sendable)
        if acked:
            self._mark_published(acked)
            self.published += len(acked)
        if error is not None:
            raise PublishFailed(len(acked), len(sendable) - len(acked), error) from error
        return len(acked)

    def is_active(self) -> bool:
        """Whether this relay holds the lock now: checks a held lock (its session may be gone) or tries to
        take a free one. A relay that has just lost its lock waits two standby periods before it tries
        again, so that a standby (which tries every period) takes over first. Logs each change."""
        if self._lock.held():
            active = True
        elif self._active:
            active, self._retry_after = False, time.monotonic() + 2 * self._standby_retry
        else:
            active = time.monotonic() >= self._retry_after and self._lock.try_acquire()
        if active != self._active:
            if active:
                log.info("outbox relay active: this relay publishes the outbox")
            else:
                log.info("outbox relay standing by: another relay holds the lock, or the database is away")
            self._active = active
        return active

    def _read_pending(self) -> Sequence[Any]:
        outbox = self._outbox
        query = (
            select(outbox.c.id, outbox.c.topic, outbox.c.key, outbox.c.event_type, outbox.c.envelope)
            .where(outbox.c.published_at.is_(None))
            .order_by(outbox.c.id)
            .limit(self._batch_size)
        )
        with self._engine.connect() as conn:  # ends (rolls back) before anything goes to Kafka
            return conn.execute(query).all()

    def _send(self, rows: Sequence[Any]) -> tuple[list[int], BaseException | None]:
        """Sends the rows and waits for each; returns the ids Kafka acknowledged and the first error."""
        futures: list[tuple[int, Any]] = []
        error: BaseException | None = None
        for row in rows:
            try:
                future = self._producer.send(
                    row.topic,
                    value=row.envelope,
                    key=row.key.encode(),
                    headers=[("event_type", row.event_type.encode())],
                )
            except Exception as exc:
                # No metadata within max_block_ms (broker away) or similar: the rest would wait as long.
                error = exc
                break
            futures.append((row.id, future))
        acked: list[int] = []
        deadline = time.monotonic() + self._send_timeout
        for row_id, future in futures:
            try:
                future.get(timeout=max(0.0, deadline - time.monotonic()))
            except Exception as exc:
                error = error or exc
            else:
                acked.append(row_id)
        return acked, error

    def _mark_published(self, ids: list[int]) -> None:
        outbox = self._outbox
        with self._engine.begin() as conn:
            conn.execute(
                update(outbox)
                .where(outbox.c.id.in_(ids), outbox.c.published_at.is_(None))
                .values(published_at=self._clock())
            )

    # --- over time ---

    def pending(self) -> int:
        outbox = self._outbox
        with self._engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
                ).scalar_one()
            )

    def drain(self) -> int:
        """Publishes until nothing is pending (used at shutdown and by tests and benchmarks)."""
        total = 0
        while (sent := self.publish_batch()) > 0:
            total += sent
        return total

    def run(self, stop: threading.Event) -> None:
        """Publishes while active, stands by while another relay is, until stop is set; then drains what
        was committed meanwhile (unless Kafka is away) and lets go of the lock."""
        backoff = self._poll_seconds
        failing_since: float | None = None
        last_said = 0.0
        try:
            while not stop.is_set():
                try:
                    if not self.is_active():
                        stop.wait(self._standby_retry)
                        continue
                    sent = self._publish()
                except Exception as exc:
                    now = time.monotonic()
                    if failing_since is None:
                        failing_since = last_said = now
                        log.warning(
                            "outbox relay cannot publish; events stay in the outbox and are retried",
                            error=f"{type(exc).__name__}: {exc}",
                            exc_info=not isinstance(exc, PublishFailed),
                        )
                    elif now - last_said >= STILL_FAILING_LOG_SECONDS:
                        last_said = now
                        log.warning(
                            "outbox relay still cannot publish",
                            failing_seconds=round(now - failing_since),
                            error=f"{type(exc).__name__}: {exc}",
                        )
                    stop.wait(backoff)
                    backoff = min(backoff * 2, self._max_backoff)
                    continue
                if failing_since is not None:
                    log.info(
                        "outbox relay publishes again",
                        after_seconds=round(time.monotonic() - failing_since, 1),
                    )
                    failing_since, backoff = None, self._poll_seconds
                if sent == 0:
                    stop.wait(self._poll_seconds)
            if failing_since is None:
                try:
                    log.info("outbox relay drained", drained=self.drain())
                except Exception as exc:
                    log.warning("outbox relay could not drain; rows stay pending", error=str(exc))
        finally:
            self.close()

    def close(self) -> None:
        """Lets go of the relay lock (a standby takes over). The producer belongs to the caller."""
        self._lock.close()
        self._active = None


def _one_per_key(rows: Sequence[Any]) -> list[Any]:
    """The first pending row of each key: a key's next row waits until this one is acknowledged."""
    seen: set[str] = set()
    first: list[Any] = []
    for row in rows:
        if row.key not in seen:
            seen.add(row.key)
            first.append(row)
    return first
