"""Issue 10, case 6 end to end through the real broker: a 2024 levy handled years later, then billing's
first invoice carrying the 2024 tax; appeals learns of it from billing's InvoiceIssued on Kafka, and the
complaint deadline counts from that invoice's issue date instead of the day the levy was run."""

from __future__ import annotations

import grpc
import pytest

from propertytax.appeals.v1 import appeals_pb2, appeals_pb2_grpc
from propertytax.billing.v1 import billing_pb2, billing_pb2_grpc
from services.billing.adapters.orm import billing_properties, property_taxes
from services.client import Caller
from services.platform.auth import Role, TokenAuthority
from services.platform.clock import oslo_today
from services.platform.settings import Settings
from services.stack import Stack
from tests.e2e.scenario import (
    YEAR,
    count,
    give_postal_address,
    knows_account,
    levy,
    run_month,
    sole_owner,
    wait,
)

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

MUNICIPALITY = "5002"  # this test's own property ids
REGISTER = 12
ISSUED = f"{YEAR}-01-10"  # the first invoice with the year's tax


def test_billing_s_first_invoice_with_the_tax_sets_the_complaint_deadline(stack: Stack) -> None:
    tokens = TokenAuthority(Settings().auth_secret.get_secret_value())
    assessor = Caller(stack.target("assessment"), tokens.mint("e2e", [Role.ASSESSOR]), timeout=120)
    billing = Caller(stack.target("billing"), tokens.mint("e2e", [Role.BILLING_OFFICER]), timeout=120)
    appeals = Caller(stack.target("appeals"), tokens.mint("e2e", [Role.SECRETARIAT]), timeout=60)
    billing_api = billing_pb2_grpc.BillingServiceStub(billing.channel)
    appeals_api = appeals_pb2_grpc.AppealsServiceStub(appeals.channel)
    billing_url = stack.database_urls["billing"]

    # The levy of YEAR run today, without a business date: its bills are dated today.
    taxes = levy(assessor, REGISTER, MUNICIPALITY)
    property_id = max(taxes, key=lambda p: taxes[p])
    owner = sole_owner(assessor, property_id, 5002, "Ola Nordmann")
    appeals.call(
        appeals_api.SetTaxYearCalendar,
        appeals_pb2.SetTaxYearCalendarRequest(
            calendar=appeals_pb2.TaxYearCalendar(tax_year=YEAR, list_announced_on=f"{YEAR}-01-02")
        ),
    )

    def deadline() -> appeals_pb2.GetComplaintDeadlineResponse | None:
        try:
            found: appeals_pb2.GetComplaintDeadlineResponse = appeals.call(
                appeals_api.GetComplaintDeadline,
                appeals_pb2.GetComplaintDeadlineRequest(property_id=property_id, tax_year=YEAR),
            )
        except grpc.RpcError as exc:
            if exc.code() == grpc.StatusCode.NOT_FOUND:
                return None
            raise
        return found

    wait(lambda: deadline() is not None, 90, "appeals to learn of the tax base")
    before = deadline()
    assert before is not None and before.bill_dispatch_basis == appeals_pb2.DISPATCH_BASIS_LEVY
    assert before.bill_dispatched_on == oslo_today().isoformat()  # no invoice yet: the levy's own date

    mine = f"{MUNICIPALITY}-%"
    wait(
        lambda: (
            count(billing_url, billing_properties, billing_properties.c.property_id.like(mine)) == REGISTER
            and count(billing_url, property_taxes, property_taxes.c.property_id.like(mine)) == REGISTER
        ),
        90,
        "billing to receive the register and its tax bases",
    )
    wait(lambda: knows_account(billing, owner), 30, "billing to know the owner")
    # A paper invoice needs a postal address to be issued.
    give_postal_address(billing, owner)
    wait(
        lambda: any(
            h.account_id == owner
            for h in billing.call(
                billing_api.GetBillingProperty, billing_pb2.GetBillingPropertyRequest(property_id=property_id)
            ).property.holders
        ),
        30,
        "billing to record the holding",
    )
    run_month(billing, 1, ISSUED)
    (invoice,) = billing.call(
        billing_api.FindInvoices, billing_pb2.FindInvoicesRequest(account_id=owner)
    ).invoices
    assert invoice.issue_date == ISSUED

    def from_the_invoice() -> bool:
        found = deadline()
        return found is not None and found.bill_dispatch_basis == appeals_pb2.DISPATCH_BASIS_FIRST_INVOICE

    wait(from_the_invoice, 90, "appeals to learn of the first invoice from billing's events")
    after = deadline()
    assert after is not None
    # The later of the announcement (2 January) and the invoice (10 January), plus six weeks: 21 February.
    assert (after.bill_dispatched_on, after.deadline) == (ISSUED, f"{YEAR}-02-21")
