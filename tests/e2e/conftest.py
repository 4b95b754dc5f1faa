"""The stack as processes on PostgreSQL and the session's broker.

Every e2e test uses property ids of its own (a municipality number no other test uses): they share the
session's broker and the services' consumer groups, so each waits until its own events have landed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.stack import SERVICES, Stack, free_port


@pytest.fixture
def stack(
    tmp_path: Path, kafka_bootstrap: str, postgres_admin_url: str, request: pytest.FixtureRequest
) -> Iterator[Stack]:
    from infra.postgres.cluster import create_database

    ports = {"kafka": int(kafka_bootstrap.rsplit(":", 1)[1]), **{s: free_port() for s in SERVICES}}
    running = Stack(
        var_dir=tmp_path,
        ports=ports,
        database_urls={s: create_database(postgres_admin_url) for s in SERVICES},
        extra_env=getattr(request, "param", {}),
    )
    for service in SERVICES:
        running.start_service(service)
    yield running
    for service in SERVICES:
        running.stop_service(service)
