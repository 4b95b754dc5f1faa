"""Which relay may publish a service's outbox: exactly one at a time per service database.

A relay publishes only while it holds the relay lock; any other relay of the same service stands by and
tries again now and then, so that it takes over when the holder dies.

- PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) on a key derived from the service's
  name, held by a connection of its own (autocommit: it is never idle in a transaction) for as long as the
  relay is active. The lock lives exactly as long as that session: when the holder's process dies or its
  connection is closed or terminated (`pg_terminate_backend`), PostgreSQL releases it at once and the next
  try of a standby gets it. `held()` asks the server whether that very session is still there (one round
  trip; the relay asks before each batch).
- SQLite (embedded, one host): an OS file lock (`flock`) on `<database file>.relay-lock` next to the
  database; the kernel releases it when the holding process dies.

Shapes: `try_acquire() -> bool` (never blocks: False when another holds it or the database is away),
`held() -> bool` (False once the lock is gone; call `try_acquire` to take it again), `release()` (safe to
call when not held), `close()` (release and let go of its connection). None of them raises for a
database that is away: that is "not held".
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from services.platform.db import is_postgres
from services.platform.logging import get_logger

log = get_logger(__name__)


class RelayLock(Protocol):
    def try_acquire(self) -> bool: ...

    def held(self) -> bool: ...

    def release(self) -> None: ...

    def close(self) -> None: ...


def advisory_key(service: str) -> int:
    """A stable signed 64-bit key for pg_try_advisory_lock(bigint), from the service's name."""
    digest = hashlib.sha256(f"propertytax.outbox-relay.{service}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class PostgresRelayLock:
    """The advisory lock, on a connection of its own (not from the service's pool, which recycles)."""

    def __init__(self, url: URL, service: str, *, connect_timeout_seconds: int = 5) -> None:
        self.key = advisory_key(service)
        self._engine = create_engine(
            url,
            poolclass=NullPool,
            # TCP keepalives: a holder cut off from the server finds out (and a standby's try succeeds,
            # once the server has dropped the session) in tens of seconds, not after the OS's hours.
            connect_args={
                "connect_timeout": connect_timeout_seconds,
                "keepalives": 1,
                "keepalives_idle": 10,
                "keepalives_interval": 5,
                "keepalives_count": 3,
            },
        )
        self._conn: Connection | None = None
        self._backend_pid: int | None = None

    def try_acquire(self) -> bool:
        if self._conn is not None and self.held():
            return True
        try:
            conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        except SQLAlchemyError as exc:
            log.debug("relay lock: database unavailable", error=str(exc))
            return False
        try:
            got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}).scalar())
            pid = int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())
        except SQLAlchemyError as exc:
            log.debug("relay lock: could not ask for the lock", error=str(exc))
            conn.close()
            return False
        if not got:
            conn.close()
            return False
        self._conn, self._backend_pid = conn, pid
        return True

    def held(self) -> bool:
        if self._conn is None:
            return False
        try:
            # The same backend still answering is the same session, and a session-level advisory lock
            # is only released by its session ending (or by us). A Connection that lost its session
            # raises here; SQLAlchemy would reconnect it on the next use, to a session without the lock.
            pid = self._conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        except SQLAlchemyError as exc:
            log.warning("relay lock lost: its database session is gone", error=str(exc))
            self._drop()
            return False
        if pid != self._backend_pid:
            self._drop()
            return False
        return True

    def release(self) -> None:
        if self._conn is None:
            return
        with contextlib.suppress(SQLAlchemyError):  # if the session is gone, the lock went with it
            self._conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
        self._drop()

    def close(self) -> None:
        self.release()
        self._engine.dispose()

    def _drop(self) -> None:
        conn, self._conn, self._backend_pid = self._conn, None, None
        if conn is not None:
            with contextlib.suppress(SQLAlchemyError):
                conn.close()


class FileRelayLock:
    """flock on a file next to the SQLite database. Two relays in one process also exclude each other:
    flock belongs to the open file, not to the process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def close(self) -> None:
        self.release()

    def __del__(self) -> None:
        # A relay dropped without close() must not keep the lock for the rest of the process.
        with contextlib.suppress(OSError):
            self.release()


class InProcessRelayLock:
    """For an in-memory SQLite database: nobody outside this process can see its outbox."""

    def try_acquire(self) -> bool:
        return True

    def held(self) -> bool:
        return True

    def release(self) -> None:
        pass

    def close(self) -> None:
        pass


def relay_lock_for(engine: Engine, service: str) -> PostgresRelayLock | FileRelayLock | InProcessRelayLock:
    """The lock that fits the service's database. Raises ValueError for a database it does not know."""
    if is_postgres(engine):
        return PostgresRelayLock(engine.url, service)
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        if not database or database == ":memory:":
            return InProcessRelayLock()
        path = Path(database)
        return FileRelayLock(path.with_name(f"{path.name}.relay-lock"))
    raise ValueError(f"no relay lock for a {engine.dialect.name} database")
