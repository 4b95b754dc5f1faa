"""What collection needs from storage for the ledger and the payments (part of the billing unit of work).

The SQL implementations are adapters/ledger_repository.py and adapters/payment_repository.py; tests/fakes/
ledger.py keeps them in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from services.billing.domain.ledger import ClaimBalance, Entry
from services.platform.money import Money


@dataclass(frozen=True)
class OpenInvoice:
    """An issued invoice with something still open on it, as collection sees it."""

    document_number: int
    account_id: str
    kid: str
    issue_date: date
    due_date: date  # as issued (a reminder's new due date is on its collection step)
    total: Money  # as issued, VAT included
    balance: ClaimBalance  # open now, per component
    charge_codes: tuple[str, ...]  # the codes of its lines (property_tax, water, …), sorted
    property_ids: tuple[str, ...]


class LedgerStore(Protocol):
    """The receivables ledger: entries are added, never changed; balances are sums of postings."""

    def post(self, entries: Sequence[Entry], at: datetime) -> None:
        """Store balanced entries and their postings (bulk; in the caller's transaction)."""
        ...

    def claim_balances(self, claims: Sequence[str]) -> dict[str, ClaimBalance]:
        """The open amount of each named claim that has postings."""
        ...

    def open_invoices(self, account_ids: Sequence[str], due_before: date | None = None) -> list[OpenInvoice]:
        """The recipients' invoices with a positive open amount (due before `due_before` if given), in
        (account_id, due date, number) order."""
        ...

    def credits(self, account_ids: Sequence[str]) -> list[ClaimBalance]:
        """The recipients' claims with a negative open amount (credit notes, overpayments) to set off."""
        ...


class PaymentStore(Protocol):
    """Imported bank files and their payments (filled in by the payments work)."""
