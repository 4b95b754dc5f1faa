"""Shared fixtures: a real Kafka broker and a real PostgreSQL server, started once per test session.

PROPERTYTAX_TEST_KAFKA_BOOTSTRAP and PROPERTYTAX_TEST_POSTGRES_URL point the tests at servers that run
already; without them the tests start their own (infra/kafka scripts, a throwaway PostgreSQL cluster).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.postgres.cluster import ThrowawayCluster, create_database
from services.stack import Stack


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    configured = os.environ.get("PROPERTYTAX_TEST_KAFKA_BOOTSTRAP")
    if configured:
        yield configured
        return
    directory = Path(tempfile.mkdtemp(prefix="propertytax-kafka-"))
    stack = Stack.isolated(directory)
    stack.start_kafka()
    try:
        yield stack.kafka_bootstrap
    finally:
        stack.stop_kafka()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    configured = os.environ.get("PROPERTYTAX_TEST_POSTGRES_URL")
    if configured:
        yield configured
        return
    cluster = ThrowawayCluster.start()
    try:
        yield cluster.admin_url
    finally:
        cluster.stop()


@pytest.fixture
def postgres_url(postgres_admin_url: str) -> str:
    """A new, empty database for one test."""
    return create_database(postgres_admin_url)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Runs a test once on SQLite (the embedded default) and once on PostgreSQL."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def topic(kafka_bootstrap: str) -> str:
    """A fresh single-partition topic of this test's own."""
    from services.platform.kafka_topics import TopicSpec, ensure_topics

    name = f"test.{uuid.uuid4().hex[:12]}"
    ensure_topics(kafka_bootstrap, [TopicSpec(name, 1, 3_600_000)])
    return name
