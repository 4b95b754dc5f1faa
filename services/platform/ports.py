"""What every service's application layer may ask of a transaction, whatever stores it.

Each service's `application/ports.py` extends `TransactionalWork` with its repositories (as Protocols);
`services.platform.unit_of_work.UnitOfWork` is the SQL implementation, `tests/fakes` the in-memory one.
"""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from google.protobuf.message import Message


class TransactionalWork(Protocol):
    """One transaction: state changes and the events they cause are committed together or not at all.

    Use as `with uow: ...; uow.commit()`; leaving the block without commit() discards everything.
    """

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def record(self, event: object) -> str:
        """Queues a domain event for the outbox in this transaction; returns its event id."""
        ...

    def publish(self, subject: str, payload: Message) -> str:
        """Queues an already-mapped protobuf event keyed by `subject`; returns its event id."""
        ...

    def now(self) -> datetime:
        """The transaction's timestamp (UTC) for created_at columns; never a business date."""
        ...
