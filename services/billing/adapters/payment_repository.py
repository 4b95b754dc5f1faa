"""Payments and payment files in SQL (application/ledger_ports.py's PaymentStore): stored as imported,
their state changed only as they are matched, allocated or refunded."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, insert, select, update
from sqlalchemy.exc import IntegrityError
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
from services.billing.domain.payments import ImportedPaymentFile, PaymentFileFormat, PaymentState, described
from services.platform.bulk import bulk_insert
from services.platform.db import one_of
from services.platform.errors import AlreadyExists
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

    def file_by_identity(
        self, file_format: PaymentFileFormat, identities: Sequence[str]
    ) -> ImportedPaymentFile | None:
        f = payment_files.c
        row = self._session.execute(
            select(f.file_name, f.file_reference, f.imported_at)
            .where(f.format == file_format.value, f.file_reference.in_(list(identities)))
            .order_by(f.imported_at)
            .limit(1)
        ).first()
        if row is None:
            return None
        # SQLite gives back the UTC instant the column was written with, but without its zone.
        at = row.imported_at if row.imported_at.tzinfo is not None else row.imported_at.replace(tzinfo=UTC)
        return ImportedPaymentFile(row.file_name, row.file_reference, at)

    def add_file(self, stored: StoredPaymentFile, at: datetime) -> None:
        """Raises AlreadyExists when another import of the same bytes or bank identity committed first
        (the import checked before, but both may have checked at the same moment)."""
        try:
            # One row: a plain INSERT, whose unique violation SQLAlchemy names (COPY's would not be).
            self._session.execute(
                insert(payment_files).values(
                    file_id=stored.file_id,
                    sha256=stored.sha256,
                    format=stored.format.value,
                    file_name=stored.file_name,
                    file_reference=stored.file_reference,
                    created_on=stored.created_on,
                    payments=stored.payments,
                    total_ore=stored.total.ore,
                    imported_at=at,
                    figures=json.dumps(dict(stored.figures), sort_keys=True),
                )
            )
        except IntegrityError:
            raise AlreadyExists(
                f"{described(stored.format, stored.file_reference)} was imported by another import at "
                "the same moment: nothing of this one was stored"
            ) from None

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
