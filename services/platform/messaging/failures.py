"""Which failures are worth trying again, and how long to wait between tries.

A transient failure is the world's fault, not the record's: the database or the broker is away, busy or
slow. The same record can succeed later, so a consumer retries it and never dead-letters it; everything
else is the record's (or the code's) fault and may end on the dead-letter topic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kafka.errors import KafkaError, KafkaTimeoutError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

# OperationalError covers a refused or dropped connection, "database is locked" (SQLite), a deadlock or
# a serialization failure (PostgreSQL): each clears on its own. PoolTimeoutError: no pooled connection
# came free in time.
_TRANSIENT_TYPES: tuple[type[BaseException], ...] = (
    OperationalError,
    PoolTimeoutError,
    TimeoutError,
    ConnectionError,
    KafkaTimeoutError,
)


def is_transient(error: BaseException) -> bool:
    """True for a failure that may clear by itself (see the module docstring), also when it is the
    explicit cause (`raise X from Y`) of what a handler raised."""
    seen: BaseException | None = error
    for _ in range(5):  # a cause chain is short; the bound only guards against a cycle
        if seen is None:
            return False
        if isinstance(seen, _TRANSIENT_TYPES):
            return True
        # Any DBAPI error on a connection that died under it (e.g. "server closed the connection").
        if isinstance(seen, DBAPIError) and seen.connection_invalidated:
            return True
        # kafka-python marks the errors its own clients retry (not leader, broker not available, ...).
        if isinstance(seen, KafkaError) and seen.retriable:
            return True
        seen = seen.__cause__
    return False


@dataclass
class Backoff:
    """Exponential waits: first, 2 × first, 4 × first, ... never more than cap (seconds)."""

    first: float
    cap: float
    _tries: int = field(default=0, init=False)

    def next_delay(self) -> float:
        delay = min(self.cap, self.first * 2.0**self._tries)
        if delay < self.cap:  # once at the cap, stay there (and never overflow a float)
            self._tries += 1
        return delay

    def reset(self) -> None:
        self._tries = 0
