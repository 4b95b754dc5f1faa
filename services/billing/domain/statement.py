"""A recipient's statement of account (kontoutskrift): what it was invoiced and paid over a period, with a
running balance, and what is open at the end of it.

Shapes: amounts in whole øre (Money); debit is what the recipient owes more, credit what it owes less;
the balance is debit less credit so far (positive: owes; negative: has a credit). The opening balance is
every entry dated before the period; the closing balance equals the open invoices less the credits at the
period's end, because both are sums of the same postings (domain/ledger.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from services.billing.domain.ledger import ClaimBalance, EntryKind, claim_document_number
from services.platform.money import Money

# Entries of one day in the order a reader expects: what is owed before what pays it.
_KIND_ORDER = {
    kind: n
    for n, kind in enumerate(
        (
            EntryKind.INVOICE,
            EntryKind.CREDIT_NOTE,
            EntryKind.REMINDER_FEE,
            EntryKind.INTEREST,
            EntryKind.PAYMENT,
            EntryKind.UNIDENTIFIED_PAYMENT,
            EntryKind.ALLOCATION,
            EntryKind.SET_OFF,
            EntryKind.REFUND,
            EntryKind.WRITE_OFF,
        )
    )
}

_TEXT = {
    EntryKind.INVOICE: "Faktura",
    EntryKind.CREDIT_NOTE: "Kreditnota",
    EntryKind.PAYMENT: "Innbetaling",
    EntryKind.UNIDENTIFIED_PAYMENT: "Innbetaling",
    EntryKind.ALLOCATION: "Innbetaling",
    EntryKind.SET_OFF: "Motregning",
    EntryKind.REMINDER_FEE: "Purregebyr",
    EntryKind.INTEREST: "Forsinkelsesrente",
    EntryKind.REFUND: "Tilbakebetaling",
    EntryKind.WRITE_OFF: "Avskrevet",
}


@dataclass(frozen=True)
class EntryMovement:
    """One entry as it moves the recipient's receivables (from the ledger's postings)."""

    posted_on: date
    recorded_at: datetime
    kind: EntryKind
    reference: str
    description: str
    debit: Money
    credit: Money
    value_on: date | None = None  # the day it took effect when before posted_on (interest goes by it)


@dataclass(frozen=True)
class StatementLine:
    posted_on: date
    text: str  # Norwegian: "Faktura 123", "Innbetaling KID …", "Purregebyr", …
    debit: Money
    credit: Money
    balance: Money  # running, after this line
    kind: EntryKind
    value_on: date | None = None  # the day it took effect when before posted_on (interest goes by it)


@dataclass(frozen=True)
class OpenItem:
    """An invoice with something open at the period's end (due date, as issued and open now)."""

    document_number: int
    issue_date: date
    due_date: date
    total: Money
    open: Money


@dataclass(frozen=True)
class CreditItem:
    """A credit at the period's end: a credit note not yet used, or a payment's unapplied part."""

    text: str  # "Kreditnota 130" or "Innbetaling til gode"
    amount: Money  # positive: what the recipient has to its credit


@dataclass(frozen=True)
class Statement:
    account_id: str
    from_date: date | None  # None: from the first entry
    to_date: date
    opening: Money
    lines: tuple[StatementLine, ...]
    closing: Money
    open_invoices: tuple[OpenItem, ...]
    credits: tuple[CreditItem, ...]

    @property
    def credit_balance(self) -> Money:
        return Money(sum(c.amount.ore for c in self.credits))


def line_text(kind: EntryKind, reference: str, description: str) -> str:
    """The entry's own Norwegian text, or one made from its kind (and document number)."""
    if description:
        return description
    if kind in (EntryKind.INVOICE, EntryKind.CREDIT_NOTE):
        return f"{_TEXT[kind]} {reference}"
    return _TEXT[kind]


def credit_text(claim: ClaimBalance) -> str:
    number = claim_document_number(claim.claim)
    return f"Kreditnota {number}" if number is not None else "Innbetaling til gode"


def build_statement(
    account_id: str,
    movements: Sequence[EntryMovement],
    from_date: date | None,
    to_date: date,
    open_invoices: Sequence[OpenItem],
    credits: Sequence[ClaimBalance],
) -> Statement:
    """The statement from the recipient's movements up to `to_date` (in any order: sorted here by date,
    time recorded and kind) and what is open at `to_date`."""
    ordered = sorted(movements, key=lambda m: (m.posted_on, m.recorded_at, _KIND_ORDER[m.kind]))
    before = [m for m in ordered if from_date is not None and m.posted_on < from_date]
    opening = Money(sum(m.debit.ore - m.credit.ore for m in before))
    balance = opening
    lines = []
    for m in ordered[len(before) :]:
        balance = balance + m.debit - m.credit
        lines.append(
            StatementLine(
                m.posted_on,
                line_text(m.kind, m.reference, m.description),
                m.debit,
                m.credit,
                balance,
                m.kind,
                m.value_on,
            )
        )
    return Statement(
        account_id,
        from_date,
        to_date,
        opening,
        tuple(lines),
        balance,
        tuple(sorted(open_invoices, key=lambda o: (o.due_date, o.document_number))),
        tuple(CreditItem(credit_text(c), -c.total) for c in credits),
    )
