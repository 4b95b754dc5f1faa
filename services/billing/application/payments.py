"""What a billing officer does with payments and credits: the unmatched queue, allocating an unmatched
payment by hand, refunding a recipient's credit to a bank account, writing an invoice off.

Each is one transaction: its ledger entry, the payment's new state (allocations) and the events that
apply (PaymentReceived when a payment is identified, InvoicePaid when an invoice is settled). Bad input
raises InvalidInput before anything is written; unknown things NotFound; the wrong state
FailedPrecondition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stdnum.exceptions import ValidationError
from stdnum.no import kontonr

from services.billing.application.ports import BillingUnitOfWork
from services.billing.domain.billing_run import INVOICE
from services.billing.domain.collection_events import InvoicePaid, PaymentReceived
from services.billing.domain.ledger import (
    COVER_ORDER,
    ClaimBalance,
    Component,
    claim_document_number,
    document_claim,
)
from services.billing.domain.ledger_entries import (
    allocation_entry,
    balances_after,
    refund_entry,
    write_off_entry,
)
from services.billing.domain.payments import PaymentState
from services.platform.errors import FailedPrecondition, FieldViolation, InvalidInput, NotFound, Violations
from services.platform.identity import check_free_text
from services.platform.ids import new_id
from services.platform.money import Money

_WRITE_OFF_REASON_MAX = 500


@dataclass(frozen=True)
class UnmatchedPayment:
    """A payment in the unmatched queue: where it came from and what the bank said of it."""

    payment_id: str
    file_name: str
    line: int
    kid: str
    amount: Money
    paid_on: date
    payer_name: str
    payer_account: str


@dataclass(frozen=True)
class Allocation:
    """What an allocated payment paid: per invoice, and what was left as the recipient's credit."""

    payment_id: str
    account_id: str
    applied: tuple[tuple[int, Money], ...]  # (invoice number, amount) in the order applied
    credit: Money  # left over: the recipient's credit balance
    settled: tuple[int, ...]  # invoices it settled


@dataclass(frozen=True)
class Refund:
    entry_id: str
    account_id: str
    amount: Money
    bank_account: str  # formatted 1234.56.78903
    refunded_on: date


@dataclass(frozen=True)
class WriteOff:
    entry_id: str
    invoice_number: int
    account_id: str
    amount: Money  # what was open and is written off
    parts: tuple[tuple[Component, Money], ...]  # per component, in cover order
    written_off_on: date
    reason: str


def unmatched_payments(uow: BillingUnitOfWork, offset: int = 0, limit: int = 100) -> list[UnmatchedPayment]:
    """The unmatched queue, oldest payment first."""
    violations = Violations()
    if offset < 0:
        violations.add("offset", "must be 0 or more")
    if not 1 <= limit <= 1000:
        violations.add("limit", "must be from 1 to 1000")
    violations.raise_if_any()
    with uow:
        return [
            UnmatchedPayment(
                q.payment.payment_id,
                q.file_name,
                q.payment.line,
                q.payment.kid,
                q.payment.amount,
                q.payment.paid_on,
                q.payment.payer_name,
                q.payment.payer_account,
            )
            for q in uow.payments.unmatched(offset, limit)
        ]


