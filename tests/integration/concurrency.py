"""Helpers for tests that interleave two transactions on purpose: a thread that keeps its result or error,
a meeting point that never hangs a test, and a wait until a transaction queues on a PostgreSQL row lock."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy import Engine, text

from services.platform.db import is_postgres

T = TypeVar("T")


class Worker(threading.Thread, Generic[T]):
    """Runs `work` on a thread; after join(), `result` or `error` holds what it returned or raised."""

    def __init__(self, work: Callable[[], T]) -> None:
        super().__init__(daemon=True)
        self._work = work
        self.result: T | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self._work()
        except BaseException as exc:  # the test looks at whatever came out
            self.error = exc

    def outcome(self, timeout: float = 60) -> T:
        """The result; re-raises the thread's error; fails when the thread is still running."""
        self.join(timeout)
        assert not self.is_alive(), "the worker did not finish"
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result


class Meeting:
    """Threads wait here for each other, but at most `seconds`: when a fix makes the other one queue on a
    lock before it gets here, the first goes on alone instead of hanging the test."""

    def __init__(self, parties: int, seconds: float = 2.0) -> None:
        self._barrier = threading.Barrier(parties, timeout=seconds)

    def wait(self) -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            self._barrier.wait()


def waiters_on_locks(engine: Engine) -> int:
    """PostgreSQL backends of this database that wait for a lock (0 on SQLite, which queues in BEGIN)."""
    if not is_postgres(engine):
        return 0
    with engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            ).scalar_one()
        )


def settle(engine: Engine, worker: threading.Thread, seconds: float = 3.0) -> None:
    """Returns once `worker` has finished or waits on a row lock, or after `seconds` (SQLite: a writer
    queues in BEGIN IMMEDIATE, which nothing here can see)."""
    deadline = time.monotonic() + seconds
    while worker.is_alive() and time.monotonic() < deadline:
        if waiters_on_locks(engine):
            return
        time.sleep(0.05)
