"""Writes to a job row (a levy job, a billing run) that never overwrite what another writer owns.

A job's row is written by several hands: the start (its state), the runner's chunks (cursor and totals)
and the failure handler (state and error). Each writes only its own columns, under a condition on the
state it expects, so a second start or a late failure can never rewind what a chunk moved.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Table, update
from sqlalchemy.orm import Session


def set_state(
    session: Session,
    table: Table,
    job_id: str,
    state: str,
    *,
    was: Collection[str],
    error: str = "",
    finished_at: datetime | None = None,
) -> bool:
    """Compare-and-set on the row whose primary key is `job_id`: moves it to `state` with `error` (and
    `finished_at`, when given) if its state is one of `was`; True when it moved. Other columns untouched."""
    values: dict[str, Any] = {"state": state, "error": error}
    if finished_at is not None:
        values["finished_at"] = finished_at
    moved = session.connection().execute(  # a CursorResult: its rowcount says whether it moved
        update(table).where(_key(table) == job_id, table.c.state.in_(list(was))).values(**values)
    )
    return bool(moved.rowcount)


def advance(session: Session, table: Table, job_id: str, running: str, progress: Mapping[str, Any]) -> None:
    """Writes what a chunk moved (`progress`: column → value) on a job still in state `running` (the
    chunk holds its row lock); raises RuntimeError, so that the chunk rolls back, if it is not running."""
    moved = session.connection().execute(
        update(table).where(_key(table) == job_id, table.c.state == running).values(**progress)
    )
    if moved.rowcount != 1:
        raise RuntimeError(f"{table.name} {job_id} is no longer {running}")


def _key(table: Table) -> Any:
    (column,) = table.primary_key.columns
    return column
