"""Throughput of the event pipe on PostgreSQL and the real broker: committing events to the outbox,
relaying them to Kafka, and consuming them idempotently into billing.

python -m benchmarks.event_pipe [--events N] [--report reports/event_pipe.json]
"""

from __future__ import annotations

import argparse
import time
import uuid
from pathlib import Path
from typing import Any

from benchmarks.environment import local_servers, write_report
from infra.postgres.cluster import create_database
from services.assessment.adapters.orm import platform_tables as assessment_tables
from services.platform.kafka_bus import make_consumer, make_producer
from services.platform.kafka_topics import TopicSpec, ensure_topics
from services.platform.messaging.consumer_loop import ConsumerLoop
from services.platform.messaging.inbox_processor import Outcome
from services.platform.messaging.outbox_relay import OutboxRelay
from tests.integration.outbox_fixtures import consumer_side, producer_side, property_registered


def run(events: int, commit_every: int) -> dict[str, Any]:
    with local_servers() as (stack, cluster):
        topic = f"bench.{uuid.uuid4().hex[:8]}"
        ensure_topics(stack.kafka_bootstrap, [TopicSpec(topic, 6, 3_600_000)])
        producer = next(producer_side(create_database(cluster.admin_url), topic))
        consumer = next(consumer_side(create_database(cluster.admin_url)))

        started = time.perf_counter()
        for start in range(1, events + 1, commit_every):
            with producer.uow() as uow:
                for n in range(start, min(start + commit_every, events + 1)):
                    uow.publish(*property_registered(n))
                uow.commit()
        outbox_seconds = time.perf_counter() - started

        kafka = make_producer(stack.kafka_bootstrap, "bench-relay")
        relay = OutboxRelay(producer.engine, assessment_tables.outbox, kafka, batch_size=1000)
        started = time.perf_counter()
        relayed = relay.drain()
        relay_seconds = time.perf_counter() - started

        processor = consumer.processor(stack.kafka_bootstrap)
        loop = ConsumerLoop(make_consumer(stack.kafka_bootstrap, f"bench-{topic}", [topic]), processor)
        started = time.perf_counter()
        deadline = started + 600
        while processor.counts.get(Outcome.HANDLED, 0) < events and time.perf_counter() < deadline:
            loop.poll_once(timeout_ms=500)
        consume_seconds = time.perf_counter() - started
        handled = processor.counts.get(Outcome.HANDLED, 0)
        kafka.close(timeout=10)
        return {
            "benchmark": "event_pipe",
            "database": "postgresql (throwaway cluster, fsync off)",
            "events": events,
            "commit_every": commit_every,
            "outbox_write_seconds": round(outbox_seconds, 3),
            "outbox_events_per_second": round(events / outbox_seconds),
            "relay_seconds": round(relay_seconds, 3),
            "relayed": relayed,
            "relay_events_per_second": round(relayed / relay_seconds),
            "consume_seconds": round(consume_seconds, 3),
            "consumed": handled,
            "consume_events_per_second": round(handled / consume_seconds),
            "all_consumed_once": handled == events and consumer.inbox_count() == events,
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--commit-every", type=int, default=500)
    parser.add_argument("--report", type=Path, default=Path("reports/event_pipe.json"))
    args = parser.parse_args(argv)
    report = run(args.events, args.commit_every)
    write_report(report, args.report)
    return 0 if report["all_consumed_once"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
