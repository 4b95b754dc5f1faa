"""The invoice as a PDF in plain Norwegian: what it is for, which property and period, how the amount is
computed, how to pay, and how to complain. Persons get this one (organisations get EHF).

The recipient's address sits where a window envelope shows it (NS-EN ISO 269 C5/E65, window on the left:
about 20 mm from the left and 45 mm from the top edge), the invoice's facts beside it, and the payment
details in a box of their own, so that nobody has to search for the KID.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from services.billing.domain.billing_run import CREDIT_NOTE, Invoice
from services.billing.domain.document_parties import RecipientSnapshot
from services.billing.domain.invoice_plan import ChargeLine
from services.billing.domain.seller import Seller
from services.platform.money import Money
from services.platform.pdf_fonts import BOLD, FONT, markup, stylesheet, table_fonts

# The order a person reads a property's charges in: the tax first, then the fees as the bill of the
# fee schedule lists them; anything else after, by its code.
CHARGE_ORDER = (
    "property_tax",
    "subscription",
    "water_consumption",
    "sewage_consumption",
    "waste",
    "chimney",
)

_MM = 72 / 25.4
WINDOW_LEFT, WINDOW_TOP = 22 * _MM, 48 * _MM  # the address window, from the page's left and top edges
FACTS_LEFT = 118 * _MM
BELOW_WINDOW = 64 * _MM  # where the letter's text starts, below the window (from the top margin)


def _with_per(basis: str) -> str:
    """A basis says what its price is per ('… kr per m³'); one frozen on an invoice issued before it did
    gets 'per år' as that invoice was printed, so its document reads the same whenever it is rendered."""
    return basis if " per " in basis else f"{basis} per år"


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


def _last_day(period_end: date) -> date:
    return period_end.fromordinal(period_end.toordinal() - 1)


def in_reading_order(lines: Sequence[ChargeLine]) -> list[tuple[str, list[ChargeLine]]]:
    """The lines by property (in cadastral order), each property's charges in CHARGE_ORDER, credits
    (negative lines) after the charges."""
    by_property: dict[str, list[ChargeLine]] = {}
    for line in lines:
        by_property.setdefault(line.property_id, []).append(line)

    def order(line: ChargeLine) -> tuple[bool, int, str, date]:
        rank = CHARGE_ORDER.index(line.code) if line.code in CHARGE_ORDER else len(CHARGE_ORDER)
        return (line.amount.ore < 0, rank, line.code, line.period.start)

    def natural(property_id: str) -> list[tuple[int, str]]:
        # "0301-9/1/0/0" before "0301-10/1/0/0": the numbers in an id compare as numbers.
        return [(int(part), "") if part.isdigit() else (-1, part) for part in re.split(r"(\d+)", property_id)]

    return [(pid, sorted(by_property[pid], key=order)) for pid in sorted(by_property, key=natural)]


def _address_lines(recipient: RecipientSnapshot) -> list[str]:
    place = f"{recipient.postcode} {recipient.city}".strip()
    return [p for p in (recipient.name, recipient.address_line, place) if p]


def _facts(invoice: Invoice, recipient: RecipientSnapshot, title: str) -> list[tuple[str, str]]:
    facts = [(f"{title}nummer", str(invoice.invoice_number))]
    if recipient.customer_number is not None:
        facts.append(("Kundenummer", str(recipient.customer_number)))
    facts.append((f"{title}dato", _day(invoice.issue_date)))
    if invoice.kind != CREDIT_NOTE:
        facts.append(("Forfallsdato", _day(invoice.due_date)))
    return facts


def _letterhead(invoice: Invoice, recipient: RecipientSnapshot, seller: Seller, title: str) -> Any:
    """Draws the first page's head: the seller, the address in the window, the invoice's facts."""

    def draw(canvas: Any, _doc: Any) -> None:
        width, height = canvas._pagesize
        canvas.saveState()
        canvas.setFont(BOLD, 13)
        canvas.drawString(WINDOW_LEFT, height - 20 * _MM, seller.name)
        canvas.setFont(FONT, 8)
        canvas.drawString(
            WINDOW_LEFT,
            height - 25 * _MM,
            f"{seller.street}, {seller.postcode} {seller.city} · Org.nr. {seller.organisation_number}",
        )
        canvas.setFont(FONT, 10)
        y = height - WINDOW_TOP
        for line in _address_lines(recipient):
            canvas.drawString(WINDOW_LEFT, y, line)
            y -= 13
        y = height - WINDOW_TOP
        for label, value in _facts(invoice, recipient, title):
            canvas.setFont(FONT, 9)
            canvas.drawString(FACTS_LEFT, y, label)
            canvas.setFont(BOLD, 9)
            canvas.drawRightString(width - 20 * _MM, y, value)
            y -= 13
        canvas.restoreState()

    return draw


PREPAID_LABEL = "Trukket fra: det du hadde til gode fra før"


def _lines_table(
    invoice: Invoice, recipient: RecipientSnapshot, sign: int, credit: bool, prepaid: Money
) -> Any:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    styles = stylesheet()
    body = styles["Normal"]
    rows: list[list[Any]] = [["Hva", "Periode", "Beløp"]]
    commands: list[tuple[Any, ...]] = []
    for property_id, lines in in_reading_order(invoice.lines):
        shown = recipient.property(property_id)
        if shown is not None:
            heading = shown.label() + (f" – {shown.share()}" if shown.share() else "")
        else:  # issued before the document named its properties: as it was printed then
            heading = property_id
        commands += [
            ("SPAN", (0, len(rows)), (-1, len(rows))),
            ("FONTNAME", (0, len(rows)), (-1, len(rows)), BOLD),
            ("TOPPADDING", (0, len(rows)), (-1, len(rows)), 6),
        ]
        rows.append([Paragraph(f"<b>{markup(heading)}</b>", body), "", ""])
        for line in lines:
            basis = shown.basis(line.code) if shown is not None else ""
            what = markup(line.description) + (
                f"<br/><font size=8>{markup(_with_per(basis))}</font>" if basis else ""
            )
            rows.append(
                [
                    Paragraph(what, body),
                    f"{_day(line.period.start)}–{_day(_last_day(line.period.end))}",
                    Money(sign * line.amount.ore).kroner(),
                ]
            )
    if invoice.vat.ore:
        rows.append(["Merverdiavgift", "", Money(sign * invoice.vat.ore).kroner()])
    if prepaid.ore:
        rows.append(["Sum", "", invoice.total.kroner()])
        rows.append([PREPAID_LABEL, "", (-prepaid).kroner()])
    rows.append(
        ["Til gode" if credit else "Å betale", "", Money(sign * invoice.total.ore - prepaid.ore).kroner()]
    )
    table = Table(rows, colWidths=[100 * mm, 44 * mm, 30 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                *table_fonts(9),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, 0), BOLD),
                ("FONTNAME", (0, -1), (-1, -1), BOLD),
                ("ALIGN", (2, 0), (2, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
                *commands,
            ]
        )
    )
    return table


def _payment_box(invoice: Invoice, seller: Seller, to_pay: Money) -> Any:
    """'Betalingsinformasjon': amount, due date, KID and account, boxed apart from the rest."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    rows = [
        ["Betalingsinformasjon", ""],
        ["Beløp å betale", to_pay.kroner()],
        ["Forfallsdato", _day(invoice.due_date)],
        ["KID", invoice.kid],
        ["Til kontonummer", _account_number(seller.bank_account)],
    ]
    box = Table(rows, colWidths=[60 * mm, 60 * mm], hAlign="LEFT")
    box.setStyle(
        TableStyle(
            [
                *table_fonts(10),
                ("FONTNAME", (0, 0), (-1, 0), BOLD),
                ("FONTNAME", (1, 1), (1, -1), BOLD),
                ("SPAN", (0, 0), (-1, 0)),
                ("BOX", (0, 0), (-1, -1), 1, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6ee")),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return box


def _how_to_pay(invoice: Invoice, seller: Seller, prepaid: Money) -> str:
    """'Slik betaler du': the amount left to pay (the total less what the recipient's credits paid at
    issue), where and with which KID; or that nothing is left to pay."""
    to_pay = invoice.total - prepaid
    before = (
        markup(
            f"Du hadde {prepaid.kroner()} til gode fra før (en kreditnota eller noe du har betalt for mye). "
            "Det er trukket fra denne regningen. "
        )
        if prepaid.ore
        else ""
    )
    if to_pay.ore <= 0:
        return before + "Regningen er dermed betalt, og du skal ikke betale noe."
    return (
        before
        + markup(f"Betal {to_pay.kroner()} til konto {_account_number(seller.bank_account)} innen ")
        + f"<b>{markup(_day(invoice.due_date))}</b>. Bruk KID <b>{markup(invoice.kid)}</b>, "
        "så vet vi at betalingen gjelder denne regningen. "
        "Betaler du for sent, kan det komme purregebyr og forsinkelsesrente."
    )


def invoice_pdf(
    invoice: Invoice,
    recipient: RecipientSnapshot,
    seller: Seller,
    prepaid: Money = Money(0),
    *,
    compress: bool = True,
) -> bytes:
    """The same bytes every time for the same invoice, parties and prepaid amount: ReportLab's invariant
    mode leaves out the random document id, and the dates in the PDF's metadata are the issue date.
    `prepaid`: what the recipient's credits paid of the invoice when it was issued (set off then): shown
    as taken off the total, and the amount to pay is the rest."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    buffer = io.BytesIO()
    credit = invoice.kind == CREDIT_NOTE
    sign = -1 if credit else 1  # a credit note shows what is credited as positive amounts
    if credit:
        prepaid = Money(0)  # credits are set off against invoices, never against a credit note
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
    story: list[Any] = [
        Spacer(1, BELOW_WINDOW),
        Paragraph(markup(f"{title} nr. {invoice.invoice_number}"), styles["Title"]),
        Paragraph(markup(_introduction(invoice, _last_day(invoice.period.end))), body),
        Spacer(1, 5 * mm),
        _lines_table(invoice, recipient, sign, credit, prepaid),
        Spacer(1, 6 * mm),
    ]
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
        story.append(_payment_box(invoice, seller, invoice.total - prepaid))
        story.append(Paragraph("Slik betaler du", styles["Heading4"]))
        story.append(Paragraph(_how_to_pay(invoice, seller, prepaid), body))
    story.append(Paragraph("Slik er beløpet regnet ut", styles["Heading4"]))
    story.append(
        Paragraph(
            "Eiendomsskatten er årets skatt fra skattelisten, fordelt på årets måneder. "
            "Gebyrene for vann og avløp, renovasjon og feiing følger kommunens gebyrregulativ; uten "
            "vannmåler regnes forbruket ut fra bruksarealet (BRA). "
            "Har eiendommen skiftet eier, betaler hver eier for dagene de eide den. "
            "Eier du en andel av eiendommen, betaler du din andel. "
            "Beløp under minstebeløpet kommer med på neste regning. "
            "Blir skatten rettet eller eiendommen solgt, får du en kreditnota for det du har betalt for "
            "mye, eller en tilleggsregning for det som mangler.",
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
    head = _letterhead(invoice, recipient, seller, title)

    def first_page(canvas: Any, document: Any) -> None:
        canvas.setDateFormatter(stamp)
        head(canvas, document)

    doc.build(story, onFirstPage=first_page)
    return buffer.getvalue()
