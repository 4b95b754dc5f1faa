"""Outbox and inbox pruning (services/platform/messaging/retention.py) on SQLite and PostgreSQL, and the
start-up check that refuses a retention not longer than the topics'."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, inspect, select

from services.assessment.adapters.orm import platform_tables
from services.assessment.service import SPEC as ASSESSMENT
from services.platform.db import create_db_engine
from services.platform.kafka_topics import TopicSpec, load_topics
from services.platform.messaging.retention import Pruned, Pruner, RetentionTooShort, check_retention
from services.platform.migrations import upgrade_to_head
from services.platform.service_builder import build_runtime
from services.platform.settings import Settings

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
OUTBOX, INBOX = platform_tables.outbox, platform_tables.inbox


def _outbox_row(created_days_ago: int, published_days_ago: int | None) -> dict[str, object]:
    return {
        "event_id": str(uuid.uuid4()),
        "topic": "propertytax.assessment.v1",
        "key": "p-1",
        "event_type": "propertytax.assessment.v1.PropertyRegistered",
        "envelope": b"...",
        "created_at": NOW - timedelta(days=created_days_ago),
        "published_at": None if published_days_ago is None else NOW - timedelta(days=published_days_ago),
    }


def _inbox_row(processed_days_ago: int, consumer: str = "assessment") -> dict[str, object]:
    return {
        "consumer": consumer,
        "event_id": str(uuid.uuid4()),
        "event_type": "propertytax.appeals.v1.AppealDecided",
        "topic": "propertytax.appeals.v1",
        "partition": 0,
        "offset": 0,
        "processed_at": NOW - timedelta(days=processed_days_ago),
    }


def test_published_outbox_rows_and_inbox_ids_older_than_retention_go_newer_and_unpublished_stay(
    database_url: str,
) -> None:
    upgrade_to_head(ASSESSMENT.migrations_dir, database_url)
    engine = create_db_engine(database_url)
    try:
        assert "ix_inbox_processed_at" in {i["name"] for i in inspect(engine).get_indexes("inbox")}
        old_published = [_outbox_row(130, 120) for _ in range(5)]
        stay = [
            _outbox_row(130, None),  # never published: kept however old
            _outbox_row(130, 99),  # published within the retention
            _outbox_row(5, 1),
        ]
        old_inbox = [_inbox_row(101, c) for c in ("assessment", "other") for _ in range(3)]
        young_inbox = [_inbox_row(99), _inbox_row(0)]
        with engine.begin() as conn:
            conn.execute(insert(OUTBOX), old_published + stay)
            conn.execute(insert(INBOX), old_inbox + young_inbox)

        pruner = Pruner(
            engine,
            OUTBOX,
            INBOX,
            check_retention(100, 100),
            batch_size=2,  # several batches, each its own transaction
            clock=lambda: NOW,
        )
        assert pruner.prune() == Pruned(outbox=5, inbox=6)
        assert pruner.prune() == Pruned(outbox=0, inbox=0)

        with engine.connect() as conn:
            assert sorted(conn.scalars(select(OUTBOX.c.event_id))) == sorted(str(r["event_id"]) for r in stay)
            assert sorted(conn.scalars(select(INBOX.c.event_id))) == sorted(
                str(r["event_id"]) for r in young_inbox
            )
    finally:
        engine.dispose()


def test_a_retention_not_longer_than_the_topics_is_refused_at_start(tmp_path: Path) -> None:
    longest = max(load_topics(), key=lambda t: t.retention_ms)
    longest_days = longest.retention_ms / 86_400_000
    spec = replace(ASSESSMENT, consumer=None, produces_events=False)
    for fields, named in (
        ({"inbox_retention_days": longest_days}, "PROPERTYTAX_INBOX_RETENTION_DAYS"),
        ({"outbox_retention_days": 30}, "PROPERTYTAX_OUTBOX_RETENTION_DAYS"),
    ):
        with pytest.raises(RetentionTooShort) as refused:
            build_runtime(spec, Settings(var_dir=tmp_path, **fields))  # type: ignore[arg-type]
        assert named in str(refused.value) and longest.name in str(refused.value)
    assert not list(tmp_path.glob("*.db"))  # refused before touching the database

    # The defaults are longer, and the service then prunes in the background.
    runtime = build_runtime(spec, Settings(var_dir=tmp_path))
    try:
        assert [t.name for t in runtime.background if isinstance(t, Pruner)] == ["retention"]
    finally:
        runtime.engine.dispose()


def test_the_check_compares_with_the_longest_declared_topic() -> None:
    topics = [TopicSpec("events", 6, 30 * 86_400_000), TopicSpec("dead-letters", 1, 90 * 86_400_000)]
    assert check_retention(91, 91, topics).inbox == timedelta(days=91)
    with pytest.raises(RetentionTooShort, match="dead-letters: 90 days"):
        check_retention(91, 90, topics)
    with pytest.raises(RetentionTooShort, match="OUTBOX"):
        check_retention(31, 91, topics)
