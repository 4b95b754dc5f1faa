"""Publishes committed outbox rows to Kafka, in id order, and marks them published.

A row is marked only after Kafka acknowledged it, so a relay killed in between publishes that row again
on restart; consumers drop the repeat through their inbox. On PostgreSQL the batch is claimed with
FOR UPDATE SKIP LOCKED, so a second relay never sends the same rows at the same time. SQLite has no
SKIP LOCKED: there the relay must be the only one.
"""

from __future__ import annotations

import threading
from typing import Any

from kafka import KafkaProducer
from sqlalchemy import Engine, Table, select, update

from services.platform.clock import Clock, utc_now
from services.platform.db import is_postgres
from services.platform.logging import get_logger

log = get_logger(__name__)


class OutboxRelay:
    def __init__(
        self,
        engine: Engine,
        outbox: Table,
        producer: KafkaProducer,
        *,
        batch_size: int = 500,
        poll_seconds: float = 0.2,
        send_timeout_seconds: float = 30.0,
        clock: Clock = utc_now,
    ) -> None:
        self._engine = engine
        self._outbox = outbox
        self._producer = producer
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._send_timeout = send_timeout_seconds
        self._clock = clock
        self.published = 0

    def publish_batch(self) -> int:
        """Sends one batch of pending rows; returns how many were published."""
        outbox = self._outbox
        query = (
            select(outbox.c.id, outbox.c.topic, outbox.c.key, outbox.c.event_type, outbox.c.envelope)
            .where(outbox.c.published_at.is_(None))
            .order_by(outbox.c.id)
            .limit(self._batch_size)
        )
        if is_postgres(self._engine):
            query = query.with_for_update(skip_locked=True)
        with self._engine.begin() as conn:
            rows = conn.execute(query).all()
            if not rows:
                return 0
            futures: list[Any] = [
                self._producer.send(
                    row.topic,
                    value=row.envelope,
                    key=row.key.encode(),
                    headers=[("event_type", row.event_type.encode())],
                )
                for row in rows
            ]
            self._producer.flush(timeout=self._send_timeout)
            for future in futures:
                future.get(timeout=self._send_timeout)  # raises if Kafka refused: nothing is marked
            self._mark_published(conn, [row.id for row in rows])
        self.published += len(rows)
        return len(rows)

    def _mark_published(self, conn: Any, ids: list[int]) -> None:
        conn.execute(
            update(self._outbox).where(self._outbox.c.id.in_(ids)).values(published_at=self._clock())
        )

    def pending(self) -> int:
        from sqlalchemy import func

        with self._engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(self._outbox)
                    .where(self._outbox.c.published_at.is_(None))
                ).scalar_one()
            )

    def drain(self) -> int:
        """Publishes until nothing is pending (used at shutdown)."""
        total = 0
        while (sent := self.publish_batch()) > 0:
            total += sent
        return total

    def run(self, stop: threading.Event) -> None:
        """Polls until stop is set, then drains what was committed meanwhile."""
        while not stop.is_set():
            try:
                if self.publish_batch() == 0:
                    stop.wait(self._poll_seconds)
            except Exception:
                log.exception("outbox relay batch failed; retrying")
                stop.wait(1.0)
        try:
            drained = self.drain()
            log.info("outbox relay drained", drained=drained)
        except Exception:
            log.exception("outbox relay could not drain; rows stay pending for the next start")