def allocate_payment(
    uow: BillingUnitOfWork,
    payment_id: str,
    *,
    invoice_number: int | None,
    account_id: str | None,
    on: date,
) -> Allocation:
    """An unmatched payment allocated to an invoice (in cover order; the rest is a credit of the invoice's
    recipient) or to a recipient (its open invoices oldest due first, then a credit), taking effect from
    the day it was paid (domain/ledger_entries.allocation_entry: interest stops then). Exactly one of
    `invoice_number` and `account_id` is given (InvalidInput naming both otherwise). Raises NotFound for an
    unknown payment, invoice or recipient, FailedPrecondition for a payment that is not unmatched (naming
    its state) and InvalidInput (invoice_number) for a credit note's number, (allocated_on) for a day
    before the payment was made or before the invoice was issued."""
    if (invoice_number is None) == (not account_id):
        raise InvalidInput(
            [
                FieldViolation("invoice_number", "give either an invoice number or a recipient, not both"),
                FieldViolation("account_id", "give either an invoice number or a recipient, not both"),
            ]
        )
    with uow:
        payment = uow.payments.get(payment_id)
        if payment is None:
            raise NotFound(f"no payment {payment_id}")
        if payment.state != PaymentState.UNMATCHED:
            raise FailedPrecondition(
                f"payment {payment_id} is {payment.state.value}, not unmatched: only a payment in the "
                "unmatched queue is allocated"
            )
        if on < payment.paid_on:
            raise InvalidInput.single(
                "allocated_on",
                f"{on.isoformat()} is before the payment was made ({payment.paid_on.isoformat()}): "
                "a payment is allocated on or after that day",
            )
        totals: dict[str, Money] = {}
        if invoice_number is not None:
            invoice = uow.invoices.by_number(invoice_number)
            if invoice is None:
                raise NotFound(f"no invoice {invoice_number}")
            if invoice.kind != INVOICE:
                raise InvalidInput.single(
                    "invoice_number", f"{invoice_number} is a credit note, not an invoice"
                )
            if on < invoice.issue_date:
                raise InvalidInput.single(
                    "allocated_on",
                    f"{on.isoformat()} is before invoice {invoice_number} was issued "
                    f"({invoice.issue_date.isoformat()}): a payment is allocated to it on or after that day",
                )
            recipient = invoice.account_id
            claim = document_claim(invoice_number)
            balance = uow.ledger.claim_balances([claim]).get(claim, ClaimBalance(claim, recipient))
            targets = [balance] if balance.total.ore > 0 else []
            totals[claim] = invoice.total
            issued_on = {claim: invoice.issue_date}
        else:
            assert account_id is not None
            if uow.accounts.get(account_id) is None:
                raise NotFound(f"no recipient {account_id}")
            recipient = account_id
            # Only what was issued by the day of allocation: a later invoice did not exist then.
            open_invoices = [o for o in uow.ledger.open_invoices([account_id]) if o.issue_date <= on]
            targets = [o.balance for o in open_invoices]
            totals = {document_claim(o.document_number): o.total for o in open_invoices}
            issued_on = {document_claim(o.document_number): o.issue_date for o in open_invoices}
        entry = allocation_entry(
            new_id(),
            payment_id,
            recipient,
            payment.amount,
            on,
            payment.kid,
            targets,
            paid_on=payment.paid_on,
            issued_on=issued_on,
        )
        after = balances_after({t.claim: t for t in targets}, [entry])
        applied = tuple(
            (_number(t.claim), t.total - after[t.claim].total) for t in targets if after[t.claim] != t
        )
        settled = tuple(n for n, _ in applied if after[document_claim(n)].total.ore == 0)
        uow.ledger.post([entry], uow.now())
        first = applied[0][0] if applied else invoice_number
        uow.payments.set_state(payment_id, PaymentState.ALLOCATED, recipient, first)
        uow.record(
            PaymentReceived(
                payment_id,
                recipient,
                payment.kid,
                payment.amount,
                payment.paid_on,
                first,
                PaymentState.ALLOCATED,
                Money(sum(m.ore for _, m in applied)),
            )
        )
        for number in settled:
            uow.record(InvoicePaid(number, recipient, on, totals[document_claim(number)]))
        uow.commit()
    credit = payment.amount - Money(sum(m.ore for _, m in applied))
    return Allocation(payment_id, recipient, applied, credit, settled)


def _number(claim: str) -> int:
    number = claim_document_number(claim)
    assert number is not None, f"{claim} is not a document's claim"
    return number


def bank_account_problem(bank_account: str) -> str:
    """Why a Norwegian bank account number (11 digits, MOD11; dots and spaces allowed) is not valid, or ""."""
    try:
        kontonr.validate(bank_account)
    except ValidationError as problem:
        return f"{bank_account!r} is not a valid Norwegian bank account number ({problem})"
    return ""


