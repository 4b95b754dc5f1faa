"""EHF invoices (Peppol BIS Billing 3.0, UBL 2.1) for recipients that are organisations.

Property tax and other charges without VAT are VAT category E (exempt, with the reason); fees with VAT
are category S at their rate. VAT is summed per category and rate, as EN 16931 computes it.
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from services.billing.domain.billing_run import CREDIT_NOTE, Invoice
from services.billing.domain.document_parties import RecipientSnapshot
from services.billing.domain.seller import Seller
from services.platform.money import Money

_ROOT_NS = {
    "Invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "CreditNote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}
_NS: dict[str | None, str] = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
_CAC = "{" + _NS["cac"] + "}"
_CBC = "{" + _NS["cbc"] + "}"
CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
EXEMPTION_REASON = "Eiendomsskatt og gebyrer uten merverdiavgift"


def _add(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, (_CAC if prefix == "cac" else _CBC) + name, attributes)
    if text is not None:
        element.text = text
    return element


def _amount(parent: etree._Element, tag: str, money: Money) -> None:
    _add(parent, tag, f"{money.nok}", currencyID="NOK")


def _category(parent: etree._Element, tag: str, rate: Decimal) -> None:
    category = _add(parent, tag)
    _add(category, "cbc:ID", "S" if rate else "E")
    _add(category, "cbc:Percent", f"{rate * 100:.2f}".rstrip("0").rstrip("."))
    if tag == "cac:TaxCategory" and not rate:
        _add(category, "cbc:TaxExemptionReason", EXEMPTION_REASON)
    _add(_add(category, "cac:TaxScheme"), "cbc:ID", "VAT")


def _party(
    parent: etree._Element, name: str, org: str, street: str, postcode: str, city: str
) -> etree._Element:
    party = _add(parent, "cac:Party")
    _add(party, "cbc:EndpointID", org, schemeID="0192")
    _add(_add(party, "cac:PartyName"), "cbc:Name", name)
    address = _add(party, "cac:PostalAddress")
    if street:
        _add(address, "cbc:StreetName", street)
    if city:
        _add(address, "cbc:CityName", city)
    if postcode:
        _add(address, "cbc:PostalZone", postcode)
    _add(_add(address, "cac:Country"), "cbc:IdentificationCode", "NO")
    return party


def _item_name(description: str, property_id: str, recipient: RecipientSnapshot) -> str:
    """'Eiendomsskatt 2024, Storgata 1, 0155 Oslo (gnr/bnr 208/1), andel 1/2' when the invoice kept how
    it names its properties; as documents issued before that said it otherwise ('…, eiendom <id>')."""
    shown = recipient.property(property_id)
    if shown is None:
        return f"{description}, eiendom {property_id}"
    return ", ".join(part for part in (description, shown.label(), shown.share()) if part)


def ehf_invoice(
    invoice: Invoice, recipient: RecipientSnapshot, seller: Seller, prepaid: Money = Money(0)
) -> bytes:
    """An Invoice (type 380), or for a credit note a CreditNote (type 381) whose amounts are positive:
    what the recipient is credited. Either may refer to the recipient's earlier invoice it corrects.
    `prepaid`: what the recipient's credits paid of the invoice when it was issued (set off then); an
    invoice with some states it as PrepaidAmount and asks for the rest (BR-CO-16). Nothing in it depends
    on when it is rendered: the same invoice, parties and prepaid amount give the same bytes."""
    if not recipient.organisation_number:
        raise ValueError("EHF goes to organisations: the recipient has no organisation number")
    credit = invoice.kind == CREDIT_NOTE
    sign = -1 if credit else 1
    name = "CreditNote" if credit else "Invoice"
    namespaces: dict[str | None, str] = {None: _ROOT_NS[name], **_NS}
    root = etree.Element(name, nsmap=namespaces)
    _add(root, "cbc:CustomizationID", CUSTOMIZATION_ID)
    _add(root, "cbc:ProfileID", PROFILE_ID)
    _add(root, "cbc:ID", str(invoice.invoice_number))
    _add(root, "cbc:IssueDate", invoice.issue_date.isoformat())
    if credit:
        _add(root, "cbc:CreditNoteTypeCode", "381")
        note = "Kreditnota: eiendomsskatt og kommunale gebyrer som er fakturert for mye."
    else:
        _add(root, "cbc:DueDate", invoice.due_date.isoformat())
        _add(root, "cbc:InvoiceTypeCode", "380")
        note = f"Eiendomsskatt og kommunale gebyrer. KID {invoice.kid}."
    _add(root, "cbc:Note", note)
    _add(root, "cbc:DocumentCurrencyCode", "NOK")
    # The buyer's reference is the customer number the invoice kept at issue (the one on the PDF and the
    # one the recipient quotes); invoices issued before it was kept name the account as they always did.
    buyer_reference = recipient.customer_number or invoice.account_id
    _add(root, "cbc:BuyerReference", str(buyer_reference))
    period = _add(root, "cac:InvoicePeriod")
    _add(period, "cbc:StartDate", invoice.period.start.isoformat())
    _add(
        period,
        "cbc:EndDate",
        (invoice.period.end.fromordinal(invoice.period.end.toordinal() - 1)).isoformat(),
    )
    if invoice.corrects:
        reference = _add(_add(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        _add(reference, "cbc:ID", str(invoice.corrects))

    supplier = _party(
        _add(root, "cac:AccountingSupplierParty"),
        seller.name,
        seller.organisation_number,
        seller.street,
        seller.postcode,
        seller.city,
    )
    tax_scheme = _add(supplier, "cac:PartyTaxScheme")
    _add(tax_scheme, "cbc:CompanyID", seller.vat_number)
    _add(_add(tax_scheme, "cac:TaxScheme"), "cbc:ID", "VAT")
    legal = _add(supplier, "cac:PartyLegalEntity")
    _add(legal, "cbc:RegistrationName", seller.name)
    _add(legal, "cbc:CompanyID", seller.organisation_number, schemeID="0192")

    customer = _party(
        _add(root, "cac:AccountingCustomerParty"),
        recipient.name,
        recipient.organisation_number,
        recipient.address_line,
        recipient.postcode,
        recipient.city,
    )
    legal = _add(customer, "cac:PartyLegalEntity")
    _add(legal, "cbc:RegistrationName", recipient.name)
    _add(legal, "cbc:CompanyID", recipient.organisation_number, schemeID="0192")

    if not credit:
        means = _add(root, "cac:PaymentMeans")
        _add(means, "cbc:PaymentMeansCode", "30")
        _add(means, "cbc:PaymentID", invoice.kid)
        _add(_add(means, "cac:PayeeFinancialAccount"), "cbc:ID", seller.bank_account)

    by_rate: dict[Decimal, int] = {}
    for line in invoice.lines:
        by_rate[line.vat_rate] = by_rate.get(line.vat_rate, 0) + sign * line.amount.ore
    taxes = {rate: Money.rounded(Money(ore).nok * rate) for rate, ore in sorted(by_rate.items())}
    tax_total = _add(root, "cac:TaxTotal")
    _amount(tax_total, "cbc:TaxAmount", Money(sum(t.ore for t in taxes.values())))
    for rate, ore in sorted(by_rate.items()):
        subtotal = _add(tax_total, "cac:TaxSubtotal")
        _amount(subtotal, "cbc:TaxableAmount", Money(ore))
        _amount(subtotal, "cbc:TaxAmount", taxes[rate])
        _category(subtotal, "cac:TaxCategory", rate)

    net = Money(sum(by_rate.values()))
    gross = net + Money(sum(t.ore for t in taxes.values()))
    totals = _add(root, "cac:LegalMonetaryTotal")
    _amount(totals, "cbc:LineExtensionAmount", net)
    _amount(totals, "cbc:TaxExclusiveAmount", net)
    _amount(totals, "cbc:TaxInclusiveAmount", gross)
    if not credit and prepaid.ore > 0:
        _amount(totals, "cbc:PrepaidAmount", prepaid)
        _amount(totals, "cbc:PayableAmount", gross - prepaid)
    else:
        _amount(totals, "cbc:PayableAmount", gross)

    for number, line in enumerate(invoice.lines, start=1):
        amount = Money(sign * line.amount.ore)
        element = _add(root, "cac:CreditNoteLine" if credit else "cac:InvoiceLine")
        _add(element, "cbc:ID", str(number))
        # A line against the document's direction is a negative quantity at a positive price (EN 16931:
        # prices are never negative).
        quantity = "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity"
        _add(element, quantity, "-1" if amount.ore < 0 else "1", unitCode="C62")
        _amount(element, "cbc:LineExtensionAmount", amount)
        line_period = _add(element, "cac:InvoicePeriod")
        _add(line_period, "cbc:StartDate", line.period.start.isoformat())
        _add(
            line_period,
            "cbc:EndDate",
            line.period.end.fromordinal(line.period.end.toordinal() - 1).isoformat(),
        )
        item = _add(element, "cac:Item")
        _add(item, "cbc:Name", _item_name(line.description, line.property_id, recipient)[:200])
        _category(item, "cac:ClassifiedTaxCategory", line.vat_rate)
        _amount(_add(element, "cac:Price"), "cbc:PriceAmount", Money(abs(line.amount.ore)))
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
