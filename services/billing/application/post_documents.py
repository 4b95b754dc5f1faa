"""A billing chunk's documents into the receivables ledger, in the chunk's transaction.

Three steps, each a handful of bulk statements for the chunk's 5,000 recipients:
1. each issued invoice and credit note becomes an entry (domain/ledger_entries.invoice_entry);
2. each of the chunk's recipients' credits (credit notes, overpayments) is set off against its open
   invoices, oldest due first ("set off against the next invoice"); what it pays of an issued invoice is
   kept with the invoice (its document shows it as paid and asks for the rest);
3. payments that came before their invoice (unmatched, their KID unknown then) whose KID is one of the
   issued invoices' are allocated to it: "a payment arriving before its invoice is held, not lost".
InvoicePaid is recorded for each invoice the set-offs or held payments settle.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from services.billing.application.ports import BillingUnitOfWork
from services.billing.application.set_off import set_off_credits
from services.billing.domain.billing_run import INVOICE, Invoice
from services.billing.domain.collection_events import InvoicePaid, PaymentReceived
from services.billing.domain.ledger import ClaimBalance, Entry, document_claim
from services.billing.domain.ledger_entries import (
    allocation_entry,
    balances_after,
    invoice_entry,
)
from services.billing.domain.payments import PaymentState
from services.platform.ids import new_id
from services.platform.money import Money


def post_issued_documents(uow: BillingUnitOfWork, issued: Sequence[Invoice]) -> None:
    """Posts the documents, sets off the recipients' credits and allocates held payments (see above);
    every entry is dated the documents' issue date (what it moves on an older invoice, or a held
    payment's remainder, takes effect from the day the credit or payment was there: its value date)."""
    if not issued:
        return
    at = uow.now()
    entries = [e for e in (invoice_entry(new_id(), i) for i in issued) if e is not None]
    uow.ledger.post(entries, at)
    on = max(i.issue_date for i in issued)  # one run, one issue date
    totals = {i.invoice_number: i.total for i in issued}
    set_offs = set_off_credits(uow, sorted({i.account_id for i in issued}), on)
    # What the credits paid of the new invoices is part of their documents (the rest is what they ask
    # for); what they paid of older invoices was paid after those were issued.
    uow.invoices.add_prepaid(
        {
            i.invoice_number: set_offs.applied[i.invoice_number]
            for i in issued
            if i.invoice_number in set_offs.applied and i.kind == INVOICE
        }
    )
    for number, account_id in _allocate_held_payments(uow, issued, on):
        if number not in set_offs.settled:
            uow.record(InvoicePaid(number, account_id, on, totals[number]))


def _allocate_held_payments(
    uow: BillingUnitOfWork, issued: Sequence[Invoice], on: date
) -> list[tuple[int, str]]:
    """Held payments naming the issued invoices' KIDs, allocated to them in cover order (a remainder is the
    recipient's credit), each recorded as PaymentReceived (allocated); returns the invoices they settled
    as (number, account_id)."""
    by_kid = {i.kid: i for i in issued if i.kind == INVOICE}
    held = uow.payments.unmatched_by_kid(sorted(by_kid))
    if not held:
        return []
    claims = sorted({document_claim(by_kid[p.kid].invoice_number) for p in held})
    balances: dict[str, ClaimBalance] = uow.ledger.claim_balances(claims)
    entries: list[Entry] = []
    settled: list[tuple[int, str]] = []
    for payment in held:
        invoice = by_kid[payment.kid]
        claim = document_claim(invoice.invoice_number)
        before = balances.get(claim, ClaimBalance(claim, invoice.account_id))
        entry = allocation_entry(
            new_id(),
            payment.payment_id,
            invoice.account_id,
            payment.amount,
            on,
            payment.kid,
            [before] if before.total.ore > 0 else [],
            paid_on=payment.paid_on,
            issued_on={claim: invoice.issue_date},
        )
        entries.append(entry)
        balances = balances_after(balances, [entry])
        after = balances[claim]
        applied = Money(sum(-p.amount.ore for p in entry.postings if p.claim == claim))
        if before.total.ore > 0 and after.total.ore == 0:
            settled.append((invoice.invoice_number, invoice.account_id))
        uow.payments.set_state(
            payment.payment_id, PaymentState.ALLOCATED, invoice.account_id, invoice.invoice_number
        )
        uow.record(
            PaymentReceived(
                payment.payment_id,
                invoice.account_id,
                payment.kid,
                payment.amount,
                payment.paid_on,
                invoice.invoice_number,
                PaymentState.ALLOCATED,
                applied,
            )
        )
    uow.ledger.post(entries, uow.now())
    return settled
