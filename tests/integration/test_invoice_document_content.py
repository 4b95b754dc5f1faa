"""What a person's invoice shows, and keeps showing: the address in the envelope window, the customer
number, each property by address and cadastral number with the recipient's share, the charges in the
order people read them, a payment box (amount, due date, KID, account), and metadata that names the
invoice, the seller and the issue date. What the document shows of the properties and the customer
number is frozen at issue (migration 0011): a later change of the property or the account does not reach
an issued invoice, and invoices issued before it render without these parts."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import insert, update

from services.billing.adapters.invoice_pdf import invoice_pdf
from services.billing.adapters.orm import billing_properties, holdings, invoice_parties
from services.billing.adapters.unit_of_work import SqlBillingUnitOfWork
from services.billing.domain.account import Account, Channel, RecipientKind
from services.billing.domain.billing_run import Invoice
from services.billing.domain.document_parties import (
    PropertyOnDocument,
    RecipientSnapshot,
    cadastral_words,
    fee_basis,
)
from services.billing.domain.fees import FeeLine, WaterSewageRates, water_and_sewage
from services.billing.domain.intervals import Period
from services.billing.domain.invoice_plan import ChargeLine, InvoiceDraft
from services.billing.service import SPEC
from services.platform.db import create_db_engine, session_factory
from services.platform.migrations import upgrade_to_head
from services.platform.money import Money
from tests.integration.test_invoice_pdf import SELLER
from tests.pdf_info import pdf_info, pdf_pages
from tests.pdf_text import pdf_text

Make = Callable[[], SqlBillingUnitOfWork]
Q2 = Period(date(2024, 4, 1), date(2024, 7, 1))
WHOLE, HALF = "0301-208/1/0/0", "0301-10/2/0/3"
WATER, WASTE = "98,3 m³ × 13,40 kr", "1 boenhet × 3 250,00 kr"
RATE = Decimal("0.25")
ACCOUNT = Account(
    "acc-1",
    RecipientKind.PERSON,
    "Kari Nordmann",
    "",
    "Storgata 1",
    "0155",
    "Oslo",
    Channel.PRINT,
    customer_number=4711,
)


def _invoice(number: int = 1001, lines: tuple[ChargeLine, ...] | None = None) -> Invoice:
    lines = lines or (
        ChargeLine(WHOLE, "waste", "Renovasjon, per boenhet", Q2, Money.of("812.50"), basis=WASTE),
        ChargeLine(
            WHOLE, "water_consumption", "Vann, forbruk m³ (målt forbruk)", Q2, Money.of("329.31"), basis=WATER
        ),
        ChargeLine(WHOLE, "property_tax", "Eiendomsskatt 2024", Q2, Money.of("1120.00")),
        ChargeLine(HALF, "property_tax", "Eiendomsskatt 2024", Q2, Money.of("560.00")),
    )
    draft = InvoiceDraft("acc-1", Q2, lines)
    return Invoice(
        number,
        "invoice",
        f"r{number}",
        "acc-1",
        Channel.PRINT,
        f"{number:015d}",
        date(2024, 4, 5),
        date(2024, 4, 26),
        Q2,
        lines,
        draft.net,
        draft.total - draft.net,
        draft.total,
    )


@pytest.fixture
def make(sqlite_url: str) -> Make:
    upgrade_to_head(SPEC.migrations_dir, sqlite_url)
    sessions = session_factory(create_db_engine(sqlite_url))
    return lambda: SqlBillingUnitOfWork(sessions)


def _register(make: Make) -> None:
    """The properties as assessment registered them, and acc-1's holdings: all of one, half of the other."""
    now = datetime(2024, 1, 1, tzinfo=UTC)
    with make() as uow:
        for pid, address in ((WHOLE, "Storgata 1, 0155 Oslo"), (HALF, "Kirkeveien 3, 0368 Oslo")):
            uow.session.execute(
                insert(billing_properties).values(
                    property_id=pid,
                    cadastral_id=pid,
                    address=address,
                    category="housing",
                    dwelling_units=1,
                    source_event_id=f"e-{pid}",
                    created_at=now,
                )
            )
        for pid, account, share in (
            (WHOLE, "acc-1", (1, 1)),
            (HALF, "acc-1", (1, 2)),
            (HALF, "acc-2", (1, 2)),
        ):
            uow.session.execute(
                insert(holdings).values(
                    property_id=pid,
                    account_id=account,
                    valid_from=date(2024, 1, 1),
                    valid_to=None,
                    share_numerator=share[0],
                    share_denominator=share[1],
                )
            )
        uow.commit()


