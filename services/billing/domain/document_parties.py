"""Who an issued document names: its recipient and its issuer, as they stood on the day it was issued.

An invoice number must always show the same address and the same bank account, however often its
document is rendered again. So both are copied when the invoice is issued and kept with it; a later move,
rename or new seller file reaches the next invoices, never the issued ones. The same holds for what the
document says about the recipient's properties (address, cadastral id, share) and its customer number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from services.billing.domain.account import Account, Channel
from services.billing.domain.fees import FeeLine, decimal_words
from services.billing.domain.seller import Seller
from services.platform.money import Money

# How a fee's quantity is counted, (one, many), by fee code; m³ is the same in both.
_UNITS = {
    "water_consumption": ("m³", "m³"),
    "sewage_consumption": ("m³", "m³"),
    "subscription": ("boenhet", "boenheter"),
    "waste": ("boenhet", "boenheter"),
    "chimney": ("pipe", "piper"),
}


_PER_M3 = {"water_consumption", "sewage_consumption"}  # priced per m³ used; the other fees per year


def fee_basis(fee: FeeLine) -> str:
    """A fee's year as quantity × unit price, the price with what it is per: '98,3 m³ × 13,40 kr per m³',
    '2 boenheter × 3 105,00 kr per år'; a fee charged at a part (half for a summer connection or no WC)
    says so: '… × 0,5'. Bases of invoices issued before the price said what it is per have no 'per': the
    document adds 'per år' to those, as it printed them (adapters/invoice_pdf.py)."""
    one, many = _UNITS.get(fee.code, ("stk.", "stk."))
    unit = one if fee.quantity == 1 else many
    per = "m³" if fee.code in _PER_M3 else "år"
    text = f"{decimal_words(fee.quantity)} {unit} × {fee.unit_price.kroner()} per {per}"
    whole = fee.quantity * fee.unit_price.nok
    if whole and fee.amount.nok != whole.quantize(Decimal("0.01")):
        part = (fee.amount.nok / whole).quantize(Decimal("0.01"))
        text += f" × {decimal_words(part)}"
    return text


_CADASTRAL = re.compile(r"^(\d{4})-(\d+)/(\d+)(?:/(\d+))?(?:/(\d+))?$")


def cadastral_words(cadastral_id: str) -> str:
    """'0301-208/1/0/0' → 'gnr/bnr 208/1'; a festenummer or section is added ('gnr/bnr 208/1, snr 3');
    text that is no cadastral id is shown as it is."""
    found = _CADASTRAL.match(cadastral_id.strip())
    if found is None:
        return cadastral_id.strip()
    _, gnr, bnr, fnr, snr = (int(part or 0) for part in found.groups())
    words = f"gnr/bnr {gnr}/{bnr}"
    if fnr:
        words += f", fnr {fnr}"
    if snr:
        words += f", snr {snr}"
    return words


@dataclass(frozen=True)
class PropertyOnDocument:
    """A property as an invoice names it, with the recipient's share of it when the invoice was issued."""

    property_id: str
    address: str
    cadastral_id: str
    share_numerator: int = 1
    share_denominator: int = 1
    bases: tuple[tuple[str, str], ...] = ()  # (fee code, "98,3 m³ × 13,40 kr") as reckoned at issue

    def basis(self, code: str) -> str:
        return next((text for c, text in self.bases if c == code), "")

    def label(self) -> str:
        """'Storgata 1, 0155 Oslo (gnr/bnr 208/1)'."""
        cadastral = cadastral_words(self.cadastral_id)
        if self.address and cadastral:
            return f"{self.address} ({cadastral})"
        return self.address or cadastral or self.property_id

    def share(self) -> str:
        """'andel 1/2' for a co-owner; nothing for the whole property."""
        if self.share_denominator <= 0 or self.share_numerator >= self.share_denominator:
            return ""
        return f"andel {self.share_numerator}/{self.share_denominator}"


@dataclass(frozen=True)
class RecipientSnapshot:
    """What a document shows of its recipient. Billing holds no personal identity numbers (an account
    is assessment's opaque owner reference), and a document needs none: persons are named and addressed.
    `customer_number` and `properties` are None and () on invoices issued before they were kept."""

    name: str
    organisation_number: str  # organisations only: their EHF endpoint (Peppol 0192) and legal id
    address_line: str
    postcode: str
    city: str
    customer_number: int | None = None
    properties: tuple[PropertyOnDocument, ...] = ()

    @classmethod
    def of(cls, account: Account) -> RecipientSnapshot:
        return cls(
            account.name,
            account.organisation_number,
            account.address_line,
            account.postcode,
            account.city,
            account.customer_number or None,
        )

    def property(self, property_id: str) -> PropertyOnDocument | None:
        return next((p for p in self.properties if p.property_id == property_id), None)


@dataclass(frozen=True)
class DocumentParties:
    recipient: RecipientSnapshot
    seller: Seller
    # What the recipient's credits paid of the invoice when it was issued (set off at issue): the document
    # shows it and asks for the rest. 0 for most, and for every invoice issued before it was kept.
    prepaid: Money = Money(0)


def delivered_as_ehf(channel: Channel, recipient: RecipientSnapshot) -> bool:
    """Whether a document reaches its recipient as EHF (XML): an organisation invoiced by EHF; everyone
    else gets a PDF."""
    return channel == Channel.EHF and bool(recipient.organisation_number)
