"""The invoice PDF says, in Norwegian, what, which property, which period, how to pay and how to complain."""

from __future__ import annotations

from datetime import date

from services.billing.adapters.invoice_pdf import invoice_pdf
from services.billing.domain.account import Account, Channel, RecipientKind
from services.billing.domain.billing_run import Invoice
from services.billing.domain.document_parties import RecipientSnapshot
from services.billing.domain.intervals import Period
from services.billing.domain.invoice_plan import ChargeLine, InvoiceDraft
from services.billing.domain.seller import Seller
from services.platform.money import Money

Q1 = Period(date(2024, 1, 1), date(2024, 4, 1))
ACCOUNT = Account(
    "owner-1", RecipientKind.PERSON, "Kari Nordmann", "", "Storgata 1", "0155", "Oslo", Channel.PRINT
)
RECIPIENT = RecipientSnapshot.of(ACCOUNT)
SELLER = Seller(
    "Oslo kommune",
    "974760673",
    "NO974760673MVA",
    "Postboks 1",
    "0037",
    "Oslo",
    "12345678903",
    "Skriv til oss innen seks uker.",
)


def test_a_persons_invoice_pdf() -> None:
    q1 = Q1
    lines = (ChargeLine("0301-208/1/0/0", "property_tax", "Eiendomsskatt 2024", q1, Money.of("1120.00")),)
    draft = InvoiceDraft("owner-1", q1, lines)
    invoice = Invoice(
        7,
        "invoice",
        "r1",
        "owner-1",
        Channel.PRINT,
        "000000000000070",
        date(2024, 1, 10),
        date(2024, 1, 31),
        q1,
        lines,
        draft.net,
        Money(0),
        draft.total,
    )
    pdf = invoice_pdf(invoice, RECIPIENT, SELLER, compress=False)
    assert pdf.startswith(b"%PDF")
    for text in (
        b"Faktura nr. 7",
        b"0301-208/1/0/0",
        b"Eiendomsskatt 2024",
        b"1 120,00 kr",
        b"000000000000070",
        b"1234.56.78903",
        b"31.01.2024",
        b"Er du uenig?",
        b"Slik betaler du",
    ):
        assert text in pdf, text


def test_a_credit_note_pdf_shows_what_is_credited_and_the_invoice_it_corrects() -> None:
    lines = (ChargeLine("0301-208/1/0/0", "property_tax", "Eiendomsskatt 2024", Q1, Money.of("-560.00")),)
    draft = InvoiceDraft("owner-1", Q1, lines)
    note = Invoice(
        9,
        "credit_note",
        "r2",
        "owner-1",
        Channel.PRINT,
        "000000000000090",
        date(2024, 4, 10),
        date(2024, 5, 2),
        Q1,
        lines,
        draft.net,
        Money(0),
        draft.total,
        corrects=7,
    )
    pdf = invoice_pdf(note, RECIPIENT, SELLER, compress=False)
    for text in (b"Kreditnota nr. 9", b"560,00 kr", b"Til gode", b"faktura nr. 7", b"Slik f"):
        assert text in pdf, text
    assert b"-560,00" not in pdf and b"Slik betaler du" not in pdf
