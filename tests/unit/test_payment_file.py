"""A bank file recognised by its content: OCR giro or camt.054, whatever its name; anything else refused."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from services.billing.adapters.payment_file import read_payment_file
from services.billing.domain.payments import PaymentFileFormat
from services.platform.errors import InvalidInput

DATA = Path(__file__).resolve().parents[1] / "data" / "payments"
OCR = (DATA / "netsgiro_ocr_giro_transactions.txt").read_bytes()
CAMT = (DATA / "camt054_001_02_kid_payments.xml").read_bytes()
NEITHER = (
    "is neither an OCR giro file (80-character records starting 'NY') nor a camt.054 credit notification "
    "(ISO 20022 XML, namespace urn:iso:std:iso:20022:tech:xsd:camt.054.*)"
)


def refusal(content: bytes, name: str) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInput) as caught:
        read_payment_file(content, name)
    return [(violation.field, violation.description) for violation in caught.value.violations]


def a_pdf() -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "Innbetalinger 2026-03-04")
    page.save()
    return out.getvalue()


def test_ocr_giro_is_recognised_whatever_the_name() -> None:
    assert read_payment_file(OCR, "notification.xml").format == PaymentFileFormat.OCR_GIRO


def test_camt054_is_recognised_with_or_without_a_byte_order_mark() -> None:
    assert read_payment_file(CAMT, "OCR.TXT").format == PaymentFileFormat.CAMT_054
    assert read_payment_file(b"\xef\xbb\xbf" + CAMT, "x").payments == read_payment_file(CAMT, "x").payments


def test_a_pdf_is_no_payment_file() -> None:
    assert refusal(a_pdf(), "kontoutskrift.pdf") == [("file", f"kontoutskrift.pdf {NEITHER}")]


def test_an_empty_file_is_refused() -> None:
    assert refusal(b"  \n", "tom.txt") == [("file", "tom.txt is empty: no payment file")]


def test_other_xml_is_refused_as_neither() -> None:
    invoice = (
        b'<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>'
    )

    assert refusal(invoice, "faktura.xml") == [("file", f"faktura.xml {NEITHER}")]


def test_text_of_another_layout_is_refused_as_neither() -> None:
    assert refusal("Dato;Beløp;KID\n04.03.2026;4480,00;000000000001206\n".encode(), "utskrift.csv") == [
        ("file", f"utskrift.csv {NEITHER}")
    ]


def test_a_broken_camt054_file_is_refused_by_its_line_not_as_unknown() -> None:
    broken = CAMT.replace(b"</GrpHdr>", b"</GrpHeader>")

    [(field, description)] = refusal(broken, "camt.xml")

    line = CAMT[: CAMT.index(b"</GrpHdr>")].count(b"\n") + 1
    assert field == f"line {line}"
    assert description.startswith("is not well-formed XML")


def test_a_broken_ocr_file_is_refused_by_its_line() -> None:
    cut = OCR.replace(OCR.splitlines()[4], OCR.splitlines()[4][:70])

    assert refusal(cut, "ocr.txt") == [
        ("line 5", "the record is 70 characters long; OCR giro records are 80")
    ]


def test_an_ocr_file_whose_first_line_is_cut_is_still_read_as_ocr_giro() -> None:
    first = OCR.splitlines()[0]

    assert refusal(OCR.replace(first, first[:40]), "ocr.txt") == [
        ("line 1", "the record is 40 characters long; OCR giro records are 80")
    ]
