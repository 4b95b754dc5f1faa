"""Reading topics in tests."""

from __future__ import annotations

import time
import uuid
from typing import Any

from kafka import KafkaConsumer


def read_topic(
    bootstrap: str, topic: str, expected: int, timeout: float = 30.0, settle: float = 1.0
) -> list[Any]:
    """Everything on the topic from the start: waits for `expected` records, then `settle` seconds
    more, so that a test also sees records that should not be there."""
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"test-reader-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        isolation_level="read_committed",
    )
    records: list[Any] = []
    try:
        deadline = time.monotonic() + timeout
        settle_until: float | None = None
        while time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=200).values():
                records.extend(batch)
            if len(records) >= expected and settle_until is None:
                settle_until = time.monotonic() + settle
            if settle_until is not None and time.monotonic() >= settle_until:
                break
    finally:
        consumer.close()
    return records
