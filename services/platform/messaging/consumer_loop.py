"""The consumer loop: poll, hand the records to the EventProcessor, commit what is done.

Guarantee: an offset is never committed past a record that is not done (handled in a committed
transaction with its inbox row, dead-lettered, or ignored). kafka-python moves a partition's position
as soon as poll() returns its records, so when processing stops short (a dead-letter send that fails, a
transient failure outlasting its retries, a halt) the loop commits each partition's done prefix and
seeks every partition back to its first record that is not done; the next poll delivers those again,
and the inbox turns the ones already handled into duplicates.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from kafka import KafkaConsumer
from kafka.structs import OffsetAndMetadata, TopicPartition

from services.platform.logging import get_logger
from services.platform.messaging.failures import Backoff
from services.platform.messaging.inbox_processor import (
    ConsumerHalted,
    EventProcessor,
    Outcome,
    TransientFailure,
)

log = get_logger(__name__)


class PollProgress:
    """Which of one poll's records are done, per partition; from that, how far each partition may commit
    and where it must start again. Offsets within a partition come ascending, possibly with gaps."""

    def __init__(self, batches: Mapping[TopicPartition, list[Any]]) -> None:
        self._offsets = {tp: [int(r.offset) for r in records] for tp, records in batches.items() if records}
        self.records = [r for records in batches.values() for r in records]
        self._done: set[tuple[str, int, int]] = set()

    def mark_done(self, record: Any, _outcome: Outcome | None = None) -> None:
        self._done.add((record.topic, record.partition, record.offset))

    def _first_not_done(self, tp: TopicPartition) -> int | None:
        for offset in self._offsets[tp]:
            if (tp.topic, tp.partition, offset) not in self._done:
                return offset
        return None

    def commit_points(self) -> dict[TopicPartition, int]:
        """Per partition with a done prefix: the offset after it (Kafka's committed offset is the next
        record to read). A partition whose first record is not done does not appear."""
        points = {}
        for tp, offsets in self._offsets.items():
            first_open = self._first_not_done(tp)
            if first_open is None:
                points[tp] = offsets[-1] + 1
            elif first_open != offsets[0]:
                points[tp] = max(o for o in offsets if o < first_open) + 1
        return points

    def restart_points(self) -> dict[TopicPartition, int]:
        """Per partition with a record not done: the offset of the first such record."""
        points = {}
        for tp in self._offsets:
            first_open = self._first_not_done(tp)
            if first_open is not None:
                points[tp] = first_open
        return points


class ConsumerLoop:
    """Polls, processes, commits; on a failure seeks back and, after a back-off, polls again.

    run() returns when `stop` is set or when the processor halts (then `halted` holds the reason and
    nothing more is consumed by this loop)."""

    def __init__(
        self,
        consumer: KafkaConsumer,
        processor: EventProcessor,
        *,
        backoff: Backoff | None = None,
    ) -> None:
        self._consumer = consumer
        self._processor = processor
        self._backoff = backoff or Backoff(first=0.5, cap=30.0)
        self.halted: ConsumerHalted | None = None

    def poll_once(self, timeout_ms: int = 500) -> int:
        """One poll; returns how many records it brought. Raises what processing raised, after seeking
        back (see the module docstring)."""
        progress = PollProgress(self._consumer.poll(timeout_ms=timeout_ms))
        try:
            # One transaction for the whole poll; per-key order holds, since a key lives on one partition.
            self._processor.process_batch(progress.records, on_done=progress.mark_done)
        except BaseException:
            self._rewind(progress)
            raise
        self._commit(progress.commit_points())
        return len(progress.records)

    def _commit(self, points: dict[TopicPartition, int]) -> None:
        if points:
            self._consumer.commit({tp: OffsetAndMetadata(o, "", -1) for tp, o in points.items()})

    def _rewind(self, progress: PollProgress) -> None:
        assigned = self._consumer.assignment()
        for tp, offset in progress.restart_points().items():
            # A partition taken away in a rebalance restarts at its committed offset with its new owner.
            if tp in assigned:
                self._consumer.seek(tp, offset)
        try:
            self._commit(progress.commit_points())
        except Exception as exc:  # nothing lost: the done records come again and are duplicates
            log.warning("could not commit the records done before the failure", error=str(exc))

    def run(self, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                try:
                    self.poll_once()
                except ConsumerHalted as halted:
                    self.halted = halted
                    log.error(
                        "consumer halted by failures of one event type; deploy a fix, restart the service",
                        consumer=halted.consumer,
                        event_type=halted.event_type,
                        failures=halted.failures,
                        error=halted.last_error,
                    )
                    return
                except TransientFailure as exc:
                    delay = self._backoff.next_delay()
                    log.warning(
                        "transient failure; will read the record again",
                        error=str(exc),
                        retry_in_seconds=delay,
                    )
                    stop.wait(delay)
                except Exception:
                    delay = self._backoff.next_delay()
                    log.exception(
                        "consumer failed; sought back to the first record not done", retry_in_seconds=delay
                    )
                    stop.wait(delay)
                else:
                    self._backoff.reset()
        finally:
            self._consumer.close(autocommit=False)
