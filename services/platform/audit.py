"""Audit trail of state-changing calls: who, what, when, which request, and how it ended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, Table, insert

from services.platform.logging import get_logger

log = get_logger("audit")


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    principal: str
    roles: tuple[str, ...]
    method: str
    request_id: str
    correlation_id: str
    outcome: str


class AuditTrail:
    """Writes each record to the service's audit_log table and to the log."""

    def __init__(self, engine: Engine, table: Table) -> None:
        self._engine = engine
        self._table = table

    def record(self, entry: AuditRecord) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                insert(self._table).values(
                    at=entry.at,
                    principal=entry.principal,
                    roles=",".join(entry.roles),
                    method=entry.method,
                    request_id=entry.request_id,
                    correlation_id=entry.correlation_id,
                    outcome=entry.outcome,
                )
            )
        log.info(
            "audit",
            principal=entry.principal,
            method=entry.method,
            request_id=entry.request_id,
            correlation_id=entry.correlation_id,
            outcome=entry.outcome,
        )