def refund_credit(
    uow: BillingUnitOfWork,
    account_id: str,
    bank_account: str,
    on: date,
    amount: Money | None = None,
) -> Refund:
    """Pays a recipient's credit (credit notes, overpayments: oldest claim first) back to `bank_account`;
    all of it, or `amount`. Raises InvalidInput naming bank_account (not a valid account number) and/or
    amount (not positive, or more than the credit), or refunded_on (before that credit arose), NotFound
    for an unknown recipient and FailedPrecondition when it has no credit."""
    violations = Violations()
    problem = bank_account_problem(bank_account)
    if problem:
        violations.add("bank_account", problem)
    if amount is not None and amount.ore <= 0:
        violations.add(
            "amount",
            f"is {amount.kroner()}: a refund is above 0 kr (leave it out to refund the whole credit)",
        )
    violations.raise_if_any()
    with uow:
        account = uow.accounts.get(account_id)
        if account is None:
            raise NotFound(f"no recipient {account_id}")
        credits = uow.ledger.credits([account_id])
        available = Money(-sum(c.total.ore for c in credits))
        if available.ore <= 0:
            # Named as officers know recipients: by customer number (the internal id means nothing to them).
            raise FailedPrecondition(f"customer {account.customer_number} has no credit to refund")
        if amount is not None and amount.ore > available.ore:
            raise InvalidInput.single(
                "amount", f"{amount.kroner()} is more than the recipient's credit of {available.kroner()}"
            )
        paid = amount if amount is not None else available
        _refuse_a_refund_before_its_credit(uow, account_id, paid, on)
        formatted = kontonr.format(bank_account)
        entry = refund_entry(new_id(), on, account_id, credits, paid, formatted)
        uow.ledger.post([entry], uow.now())
        uow.commit()
    return Refund(entry.entry_id, account_id, paid, formatted, on)


def _refuse_a_refund_before_its_credit(
    uow: BillingUnitOfWork, account_id: str, paid: Money, on: date
) -> None:
    """InvalidInput (refunded_on) when the credit refunded was not there yet on `on`: money is paid back
    only after it came in; the message names the first day the credit was enough."""
    then = Money(-sum(c.total.ore for c in uow.ledger.credits([account_id], as_of=on)))
    if paid.ore <= then.ore:
        return
    later = sorted(
        {row.posted_on for row in uow.ledger.statement_rows(account_id, date.max) if row.posted_on > on}
    )
    since = next(
        (
            day
            for day in later
            if -sum(c.total.ore for c in uow.ledger.credits([account_id], as_of=day)) >= paid.ore
        ),
        None,
    )
    when = f"; it was there from {since.isoformat()}" if since is not None else ""
    raise InvalidInput.single(
        "refunded_on",
        f"{on.isoformat()} is before the credit refunded arose: the recipient's credit that day was "
        f"{then.kroner()}, not {paid.kroner()}{when}",
    )


def write_off(uow: BillingUnitOfWork, invoice_number: int, on: date, reason: str) -> WriteOff:
    """Writes off what is open on an invoice (every component) to bad debt. Raises InvalidInput (reason)
    without a reason, or (written_off_on) for a day before the invoice was issued, NotFound for an unknown
    invoice and FailedPrecondition when nothing is open."""
    reason = reason.strip()
    if not reason or len(reason) > _WRITE_OFF_REASON_MAX:
        raise InvalidInput.single("reason", f"say why, in 1 to {_WRITE_OFF_REASON_MAX} characters")
    problems = Violations()
    if not check_free_text(problems, "reason", reason, _WRITE_OFF_REASON_MAX):  # posted and shown: no ids
        problems.raise_if_any()
    with uow:
        invoice = uow.invoices.by_number(invoice_number)
        if invoice is None or invoice.kind != INVOICE:
            raise NotFound(f"no invoice {invoice_number}")
        if on < invoice.issue_date:
            raise InvalidInput.single(
                "written_off_on",
                f"{on.isoformat()} is before invoice {invoice_number} was issued "
                f"({invoice.issue_date.isoformat()}): it is written off on or after that day",
            )
        claim = document_claim(invoice_number)
        balance = uow.ledger.claim_balances([claim]).get(claim, ClaimBalance(claim, invoice.account_id))
        entry = write_off_entry(new_id(), on, balance, reason)
        if entry is None:
            raise FailedPrecondition(f"nothing is open on invoice {invoice_number} to write off")
        uow.ledger.post([entry], uow.now())
        uow.commit()
    parts = tuple((c, balance.of(c)) for c in COVER_ORDER if balance.of(c).ore > 0)
    return WriteOff(
        entry.entry_id,
        invoice_number,
        invoice.account_id,
        Money(sum(m.ore for _, m in parts)),
        parts,
        on,
        reason,
    )
