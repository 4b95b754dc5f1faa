"""Issue 12, item 1 end to end: an officer imports an owners file with the command line, and billing invoices
the owners without further commands — the paper invoice goes to the address in the file (not held for want
of one), by the channel and at the interval the file gave (monthly: January and February; the default
quarterly: January only), co-owners each for their half."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from devstack.scenario import (
    YEAR,
    billing_property,
    connect,
    levy_register,
    run_month,
    wait,
    wait_for_accounts,
)
from devstack.stack import Stack
from devstack.synthetic_register import synthetic_national_id, synthetic_organisation_number
from propertytax.assessment.v1 import assessment_pb2, assessment_pb2_grpc
from propertytax.billing.v1 import billing_pb2, billing_pb2_grpc
from services.cli import main
from services.client import Caller
from services.platform.auth import Role, TokenAuthority
from services.platform.settings import Settings
from tests.pdf_text import pdf_text

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

MUNICIPALITY = "5003"  # this test's own property ids
REGISTER = 12
FIRM = synthetic_organisation_number(5003)
KARI_ID, OLA_ID = synthetic_national_id(50031), synthetic_national_id(50032)


def test_owners_imported_from_a_file_are_invoiced_at_their_address(
    stack: Stack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tokens = TokenAuthority(Settings().auth_secret.get_secret_value())
    assessor_token = tokens.mint("e2e", [Role.ASSESSOR])
    assessor = Caller(stack.target("assessment"), assessor_token, timeout=120)
    billing = connect(stack, "billing", "e2e", Role.BILLING_OFFICER, timeout=120)
    billing_api = billing_pb2_grpc.BillingServiceStub(billing.channel)
    taxes = levy_register(assessor, REGISTER, MUNICIPALITY)
    sole, shared = sorted(taxes, key=lambda p: taxes[p])[-2:]

    owners = tmp_path / "owners.csv"
    owners.write_text(
        "property_id,from_date,share,owner_name,national_id,organisation_number,address,postcode,city,"
        "channel,interval\n"
        f"{sole},01.01.{YEAR},1,Kari Nordmann,{KARI_ID},,Storgata 1,0155,Oslo,print,monthly\n"
        f"{shared},{YEAR}-01-01,1/2,Ola Nordmann,{OLA_ID},,Kirkeveien 3,0368,Oslo,efaktura,\n"
        f"{shared},{YEAR}-01-01,1/2,Eiendom AS,,{FIRM},Postboks 5,0101,Oslo,,\n"
    )
    capsys.readouterr()
    command = ["assessment", "import", "owners", str(owners)]
    assert main([*command, "--target", stack.target("assessment"), "--token", assessor_token]) == 0
    assert capsys.readouterr().out.strip() == "Recorded 2 ownership changes for 2 properties (3 owners)."

    api = assessment_pb2_grpc.AssessmentServiceStub(assessor.channel)

    def owner_refs(property_id: str) -> dict[str, str]:
        found = assessor.call(api.GetProperty, assessment_pb2.GetPropertyRequest(property_id=property_id))
        return {o.name: o.owner_ref for o in found.owners}

    kari = owner_refs(sole)["Kari Nordmann"]
    ola, firm = owner_refs(shared)["Ola Nordmann"], owner_refs(shared)["Eiendom AS"]

    def holders(property_id: str) -> set[str]:
        found = billing_property(billing, property_id)
        return {h.account_id for h in found.holders} if found else set()

    wait_for_accounts(billing, [kari, ola, firm], 60, "billing to know the owners")
    wait(lambda: holders(sole) == {kari} and holders(shared) == {ola, firm}, 60, "billing to record holdings")

    def account(ref: str) -> billing_pb2.Account:
        found: billing_pb2.Account = billing.call(
            billing_api.GetAccount, billing_pb2.GetAccountRequest(account_id=ref)
        ).account
        return found

    kari_account = account(kari)
    assert (kari_account.address_line, kari_account.postcode, kari_account.city) == (
        "Storgata 1",
        "0155",
        "Oslo",
    )
    assert (kari_account.channel, kari_account.interval) == (
        billing_pb2.CHANNEL_PRINT,
        billing_pb2.INVOICE_INTERVAL_MONTHLY,
    )
    assert (account(ola).channel, account(ola).interval) == (
        billing_pb2.CHANNEL_EFAKTURA,
        billing_pb2.INVOICE_INTERVAL_QUARTERLY,
    )
    assert (account(firm).channel, account(firm).organisation_number) == (billing_pb2.CHANNEL_EHF, FIRM)

    run_month(billing, 1, f"{YEAR}-01-10", timeout=120)
    run_month(billing, 2, f"{YEAR}-02-12", timeout=120)

    def invoices(ref: str) -> list[billing_pb2.InvoiceSummary]:
        found = billing.call(
            billing_api.FindInvoices, billing_pb2.FindInvoicesRequest(account_id=ref)
        ).invoices
        return sorted(found, key=lambda i: i.invoice_number)

    kari_invoices = invoices(kari)
    assert [(i.issue_date, i.period_start) for i in kari_invoices] == [
        (f"{YEAR}-01-10", f"{YEAR}-01-01"),
        (f"{YEAR}-02-12", f"{YEAR}-02-01"),
    ]
    document = billing.call(
        billing_api.GetInvoiceDocument,
        billing_pb2.GetInvoiceDocumentRequest(
            invoice_number=kari_invoices[0].invoice_number, format=billing_pb2.DOCUMENT_FORMAT_PDF
        ),
    )
    text = pdf_text(document.content)
    assert "Kari Nordmann" in text and "Storgata 1" in text and "0155" in text and "Oslo" in text
    (ola_invoice,) = invoices(ola)  # quarterly: January to March on one invoice
    (firm_invoice,) = invoices(firm)
    assert firm_invoice.channel == billing_pb2.CHANNEL_EHF
    assert ola_invoice.total.ore + firm_invoice.total.ore > 0
    assert abs(ola_invoice.total.ore - firm_invoice.total.ore) <= 1  # half each, to the øre
    # The paper invoice names the customer number and the property by address and cadastral number,
    # with the co-owner's share, as they stood at issue.
    assert re.search(r"Kundenummer \d+", text) and "(gnr/bnr " in text, text
    ola_document = billing.call(
        billing_api.GetInvoiceDocument,
        billing_pb2.GetInvoiceDocumentRequest(
            invoice_number=ola_invoice.invoice_number, format=billing_pb2.DOCUMENT_FORMAT_PDF
        ),
    )
    assert "– andel 1/2" in pdf_text(ola_document.content)
