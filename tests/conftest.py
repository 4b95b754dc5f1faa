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

from devstack.stack import Stack
from infra.postgres.cluster import ThrowawayCluster, create_database


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


# Every test is found by its kind: `make test-unit` (pytest -m unit) must run every test under tests/unit,
# and `-m "not kafka"` must leave out every test that needs the broker. The folder gives the kind (its
# name), the fixtures a test asks for give the servers it needs; a test that cannot be given a kind, or a
# unit test that needs a database or a server, stops the run before any test runs.
KINDS = ("unit", "integration", "e2e")
SERVER_OF_FIXTURE = {"kafka_bootstrap": "kafka", "postgres_admin_url": "postgres"}
FIXTURES_NOT_FOR_UNIT_TESTS = ("sqlite_url", "database_url", "postgres_url", *SERVER_OF_FIXTURE)


@pytest.hookimpl(tryfirst=True)  # before `-m` selects by the markers given here
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    tests = config.rootpath / "tests"
    problems = [problem for item in items for problem in _mark_by_kind(item, tests)]
    if problems:
        raise pytest.UsageError(
            "tests not found by their kind (markers unit, integration, e2e, kafka, postgres):\n"
            + "\n".join(f"  {problem}" for problem in problems)
        )


def _mark_by_kind(item: pytest.Item, tests: Path) -> list[str]:
    """Marks the item with its folder's kind and the servers it needs; says what is wrong, if anything."""
    folder = item.path.parts[len(tests.parts)] if item.path.is_relative_to(tests) else None
    if folder not in KINDS:
        return [f"{item.nodeid}: outside tests/unit, tests/integration and tests/e2e: move it there"]
    marked = {mark.name for mark in item.iter_markers()}
    fixtures = set(getattr(item, "fixturenames", ()))
    problems = [
        f"{item.nodeid}: marked {other} in tests/{folder}: move it to tests/{other} or drop the marker"
        for other in KINDS
        if other != folder and other in marked
    ]
    if folder == "unit":
        problems += [
            f"{item.nodeid}: a unit test asks for the fixture {fixture}: move it to tests/integration "
            "(or test the logic without a database or broker)"
            for fixture in FIXTURES_NOT_FOR_UNIT_TESTS
            if fixture in fixtures
        ]
        problems += [
            f"{item.nodeid}: a unit test marked {server}: move it to tests/integration"
            for server in sorted(set(SERVER_OF_FIXTURE.values()) & marked)
        ]
    item.add_marker(folder)
    for fixture, server in SERVER_OF_FIXTURE.items():
        if fixture in fixtures and server not in marked:
            item.add_marker(server)
    return problems
