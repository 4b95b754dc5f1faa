"""The ledger's entries for what happens to a claim: an invoice or credit note issued, a payment matched by
KID or not, an unidentified payment allocated, a credit set off against an invoice, a credit refunded, an
invoice written off. Each builder takes the claims' open balances as they stand and returns one balanced
Entry (domain/ledger.py); the amounts it moves never exceed what is open, so no claim is over-covered.

Payments and set-offs cover each invoice in the order of cover (fee, interest, principal: domain/
allocation.py); a payment's remainder is a credit of the recipient on its own claim P<payment_id>.
What is booked later than it took effect (an allocation after the day the payment was paid, a set-off
after the credit arose) carries that earlier day as the postings' value date, so interest stops then.
The descriptions are the Norwegian texts a statement of account prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Protocol

from services.billing.domain.allocation import Cover, cover, cover_in_turn, split_pro_rata
from services.billing.domain.billing_run import CREDIT_NOTE, Invoice
from services.billing.domain.ledger import (
    COVER_ORDER,
    ClaimBalance,
    Component,
    Entry,
    EntryKind,
    LedgerAccount,
    Posting,
    claim_balances,
    claim_document_number,
    document_claim,
    payment_claim,
    value_date,
)
from services.platform.money import Money

RECEIVABLES = LedgerAccount.RECEIVABLES
_CLAIM_ACCOUNTS = (LedgerAccount.RECEIVABLES, LedgerAccount.UNIDENTIFIED_PAYMENTS)
_REVENUE, _VAT_PAYABLE = LedgerAccount.REVENUE, LedgerAccount.VAT_PAYABLE
_NO_VAT = Decimal(0)
_VAT_SCALE = 1_000_000  # VAT rates have at most a few decimals: weights in millionths of an øre


def _entry(
    entry_id: str,
    kind: EntryKind,
    on: date,
    postings: Iterable[Posting],
    account_id: str,
    reference: str,
    description: str,
) -> Entry:
    """An Entry of the postings that move something (zero postings are left out)."""
    moving = tuple(p for p in postings if p.amount.ore != 0)
    return Entry(entry_id, kind, on, moving, account_id, reference, description)


def _covering(
    covers: Sequence[Cover], account_id: str, value_on: Mapping[str, date] | None = None
) -> list[Posting]:
    """Credits on RECEIVABLES for what the covers apply, per claim and component, each claim's postings
    with its value date in `value_on` (none: the entry's date)."""
    dated = value_on or {}
    return [
        Posting(RECEIVABLES, -amount, account_id, c.claim, component, value_on=dated.get(c.claim))
        for c in covers
        for component, amount in c.parts
    ]


def _cover_value_dates(
    on: date, since: date | None, covers: Sequence[Cover], issued_on: Mapping[str, date]
) -> dict[str, date]:
    """The value date of each covered invoice claim booked on `on` with money or a credit there since
    `since`: the later of `since` and the invoice's issue date (nothing was owed before it), when earlier
    than `on`. A claim whose issue date is not given keeps the booking date."""
    if since is None:
        return {}
    dated: dict[str, date] = {}
    for c in covers:
        issued = issued_on.get(c.claim)
        day = value_date(on, max(since, issued)) if issued is not None else None
        if day is not None:
            dated[c.claim] = day
    return dated


def invoice_entry(entry_id: str, invoice: Invoice) -> Entry | None:
    """An issued invoice: debit RECEIVABLES on its claim D<n> (principal, the total with VAT); credit REVENUE
    its net and VAT_PAYABLE its VAT. A credit note is the mirror: its amounts are negative, so its claim is
    a credit. None for a document of 0 kr (nothing to post). Posted on the issue date.

    Revenue per charge code is not posted here: the run's journal carries it to the general ledger, and the
    year-end share per code reads it from the invoice's lines (charged_by_code); a term's 135,000 invoices
    are three postings each, not one per code and VAT code."""
    if invoice.total.ore == 0:
        return None
    account = invoice.account_id
    postings = [Posting(RECEIVABLES, invoice.total, account, document_claim(invoice.invoice_number))]
    if invoice.net.ore:
        postings.append(Posting(_REVENUE, -invoice.net, account))
    if invoice.vat.ore:
        postings.append(Posting(_VAT_PAYABLE, -invoice.vat, account))
    credit_note = invoice.kind == CREDIT_NOTE
    return Entry(
        entry_id,
        EntryKind.CREDIT_NOTE if credit_note else EntryKind.INVOICE,
        invoice.issue_date,
        tuple(postings),
        account,
        str(invoice.invoice_number),
        f"{'Kreditnota' if credit_note else 'Faktura'} {invoice.invoice_number}",
    )


class ChargedLine(Protocol):
    """What charged_by_code reads of an invoice line (domain/invoice_plan.ChargeLine has it)."""

    @property
    def code(self) -> str: ...
    @property
    def amount(self) -> Money: ...
    @property
    def vat_rate(self) -> Decimal: ...


def charged_by_code(lines: Iterable[ChargedLine], vat: Money) -> dict[str, Money]:
    """What an invoice charged per charge code, VAT included: each code's net (the sum of its lines) and
    the invoice's VAT split over the codes in proportion to each code's exact VAT (largest remainder, so
    the codes add up to the invoice's total to the øre). The lines may be summed per (code, VAT rate)."""
    by_code: dict[str, int] = {}
    vat_weights: dict[str, Decimal] = {}
    for line in lines:
        code = line.code
        by_code[code] = by_code.get(code, 0) + line.amount.ore
        if line.vat_rate:
            vat_weights[code] = vat_weights.get(code, _NO_VAT) + line.amount.ore * line.vat_rate
    codes = sorted(by_code)
    if vat.ore:
        weights = [int(abs(vat_weights.get(c, _NO_VAT)) * _VAT_SCALE) for c in codes]
        if not any(weights):  # VAT without a rate on any line cannot happen; split by net if it does
            weights = [abs(by_code[c]) or 1 for c in codes]
        for code, part in zip(codes, split_pro_rata(vat.ore, weights), strict=True):
            by_code[code] += part
    return {c: Money(by_code[c]) for c in codes}


def payment_text(kid: str) -> str:
    return f"Innbetaling KID {kid}" if kid else "Innbetaling uten KID"


def payment_entry(
    entry_id: str,
    payment_id: str,
    account_id: str,
    amount: Money,
    paid_on: date,
    kid: str,
    balance: ClaimBalance | None,
) -> Entry:
    """A payment whose KID named a document of `account_id`: debit BANK; credit the invoice's claim in cover
    order up to what is open on it (`balance`; None when the KID names a credit note: nothing to cover);
    the rest credits RECEIVABLES on P<payment_id> (a credit balance of the recipient)."""
    covered = [cover(amount, balance)] if balance is not None else []
    left = covered[0].left if covered else amount
    return _entry(
        entry_id,
        EntryKind.PAYMENT,
        paid_on,
        [
            Posting(LedgerAccount.BANK, amount),
            *_covering(covered, account_id),
            Posting(RECEIVABLES, -left, account_id, payment_claim(payment_id)),
        ],
        account_id,
        payment_id,
        payment_text(kid),
    )


def unidentified_payment_entry(
    entry_id: str, payment_id: str, amount: Money, paid_on: date, kid: str
) -> Entry:
    """A payment whose KID names no document: debit BANK, credit UNIDENTIFIED_PAYMENTS on P<payment_id>
    until it is allocated (or returned)."""
    return _entry(
        entry_id,
        EntryKind.UNIDENTIFIED_PAYMENT,
        paid_on,
        [
            Posting(LedgerAccount.BANK, amount),
            Posting(LedgerAccount.UNIDENTIFIED_PAYMENTS, -amount, "", payment_claim(payment_id)),
        ],
        "",
        payment_id,
        payment_text(kid),
    )


def allocation_entry(
    entry_id: str,
    payment_id: str,
    account_id: str,
    amount: Money,
    on: date,
    kid: str,
    balances: Sequence[ClaimBalance],
    *,
    paid_on: date,
    issued_on: Mapping[str, date],
) -> Entry:
    """An unidentified payment allocated to `account_id` on `on`: debit UNIDENTIFIED_PAYMENTS on
    P<payment_id>; credit the invoices' claims (`balances`, in the order given) in cover order; the rest
    credits RECEIVABLES on P<payment_id> (the recipient's credit). The money was the recipient's from the
    day it was paid: the receivables postings carry `paid_on` as value date when it is earlier than `on`
    (on an invoice, not before its issue date in `issued_on`)."""
    covers, left = cover_in_turn(amount, balances)
    return _entry(
        entry_id,
        EntryKind.ALLOCATION,
        on,
        [
            Posting(LedgerAccount.UNIDENTIFIED_PAYMENTS, amount, "", payment_claim(payment_id)),
            *_covering(covers, account_id, _cover_value_dates(on, paid_on, covers, issued_on)),
            Posting(
                RECEIVABLES, -left, account_id, payment_claim(payment_id), value_on=value_date(on, paid_on)
            ),
        ],
        account_id,
        payment_id,
        payment_text(kid),
    )


def _using_credit(credit: ClaimBalance, amount: int) -> list[Posting]:
    """Debits on RECEIVABLES that use `amount` øre of a credit claim (its negative components)."""
    postings = []
    for component in (Component.PRINCIPAL, Component.INTEREST, Component.FEE):
        take = min(amount, max(0, -credit.of(component).ore))
        if take:
            postings.append(Posting(RECEIVABLES, Money(take), credit.account_id, credit.claim, component))
            amount -= take
    return postings


def set_off_entry(
    entry_id: str,
    on: date,
    credit: ClaimBalance,
    balances: Sequence[ClaimBalance],
    *,
    arose_on: date | None,
    issued_on: Mapping[str, date],
) -> Entry | None:
    """A credit (a credit note or an overpayment; negative `credit`) set off on `on` against the
    recipient's open invoices in the order given (oldest due first), each in cover order, up to the smaller
    of the two. None when nothing can be set off. The set-off takes effect from the day the credit arose
    (`arose_on`; None: unknown, the booking date) or the invoice's issue date (`issued_on`), the later:
    its postings on an invoice carry that day as value date when it is earlier than `on`."""
    available = max(0, -credit.total.ore)
    covers, left = cover_in_turn(Money(available), balances)
    used = available - left.ore
    if used == 0:
        return None
    return _entry(
        entry_id,
        EntryKind.SET_OFF,
        on,
        [
            *_using_credit(credit, used),
            *_covering(covers, credit.account_id, _cover_value_dates(on, arose_on, covers, issued_on)),
        ],
        credit.account_id,
        credit.claim,
        "Motregning",
    )


def refund_entry(
    entry_id: str,
    on: date,
    account_id: str,
    credits: Sequence[ClaimBalance],
    amount: Money,
    bank_account: str,
) -> Entry:
    """A credit paid back: debit RECEIVABLES on the credit claims in the order given, up to `amount`;
    credit BANK. Raises ValueError if the credits do not reach `amount` (the caller checks first)."""
    left = amount.ore
    postings = []
    for credit in credits:
        take = min(left, max(0, -credit.total.ore))
        postings += _using_credit(credit, take)
        left -= take
    if left or amount.ore <= 0:
        raise ValueError(f"a refund of {amount.ore} øre is more than the credits or not positive")
    return _entry(
        entry_id,
        EntryKind.REFUND,
        on,
        [*postings, Posting(LedgerAccount.BANK, -amount)],
        account_id,
        bank_account,
        "Tilbakebetaling",
    )


def write_off_entry(entry_id: str, on: date, balance: ClaimBalance, reason: str) -> Entry | None:
    """An invoice written off: debit BAD_DEBT what is open; credit each open component. None when
    nothing is open."""
    parts = [(c, balance.of(c)) for c in COVER_ORDER if balance.of(c).ore > 0]
    if not parts:
        return None
    total = Money(sum(m.ore for _, m in parts))
    return _entry(
        entry_id,
        EntryKind.WRITE_OFF,
        on,
        [
            Posting(LedgerAccount.BAD_DEBT, total),
            *(Posting(RECEIVABLES, -m, balance.account_id, balance.claim, c) for c, m in parts),
        ],
        balance.account_id,
        reason,
        # The statement line names what was written off: a recipient with several invoices sees which.
        f"Avskrevet, faktura {claim_document_number(balance.claim)}",
    )


def claim_after(balance: ClaimBalance, entry: Entry) -> ClaimBalance:
    """One claim's balance with the entry's postings on it added (balances_after for one claim, lean: a
    payment file applies 135,000 entries one after another)."""
    fee, interest, principal = balance.fee.ore, balance.interest.ore, balance.principal.ore
    for p in entry.postings:
        if p.claim != balance.claim or p.ledger_account not in _CLAIM_ACCOUNTS:
            continue
        if p.component is Component.FEE:
            fee += p.amount.ore
        elif p.component is Component.INTEREST:
            interest += p.amount.ore
        else:
            principal += p.amount.ore
    return ClaimBalance(balance.claim, balance.account_id, Money(fee), Money(interest), Money(principal))


def balances_after(balances: Mapping[str, ClaimBalance], entries: Iterable[Entry]) -> dict[str, ClaimBalance]:
    """The claims' balances with the entries' postings added (claims the entries name and `balances` lacks
    start from 0): what the open amounts are once the entries are posted."""
    updated = dict(balances)
    for entry in entries:
        for claim, delta in claim_balances(entry.postings).items():
            before = updated.get(claim, ClaimBalance(claim, delta.account_id))
            updated[claim] = replace(
                before,
                account_id=before.account_id or delta.account_id,
                fee=before.fee + delta.fee,
                interest=before.interest + delta.interest,
                principal=before.principal + delta.principal,
            )
    return updated
