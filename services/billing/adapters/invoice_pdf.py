"""The invoice as a PDF in plain Norwegian: what it is for, which property and period, how the amount is
computed, how to pay, and how to complain. Persons get this one (organisations get EHF)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

from services.billing.domain.billing_run import CREDIT_NOTE, Invoice
from services.billing.domain.document_parties import RecipientSnapshot
from services.billing.domain.seller import Seller
from services.platform.money import Money
from services.platform.pdf_fonts import BOLD, FONT, markup, stylesheet, table_fonts


def _day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def _account_number(number: str) -> str:
    return f"{number[:4]}.{number[4:6]}.{number[6:]}" if len(number) == 11 else number


def _introduction(invoice: Invoice, last_day: date) -> str:
    period = f"{_day(invoice.period.start)}–{_day(last_day)}"
    if invoice.kind == CREDIT_NOTE:
        text = (
            f"Du har betalt for mye eiendomsskatt eller kommunale gebyrer for perioden {period}, fordi "
            "skatten er rettet eller eiendommen har skiftet eier. Denne kreditnotaen gir deg pengene tilbake."
        )
    elif invoice.corrects:
        text = f"Dette er en tilleggsregning for eiendomsskatt og kommunale gebyrer for perioden {period}."
    else:
        text = f"Dette er regningen for eiendomsskatt og kommunale gebyrer for perioden {period}."
    if invoice.corrects:
        text += f" Den retter faktura nr. {invoice.corrects}."
    return f"{text} Dato {_day(invoice.issue_date)}."


def _dated(issue_date: date) -> Callable[..., str]:
    """The PDF's creation date: the invoice's issue date, a business date (not the machine's clock)."""
    return lambda *_: f"D:{issue_date:%Y%m%d}000000+00'00'"


def invoice_pdf(
    invoice: Invoice, recipient: RecipientSnapshot, seller: Seller, *, compress: bool = True
) -> bytes:
    """The same bytes every time for the same invoice and parties: ReportLab's invariant mode leaves out
    the random document id, and the dates in the PDF's metadata are the issue date."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    buffer = io.BytesIO()
    credit = invoice.kind == CREDIT_NOTE
    sign = -1 if credit else 1  # a credit note shows what is credited as positive amounts
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
        initialFontName=FONT,
    )
    styles = stylesheet()
    body = styles["Normal"]
    last_day = invoice.period.end.fromordinal(invoice.period.end.toordinal() - 1)
    address = "<br/>".join(
        markup(p)
        for p in (recipient.name, recipient.address_line, f"{recipient.postcode} {recipient.city}".strip())
        if p
    )
    story = [
        Paragraph(markup(seller.name), styles["Heading3"]),
        Paragraph(address, body),
        Spacer(1, 8 * mm),
        Paragraph(markup(f"{title} nr. {invoice.invoice_number}"), styles["Title"]),
        Paragraph(markup(_introduction(invoice, last_day)), body),
        Spacer(1, 5 * mm),
    ]
    rows = [["Eiendom", "Hva", "Periode", "Beløp"]]
    for line in invoice.lines:
        end = line.period.end.fromordinal(line.period.end.toordinal() - 1)
        rows.append(
            [
                line.property_id,
                Paragraph(markup(line.description), body),
                f"{_day(line.period.start)}–{_day(end)}",
                Money(sign * line.amount.ore).kroner(),
            ]
        )
    if invoice.vat.ore:
        rows.append(["", "Merverdiavgift", "", Money(sign * invoice.vat.ore).kroner()])
    rows.append(["", "Til gode" if credit else "Å betale", "", Money(sign * invoice.total.ore).kroner()])
    table = Table(rows, colWidths=[38 * mm, 66 * mm, 44 * mm, 26 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                *table_fonts(9),
                ("FONTNAME", (0, 0), (-1, 0), BOLD),
                ("FONTNAME", (0, -1), (-1, -1), BOLD),
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
            "Gebyrene for vann og avløp, renovasjon og feiing følger kommunens gebyrregulativ; uten "
            "vannmåler regnes forbruket ut fra boligens bruksareal (BRA). "
            "Har eiendommen skiftet eier, betaler hver eier for dagene de eide den. "
            "Beløp under minstebeløpet kommer med på neste regning. "
            "Blir skatten rettet eller eiendommen solgt, får du en kreditnota for det du har betalt for "
            "mye, eller en tilleggsregning for det som mangler.",
            body,
        )
    )
    if credit:
        story.append(Paragraph("Slik får du pengene", styles["Heading4"]))
        story.append(
            Paragraph(
                markup(
                    f"Du har {Money(-invoice.total.ore).kroner()} til gode. Beløpet trekkes fra neste "
                    "regning, eller betales tilbake til deg hvis du ikke får flere regninger."
                ),
                body,
            )
        )
    else:
        story.append(Paragraph("Slik betaler du", styles["Heading4"]))
        story.append(
            Paragraph(
                markup(
                    f"Betal {invoice.total.kroner()} til konto {_account_number(seller.bank_account)} innen "
                )
                + f"<b>{markup(_day(invoice.due_date))}</b>. Bruk KID <b>{markup(invoice.kid)}</b>, "
                "så vet vi at betalingen gjelder denne regningen. "
                "Betaler du for sent, kan det komme purregebyr og forsinkelsesrente.",
                body,
            )
        )
    story.append(Paragraph("Er du uenig?", styles["Heading4"]))
    story.append(
        Paragraph(
            markup(
                f"Du kan klage på verdien eiendomsskatten bygger på. {seller.complaints_to} "
                "En klage utsetter ikke betalingen."
            ),
            body,
        )
    )
    stamp = _dated(invoice.issue_date)
    doc.build(story, onFirstPage=lambda canvas, _doc: canvas.setDateFormatter(stamp))
    return buffer.getvalue()
