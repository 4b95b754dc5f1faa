"""Domain events of collection: payments booked, invoices settled, reminders sent, claims handed over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.billing.domain.payments import PaymentState
from services.platform.money import Money


@dataclass(frozen=True)
class PaymentReceived:
    payment_id: str
    account_id: str  # "" while not identified
    kid: str
    amount: Money
    paid_on: date
    invoice_number: int | None
    state: PaymentState
    applied: Money  # of the amount, what was applied to the invoice


@dataclass(frozen=True)
class InvoicePaid:
    invoice_number: int
    account_id: str
    paid_on: date  # the business date of the payment or set-off that settled it
    total: Money  # as issued


@dataclass(frozen=True)
class ReminderIssued:
    invoice_number: int
    account_id: str
    step: str  # "reminder" or "collection_notice" (domain/reminders.py)
    sequence: int
    issued_on: date
    due_on: date
    open_amount: Money
    fee: Money
    run_id: str


@dataclass(frozen=True)
class HandedToEnforcement:
    invoice_number: int
    account_id: str
    handed_over_on: date
    principal: Money
    fees: Money
    interest: Money
    secured_by_lien: bool
    property_ids: tuple[str, ...]
    run_id: str
