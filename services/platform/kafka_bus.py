"""Kafka clients configured the one way this system uses them."""

from __future__ import annotations

from kafka import KafkaConsumer, KafkaProducer


def make_producer(bootstrap: str, client_id: str) -> KafkaProducer:
    """Idempotent producer: acks from all in-sync replicas, no duplicates from its own retries."""
    return KafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        max_in_flight_requests_per_connection=5,
        request_timeout_ms=30_000,
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
