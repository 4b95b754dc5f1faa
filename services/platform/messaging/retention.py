"""Prunes the tables that would otherwise only grow: published outbox rows and inbox ids.

Each is kept for a retention that must be longer than the longest retention of the topics declared in
infra/kafka/topics.toml (checked at start: check_retention raises RetentionTooShort):
- inbox: an event can arrive again as long as any topic holds it (a consumer group reset, or a dead
  letter replayed, which is possible until its dead-letter topic drops it). Its inbox id must still be
  there then, or the repeat would be handled twice.
- outbox: a published row is the service's own copy of what it published; kept at least as long as the
  topics keep events, it can be published again if a topic is lost.
Unpublished outbox rows are never pruned, however old.

Shape: Pruner is a BackgroundTask (runtime.py). It prunes at start and then every `interval_seconds`,
deleting at most `batch_size` rows per short transaction (no long lock on either table) and stopping
between batches when asked. published_at and processed_at are technical records written from the machine
clock, so the cut-off comes from a clock of the same kind (injected by tests), never a business date.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Delete, Engine, Table, delete, select, tuple_

from services.platform.clock import Clock, utc_now
from services.platform.kafka_topics import TopicSpec, load_topics
from services.platform.logging import get_logger

log = get_logger(__name__)

_MS_PER_DAY = 86_400_000


class RetentionTooShort(ValueError):
    """A configured retention is not longer than a topic's (the message names both)."""


@dataclass(frozen=True)
class Retention:
    outbox: timedelta
    inbox: timedelta


def check_retention(
    outbox_days: float, inbox_days: float, topics: list[TopicSpec] | None = None
) -> Retention:
    """The retention, if both are longer than the longest topic retention (topics default to
    infra/kafka/topics.toml); raises RetentionTooShort otherwise."""
    declared = load_topics() if topics is None else topics
    if declared:
        longest = max(declared, key=lambda t: t.retention_ms)
        for setting, days, why in (
            ("INBOX_RETENTION_DAYS", inbox_days, "a repeat of an event on a topic would be handled again"),
            ("OUTBOX_RETENTION_DAYS", outbox_days, "events still on a topic could not be published again"),
        ):
            if days * _MS_PER_DAY <= longest.retention_ms:
                raise RetentionTooShort(
                    f"PROPERTYTAX_{setting}={days:g} must be longer than the longest topic retention "
                    f"({longest.name}: {longest.retention_ms / _MS_PER_DAY:g} days in topics.toml): {why}"
                )
    return Retention(outbox=timedelta(days=outbox_days), inbox=timedelta(days=inbox_days))


@dataclass
class Pruned:
    outbox: int = 0
    inbox: int = 0


class Pruner:
    """Deletes published outbox rows older than the outbox retention and inbox rows older than the inbox
    retention, in batches."""

    name = "retention"

    def __init__(
        self,
        engine: Engine,
        outbox: Table,
        inbox: Table,
        retention: Retention,
        *,
        batch_size: int = 1000,
        interval_seconds: float = 3600.0,
        clock: Clock = utc_now,
    ) -> None:
        self._engine = engine
        self._outbox = outbox
        self._inbox = inbox
        self._retention = retention
        self._batch_size = batch_size
        self._interval = interval_seconds
        self._clock = clock

    def prune(self, stop: threading.Event | None = None) -> Pruned:
        """One round over both tables; returns how many rows went."""
        now = self._clock()
        outbox, inbox = self._outbox, self._inbox
        old_outbox = (
            select(outbox.c.id)
            .where(outbox.c.published_at.is_not(None), outbox.c.published_at < now - self._retention.outbox)
            .limit(self._batch_size)
        )
        old_inbox = (
            select(inbox.c.consumer, inbox.c.event_id)
            .where(inbox.c.processed_at < now - self._retention.inbox)
            .limit(self._batch_size)
        )
        return Pruned(
            outbox=self._in_batches(delete(outbox).where(outbox.c.id.in_(old_outbox)), stop),
            inbox=self._in_batches(
                delete(inbox).where(tuple_(inbox.c.consumer, inbox.c.event_id).in_(old_inbox)), stop
            ),
        )

    def _in_batches(self, statement: Delete, stop: threading.Event | None) -> int:
        total = 0
        while stop is None or not stop.is_set():
            with self._engine.begin() as conn:
                deleted = conn.execute(statement).rowcount
            total += deleted
            if deleted < self._batch_size:
                break
        return total

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                pruned = self.prune(stop)
                if pruned.outbox or pruned.inbox:
                    log.info("pruned old outbox and inbox rows", outbox=pruned.outbox, inbox=pruned.inbox)
            except Exception:
                log.warning("pruning failed; trying again at the next round", exc_info=True)
            stop.wait(self._interval)