def _issue(make: Make, invoice: Invoice) -> None:
    with make() as uow:
        uow.invoices.add_many(
            [invoice], datetime(2024, 4, 5, tzinfo=UTC), {"acc-1": RecipientSnapshot.of(ACCOUNT)}, SELLER
        )
        uow.commit()


def _rendered(make: Make, number: int) -> bytes:
    with make() as uow:
        invoice = uow.invoices.by_number(number)
        parties = uow.invoices.parties([number])[number]
    assert invoice is not None
    return invoice_pdf(invoice, parties.recipient, parties.seller)


def test_an_invoice_names_its_properties_shares_and_customer_number_as_issued(make: Make) -> None:
    _register(make)
    _issue(make, _invoice())
    first = _rendered(make, 1001)
    text = pdf_text(first)
    assert "Kari Nordmann Storgata 1 0155 Oslo" in text  # the window's address block
    assert "Kundenummer 4711" in text
    assert "Storgata 1, 0155 Oslo (gnr/bnr 208/1)" in text
    assert "Kirkeveien 3, 0368 Oslo (gnr/bnr 10/2, snr 3) – andel 1/2" in text
    # Per property: the tax first, then water, then waste, whatever order the lines were stored in.
    storgata = text[text.index("Storgata 1, 0155 Oslo (gnr/bnr") :]
    assert f"Vann, forbruk m³ (målt forbruk) {WATER} per år" in storgata
    assert f"Renovasjon, per boenhet {WASTE} per år" in storgata
    assert (
        storgata.index("Eiendomsskatt 2024") < storgata.index("Vann, forbruk") < storgata.index("Renovasjon")
    )
    payment = text[text.index("Betalingsinformasjon") :]
    assert re.match(
        r"Betalingsinformasjon Beløp å betale 2 821,81 kr Forfallsdato 26\.04\.2024 KID 000000000001001 "
        r"Til kontonummer 1234\.56\.78903",
        payment,
    ), payment
    info = pdf_info(first)
    assert (info["Title"], info["Author"]) == ("Faktura 1001", "Oslo kommune")
    assert info["CreationDate"].startswith("Fri Apr  5 00:00:00 2024")  # the issue date, not the clock
    assert len(pdf_pages(first)) == 1

    # The property is renamed and the share changes after issue: the issued invoice is as it was.
    with make() as uow:
        uow.session.execute(update(billing_properties).values(address="Nytt navn 9"))
        uow.session.execute(update(holdings).values(share_numerator=1, share_denominator=3))
        uow.commit()
    assert _rendered(make, 1001) == first
    _issue(make, _invoice(1002))
    later = pdf_text(_rendered(make, 1002))
    assert "Nytt navn 9 (gnr/bnr 10/2, snr 3) – andel 1/3" in later and "Kirkeveien" not in later


def test_an_invoice_issued_before_the_snapshot_renders_without_the_new_parts(make: Make) -> None:
    _register(make)
    _issue(make, _invoice())
    with make() as uow:  # as migration 0011 leaves the invoices issued before it
        uow.session.execute(
            update(invoice_parties).values(recipient_customer_number=None, document_properties=None)
        )
        uow.commit()
    text = pdf_text(_rendered(make, 1001))
    assert "Kundenummer" not in text and "gnr/bnr" not in text and "– andel" not in text
    assert WHOLE in text and HALF in text and "Betalingsinformasjon" in text


def test_credits_come_after_the_charges_and_a_credit_note_has_no_payment_box() -> None:
    lines = (
        ChargeLine(WHOLE, "property_tax", "Eiendomsskatt 2024", Q2, Money.of("-300.00")),
        ChargeLine(WHOLE, "waste", "Renovasjon, per boenhet", Q2, Money.of("812.50")),
    )
    recipient = replace(
        RecipientSnapshot.of(ACCOUNT), properties=(PropertyOnDocument(WHOLE, "Storgata 1", WHOLE),)
    )
    text = pdf_text(invoice_pdf(_invoice(lines=lines), recipient, SELLER))
    assert text.index("812,50 kr") < text.index("-300,00 kr")
    note = replace(
        _invoice(lines=(lines[0],)), kind="credit_note", total=Money.of("-300.00"), net=Money.of("-300.00")
    )
    credit = pdf_text(invoice_pdf(note, recipient, SELLER))
    assert (
        "Kreditnota nr. 1001" in credit
        and "Betalingsinformasjon" not in credit
        and "Forfallsdato" not in credit
    )


