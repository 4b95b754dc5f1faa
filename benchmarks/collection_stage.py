"""What benchmarks/collection.py's stages share: the seeded database, the floor (a bare COPY of the rows a
stage wrote into the database as the stage found it) and the figures each stage reports."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import Table, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from services.billing.adapters.unit_of_work import SqlBillingUnitOfWork
from services.billing.domain.billing_run import Invoice
from services.platform.bulk import bulk_insert
from services.platform.db import create_db_engine, session_factory

T = TypeVar("T")

GOAL_SECONDS = 60
GOAL_RATIO = 3


# A stage and its floor are each timed this many times from the same state, and the fastest counts: this
# virtual machine's speed moves by a tenth and more from minute to minute, and the ratio is not to gain (or
# lose) by a slow moment of one side.
ATTEMPTS = 3


@dataclass
class Seeded:
    """What the stages share: the database (its name on the cluster whose admin URL is given, for copies of
    it) and the term's invoices."""

    engine: Engine
    sessions: sessionmaker[Session]
    invoices: list[Invoice]
    admin_url: str
    database: str

    def make(self) -> SqlBillingUnitOfWork:
        return SqlBillingUnitOfWork(self.sessions)

    def url_of(self, database: str) -> str:
        return sa.engine.make_url(self.admin_url).set(database=database).render_as_string(hide_password=False)

    def attempts(self, before: str, once: Callable[[Seeded], tuple[float, T]]) -> tuple[list[float], T]:
        """`once` (a stage: its seconds and its result) timed ATTEMPTS times from the state of the snapshot
        `before`: on fresh copies of it, then on this database itself (which the next stage goes on from).
        Returns every attempt's seconds and the last one's result."""
        timings = []
        for attempt in range(ATTEMPTS - 1):
            name = f"{before}_stage_{attempt}"
            _copy_database(self.admin_url, before, name)
            engine = create_db_engine(self.url_of(name))
            try:
                seconds, _ = once(
                    Seeded(engine, session_factory(engine), self.invoices, self.admin_url, name)
                )
                timings.append(seconds)
            finally:
                engine.dispose()
                _drop_database(self.admin_url, name)
        seconds, result = once(self)
        return [*timings, seconds], result

    def snapshot(self, name: str) -> str:
        """A copy of the database as it stands now, named `name` (not timed): what a stage's floor writes
        into afterwards. Copying needs the database without connections: the pool is let go first."""
        self.engine.dispose()
        _copy_database(self.admin_url, self.database, name)
        return name


def _copy_database(admin_url: str, source: str, name: str) -> None:
    """A copy of `source` named `name`, copied file by file (STRATEGY FILE_COPY, PostgreSQL 15+) and
    checkpointed: the default strategy writes the whole database through the write-ahead log, whose
    checkpoints may then go on in the background of the attempt timed next."""
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source}" STRATEGY FILE_COPY'))
            conn.execute(text("CHECKPOINT"))
    finally:
        admin.dispose()


def _drop_database(admin_url: str, name: str) -> None:
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        admin.dispose()


def _rows(session: Session, table: Table, where: Any = None) -> list[dict[str, Any]]:
    query = select(table) if where is None else select(table).where(where)
    return [dict(row._mapping) for row in session.execute(query)]


def floor_seconds(seeded: Seeded, tables: list[tuple[Table, Any]], before: str) -> tuple[float, float]:
    """The floor of a stage and, to compare, the same rows into empty tables: the rows `tables` select
    (table, where) in the stage's database, written by one bare COPY each in one transaction
    - into the tables themselves as the stage found them (a fresh copy of the snapshot `before`, taken just
      before the stage, per attempt, its indexes read into memory first; the fastest of ATTEMPTS): the
      same rows into the same indexes of the same size as the stage wrote them, without the stage's work
      of deciding them (the floor);
    - into empty copies of the tables (indexes included, LIKE … INCLUDING ALL) in the stage's database:
      the small indexes of empty tables cost less to write than the stage's, so this reads lower.
    The snapshot is dropped afterwards. Returns (floor, into empty tables), in seconds."""
    with seeded.sessions() as session:
        data = [(table, _rows(session, table, where)) for table, where in tables]
    timings = []
    for attempt in range(ATTEMPTS):
        name = f"{before}_{attempt}"
        _copy_database(seeded.admin_url, before, name)
        engine = create_db_engine(seeded.url_of(name))
        try:
            _warm_indexes(engine, [table for table, _ in data])
            timings.append(_copy_in(session_factory(engine), data))
        finally:
            engine.dispose()
            _drop_database(seeded.admin_url, name)
    _drop_database(seeded.admin_url, before)

    prefix = f"{before}_empty_"
    with seeded.sessions() as session:
        copies = []
        for table, rows in data:
            name = f"{prefix}{table.name}"
            session.execute(text(f"DROP TABLE IF EXISTS {name}"))
            session.execute(text(f"CREATE TABLE {name} (LIKE {table.name} INCLUDING ALL)"))
            copies.append((table.to_metadata(table.metadata, name=name), rows))
        session.commit()
    return min(timings), _copy_in(seeded.sessions, copies)


def _warm_indexes(engine: Engine, tables: list[Table]) -> None:
    """The tables' indexes read into PostgreSQL's buffers (pg_prewarm): the stage read through them before
    writing, so a copy just made (its pages not yet read) is not to make the floor slower."""
    with engine.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_prewarm"))
        for table in tables:
            conn.execute(
                text("SELECT pg_prewarm(indexrelid::regclass) FROM pg_index WHERE indrelid = :t ::regclass"),
                {"t": table.name},
            )


def _copy_in(sessions: sessionmaker[Session], data: list[tuple[Table, list[dict[str, Any]]]]) -> float:
    started = time.perf_counter()
    with sessions() as session:
        for table, rows in data:
            bulk_insert(session, table, rows)
        session.commit()
    return time.perf_counter() - started


def stage_figures(
    count: int, timings: list[float], floors: tuple[float, float], **more: Any
) -> dict[str, Any]:
    """A stage's figures: its fastest attempt against its floor (goal_met: under GOAL_SECONDS and at most
    GOAL_RATIO × the floor), every attempt's seconds, and the same rows into empty tables to compare."""
    seconds = min(timings)
    floor, empty_tables = floors
    return {
        "count": count,
        "seconds": round(seconds, 2),
        "seconds_each_attempt": [round(t, 2) for t in timings],
        "floor_seconds": round(floor, 2),
        "ratio_to_floor": round(seconds / floor, 2),
        "floor_into_empty_tables_seconds": round(empty_tables, 2),
        "ratio_to_floor_into_empty_tables": round(seconds / empty_tables, 2),
        "goal_seconds": GOAL_SECONDS,
        "goal_ratio": GOAL_RATIO,
        "goal_met": seconds < GOAL_SECONDS and seconds / floor <= GOAL_RATIO,
        **more,
    }
