"""Kafka clients configured the one way this system uses them."""

from __future__ import annotations

from kafka import KafkaConsumer, KafkaProducer

# A record sent is acknowledged or failed within this (must be at least linger + request timeout).
DELIVERY_TIMEOUT_MS = 30_000


def make_producer(bootstrap: str, client_id: str) -> KafkaProducer:
    """Idempotent producer: acks from all in-sync replicas, no duplicates from its own retries.

    While the broker is away nothing waits without bound: send() blocks at most max_block_ms (no topic
    metadata), and every record sent resolves, acknowledged or failed, within delivery_timeout_ms
    (callers that wait on a future, like the outbox relay, wait a little longer than that). Reconnects
    are tried at least every 2 s, so the producer notices soon when the broker is back."""
    return KafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        max_in_flight_requests_per_connection=5,
        request_timeout_ms=15_000,
        delivery_timeout_ms=DELIVERY_TIMEOUT_MS,
        max_block_ms=10_000,
        reconnect_backoff_max_ms=2_000,
    )


def make_consumer(bootstrap: str, group_id: str, topics: list[str]) -> KafkaConsumer:
    """Manual offset commits (after our own transaction); only committed producer transactions."""
    return KafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=group_id,
        client_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        max_poll_records=500,
        session_timeout_ms=10_000,
        heartbeat_interval_ms=2_000,
    )
