"""An invoice issued with a credit set off says so: the EHF states PrepaidAmount and asks for the rest
(BR-CO-16), the PDF shows the credit taken off and the lower amount to pay; the amount is kept with the
invoice at issue (invoice_prepaid, migration 0020), so the document renders the same whenever it is
rendered. An invoice without one renders as before.

The EHF part needs the rule files in infra/ehf/assets (infra/ehf/fetch.sh, `make ehf-rules`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from lxml import etree

from services.billing.adapters.ehf_document import ehf_invoice
from services.billing.adapters.ehf_validation import EhfValidator, is_valid
from services.billing.adapters.invoice_pdf import PREPAID_LABEL, invoice_pdf
from services.billing.adapters.run_documents import InvoiceDocuments
from services.billing.adapters.unit_of_work import SqlBillingUnitOfWork
from services.billing.domain.account import Channel
from services.billing.domain.billing_run import Invoice
from services.billing.domain.document_parties import DocumentParties, RecipientSnapshot
from services.billing.domain.intervals import Period
from services.billing.domain.invoice_plan import ChargeLine, InvoiceDraft
from services.billing.service import SPEC
from services.platform.db import create_db_engine, session_factory
from services.platform.migrations import upgrade_to_head
from services.platform.money import Money
from tests.integration.test_invoice_pdf import RECIPIENT, SELLER
from tests.pdf_text import pdf_text

Q2 = Period(date(2024, 4, 1), date(2024, 7, 1))
ORGANISATION = RecipientSnapshot("Eiendom AS", "974683520", "Kirkegata 5", "0153", "Oslo", 17)
NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


def _invoice(number: int = 3001, channel: Channel = Channel.EHF) -> Invoice:
    lines = (
        ChargeLine("0301-208/1/0/0", "property_tax", "Eiendomsskatt 2024", Q2, Money.of("6475.00")),
        ChargeLine("0301-208/1/0/0", "water_consumption", "Vann", Q2, Money.of("511.88"), Decimal("0.25")),
    )
    draft = InvoiceDraft("org-1", Q2, lines)
    return Invoice(
        number,
        "invoice",
        "r1",
        "org-1",
        channel,
        f"{number:015d}",
        date(2024, 4, 5),
        date(2024, 4, 26),
        Q2,
        lines,
        draft.net,
        draft.total - draft.net,
        draft.total,
    )


@pytest.fixture(scope="module")
def validator() -> Iterator[EhfValidator]:
    checker = EhfValidator()
    yield checker
    checker.close()


def _totals(document: bytes) -> dict[str, str]:
    totals = etree.fromstring(document).find("cac:LegalMonetaryTotal", NS)
    assert totals is not None
    return {etree.QName(e).localname: str(e.text) for e in totals}


@pytest.mark.parametrize("prepaid", [Money.of("1500.00"), Money.of("7114.85")], ids=["part", "all"])
def test_an_ehf_invoice_with_a_prepaid_amount_asks_for_the_rest_and_is_valid(
    validator: EhfValidator, prepaid: Money
) -> None:
    invoice = _invoice()
    assert invoice.total == Money.of("7114.85")  # 6986.88 + 127.97 VAT

    document = ehf_invoice(invoice, ORGANISATION, SELLER, prepaid)

    findings = validator.validate_bytes(document)
    assert is_valid(findings), [f for f in findings if f.flag == "fatal"]
    assert _totals(document) == {
        "LineExtensionAmount": "6986.88",
        "TaxExclusiveAmount": "6986.88",
        "TaxInclusiveAmount": "7114.85",
        "PrepaidAmount": f"{prepaid.nok}",
        "PayableAmount": f"{(invoice.total - prepaid).nok}",
    }


def test_an_ehf_invoice_without_a_prepaid_amount_is_as_before(validator: EhfValidator) -> None:
    invoice = _invoice()
    document = ehf_invoice(invoice, ORGANISATION, SELLER, Money(0))

    assert document == ehf_invoice(invoice, ORGANISATION, SELLER)
    assert b"PrepaidAmount" not in document
    assert _totals(document)["PayableAmount"] == "7114.85"
    assert is_valid(validator.validate_bytes(document))


def test_the_pdf_shows_the_credit_taken_off_and_the_lower_amount_to_pay() -> None:
    invoice = _invoice(channel=Channel.PRINT)

    text = pdf_text(invoice_pdf(invoice, RECIPIENT, SELLER, Money.of("1500.00")))

    assert f"{PREPAID_LABEL} -1 500,00 kr" in text
    assert "Sum 7 114,85 kr" in text
    assert "Å betale 5 614,85 kr" in text
    assert "Beløp å betale 5 614,85 kr" in text
    assert "Betal 5 614,85 kr til konto 1234.56.78903" in text
    assert "Du hadde 1 500,00 kr til gode fra før" in text


def test_a_pdf_paid_in_full_by_credits_says_there_is_nothing_to_pay() -> None:
    invoice = _invoice(channel=Channel.PRINT)

    text = pdf_text(invoice_pdf(invoice, RECIPIENT, SELLER, invoice.total))

    assert "Beløp å betale 0,00 kr" in text
    assert "du skal ikke betale noe" in text
    assert "Betal " not in text


def test_a_pdf_without_a_prepaid_amount_is_as_before() -> None:
    invoice = _invoice(channel=Channel.PRINT)
    before = invoice_pdf(invoice, RECIPIENT, SELLER)

    assert invoice_pdf(invoice, RECIPIENT, SELLER, Money(0)) == before
    text = pdf_text(before)
    assert PREPAID_LABEL not in text and "til gode" not in text
    assert "Beløp å betale 7 114,85 kr" in text


Make = Callable[[], SqlBillingUnitOfWork]


@pytest.fixture
def make(database_url: str) -> Make:
    upgrade_to_head(SPEC.migrations_dir, database_url)
    sessions = session_factory(create_db_engine(database_url))
    return lambda: SqlBillingUnitOfWork(sessions)


def test_the_prepaid_amount_is_kept_at_issue_and_every_rendering_shows_it(make: Make) -> None:
    paid_before = _invoice(3001)
    plain = replace(_invoice(3002), run_id="r2")
    with make() as uow:
        uow.invoices.add_many(
            [paid_before, plain], datetime(2024, 4, 5, tzinfo=UTC), {"org-1": ORGANISATION}, SELLER
        )
        uow.invoices.add_prepaid({3001: Money.of("1500.00"), 3002: Money(0)})
        uow.commit()

    with make() as uow:
        parties = uow.invoices.parties([3001, 3002])
    recipient = parties[3002].recipient  # as stored: with the properties the document names
    assert parties[3001] == DocumentParties(recipient, SELLER, Money.of("1500.00"))
    assert parties[3002] == DocumentParties(recipient, SELLER) and parties[3002].prepaid == Money(0)
    documents = InvoiceDocuments()
    assert documents.ehf(paid_before, parties[3001]) == ehf_invoice(
        paid_before, recipient, SELLER, Money.of("1500.00")
    )
    assert documents.pdf(paid_before, parties[3001]) == invoice_pdf(
        paid_before, recipient, SELLER, Money.of("1500.00")
    )
    assert documents.ehf(plain, parties[3002]) == ehf_invoice(plain, recipient, SELLER)
