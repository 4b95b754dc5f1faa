"""Unit of work: one database transaction that commits state changes and their outbox rows together."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Self

from google.protobuf.message import Message
from sqlalchemy import Table
from sqlalchemy.orm import Session

from services.platform.bulk import bulk_insert
from services.platform.clock import Clock, utc_now
from services.platform.events import SharedEnvelopes, correlation_id_var
from services.platform.ids import new_id

EventMapper = Callable[[object], tuple[str, Message]]


def _no_sessions() -> Session:
    raise RuntimeError("a joined unit of work opens no sessions of its own")


class UnitOfWork:
    """Use as `with uow: ...; uow.commit()`; leaving the block without commit rolls everything back.

    A service's unit of work is a subclass that names its outbox table, event source, topic and event
    mapper as class attributes (OUTBOX, SOURCE, TOPIC, EVENT_MAPPER) and attaches its repositories in
    `_opened`; constructor arguments override them (the platform's own tests use the base directly).
    """

    OUTBOX: Table | None = None
    SOURCE: str = ""
    TOPIC: str = ""
    # Maps a domain event to (subject, protobuf payload); read from the class so it stays a plain function.
    EVENT_MAPPER: EventMapper | None = None

    def __init__(
        self,
        sessions: Callable[[], Session],
        outbox: Table | None = None,
        *,
        source: str | None = None,
        topic: str | None = None,
        event_mapper: EventMapper | None = None,
        clock: Clock = utc_now,
    ) -> None:
        table = outbox if outbox is not None else type(self).OUTBOX
        if table is None:
            raise TypeError(f"{type(self).__name__} names no outbox table")
        self._sessions = sessions
        self._event_mapper = event_mapper or type(self).EVENT_MAPPER
        self._outbox = table
        self.source = source or type(self).SOURCE
        self.topic = topic or type(self).TOPIC
        self.clock = clock
        self._session: Session | None = None
        self._joined: Session | None = None
        self._pending_rows: list[dict[str, object]] = []
        self._moment: tuple[datetime, str, SharedEnvelopes] | None = None

    @classmethod
    def in_transaction_of(cls, session: Session) -> Self:
        """A unit of work inside a transaction someone else owns (an event consumer's), opening none of
        its own; see `joining`."""
        return cls(_no_sessions).joining(session)

    def joining(self, session: Session) -> Self:
        """Work inside a transaction someone else owns (an event consumer's): commit() only writes the
        outbox rows, and the owner commits or rolls back everything together."""
        self._joined = session
        return self

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("unit of work used outside its `with` block")
        return self._session

    def __enter__(self) -> Self:
        if self._joined is not None:
            self._session = self._joined
            self._pending_rows.clear()
            self._moment = None
            self._opened()
            return self
        self._session = self._sessions()
        self._session.begin()
        self._pending_rows = []
        self._moment = None
        self._opened()
        return self

    def _opened(self) -> None:
        """Hook for subclasses to attach repositories to the new session."""

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        self._pending_rows = []
        self._moment = None
        if self._joined is not None:
            self._session = None
            return
        try:
            if session.in_transaction():
                session.rollback()
        finally:
            session.close()
            self._session = None

    def _event_moment(self) -> tuple[datetime, str, SharedEnvelopes]:
        """When this transaction's events occurred (the clock read at its first event), the correlation id
        they share where no request or consumed event gives one (correlation_id_var, read at each event)
        and their envelopes' shared part: the events of one act (a payment file's 260,000) belong
        together, and each one's own clock reading and id cost the import seconds."""
        if self._moment is None:
            now = self.clock()
            self._moment = (now, new_id(), SharedEnvelopes(self.source, now))
        return self._moment

    def publish(self, subject: str, payload: Message) -> str:
        """Queues an event in the outbox, in this transaction; returns its event id."""
        now, shared, envelopes = self._event_moment()
        event_id, event_type, envelope = envelopes.serialized(
            payload, subject, correlation_id_var.get() or shared
        )
        self._pending_rows.append(
            {
                "event_id": event_id,
                "topic": self.topic,
                "key": subject,
                "event_type": event_type,
                "envelope": envelope,
                "created_at": now,
            }
        )
        return event_id

    def flush_events(self) -> None:
        """Writes the queued outbox rows (one multi-row insert); commit() calls it."""
        if self._pending_rows:
            bulk_insert(self.session, self._outbox, self._pending_rows)
            self._pending_rows = []

    def now(self) -> datetime:
        return self.clock()

    def record(self, event: object) -> str:
        """Queues a domain event, mapped to its (subject, protobuf payload) by the service."""
        if self._event_mapper is None:
            raise RuntimeError(f"{type(self).__name__} has no event mapper")
        subject, payload = self._event_mapper(event)
        return self.publish(subject, payload)

    def commit(self) -> None:
        self.flush_events()
        self._moment = None
        if self._joined is None:
            self.session.commit()

    def rollback(self) -> None:
        self._pending_rows = []
        self._moment = None
        self.session.rollback()
