"""The receivables ledger and payments in SQL (application/ledger_ports.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.orm import Session

from services.billing.application.ledger_ports import OpenInvoice
from services.billing.domain.ledger import ClaimBalance, Entry


class LedgerRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    # Placeholders until the ledger is written (issue 16): they fail loudly rather than answer wrongly.
    def post(self, entries: Sequence[Entry], at: datetime) -> None:
        raise NotImplementedError

    def claim_balances(self, claims: Sequence[str]) -> dict[str, ClaimBalance]:
        raise NotImplementedError

    def open_invoices(self, account_ids: Sequence[str], due_before: date | None = None) -> list[OpenInvoice]:
        raise NotImplementedError

    def credits(self, account_ids: Sequence[str]) -> list[ClaimBalance]:
        raise NotImplementedError


class PaymentRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
