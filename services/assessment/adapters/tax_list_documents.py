"""The public tax list and the exempt list as CSV and PDF (Norwegian bokmål: citizens read these)."""

from __future__ import annotations

import copy
import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from services.assessment.domain.exemptions import describe
from services.platform.pdf_fonts import BOLD, FONT, markup, stylesheet, table_fonts


@dataclass(frozen=True)
class TaxListRow:
    property_id: str
    cadastral_id: str
    address: str
    value_nok: Decimal
    reduction: Decimal
    deduction_nok: Decimal
    tax_base_nok: Decimal
    rate_per_mille: Decimal
    tax_nok: Decimal
    exemption_code: str


PUBLIC_HEADER = [
    "property_id",
    "cadastral_id",
    "address",
    "value_nok",
    "reduction",
    "deduction_nok",
    "tax_base_nok",
    "rate_per_mille",
    "tax_nok",
]
EXEMPT_HEADER = ["property_id", "cadastral_id", "address", "exemption"]


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


def tax_list_csv(rows: Iterable[TaxListRow], exempt: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXEMPT_HEADER if exempt else PUBLIC_HEADER)
    for r in rows:
        if exempt:
            writer.writerow([r.property_id, r.cadastral_id, r.address, describe(r.exemption_code)])
        else:
            writer.writerow(
                [
                    r.property_id,
                    r.cadastral_id,
                    r.address,
                    f"{r.value_nok:.2f}",
                    str(r.reduction),
                    f"{r.deduction_nok:.2f}",
                    f"{r.tax_base_nok:.2f}",
                    str(r.rate_per_mille),
                    f"{r.tax_nok:.2f}",
                ]
            )
    return out.getvalue().encode("utf-8")


def tax_list_pdf(rows: Iterable[TaxListRow], exempt: bool, year: int, municipality: str = "") -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    buffer = io.BytesIO()
    title = f"Fritatte eiendommer {year}" if exempt else f"Skatteliste for eiendomsskatt {year}"
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        title=title,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        initialFontName=FONT,
    )
    styles = stylesheet()
    # Addresses wrap in their column (never cut short): a Paragraph, so the text goes in as markup.
    cell = copy.copy(styles["Normal"])
    cell.fontSize, cell.leading = 8, 10
    intro = (
        "Disse eiendommene er fritatt for eiendomsskatt dette året. Fritaket følger av "
        "eigedomsskattelova § 5 (alltid fritatt) eller av kommunestyrets vedtak etter § 7."
        if exempt
        else "Listen viser eiendomsskatten for hver eiendom: verdien (takst eller boligverdi), reduksjonen, "
        "bunnfradraget, skattegrunnlaget, skattesatsen i promille og årets skatt. Listen ligger ute til "
        "offentlig ettersyn i minst tre uker (eigedomsskattelova § 15). Du kan klage på verdien innen "
        "seks uker fra listen ble lagt ut eller skatteseddelen ble sendt, det som kommer sist."
    )
    if exempt:
        data: list[list[Any]] = [["Eiendom", "Adresse", "Fritak"]]
        data += [
            [r.cadastral_id or r.property_id, Paragraph(markup(r.address), cell), describe(r.exemption_code)]
            for r in rows
        ]
        widths = [55 * mm, 140 * mm, 60 * mm]
    else:
        data = [
            [
                "Eiendom",
                "Adresse",
                "Verdi (kr)",
                "Reduksjon",
                "Bunnfradrag (kr)",
                "Grunnlag (kr)",
                "Promille",
                "Skatt (kr)",
            ]
        ]
        data += [
            [
                r.cadastral_id or r.property_id,
                Paragraph(markup(r.address), cell),
                _nok(r.value_nok),
                f"{r.reduction * 100:.0f} %",
                _nok(r.deduction_nok),
                _nok(r.tax_base_nok),
                str(r.rate_per_mille).replace(".", ","),
                _nok(r.tax_nok),
            ]
            for r in rows
        ]
        widths = [38 * mm, 70 * mm, 30 * mm, 20 * mm, 30 * mm, 30 * mm, 16 * mm, 26 * mm]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                *table_fonts(8),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, 0), BOLD),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6ee")),
                ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f4f6f8")]),
            ]
        )
    )
    heading = f"{title}{' – ' + municipality if municipality else ''}"
    story = [
        Paragraph(markup(heading), styles["Title"]),
        Paragraph(markup(intro), styles["Normal"]),
        Spacer(1, 6 * mm),
    ]
    if len(data) == 1:
        story.append(Paragraph("Ingen eiendommer på listen.", styles["Normal"]))
    else:
        story.append(table)
    document.build(story)
    return buffer.getvalue()
