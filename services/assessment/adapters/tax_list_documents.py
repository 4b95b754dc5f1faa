"""The public tax list and the exempt list as CSV and PDF (Norwegian bokmål: citizens read these).

The public list shows only what eigedomsskattelova § 15 makes public: the property (cadastral id and
address), its value after the reduction (takstgrunnlag), the basic deduction, the rate and the tax. The
words are the ones the CLI uses: takstgrunnlag is the reduced value, skattegrunnlag ("tax base") what is
left after the basic deduction, the amount the rate applies to. Nothing about owners,
and not the service's own property ids. Rows come sorted by cadastral number read as numbers (1/2 before
1/10), so a citizen finds a property the way the matrikkel counts.
"""

from __future__ import annotations

import copy
import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from services.assessment.adapters.config_files import load_municipality
from services.assessment.application.tax_list import TaxListHeading, TaxListRow
from services.assessment.domain.exemptions import describe
from services.assessment.domain.municipality import Municipality
from services.assessment.domain.property import CadastralId
from services.platform.pdf_fonts import BOLD, FONT, markup, stylesheet, table_fonts
from services.platform.pdf_pages import page_numbering

PUBLIC_HEADER = ["cadastral_id", "address", "tax_value_nok", "deduction_nok", "rate_per_mille", "tax_nok"]
EXEMPT_HEADER = ["cadastral_id", "address", "exemption"]


def cadastral_order(cadastral_id: str) -> tuple[int, tuple[int, ...], str]:
    """Sort key: kommunenr, gnr, bnr, fnr, snr as numbers (2/1 before 10/1); a property without a
    readable cadastral id comes last, by its text."""
    try:
        parsed = CadastralId.parse(cadastral_id)
    except ValueError:
        return (1, (), cadastral_id)
    return (0, (int(parsed.municipality), parsed.gnr, parsed.bnr, parsed.fnr, parsed.snr), "")


def in_cadastral_order(rows: Iterable[TaxListRow]) -> list[TaxListRow]:
    return sorted(rows, key=lambda r: (cadastral_order(r.cadastral_id), r.address))


def _nok(amount: Decimal) -> str:
    """1234567.5 → '1 234 567,50' (Norwegian style, for the PDF)."""
    whole, _, fraction = f"{amount:.2f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups: list[str] = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return f"{sign}{' '.join(groups)},{fraction}"


def _day(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def tax_list_csv(rows: Iterable[TaxListRow], exempt: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXEMPT_HEADER if exempt else PUBLIC_HEADER)
    for r in in_cadastral_order(rows):
        if exempt:
            writer.writerow([r.cadastral_id, r.address, describe(r.exemption_code)])
        else:
            writer.writerow(
                [
                    r.cadastral_id,
                    r.address,
                    f"{r.tax_value_nok:.2f}",
                    f"{r.deduction_nok:.2f}",
                    str(r.rate_per_mille),
                    f"{r.tax_nok:.2f}",
                ]
            )
    return out.getvalue().encode("utf-8")


def document_title(heading: TaxListHeading, exempt: bool) -> str:
    kind = "Fritatte eiendommer" if exempt else "Skatteliste for eiendomsskatt"
    return f"{kind} {heading.year} – {heading.municipality.name}"


def _intro(heading: TaxListHeading, exempt: bool) -> list[str]:
    if exempt:
        return [
            "Disse eiendommene er fritatt for eiendomsskatt dette året. Fritaket følger av "
            "eigedomsskattelova § 5 (alltid fritatt) eller av kommunestyrets vedtak etter § 7."
        ]
    lines = [
        "Listen viser for hver eiendom takstgrunnlaget (taksten etter reduksjon), bunnfradraget, "
        "skattesatsen i promille og årets eiendomsskatt. Skattegrunnlaget er takstgrunnlaget minus "
        "bunnfradraget, og eiendomsskatten er skattegrunnlaget × promille. "
        "Listen ligger ute til offentlig ettersyn i minst tre uker (eigedomsskattelova § 15). Du kan klage "
        "på verdien innen seks uker fra listen ble lagt ut eller skatteseddelen ble sendt, det som kommer "
        "sist."
    ]
    if heading.display is not None:
        lines.insert(
            0,
            f"Utlagt til offentlig ettersyn {_day(heading.display.first_day)}–"
            f"{_day(heading.display.last_day)}",
        )
    return lines


def _table_data(rows: Sequence[TaxListRow], exempt: bool, cell: Any) -> tuple[list[list[Any]], list[float]]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph

    if exempt:
        data: list[list[Any]] = [["Eiendom", "Adresse", "Fritak"]]
        data += [
            [r.cadastral_id, Paragraph(markup(r.address), cell), describe(r.exemption_code)] for r in rows
        ]
        return data, [55 * mm, 140 * mm, 78 * mm]
    data = [
        ["Eiendom", "Adresse", "Takstgrunnlag (kr)", "Bunnfradrag (kr)", "Promille", "Eiendomsskatt (kr)"]
    ]
    data += [
        [
            r.cadastral_id,
            Paragraph(markup(r.address), cell),
            _nok(r.tax_value_nok),
            _nok(r.deduction_nok),
            str(r.rate_per_mille).replace(".", ","),
            _nok(r.tax_nok),
        ]
        for r in rows
    ]
    return data, [45 * mm, 92 * mm, 38 * mm, 34 * mm, 22 * mm, 42 * mm]


def tax_list_pdf(rows: Iterable[TaxListRow], exempt: bool, heading: TaxListHeading) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    buffer = io.BytesIO()
    title = document_title(heading, exempt)
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        title=title,
        author=heading.municipality.name,
        subject=f"Kommunenummer {heading.municipality.number}",
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=16 * mm,
        initialFontName=FONT,
        invariant=1,  # the same list is the same bytes
    )
    styles = stylesheet()
    # Addresses wrap in their column (never cut short): a Paragraph, so the text goes in as markup.
    cell = copy.copy(styles["Normal"])
    cell.fontSize, cell.leading = 8, 10
    ordered = in_cadastral_order(rows)
    data, widths = _table_data(ordered, exempt, cell)
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                *table_fonts(8),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, 0), BOLD),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6ee")),
                ("ALIGN", (2, 0), (-1, -1), "LEFT" if exempt else "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f4f6f8")]),
            ]
        )
    )
    story: list[Any] = [Paragraph(markup(title), styles["Title"])]
    story += [Paragraph(markup(line), styles["Normal"]) for line in _intro(heading, exempt)]
    story.append(Spacer(1, 6 * mm))
    story.append(table if ordered else Paragraph("Ingen eiendommer på listen.", styles["Normal"]))
    dated = heading.creation_date()

    def first_page(canvas: Any, _document: Any) -> None:
        # ReportLab's invariant mode would date every list 2000-01-01: the list's own date instead.
        canvas.setDateFormatter(lambda *_: f"D:{dated:%Y%m%d}000000+00'00'")

    document.build(story, onFirstPage=first_page, canvasmaker=page_numbering())
    return buffer.getvalue()


class TaxListDocumentWriter:
    """The tax lists as CSV and PDF for the export handler (application/ports.py TaxListDocuments), headed
    with the municipality of municipality.yaml, read when a list is written."""

    def municipality(self) -> Municipality:
        return load_municipality()

    def csv(self, rows: Sequence[TaxListRow], exempt: bool) -> bytes:
        return tax_list_csv(rows, exempt)

    def pdf(self, rows: Sequence[TaxListRow], exempt: bool, heading: TaxListHeading) -> bytes:
        return tax_list_pdf(rows, exempt, heading)
