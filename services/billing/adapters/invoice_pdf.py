"""The invoice as a PDF in plain Norwegian: what it is for, which property and period, how the amount is
computed, how to pay, and how to complain. Persons get this one (organisations get EHF)."""

from __future__ import annotations

import io
from datetime import date

from services.billing.domain.account import Account
from services.billing.domain.billing_run import Invoice
from services.billing.domain.seller import Seller
from services.platform.money import Money


def _kr(amount: Money) -> str:
    whole, _, fraction = f"{abs(amount.nok):.2f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{'-' if amount.ore < 0 else ''}{' '.join(groups)},{fraction} kr"


def _day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def _account_number(number: str) -> str:
    return f"{number[:4]}.{number[4:6]}.{number[6:]}" if len(number) == 11 else number


def invoice_pdf(invoice: Invoice, account: Account, seller: Seller, *, compress: bool = True) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    buffer = io.BytesIO()
    credit = invoice.total.ore < 0
    title = "Kreditnota" if credit else "Faktura"
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"{title} {invoice.invoice_number}",
        author=seller.name,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        pageCompression=1 if compress else 0,
        invariant=1,
    )
    styles = getSampleStyleSheet()
    body = styles["Normal"]
    last_day = invoice.period.end.fromordinal(invoice.period.end.toordinal() - 1)
    recipient = "<br/>".join(
        p for p in (account.name, account.address_line, f"{account.postcode} {account.city}".strip()) if p
    )
    story = [
        Paragraph(seller.name, styles["Heading3"]),
        Paragraph(recipient, body),
        Spacer(1, 8 * mm),
        Paragraph(f"{title} nr. {invoice.invoice_number}", styles["Title"]),
        Paragraph(
            f"Dette er regningen for eiendomsskatt og kommunale gebyrer for perioden "
            f"{_day(invoice.period.start)}–{_day(last_day)}. Fakturadato {_day(invoice.issue_date)}.",
            body,
        ),
        Spacer(1, 5 * mm),
    ]
    rows = [["Eiendom", "Hva", "Periode", "Beløp"]]
    for line in invoice.lines:
        end = line.period.end.fromordinal(line.period.end.toordinal() - 1)
        rows.append(
            [line.property_id, line.description, f"{_day(line.period.start)}–{_day(end)}", _kr(line.amount)]
        )
    if invoice.vat.ore:
        rows.append(["", "Merverdiavgift", "", _kr(invoice.vat)])
    rows.append(["", "Å betale" if not credit else "Til gode", "", _kr(invoice.total)])
    table = Table(rows, colWidths=[38 * mm, 66 * mm, 44 * mm, 26 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("ALIGN", (3, 0), (3, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
            ]
        )
    )
    story += [table, Spacer(1, 6 * mm)]
    story.append(Paragraph("Slik er beløpet regnet ut", styles["Heading4"]))
    story.append(
        Paragraph(
            "Eiendomsskatten er årets skatt fra skattelisten, fordelt på årets måneder. "
            "Har eiendommen skiftet eier, betaler hver eier for dagene de eide den. "
            "Beløp under minstebeløpet kommer med på neste regning. "
            "Er skatten rettet, står forskjellen på denne regningen.",
            body,
        )
    )
    if credit:
        story.append(Paragraph("Slik får du pengene", styles["Heading4"]))
        story.append(
            Paragraph("Beløpet til gode trekkes fra neste regning eller betales tilbake til deg.", body)
        )
    else:
        story.append(Paragraph("Slik betaler du", styles["Heading4"]))
        story.append(
            Paragraph(
                f"Betal {_kr(invoice.total)} til konto {_account_number(seller.bank_account)} innen "
                f"<b>{_day(invoice.due_date)}</b>. Bruk KID <b>{invoice.kid}</b>, "
                "så vet vi at betalingen gjelder denne regningen. "
                "Betaler du for sent, kan det komme purregebyr og forsinkelsesrente.",
                body,
            )
        )
    story.append(Paragraph("Er du uenig?", styles["Heading4"]))
    story.append(
        Paragraph(
            f"Du kan klage på verdien eiendomsskatten bygger på. {seller.complaints_to} "
            "En klage utsetter ikke betalingen.",
            body,
        )
    )
    doc.build(story)
    return buffer.getvalue()
