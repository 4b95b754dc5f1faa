"""The offline EHF validator against the official Peppol BIS Billing 3.0 examples and broken copies of them.

Needs the rule files in infra/ehf/assets (infra/ehf/fetch.sh, `make ehf-rules`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from services.billing.adapters.ehf_validation import EhfRulesMissing, EhfValidator, Finding, is_valid

FORMATS = Path(__file__).resolve().parents[2] / "data" / "formats"
NORWEGIAN = "peppol_Norwegian-example-1.xml"
CREDIT_NOTE = "peppol_base-creditnote-correction.xml"


@pytest.fixture(scope="module")
def validator() -> Iterator[EhfValidator]:
    checker = EhfValidator()  # loads the schemas and compiles the rules once for the module
    yield checker
    checker.close()


def _example(name: str) -> str:
    return (FORMATS / name).read_text(encoding="utf-8")


def _broken(name: str, old: str, new: str) -> bytes:
    text = _example(name)
    assert text.count(old) == 1, f"{old!r} must occur once in {name}"
    return text.replace(old, new).encode("utf-8")


def _describe(findings: list[Finding]) -> list[str]:
    return [f"{f.flag} {f.rule_id} @ {f.location}: {f.text}" for f in findings]


@pytest.mark.parametrize("name", ["peppol_base-example.xml", NORWEGIAN, CREDIT_NOTE])
def test_official_examples_are_valid(validator: EhfValidator, name: str) -> None:
    findings = validator.validate_file(FORMATS / name)

    assert is_valid(findings), _describe(findings)


@pytest.mark.parametrize(
    ("name", "old", "new", "rule_id"),
    [
        pytest.param(
            NORWEGIAN,
            '<cbc:PayableAmount currencyID="NOK">802.00<',
            '<cbc:PayableAmount currencyID="NOK">999.00<',
            "BR-CO-16",
            id="payable-amount-not-the-sum",
        ),
        pytest.param(
            NORWEGIAN,
            "poacc:billing:3.0</cbc:CustomizationID>",
            "poacc:billing:9.9</cbc:CustomizationID>",
            "PEPPOL-EN16931-R004",
            id="unknown-customization-id",
        ),
        pytest.param(
            NORWEGIAN,
            '<cbc:EndpointID schemeID="0192">123456785<',
            '<cbc:EndpointID schemeID="0192">123456789<',
            "PEPPOL-COMMON-R041",
            id="organisation-number-checksum",
        ),
        pytest.param(
            CREDIT_NOTE,
            "<cbc:CreditNoteTypeCode>381<",
            "<cbc:CreditNoteTypeCode>999<",
            "BR-CL-01",
            id="unknown-credit-note-type",
        ),
        pytest.param(
            NORWEGIAN,
            "<cbc:ProfileID>",
            "<cbc:Bogus>x</cbc:Bogus><cbc:ProfileID>",
            "SCHEMAV_ELEMENT_CONTENT",
            id="unknown-element-breaks-the-schema",
        ),
    ],
)
def test_broken_documents_are_invalid_with_the_rule_broken(
    validator: EhfValidator, name: str, old: str, new: str, rule_id: str
) -> None:
    findings = validator.validate_bytes(_broken(name, old, new))

    assert not is_valid(findings)
    assert any(f.rule_id == rule_id and f.flag == "fatal" for f in findings), _describe(findings)


def test_a_warning_does_not_make_a_document_invalid(validator: EhfValidator) -> None:
    # A Norwegian seller must say it is registered in Foretaksregisteret (NO-R-002), but only as a warning.
    data = _broken(NORWEGIAN, "<cbc:CompanyID>Foretaksregisteret<", "<cbc:CompanyID>Noe annet<")

    findings = validator.validate_bytes(data)

    assert any(f.rule_id == "NO-R-002" and f.flag == "warning" for f in findings), _describe(findings)
    assert is_valid(findings)


def test_norwegian_letters_pass_through_unchanged(validator: EhfValidator) -> None:
    data = _broken(NORWEGIAN, "<cbc:Name>The Buyercompany<", "<cbc:Name>Bærum kommune – Eiendomsskatt Ø<")

    assert is_valid(validator.validate_bytes(data))


def test_a_document_that_is_not_xml_or_not_ubl_is_invalid(validator: EhfValidator) -> None:
    assert [f.rule_id for f in validator.validate_bytes(b"<Invoice>")] == ["XML-SYNTAX"]
    assert [f.rule_id for f in validator.validate_bytes(b"<Order xmlns='urn:x'/>")] == ["UBL-ROOT"]
    doctype = b'<!DOCTYPE Invoice [<!ENTITY x "y">]><Invoice/>'
    assert [f.rule_id for f in validator.validate_bytes(doctype)] == ["XML-DOCTYPE"]


def test_missing_rules_name_the_command_that_fetches_them(tmp_path: Path) -> None:
    with pytest.raises(EhfRulesMissing, match=r"infra/ehf/fetch\.sh or make ehf-rules"):
        EhfValidator(tmp_path)


def test_our_own_ehf_invoices_pass_the_same_rules(validator: EhfValidator) -> None:
    from datetime import date
    from decimal import Decimal

    from services.billing.adapters.ehf_document import ehf_invoice
    from services.billing.domain.account import Account, Channel, RecipientKind
    from services.billing.domain.billing_run import Invoice
    from services.billing.domain.document_parties import RecipientSnapshot
    from services.billing.domain.intervals import Period
    from services.billing.domain.invoice_plan import ChargeLine, InvoiceDraft
    from services.billing.domain.seller import Seller
    from services.platform.money import Money

    q1 = Period(date(2024, 1, 1), date(2024, 4, 1))
    lines = (
        ChargeLine("0301-208/1/0/0", "property_tax", "Eiendomsskatt 2024", q1, Money.of("6475.00")),
        ChargeLine(
            "0301-208/1/0/0", "water_consumption", "Vann, forbruk", q1, Money.of("511.88"), Decimal("0.25")
        ),
        ChargeLine(
            "0301-209/2/0/0", "property_tax", "Eiendomsskatt 2024, korrigert", q1, Money.of("-120.00")
        ),
    )
    draft = InvoiceDraft("owner-abc", q1, lines)
    invoice = Invoice(
        invoice_number=1042,
        kind="invoice",
        run_id="r1",
        account_id="owner-abc",
        channel=Channel.EHF,
        kid="000000000104200",
        issue_date=date(2024, 1, 10),
        due_date=date(2024, 1, 31),
        period=q1,
        lines=lines,
        net=draft.net,
        vat=draft.total - draft.net,
        total=draft.total,
    )
    account = Account(
        "owner-abc",
        RecipientKind.ORGANISATION,
        "Eiendom AS",
        "974683520",
        "Storgata 1",
        "0155",
        "Oslo",
        Channel.EHF,
    )
    seller = Seller(
        "Oslo kommune",
        "974760673",
        "NO974760673MVA",
        "Postboks 1",
        "0037",
        "Oslo",
        "12345678903",
        "Klag innen seks uker",
    )
    recipient = RecipientSnapshot.of(account)
    document = ehf_invoice(invoice, recipient, seller)
    findings = validator.validate_bytes(document)
    assert is_valid(findings), [f for f in findings if f.flag == "fatal"]
    assert (
        b'<cbc:PayableAmount currencyID="NOK">6994.85</cbc:PayableAmount>' in document
    )  # 6866.88 + 127.97 VAT
    credit_lines = (
        ChargeLine("0301-208/1/0/0", "property_tax", "Eiendomsskatt 2024", q1, Money.of("-3237.50")),
        ChargeLine(
            "0301-208/1/0/0", "water_consumption", "Vann, forbruk", q1, Money.of("-100.00"), Decimal("0.25")
        ),
    )
    credit = InvoiceDraft("owner-abc", q1, credit_lines)
    credit_note = replace(
        invoice,
        invoice_number=1043,
        kind="credit_note",
        kid="000000000104301",
        lines=credit_lines,
        net=credit.net,
        vat=credit.total - credit.net,
        total=credit.total,
        corrects=1042,
    )
    document = ehf_invoice(credit_note, recipient, seller)
    findings = validator.validate_bytes(document)
    assert is_valid(findings), [f for f in findings if f.flag == "fatal"]
    root = etree.fromstring(document)
    assert etree.QName(root).localname == "CreditNote"
    assert b"<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>" in document
    assert b'<cbc:PayableAmount currencyID="NOK">3362.50</cbc:PayableAmount>' in document  # 3337.50 + 25 VAT
    assert b"<cbc:ID>1042</cbc:ID>" in document  # the invoice it corrects


def test_our_ehf_names_the_buyers_address_and_the_properties_as_issued(
    validator: EhfValidator,
) -> None:
    from datetime import date

    from services.billing.adapters.ehf_document import ehf_invoice
    from services.billing.domain.account import Channel
    from services.billing.domain.billing_run import Invoice
    from services.billing.domain.document_parties import PropertyOnDocument, RecipientSnapshot
    from services.billing.domain.intervals import Period
    from services.billing.domain.invoice_plan import ChargeLine, InvoiceDraft
    from services.billing.domain.seller import Seller
    from services.platform.money import Money

    q2 = Period(date(2024, 4, 1), date(2024, 7, 1))
    lines = (ChargeLine("0301-208/1/0/0", "property_tax", "Eiendomsskatt 2024", q2, Money.of("560.00")),)
    draft = InvoiceDraft("org-1", q2, lines)
    invoice = Invoice(
        2001,
        "invoice",
        "r1",
        "org-1",
        Channel.EHF,
        "000000000200105",
        date(2024, 4, 5),
        date(2024, 4, 26),
        q2,
        lines,
        draft.net,
        draft.total - draft.net,
        draft.total,
    )
    shown = PropertyOnDocument("0301-208/1/0/0", "Storgata 1, 0155 Oslo", "0301-208/1/0/0", 1, 2)
    recipient = RecipientSnapshot("Eiendom AS", "974683520", "Kirkegata 5", "0153", "Oslo", 17, (shown,))
    seller = Seller(
        "Oslo kommune", "974760673", "NO974760673MVA", "Postboks 1", "0037", "Oslo", "12345678903", "Klag"
    )
    document = ehf_invoice(invoice, recipient, seller)
    findings = validator.validate_bytes(document)
    assert is_valid(findings), [f for f in findings if f.flag == "fatal"]
    ns = {
        "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
        "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    }
    address = etree.fromstring(document).find("cac:AccountingCustomerParty/cac:Party/cac:PostalAddress", ns)
    assert address is not None
    assert [(etree.QName(e).localname, e.text) for e in address.iter() if e.text and e.text.strip()] == [
        ("StreetName", "Kirkegata 5"),
        ("CityName", "Oslo"),
        ("PostalZone", "0153"),
        ("IdentificationCode", "NO"),
    ]
    name = etree.fromstring(document).find("cac:InvoiceLine/cac:Item/cbc:Name", ns)
    assert name is not None
    assert name.text == "Eiendomsskatt 2024, Storgata 1, 0155 Oslo (gnr/bnr 208/1), andel 1/2"
    # The buyer's reference is the customer number kept at issue (17), as on the PDF.
    assert etree.fromstring(document).findtext("cbc:BuyerReference", namespaces=ns) == "17"
