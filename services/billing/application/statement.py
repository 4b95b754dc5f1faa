"""A recipient's statement of account from the ledger (domain/statement.py)."""

from __future__ import annotations

from datetime import date

from services.billing.application.ports import BillingUnitOfWork
from services.billing.domain.statement import EntryMovement, OpenItem, Statement, build_statement
from services.platform.errors import InvalidInput, NotFound


def statement(uow: BillingUnitOfWork, account_id: str, from_date: date | None, to_date: date) -> Statement:
    """Opening balance (entries before `from_date`; none without it), one line per entry touching the
    recipient's receivables from `from_date` to `to_date` with a running balance, the closing balance, and
    the invoices open and credits left at `to_date`. Raises InvalidInput (from_date) for a period that
    ends before it starts, NotFound for an unknown recipient."""
    if from_date is not None and from_date > to_date:
        raise InvalidInput.single(
            "from_date", f"{from_date:%d.%m.%Y} is after the statement's last day {to_date:%d.%m.%Y}"
        )
    with uow:
        if uow.accounts.get(account_id) is None:
            raise NotFound(f"no recipient {account_id}")
        rows = uow.ledger.statement_rows(account_id, to_date)
        open_invoices = uow.ledger.open_invoices([account_id], as_of=to_date)
        credits = uow.ledger.credits([account_id], as_of=to_date)
    movements = [
        EntryMovement(
            r.posted_on, r.recorded_at, r.kind, r.reference, r.description, r.debit, r.credit, r.value_on
        )
        for r in rows
    ]
    items = [
        OpenItem(o.document_number, o.issue_date, o.due_date, o.total, o.balance.total) for o in open_invoices
    ]
    return build_statement(account_id, movements, from_date, to_date, items, credits)
