"""Recipients' credits (credit notes, overpayments) set off against their open invoices.

Used where a recipient's position is settled before anything is sent: when a billing chunk issues new
invoices ("set off against the next invoice") and before a reminder run decides whom to remind (nobody is
reminded of an invoice their own credit covers).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from services.billing.application.ports import BillingUnitOfWork
from services.billing.domain.collection_events import InvoicePaid
from services.billing.domain.ledger import ClaimBalance, Entry, claim_document_number, document_claim
from services.billing.domain.ledger_entries import balances_after, set_off_entry
from services.platform.ids import new_id
from services.platform.money import Money


@dataclass(frozen=True)
class SetOffs:
    """What set_off_credits did: the invoices it settled, and how much of the credits went to each invoice
    it covered (all or part), by invoice number."""

    settled: set[int] = field(default_factory=set)
    applied: dict[int, Money] = field(default_factory=dict)


def set_off_credits(
    uow: BillingUnitOfWork,
    account_ids: Sequence[str],
    on: date,
    credits: Sequence[ClaimBalance] | None = None,
) -> SetOffs:
    """Each of the recipients' credits set off against their open invoices, oldest due first, each in cover
    order (domain/ledger_entries.set_off_entry), posted on `on` and taking effect from the day the credit
    arose (not before an invoice's issue date); InvoicePaid recorded for each invoice it settles. Returns
    the invoices settled and what was set off against each. One query for the credits (none when the
    caller has read them: `credits`, in (account_id, claim) order); the open invoices and the days the
    credits arose are read only for recipients that have one."""
    if credits is None:
        credits = uow.ledger.credits(account_ids)
    if not credits:
        return SetOffs()
    open_invoices = uow.ledger.open_invoices(sorted({c.account_id for c in credits}))
    balances = before = {document_claim(o.document_number): o.balance for o in open_invoices}
    issued_on = {document_claim(o.document_number): o.issue_date for o in open_invoices}
    arose_on = uow.ledger.credits_arose_on([c.claim for c in credits]) if open_invoices else {}
    totals = {o.document_number: o.total for o in open_invoices}
    invoices_of: dict[str, list[str]] = defaultdict(list)
    for o in open_invoices:  # in due-date order
        invoices_of[o.account_id].append(document_claim(o.document_number))
    set_offs: list[Entry] = []
    for credit in credits:
        targets = [balances[c] for c in invoices_of[credit.account_id] if balances[c].total.ore > 0]
        entry = set_off_entry(
            new_id(), on, credit, targets, arose_on=arose_on.get(credit.claim), issued_on=issued_on
        )
        if entry is not None:
            set_offs.append(entry)
            balances = balances_after(balances, [entry])
    if not set_offs:
        return SetOffs()
    uow.ledger.post(set_offs, uow.now())
    settled: set[int] = set()
    applied: dict[int, Money] = {}
    for claim, was in before.items():  # the open invoices (a credit's own claim is not one)
        balance = balances[claim]
        number = claim_document_number(claim)
        if number is None or balance == was:
            continue
        applied[number] = was.total - balance.total
        if balance.total.ore == 0:
            settled.add(number)
            uow.record(InvoicePaid(number, balance.account_id, on, totals[number]))
    return SetOffs(settled, applied)
