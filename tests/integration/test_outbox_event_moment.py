"""The events of one transaction share when they occurred and, without a request's, one correlation id; the
next transaction has its own."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from services.assessment.adapters.orm import platform_tables as assessment_tables
from services.assessment.service import SPEC as ASSESSMENT
from services.platform.db import create_db_engine, session_factory
from services.platform.events import correlation_id_var, unwrap
from services.platform.migrations import upgrade_to_head
from services.platform.unit_of_work import UnitOfWork
from tests.integration.outbox_fixtures import property_registered


def test_one_transactions_events_share_their_moment_and_correlation_id(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'assessment.db'}"
    upgrade_to_head(ASSESSMENT.migrations_dir, url)
    engine = create_db_engine(url)
    ticks = (datetime(2024, 3, 1, 12, tzinfo=UTC) + timedelta(seconds=n) for n in itertools.count())
    uow = UnitOfWork(
        session_factory(engine),
        assessment_tables.outbox,
        source="assessment",
        topic="t",
        clock=lambda: next(ticks),
    )
    correlation_id_var.set("")
    for _ in range(2):
        with uow:
            for n in range(3):
                uow.publish(*property_registered(n + 1))
            uow.commit()
    token = correlation_id_var.set("request-7")
    try:
        with uow:
            uow.publish(*property_registered(9))
            correlation_id_var.set("event-8")  # a consumer's next event, in the same transaction
            uow.publish(*property_registered(10))
            uow.commit()
    finally:
        correlation_id_var.reset(token)
    with engine.connect() as conn:
        rows = conn.execute(
            select(assessment_tables.outbox.c.envelope).order_by(assessment_tables.outbox.c.id)
        )
        envelopes = [unwrap(envelope).envelope for (envelope,) in rows]
    engine.dispose()
    first, second, third = envelopes[:3], envelopes[3:6], envelopes[6:]
    for batch in (first, second):
        assert len({e.occurred_at.ToDatetime() for e in batch}) == 1
        assert len({e.correlation_id for e in batch}) == 1 and batch[0].correlation_id
        assert len({e.event_id for e in batch}) == 3
    assert first[0].correlation_id != second[0].correlation_id
    assert first[0].occurred_at.ToDatetime() < second[0].occurred_at.ToDatetime()
    assert [e.correlation_id for e in third] == ["request-7", "event-8"]
