"""The tables every service has beside its own: outbox, inbox and audit log."""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, LargeBinary, MetaData, String, Table

from services.platform.columns import BigId, Moment, key, optional, required


def outbox_table(metadata: MetaData) -> Table:
    return Table(
        "outbox",
        metadata,
        key("id", BigId, autoincrement=True),
        required("event_id", String(36), unique=True),
        required("topic", String(200)),
        required("key", String(200)),
        required("event_type", String(200)),
        required("envelope", LargeBinary),
        required("created_at", Moment),
        optional("published_at", Moment),
        Index("ix_outbox_unpublished", "published_at", "id"),
    )


def inbox_table(metadata: MetaData) -> Table:
    return Table(
        "inbox",
        metadata,
        key("consumer", String(100)),
        key("event_id", String(36)),
        required("event_type", String(200)),
        required("topic", String(200)),
        required("partition", Integer),
        required("offset", BigInteger),
        required("processed_at", Moment),
        # Pruning deletes by age (messaging/retention.py).
        Index("ix_inbox_processed_at", "processed_at"),
    )


def audit_table(metadata: MetaData) -> Table:
    return Table(
        "audit_log",
        metadata,
        key("id", BigId, autoincrement=True),
        required("at", Moment),
        required("principal", String(200)),
        required("roles", String(500)),
        required("method", String(200)),
        required("request_id", String(100)),
        required("correlation_id", String(100)),
        required("outcome", String(50)),
        Index("ix_audit_log_at", "at"),
    )


class PlatformTables:
    """The three platform tables bound to one service's metadata (a new one unless given)."""

    def __init__(self, metadata: MetaData | None = None) -> None:
        self.metadata = MetaData() if metadata is None else metadata
        self.outbox = outbox_table(self.metadata)
        self.inbox = inbox_table(self.metadata)
        self.audit = audit_table(self.metadata)
