"""A reminder run's chunks in worker processes (application/collection_ports.ChunkWorkers): a run is split
into lanes (run_reminders.start_reminder_run) and each worker takes a chunk of a lane of its own at once,
so that a run uses every core, not the one Python's lock leaves a process.

The workers are started with "spawn" (a fresh interpreter, never a fork of a service with gRPC's threads),
each with its own database engine, and kept for the service's life: a run does not wait for them to start
once they have. Only PostgreSQL takes chunks at once (SQLite has one writer at a time).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from services.billing.adapters.unit_of_work import SqlBillingUnitOfWork
from services.billing.application.run_reminders import reminder_chunk
from services.billing.domain.collection_rules import CollectionRules
from services.billing.domain.seller import Seller
from services.platform.db import create_db_engine, session_factory


@dataclass(frozen=True)
class _Setup:
    database_url: str
    rules: CollectionRules
    seller: Seller
    chunk_size: int


_sessions: sessionmaker[Session] | None = None
_setup: _Setup | None = None


def _start_worker(setup: _Setup) -> None:
    global _sessions, _setup
    _setup = setup
    _sessions = session_factory(create_db_engine(setup.database_url))


def _chunk(run_id: str) -> str:
    """One chunk of the run in this worker; "" or the failure as text (an exception from the database
    driver need not survive being sent back)."""
    assert _sessions is not None and _setup is not None, "worker not started"
    try:
        reminder_chunk(
            SqlBillingUnitOfWork(_sessions), run_id, _setup.rules, _setup.chunk_size, _setup.seller
        )
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return ""


def _ready(wait_seconds: float) -> int:
    time.sleep(wait_seconds)
    return os.getpid()


def worker_count(setting: int) -> int:
    """The number of worker processes a setting asks for: 0 is one per core and one more (a chunk waits on
    the database about a third of its time, and the database needs the cores too)."""
    return setting if setting > 0 else (os.cpu_count() or 1) + 1


class ReminderWorkerProcesses:
    """`processes` worker processes taking reminder chunks of `chunk_size` recipients from the database at
    `database_url` (PostgreSQL), with the rules and the seller given."""

    def __init__(
        self, database_url: str, rules: CollectionRules, seller: Seller, chunk_size: int, processes: int
    ) -> None:
        if processes < 2:
            raise ValueError(f"worker processes are for 2 or more chunks at once, not {processes}")
        self._processes = processes
        self._setup = _Setup(database_url, rules, seller, chunk_size)
        self._pool: ProcessPoolExecutor | None = None

    @property
    def processes(self) -> int:
        return self._processes

    def start(self) -> None:
        """Start every worker and wait until each has its engine (a run then starts at once)."""
        pool = self._started()
        seen: set[int] = set()
        while len(seen) < self._processes:
            # Each task holds its worker a moment, so that the next ones go to the others.
            seen.update(f.result() for f in [pool.submit(_ready, 0.2) for _ in range(self._processes)])

    def chunks(self, run_id: str) -> None:
        pool = self._started()
        try:
            futures: list[Future[str]] = [pool.submit(_chunk, run_id) for _ in range(self._processes)]
            failures = [error for f in futures if (error := f.result())]
        except BrokenProcessPool:
            # A worker died (killed, out of memory): its chunk rolled back with its connection. The run is
            # marked failed and a start again resumes it, with workers started afresh.
            self.close()
            raise
        if failures:
            raise RuntimeError(failures[0])

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self._processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(self._setup,),
            )
        return self._pool
