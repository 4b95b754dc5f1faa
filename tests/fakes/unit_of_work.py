"""The in-memory unit of work every service's fake builds on.

Events recorded in a transaction become visible in `events` only when it commits, as the outbox does;
repositories of a service's fake keep their rows in plain dicts/lists that survive across transactions.
A fake does not undo repository writes on rollback: handlers under test must not rely on that, and the
SQL unit of work's rollback is covered by the integration tests.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

from google.protobuf.message import Message

FIXED_NOW = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)


class FakeUnitOfWork:
    """Satisfies services.platform.ports.TransactionalWork without a database."""

    def __init__(self, now: datetime = FIXED_NOW) -> None:
        self._now = now
        self._pending: list[object] = []
        self.events: list[object] = []
        self.published: list[tuple[str, Message]] = []
        self.commits = 0
        self.open = False

    def __enter__(self) -> Self:
        self.open = True
        self._pending = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._pending = []
        self.open = False

    def _check_open(self) -> None:
        if not self.open:
            raise RuntimeError("unit of work used outside its `with` block")

    def record(self, event: object) -> str:
        self._check_open()
        self._pending.append(event)
        return str(uuid.uuid4())

    def publish(self, subject: str, payload: Message) -> str:
        self._check_open()
        self._pending.append((subject, payload))
        return str(uuid.uuid4())

    def commit(self) -> None:
        self._check_open()
        for item in self._pending:
            if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], Message):
                self.published.append(item)
            else:
                self.events.append(item)
        self._pending = []
        self.commits += 1

    def rollback(self) -> None:
        self._pending = []

    def now(self) -> datetime:
        return self._now

    def events_of(self, kind: type[object]) -> list[object]:
        """The committed domain events of one type, in the order they were recorded."""
        return [event for event in self.events if isinstance(event, kind)]
