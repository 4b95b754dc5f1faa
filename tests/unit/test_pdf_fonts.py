"""Every PDF the services write prints Norwegian and Sami letters with an embedded font, and shows user
text exactly as written (never as markup): invoices, appeals letters and meeting documents, tax lists.

Read back with poppler's pdftotext and pdffonts (what a reader shows and which fonts it uses), and with
tests.pdf_text (the text as drawn)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from services.appeals.adapters.config_file import load_config
from services.appeals.adapters.documents_pdf import acknowledgement_pdf, minutes_pdf
from services.appeals.domain import cases as flow
from services.appeals.domain import letters
from services.appeals.domain.complaint import Complainant, ComplainantKind, Ground, GroundKind
from services.appeals.domain.policy import AppealsPolicy
from services.assessment.adapters.tax_list_documents import tax_list_pdf
from services.assessment.application.tax_list import TaxListHeading, TaxListRow
from services.assessment.domain.municipality import Municipality
from services.billing.adapters.invoice_pdf import invoice_pdf
from services.billing.domain.account import Channel
from services.billing.domain.billing_run import Invoice
from services.billing.domain.document_parties import RecipientSnapshot
from services.billing.domain.intervals import Period
from services.billing.domain.invoice_plan import ChargeLine, InvoiceDraft
from services.billing.domain.seller import Seller
from services.platform.money import Money
from services.platform.pdf_fonts import BOLD, BOLD_OBLIQUE, FONT, FONTS_DIRECTORY, OBLIQUE, markup
from tests.pdf_text import pdf_fonts_used, pdf_text
from tests.unit.test_appeals_domain import CALENDAR, MEETINGS, MEMBERS, NOTICE, VALUATION, complaint

pytestmark = pytest.mark.unit

SAMI = "Áá Čč Đđ Ŋŋ Šš Ŧŧ Žž"
MARKUP = "Dødsbo etter <Per> Hansen & Co"
# Every letter of the Norwegian and the Sami alphabets (North, Lule, South, Inari, Skolt) beyond ASCII.
LETTERS = "ÆØÅæøå ÁáČčĐđŊŋŠšŦŧŽž ÏïÄäÖö ÂâÕõǦǧǤǥǨǩƷʒǮǯ Ææ ŃńÕõ ʹ"
TRICKY = ["a < b", "a&b", "&amp;", "<br/>", "<b>fet</b>", "x > y", "Per & Kari <AS>", "1 < 2 & 3 > 2"]
Q1 = Period(date(2024, 1, 1), date(2024, 4, 1))
SELLER = Seller(
    "Guovdageainnu suohkan & Co",
    "974760673",
    "NO974760673MVA",
    "Postboks 1",
    "9520",
    "Guovdageaidnu",
    "12345678903",
    "Skriv til oss innen seks uker <på e-post>.",
)


def _poppler(tool: str, pdf: bytes) -> str:
    path = shutil.which(tool)
    assert path, f"{tool} (poppler-utils) is missing: `make test` installs it (infra/pdf/ensure.sh)"
    with tempfile.TemporaryDirectory() as directory:
        file = Path(directory) / "document.pdf"
        file.write_bytes(pdf)
        arguments = [path, "-raw", str(file), "-"] if tool == "pdftotext" else [path, str(file)]
        return subprocess.run(arguments, check=True, capture_output=True, text=True).stdout


def _lines(pdf: bytes) -> list[str]:
    """The lines a reader shows (pdftotext -raw: in the order drawn, each with its spaces as drawn)."""
    return [line.strip() for line in _poppler("pdftotext", pdf).splitlines()]


def _assert_fonts_embedded(pdf: bytes) -> None:
    rows = _poppler("pdffonts", pdf).splitlines()[2:]
    assert rows, "the document names no font"
    for row in rows:
        name, *_, embedded, _subset, _unicode, _number, _generation = row.split()
        assert "DejaVuSans" in name and "Helvetica" not in name, row
        assert embedded == "yes", row
    assert pdf_fonts_used(pdf) <= {FONT, BOLD, OBLIQUE, BOLD_OBLIQUE}


def _invoice(description: str = "Eiendomsskatt 2024") -> Invoice:
    lines = (ChargeLine("0301-208/1/0/0", "property_tax", description, Q1, Money.of("1120.00")),)
    draft = InvoiceDraft("owner-1", Q1, lines)
    return Invoice(
        7,
        "invoice",
        "r1",
        "owner-1",
        Channel.PRINT,
        "000000000000070",
        date(2024, 1, 10),
        date(2024, 1, 31),
        Q1,
        lines,
        draft.net,
        Money(0),
        draft.total,
    )


def _recipient(name: str, address_line: str = "Storgata 1", city: str = "Oslo") -> RecipientSnapshot:
    return RecipientSnapshot(name, "", address_line, "0155", city)


@pytest.mark.parametrize("name", [SAMI, MARKUP, LETTERS, *TRICKY])
def test_an_invoice_shows_the_recipients_name_exactly(name: str) -> None:
    pdf = invoice_pdf(_invoice(), _recipient(name), SELLER)
    lines = _lines(pdf)
    assert name in lines
    assert name in pdf_text(pdf)
    _assert_fonts_embedded(pdf)


def test_an_invoice_shows_every_user_text_exactly_in_an_embedded_font() -> None:
    pdf = invoice_pdf(
        _invoice(description="Feiing & tilsyn <pipe 2>"),
        _recipient(MARKUP, address_line=f"{SAMI} 3 <bak>", city="Kárášjohka & Čohkkiras"),
        SELLER,
    )
    lines = _lines(pdf)
    for text in (MARKUP, f"{SAMI} 3 <bak>", "0155 Kárášjohka & Čohkkiras", "Guovdageainnu suohkan & Co"):
        assert text in lines, text
    text = pdf_text(pdf)
    assert "Feiing & tilsyn <pipe 2>" in text
    assert "Skriv til oss innen seks uker <på e-post>." in text
    assert "Faktura nr. 7" in text and "Å betale" in text and "Bruk KID 000000000000070" in text
    _assert_fonts_embedded(pdf)


def test_an_invoice_is_the_same_bytes_every_time() -> None:
    first = invoice_pdf(_invoice(), _recipient(SAMI), SELLER)
    assert invoice_pdf(_invoice(), _recipient(SAMI), SELLER) == first


def test_an_appeals_letter_shows_the_complainant_and_the_complaint_exactly() -> None:
    who = Complainant(ComplainantKind.REPRESENTATIVE, MARKUP, (f"{SAMI} 1", "9730 Kárášjohka"), "", SAMI)
    grounds = (Ground(GroundKind.AREA, "BRA er 80 m² <ikke 120> & kjeller"),)
    policy = AppealsPolicy()
    case = flow.register(
        "c", "2024-00001", complaint(complainant=who, grounds=grounds), NOTICE, CALENDAR, policy, "sek"
    ).case
    office = load_config().office
    office = replace(office, name=f"{office.name} & {SAMI}")
    rendered = acknowledgement_pdf(case, letters.acknowledgement(case, office, policy), date(2024, 3, 20))
    lines = _lines(rendered.content)
    for text in (MARKUP, f"på vegne av {SAMI}", f"{SAMI} 1", f"{office.name}"):
        assert text in lines, text
    assert "Arealet (BRA): BRA er 80 m² <ikke 120> & kjeller" in pdf_text(rendered.content)
    _assert_fonts_embedded(rendered.content)
    again = acknowledgement_pdf(case, letters.acknowledgement(case, office, policy), date(2024, 3, 20))
    assert again.content == rendered.content


def test_meeting_documents_show_member_names_exactly_in_an_embedded_font() -> None:
    members = [replace(m, name=SAMI if i == 0 else MARKUP) for i, m in enumerate(MEMBERS["c1"])]
    office = load_config().office
    rendered = minutes_pdf(MEETINGS["m1"], replace(VALUATION, name=f"Nemnd <{SAMI}>"), members, [], office)
    text = pdf_text(rendered.content)
    assert f"Nemnd <{SAMI}>" in text
    _assert_fonts_embedded(rendered.content)


def _row(address: str, exemption_code: str = "") -> TaxListRow:
    return TaxListRow(
        "0301-208/1/0/0",
        address,
        Decimal("2800000"),
        Decimal("200000"),
        Decimal("2.8"),
        Decimal("7280"),
        exemption_code,
    )


def _heading(municipality: str = "Oslo kommune") -> TaxListHeading:
    return TaxListHeading(Municipality(municipality, "0301"), 2024)


@pytest.mark.parametrize("exempt", [False, True])
def test_the_tax_list_shows_addresses_and_the_municipality_exactly(exempt: bool) -> None:
    pdf = tax_list_pdf(
        [_row(f"{SAMI} 2", "7b" if exempt else ""), _row(MARKUP, "5h" if exempt else "")],
        exempt=exempt,
        heading=_heading("Kárášjohka & <Karasjok>"),
    )
    lines = _lines(pdf)
    assert f"{SAMI} 2" in " ".join(lines)
    assert MARKUP in " ".join(lines)
    assert "Kárášjohka & <Karasjok>" in pdf_text(pdf)
    _assert_fonts_embedded(pdf)


@pytest.mark.parametrize("exempt", [False, True])
def test_the_tax_list_shows_a_long_address_whole(exempt: bool) -> None:
    address = "Kirkeveien 123 B, 0368 Oslo, inngang fra gården bak Čohkkiras & Šáttá <vest>"
    pdf = tax_list_pdf([_row(address, "7b" if exempt else "")], exempt=exempt, heading=_heading())
    assert address in pdf_text(pdf)


@pytest.mark.parametrize("text", [SAMI, MARKUP, *TRICKY, "linje 1\nlinje 2", ""])
def test_markup_is_text_that_shows_as_given(text: str) -> None:
    escaped = markup(text)
    assert "<" not in escaped.replace("<br/>", "") and ">" not in escaped.replace("<br/>", "")
    back = escaped.replace("<br/>", "\n").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert back == text


def test_the_fonts_ship_with_their_licence() -> None:
    names = {p.name for p in FONTS_DIRECTORY.iterdir()}
    assert {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE.txt"} <= names
    assert "Bitstream" in (FONTS_DIRECTORY / "LICENSE.txt").read_text()
