"""Billing's domain events as the protobuf payloads its outbox publishes (the SQL unit of work maps them)."""

from __future__ import annotations

from google.protobuf.message import Message

from propertytax.billing.v1 import events_pb2
from propertytax.platform.v1 import money_pb2
from services.billing.domain.billing_run import BillingRunCompleted, CreditNoteIssued, Invoice, InvoiceIssued
from services.billing.domain.collection_events import (
    HandedToEnforcement,
    InvoicePaid,
    PaymentReceived,
    ReminderIssued,
)
from services.billing.domain.payments import PaymentState
from services.platform.money import Money

PROPERTY_TAX = "property_tax"  # the code of a property tax line (application/term_plan.py)


def property_taxes(invoice: Invoice) -> list[events_pb2.InvoicedPropertyTax]:
    """The (property, tax year) of each property tax the invoice carries, from its property tax lines (a
    line's period lies within its tax year), sorted."""
    carried = sorted(
        {(line.property_id, line.period.start.year) for line in invoice.lines if line.code == PROPERTY_TAX}
    )
    return [events_pb2.InvoicedPropertyTax(property_id=p, tax_year=y) for p, y in carried]


def event_to_proto(event: object) -> tuple[str, Message]:
    if isinstance(event, InvoiceIssued):
        invoice = event.invoice
        return invoice.account_id, events_pb2.InvoiceIssued(
            invoice_number=invoice.invoice_number,
            kid=invoice.kid,
            account_id=invoice.account_id,
            property_ids=invoice.property_ids,
            issue_date=invoice.issue_date.isoformat(),
            due_date=invoice.due_date.isoformat(),
            total=money_pb2.Money(ore=invoice.total.ore),
            run_id=invoice.run_id,
            supplements_invoice_number=invoice.corrects or 0,
            property_taxes=property_taxes(invoice),
        )
    if isinstance(event, CreditNoteIssued):
        note = event.credit_note
        return note.account_id, events_pb2.CreditNoteIssued(
            credit_note_number=note.invoice_number,
            account_id=note.account_id,
            property_ids=note.property_ids,
            issue_date=note.issue_date.isoformat(),
            credited=money_pb2.Money(ore=-note.total.ore),
            corrects_invoice_number=note.corrects or 0,
            run_id=note.run_id,
            tax_years=sorted({line.period.start.year for line in note.lines}),
        )
    if isinstance(event, BillingRunCompleted):
        run = event.run
        return run.run_id, events_pb2.BillingRunCompleted(
            run_id=run.run_id,
            year=run.year,
            month=run.month,
            invoices=run.invoices,
            below_minimum=run.below_minimum,
            total=money_pb2.Money(ore=run.total.ore),
            credit_notes=run.credit_notes,
        )
    collection = _collection_event(event)
    if collection is not None:
        return collection
    raise TypeError(f"no event mapping for {type(event).__name__}")


_PAYMENT_STATES = {
    PaymentState.MATCHED: events_pb2.PAYMENT_STATE_MATCHED,
    PaymentState.UNMATCHED: events_pb2.PAYMENT_STATE_UNMATCHED,
    PaymentState.ALLOCATED: events_pb2.PAYMENT_STATE_ALLOCATED,
}
_STEPS = {
    "reminder": events_pb2.COLLECTION_STEP_REMINDER,
    "collection_notice": events_pb2.COLLECTION_STEP_COLLECTION_NOTICE,
}


def _money(amount: Money) -> money_pb2.Money:
    return money_pb2.Money(ore=amount.ore)


def _collection_event(event: object) -> tuple[str, Message] | None:
    # Subject: the recipient, so one recipient's payments, reminders and hand-overs stay in order; an
    # unidentified payment is keyed by its own id.
    if isinstance(event, PaymentReceived):
        return event.account_id or event.payment_id, events_pb2.PaymentReceived(
            payment_id=event.payment_id,
            account_id=event.account_id,
            kid=event.kid,
            amount=_money(event.amount),
            paid_on=event.paid_on.isoformat(),
            invoice_number=event.invoice_number or 0,
            state=_PAYMENT_STATES.get(event.state, events_pb2.PAYMENT_STATE_UNSPECIFIED),
            applied=_money(event.applied),
        )
    if isinstance(event, InvoicePaid):
        return event.account_id, events_pb2.InvoicePaid(
            invoice_number=event.invoice_number,
            account_id=event.account_id,
            paid_on=event.paid_on.isoformat(),
            total=_money(event.total),
        )
    if isinstance(event, ReminderIssued):
        return event.account_id, events_pb2.ReminderIssued(
            invoice_number=event.invoice_number,
            account_id=event.account_id,
            step=_STEPS.get(event.step, events_pb2.COLLECTION_STEP_UNSPECIFIED),
            sequence=event.sequence,
            issued_on=event.issued_on.isoformat(),
            due_on=event.due_on.isoformat(),
            open_amount=_money(event.open_amount),
            fee=_money(event.fee),
            run_id=event.run_id,
        )
    if isinstance(event, HandedToEnforcement):
        return event.account_id, events_pb2.HandedToEnforcement(
            invoice_number=event.invoice_number,
            account_id=event.account_id,
            handed_over_on=event.handed_over_on.isoformat(),
            principal=_money(event.principal),
            fees=_money(event.fees),
            interest=_money(event.interest),
            secured_by_lien=event.secured_by_lien,
            property_ids=list(event.property_ids),
            run_id=event.run_id,
        )
    return None