@pytest.mark.parametrize(
    ("cadastral", "words"),
    [
        ("0301-208/1/0/0", "gnr/bnr 208/1"),
        ("0301-208/1", "gnr/bnr 208/1"),
        ("0301-208/1/2/0", "gnr/bnr 208/1, fnr 2"),
        ("0301-208/1/0/7", "gnr/bnr 208/1, snr 7"),
        ("p1", "p1"),
    ],
)
def test_cadastral_numbers_read_as_people_say_them(cadastral: str, words: str) -> None:
    assert cadastral_words(cadastral) == words


@pytest.mark.parametrize(
    ("fee", "basis"),
    [
        (
            FeeLine(
                "water_consumption", "Vann", Decimal("98.3"), Money.of("13.40"), Money.of("1317.22"), RATE
            ),
            f"{WATER} per m³",
        ),
        (
            FeeLine("waste", "Renovasjon", Decimal(2), Money.of("3105"), Money.of("6210"), RATE),
            "2 boenheter × 3 105,00 kr per år",
        ),
        (
            FeeLine("chimney", "Feiing", Decimal(1), Money.of("520"), Money.of("520"), RATE),
            "1 pipe × 520,00 kr per år",
        ),
        # half the sewage fee without WC
        (
            FeeLine("sewage_consumption", "Avløp", Decimal("150.00"), Money.of("20"), Money.of("1500"), RATE),
            "150 m³ × 20,00 kr per m³ × 0,5",
        ),
    ],
)
def test_a_fee_reads_as_quantity_times_unit_price(fee: FeeLine, basis: str) -> None:
    assert fee_basis(fee) == basis


def test_the_fee_basis_follows_the_fee_schedule_lines() -> None:
    rates = WaterSewageRates(Money.of("1500"), Money.of("13.40"), Money.of("20"), Decimal("1.3"), RATE)
    water = water_and_sewage(rates, units=1, bra_m2=Decimal(120), metered_m3=Decimal("98.3"))
    assert [fee_basis(f) for f in water] == [
        "1 boenhet × 1 500,00 kr per år",
        f"{WATER} per m³",
        "98,3 m³ × 20,00 kr per m³",
    ]


def test_a_new_invoice_says_what_a_price_is_per_and_writes_numbers_with_a_decimal_comma() -> None:
    """Consumption is priced per m³, not per year; an estimate from the area writes its numbers as
    people read them ("74 m² × 1,3", never "1.3"), for commercial buildings too."""
    rates = WaterSewageRates(Money.of("1500"), Money.of("15.75"), Money.of("20"), Decimal("1.3"), RATE)
    fees = water_and_sewage(rates, units=1, bra_m2=Decimal("74"))
    lines = tuple(
        ChargeLine(WHOLE, f.code, f.description, Q2, Money.of("100"), basis=fee_basis(f)) for f in fees
    )
    recipient = replace(
        RecipientSnapshot.of(ACCOUNT),
        properties=(
            PropertyOnDocument(WHOLE, "Storgata 1", WHOLE, bases=tuple((f.code, fee_basis(f)) for f in fees)),
        ),
    )
    text = pdf_text(invoice_pdf(_invoice(lines=lines), recipient, SELLER))
    assert "Vann, forbruk m³ (stipulert: 74 m² × 1,3) 96,2 m³ × 15,75 kr per m³" in text, text
    assert "Abonnementsgebyr vann og avløp 1 boenhet × 1 500,00 kr per år" in text, text
    assert "per m³ per år" not in text and "1.3" not in text
    assert "ut fra bruksarealet (BRA)" in text and "boligens" not in text


def test_properties_come_in_cadastral_order() -> None:
    lines = tuple(
        ChargeLine(f"0301-{gnr}/1/0/0", "property_tax", "Eiendomsskatt 2024", Q2, Money.of("100"))
        for gnr in (10, 9, 100)
    )
    text = pdf_text(invoice_pdf(_invoice(lines=lines), RecipientSnapshot.of(ACCOUNT), SELLER))
    assert text.index("0301-9/1/0/0") < text.index("0301-10/1/0/0") < text.index("0301-100/1/0/0")
