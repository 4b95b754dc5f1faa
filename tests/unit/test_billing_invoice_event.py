"""Billing's InvoiceIssued names the property taxes the invoice carries, from its property tax lines, so
that appeals can date each year's bill by its first invoice (issue 10, case 6)."""

from __future__ import annotations

from datetime import date

import pytest

from propertytax.billing.v1 import events_pb2
from services.billing.adapters.event_payloads import event_to_proto
from services.billing.domain.account import Channel
from services.billing.domain.billing_run import (
    BillingRun,
    BillingRunCompleted,
    Invoice,
    InvoiceIssued,
    RunState,
)
from services.billing.domain.intervals import Period
from services.billing.domain.invoice_plan import ChargeLine
from services.platform.money import Money

pytestmark = pytest.mark.unit

SPRING = Period(date(2024, 4, 1), date(2024, 7, 1))


def _invoice(*lines: ChargeLine) -> Invoice:
    total = Money(sum(line.amount.ore for line in lines))
    return Invoice(
        invoice_number=21,
        kind="invoice",
        run_id="run-1",
        account_id="owner-1",
        channel=Channel.PRINT,
        kid="000000212",
        issue_date=date(2024, 4, 5),
        due_date=date(2024, 4, 26),
        period=SPRING,
        lines=lines,
        net=total,
        vat=Money(0),
        total=total,
    )


def test_the_event_names_each_property_tax_the_invoice_carries_once() -> None:
    invoice = _invoice(
        ChargeLine("p2", "property_tax", "Eiendomsskatt 2024", SPRING, Money.of(100)),
        ChargeLine(
            "p1",
            "property_tax",
            "Eiendomsskatt 2024",
            Period(date(2024, 4, 1), date(2024, 5, 1)),
            Money.of(30),
        ),
        ChargeLine(
            "p1",
            "property_tax",
            "Eiendomsskatt 2024",
            Period(date(2024, 5, 1), date(2024, 7, 1)),
            Money.of(70),
        ),
        # A supplement for the year before carries that year's tax too.
        ChargeLine(
            "p1",
            "property_tax",
            "Eiendomsskatt 2023",
            Period(date(2023, 10, 1), date(2024, 1, 1)),
            Money.of(5),
        ),
        ChargeLine("p3", "waste", "Renovasjon", SPRING, Money.of(900)),
    )
    key, message = event_to_proto(InvoiceIssued(invoice))
    assert key == "owner-1" and isinstance(message, events_pb2.InvoiceIssued)
    assert [(t.property_id, t.tax_year) for t in message.property_taxes] == [
        ("p1", 2023),
        ("p1", 2024),
        ("p2", 2024),
    ]
    assert message.issue_date == "2024-04-05" and list(message.property_ids) == ["p1", "p2", "p3"]


def test_an_invoice_of_fees_only_carries_no_property_tax() -> None:
    _, message = event_to_proto(
        InvoiceIssued(_invoice(ChargeLine("p3", "waste", "Renovasjon", SPRING, Money.of(9))))
    )
    assert isinstance(message, events_pb2.InvoiceIssued) and not message.property_taxes


def test_a_completed_run_publishes_its_control_totals_with_the_credit_notes() -> None:
    run = BillingRun(
        run_id="run-4",
        year=2024,
        month=4,
        issue_date=date(2024, 4, 5),
        state=RunState.COMPLETED,
        invoices=58,
        credit_notes=2,
        below_minimum=1,
        total=Money(1_234_500),
    )
    subject, payload = event_to_proto(BillingRunCompleted(run))
    assert subject == "run-4"
    assert isinstance(payload, events_pb2.BillingRunCompleted)
    assert (payload.invoices, payload.credit_notes, payload.below_minimum) == (58, 2, 1)
    assert (payload.year, payload.month, payload.total.ore) == (2024, 4, 1_234_500)
