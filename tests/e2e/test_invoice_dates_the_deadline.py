"""Issue 10, case 6 end to end through the real broker: a 2024 levy handled years later, then billing's
first invoice carrying the 2024 tax; appeals learns of it from billing's InvoiceIssued on Kafka, and the
complaint deadline counts from that invoice's issue date instead of the day the levy was run."""

from __future__ import annotations

import pytest

from devstack.scenario import (
    YEAR,
    connect,
    levy_register,
    person,
    ready_to_invoice,
    record_owner,
    run_month,
    set_calendar,
    wait,
    wait_for_deadline,
)
from devstack.stack import Stack
from propertytax.appeals.v1 import appeals_pb2
from propertytax.billing.v1 import billing_pb2, billing_pb2_grpc
from services.platform.auth import Role
from services.platform.clock import oslo_today
from tests.e2e.checks import billing_has_register

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

MUNICIPALITY = "5002"  # this test's own property ids
REGISTER = 12
ISSUED = f"{YEAR}-01-10"  # the first invoice with the year's tax


def test_billing_s_first_invoice_with_the_tax_sets_the_complaint_deadline(stack: Stack) -> None:
    assessor = connect(stack, "assessment", "e2e", Role.ASSESSOR, timeout=120)
    billing = connect(stack, "billing", "e2e", Role.BILLING_OFFICER, timeout=120)
    appeals = connect(stack, "appeals", "e2e", Role.SECRETARIAT, timeout=60)
    billing_api = billing_pb2_grpc.BillingServiceStub(billing.channel)
    billing_url = stack.database_urls["billing"]

    # The levy of YEAR run today, without a business date: its bills are dated today.
    taxes = levy_register(assessor, REGISTER, MUNICIPALITY)
    property_id = max(taxes, key=lambda p: taxes[p])
    owner = record_owner(assessor, property_id, person(5002, "Ola Nordmann"))
    set_calendar(appeals, f"{YEAR}-01-02")
    before = wait_for_deadline(appeals, property_id, None, 90, "appeals to learn of the tax base")
    assert before.bill_dispatch_basis == appeals_pb2.DISPATCH_BASIS_LEVY
    assert before.bill_dispatched_on == oslo_today().isoformat()  # no invoice yet: the levy's own date

    wait(
        lambda: billing_has_register(billing_url, MUNICIPALITY, REGISTER),
        90,
        "billing to receive the register and its tax bases",
    )
    # A paper invoice needs a postal address to be issued.
    ready_to_invoice(billing, property_id, owner)
    run_month(billing, 1, ISSUED, timeout=120)
    (invoice,) = billing.call(
        billing_api.FindInvoices, billing_pb2.FindInvoicesRequest(account_id=owner)
    ).invoices
    assert invoice.issue_date == ISSUED

    after = wait_for_deadline(
        appeals,
        property_id,
        appeals_pb2.DISPATCH_BASIS_FIRST_INVOICE,
        90,
        "appeals to learn of the first invoice from billing's events",
    )
    # The later of the announcement (2 January) and the invoice (10 January), plus six weeks: 21 February.
    assert (after.bill_dispatched_on, after.deadline) == (ISSUED, f"{YEAR}-02-21")
