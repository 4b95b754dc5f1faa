"""Payments and payment files in SQL (application/ledger_ports.py's PaymentStore): stored as imported,
their state changed only as they are matched, allocated or refunded."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from services.billing.adapters.orm import (
    payment_files,
    payments,
)
from services.billing.application.ledger_ports import (
    QueuedPayment,
    StoredPayment,
    StoredPaymentFile,
)
from services.billing.domain.payments import PaymentFileFormat, PaymentState
from services.platform.bulk import bulk_insert
from services.platform.db import one_of
from services.platform.money import Money


def _to_payment(row: Any) -> StoredPayment:
    return StoredPayment(
        payment_id=row.payment_id,
        file_id=row.file_id,
        line=row.line,
        kid=row.kid,
        amount=Money(row.amount_ore),
        paid_on=row.paid_on,
        reference=row.reference,
        payer_account=row.payer_account,
        payer_name=row.payer_name,
        state=PaymentState(row.state),
        account_id=row.account_id,
        document_number=row.document_number,
    )


def payment_rows(items: Sequence[StoredPayment], at: datetime) -> list[dict[str, Any]]:
    return [
        {
            "payment_id": p.payment_id,
            "file_id": p.file_id,
            "line": p.line,
            "kid": p.kid,
            "amount_ore": p.amount.ore,
            "paid_on": p.paid_on,
            "reference": p.reference,
            "payer_account": p.payer_account,
            "state": p.state.value,
            "account_id": p.account_id,
            "document_number": p.document_number,
            "received_at": at,
            "payer_name": p.payer_name,
        }
        for p in items
    ]


class PaymentRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def file_by_sha256(self, sha256: str) -> StoredPaymentFile | None:
        f = payment_files.c
        row = self._session.execute(select(payment_files).where(f.sha256 == sha256)).first()
        if row is None:
            return None
        return StoredPaymentFile(
            file_id=row.file_id,
            sha256=row.sha256,
            format=PaymentFileFormat(row.format),
            file_name=row.file_name,
            file_reference=row.file_reference,
            created_on=row.created_on,
            payments=row.payments,
            total=Money(row.total_ore),
            figures=json.loads(row.figures) if row.figures else {},
        )

    def add_file(self, stored: StoredPaymentFile, at: datetime) -> None:
        bulk_insert(
            self._session,
            payment_files,
            [
                {
                    "file_id": stored.file_id,
                    "sha256": stored.sha256,
                    "format": stored.format.value,
                    "file_name": stored.file_name,
                    "file_reference": stored.file_reference,
                    "created_on": stored.created_on,
                    "payments": stored.payments,
                    "total_ore": stored.total.ore,
                    "imported_at": at,
                    "figures": json.dumps(dict(stored.figures), sort_keys=True),
                }
            ],
        )

    def add_many(self, items: Sequence[StoredPayment], at: datetime) -> None:
        bulk_insert(self._session, payments, payment_rows(items, at))

    def get(self, payment_id: str) -> StoredPayment | None:
        row = self._session.execute(select(payments).where(payments.c.payment_id == payment_id)).first()
        return _to_payment(row) if row is not None else None

    def unmatched(self, offset: int = 0, limit: int = 100) -> list[QueuedPayment]:
        p, f = payments.c, payment_files.c
        rows = self._session.execute(
            select(payments, f.file_name)
            .join_from(payments, payment_files, and_(p.file_id == f.file_id))
            .where(p.state == PaymentState.UNMATCHED.value)
            .order_by(p.paid_on, f.imported_at, p.file_id, p.line)
            .offset(offset)
            .limit(limit)
        ).all()
        return [QueuedPayment(_to_payment(r), r.file_name) for r in rows]

    def unmatched_by_kid(self, kids: Sequence[str]) -> list[StoredPayment]:
        if not kids:
            return []
        p = payments.c
        rows = self._session.execute(
            select(payments)
            .where(p.state == PaymentState.UNMATCHED.value, one_of(self._session, p.kid, list(kids)))
            .order_by(p.paid_on, p.file_id, p.line)
        ).all()
        return [_to_payment(r) for r in rows]

    def set_state(
        self, payment_id: str, state: PaymentState, account_id: str, document_number: int | None
    ) -> None:
        self._session.execute(
            update(payments)
            .where(payments.c.payment_id == payment_id)
            .values(state=state.value, account_id=account_id, document_number=document_number)
        )
