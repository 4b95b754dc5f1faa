"""What benchmarks/collection.py's stages share: the seeded database, the floor (a bare COPY of the rows a
stage wrote) and the figures each stage reports."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from services.billing.adapters.unit_of_work import SqlBillingUnitOfWork
from services.billing.domain.billing_run import Invoice
from services.platform.bulk import bulk_insert

GOAL_SECONDS = 60
GOAL_RATIO = 3


@dataclass
class Seeded:
    """What the stages share: the database and the term's invoices."""

    engine: Engine
    sessions: sessionmaker[Session]
    invoices: list[Invoice]

    def make(self) -> SqlBillingUnitOfWork:
        return SqlBillingUnitOfWork(self.sessions)


def _rows(session: Session, table: Table, where: Any = None) -> list[dict[str, Any]]:
    query = select(table) if where is None else select(table).where(where)
    return [dict(row._mapping) for row in session.execute(query)]


def floor_seconds(seeded: Seeded, tables: list[tuple[Table, Any]], prefix: str) -> float:
    """The rows `tables` select (table, where), written by one bare COPY each into empty copies of their
    tables named `prefix` + the table's name (indexes included, as the stage writes them), in one
    transaction: what storing the stage's rows alone costs."""
    with seeded.sessions() as session:
        copies = []
        for table, where in tables:
            name = f"{prefix}{table.name}"
            session.execute(text(f"DROP TABLE IF EXISTS {name}"))
            session.execute(text(f"CREATE TABLE {name} (LIKE {table.name} INCLUDING ALL)"))
            copies.append((table.to_metadata(table.metadata, name=name), _rows(session, table, where)))
        session.commit()
    started = time.perf_counter()
    with seeded.sessions() as session:
        for copy, rows in copies:
            bulk_insert(session, copy, rows)
        session.commit()
    return time.perf_counter() - started


def stage_figures(count: int, seconds: float, floor: float, **more: Any) -> dict[str, Any]:
    return {
        "count": count,
        "seconds": round(seconds, 2),
        "floor_seconds": round(floor, 2),
        "ratio_to_floor": round(seconds / floor, 2),
        "goal_seconds": GOAL_SECONDS,
        "goal_ratio": GOAL_RATIO,
        "goal_met": seconds < GOAL_SECONDS and seconds / floor <= GOAL_RATIO,
        **more,
    }
