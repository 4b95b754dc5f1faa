"""The ledger and payments in memory (services/billing/application/ledger_ports.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from services.billing.application.ledger_ports import OpenInvoice
from services.billing.domain.ledger import ClaimBalance, Entry


class FakeLedger:
    def __init__(self) -> None:
        self.entries: list[Entry] = []

    def post(self, entries: Sequence[Entry], at: datetime) -> None:
        self.entries.extend(entries)

    def claim_balances(self, claims: Sequence[str]) -> dict[str, ClaimBalance]:
        raise NotImplementedError

    def open_invoices(self, account_ids: Sequence[str], due_before: date | None = None) -> list[OpenInvoice]:
        raise NotImplementedError

    def credits(self, account_ids: Sequence[str]) -> list[ClaimBalance]:
        raise NotImplementedError


class FakePayments:
    pass
