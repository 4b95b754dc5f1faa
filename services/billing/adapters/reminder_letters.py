"""Reminder letters as PDF, in plain Norwegian (bokmål): a reminder (betalingspåminnelse) or a notice of
enforced collection (varsel om tvangsinnfordring), rendered only from what the step stored when it was
taken (domain/reminders.py ReminderLetter), so the same letter is the same bytes whenever it is rendered
(ReportLab's invariant mode, the PDF dated by the letter's own date).

`ReminderLetterFiles` writes a run's letters under <root>/<run date>/ (application/collection_ports.py
ReminderLetters); a run's hand-overs have no letter.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import repeat
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from services.billing.domain.collection_rules import StepKind
from services.billing.domain.reminders import CollectionRun, CollectionStep, ReminderLetter
from services.platform.money import Money
from services.platform.pdf_fonts import BOLD, FONT, markup, table_fonts
from services.platform.pdf_story import PdfStory
from services.platform.written_dates import written_day


def _day(value: str) -> str:
    return date.fromisoformat(value).strftime("%d.%m.%Y")


def bank_account_words(number: str) -> str:
    """'12345678903' → '1234.56.78903' (as Norwegian account numbers are written)."""
    digits = "".join(ch for ch in number if ch.isdigit())
    return f"{digits[:4]}.{digits[4:6]}.{digits[6:]}" if len(digits) == 11 else number


def _amount(ore: int, currency: str) -> str:
    words = Money(ore).kroner()
    return words if currency == "NOK" else f"{words[:-3]} {currency}"


def _title(letter: ReminderLetter) -> str:
    if letter.step == StepKind.COLLECTION_NOTICE.value:
        if letter.layout >= 3 and letter.notice_given:
            return "Nytt varsel om tvangsinnfordring"
        return "Varsel om tvangsinnfordring"
    return "Betalingspåminnelse" if letter.sequence == 1 else f"Betalingspåminnelse nr. {letter.sequence}"


def _fee_row(letter: ReminderLetter) -> tuple[str, str]:
    """All reminder fees open on the invoice, with this letter's share named when earlier letters' fees
    are in it too."""
    total = _amount(letter.fees_ore, letter.currency)
    if letter.layout < 2:  # as letters of layout 1 were issued
        this = f" (for dette brevet {_amount(letter.fee_ore, letter.currency)})" if letter.fee_ore else ""
        return "Purregebyr" + this, total
    if not letter.fee_ore or letter.fee_ore == letter.fees_ore:
        return "Purregebyr", total
    return f"Purregebyr (herav {_amount(letter.fee_ore, letter.currency)} for dette brevet)", total


def _interest_through(letter: ReminderLetter) -> str:
    """The last day interest is charged for: the day before the letter's date (its day is charged later)."""
    return (date.fromisoformat(letter.issued_on) - timedelta(days=1)).strftime("%d.%m.%Y")


def _enforcement(letter: ReminderLetter) -> str:
    """What the notice says enforcement may mean: wage deduction is for persons only."""
    if letter.recipient_kind == "organisation":
        # Layout 5 on: the rules' name for the enforcer may already say "(tvangsinnfordring)"; not twice.
        said = letter.layout >= 5 and "tvangsinnfordring" in letter.hand_over_to
        named = "" if said else " (tvangsinnfordring)"
        return (
            f"{letter.hand_over_to}, som kan kreve det inn med tvang{named}, for eksempel ved utlegg i "
            "virksomhetens eiendeler eller bankinnskudd."
        )
    return (
        f"{letter.hand_over_to}, som kan kreve det inn med tvang, for eksempel ved trekk i lønn eller utlegg."
    )


_AGREEMENT = {"instalments": "en nedbetalingsavtale", "deferral": "betalingsutsettelse"}


def _broken_plan(letter: ReminderLetter) -> str:
    """What a broken plan's letter says first (layout 3 on): the agreement, why it broke, and that all that
    is left is due now."""
    agreement = _AGREEMENT.get(letter.plan_kind, "en betalingsavtale")
    opening = (
        f"Du har hatt {agreement} for faktura {letter.invoice_number} datert "
        f"{_day(letter.invoice_issue_date)} med forfall {_day(letter.invoice_due_date)}. "
    )
    if not letter.plan_missed_on:
        why = (
            f"Avtalen ble brutt {_day(letter.plan_broken_on)} fordi en betaling etter avtalen ikke kom inn "
            "i tide."
        )
    elif letter.plan_kind == "deferral":
        why = (
            "Avtalen er brutt fordi beløpet ikke ble betalt innen den utsatte fristen "
            f"{_day(letter.plan_missed_on)}."
        )
    else:
        why = f"Avtalen er brutt fordi avdraget som forfalt {_day(letter.plan_missed_on)}, ikke ble betalt."
    return (
        opening
        + why
        + " Hele det som gjenstår av fakturaen, må derfor betales nå. Har du betalt hele beløpet de siste "
        "dagene, kan du se bort fra dette brevet."
    )


def _kept_plan(letter: ReminderLetter) -> str:
    """What a letter on the rest of a plan kept to the end says first (layout 5 on): the plan was kept,
    what is left is the interest that ran meanwhile, and (its first letter) that no fee is charged."""
    invoice = (
        f"faktura {letter.invoice_number} datert {_day(letter.invoice_issue_date)} med forfall "
        f"{_day(letter.invoice_due_date)}"
    )
    if letter.plan_kind == "deferral":
        kept = f"Du fikk betalingsutsettelse for {invoice}, og du har betalt beløpet utsettelsen gjaldt"
        meanwhile = "mens utsettelsen varte"
    else:
        kept = f"Du har betalt avdragene i nedbetalingsavtalen for {invoice}"
        meanwhile = "mens avtalen varte"
    fee = " Dette brevet har ikke purregebyr." if not letter.fee_ore else ""
    return (
        f"{kept}; siste betaling kom inn {_day(letter.plan_kept_on)}. Takk for det. Men det løp "
        f"forsinkelsesrente {meanwhile}, og det du betalte, gikk først til renten. Derfor er noe av "
        f"fakturaen ikke betalt ennå. Beløpet står nedenfor.{fee} Har du betalt det de siste dagene, kan du "
        "se bort fra dette brevet."
    )


def _what_follows(letter: ReminderLetter) -> str:
    """What happens if the letter is not paid: a notice is announced only if none has been sent."""
    if letter.step == StepKind.COLLECTION_NOTICE.value:
        return (
            "Dette er siste varsel. Betaler du ikke innen fristen, gir vi kravet videre til "
            + _enforcement(letter)
        )
    if letter.layout >= 3 and letter.notice_given:
        return (
            "Vi har tidligere sendt deg varsel om tvangsinnfordring for denne fakturaen. Betaler du ikke "
            "innen fristen, går saken videre til tvangsinnfordring."
        )
    return "Betaler du ikke innen fristen, sender vi et varsel om tvangsinnfordring."


class _Letter(PdfStory):
    def table(self, rows: Sequence[tuple[str, str]]) -> None:
        from reportlab.lib import colors
        from reportlab.lib.units import mm
        from reportlab.platypus import Paragraph, Table, TableStyle

        cells = [
            [Paragraph(markup(a), self.styles["Normal"]), Paragraph(markup(b), self.styles["Normal"])]
            for a, b in rows
        ]
        table = Table(cells, colWidths=[110 * mm, 50 * mm])
        table.setStyle(
            TableStyle(
                [
                    *table_fonts(),
                    ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                    ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
                    ("FONTNAME", (0, -1), (-1, -1), BOLD),
                ]
            )
        )
        self.add(table)


def _what_is_unpaid(letter: ReminderLetter) -> str:
    """The letter's opening: the invoice not paid, or (layout 4 on) how much of it was."""
    invoice = (
        f"faktura {letter.invoice_number} datert {_day(letter.invoice_issue_date)} med forfall "
        f"{_day(letter.invoice_due_date)}"
    )
    settled = letter.invoice_total_ore - letter.principal_ore
    if letter.layout < 4 or letter.invoice_total_ore <= 0 or settled <= 0:
        return (
            f"Vi har ikke fått betaling for {invoice}. "
            "Har du betalt de siste dagene, kan du se bort fra dette brevet."
        )
    total = _amount(letter.invoice_total_ore, letter.currency)
    if letter.principal_ore <= 0:
        parts = (("gebyr", letter.fees_ore), ("forsinkelsesrente", letter.interest_ore))
        left = " og ".join(name for name, ore in parts if ore) or "gebyr"
        return (
            f"{invoice[0].upper()}{invoice[1:]} på {total} er gjort opp, men {left} som kom til fordi den "
            "ikke ble betalt i tide, gjenstår. Har du betalt det de siste dagene, kan du se bort fra dette "
            "brevet."
        )
    return (
        f"Av {invoice} på {total} er {_amount(settled, letter.currency)} gjort opp, men "
        f"{_amount(letter.principal_ore, letter.currency)} er ikke betalt. Har du betalt resten de siste "
        "dagene, kan du se bort fra dette brevet."
    )


def reminder_letter_pdf(letter: ReminderLetter, *, compress: bool = True) -> bytes:
    """The letter a step stored, as PDF bytes (the same bytes every time)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import SimpleDocTemplate

    title = _title(letter)
    money = letter.currency
    broken_plan = letter.layout >= 3 and bool(letter.plan_broken_on)
    doc = _Letter()
    doc.heading(letter.seller_name, 3)
    doc.text(f"{letter.seller_address}\nOrganisasjonsnummer {letter.seller_organisation_number}")
    doc.gap(8)
    doc.text(
        "\n".join(
            line
            for line in (
                letter.recipient_name,
                letter.recipient_address,
                f"{letter.recipient_postcode} {letter.recipient_city}".strip(),
            )
            if line
        )
    )
    doc.gap(6)
    doc.text(f"Dato: {_day(letter.issued_on)}\nFakturanummer: {letter.invoice_number}\nKID: {letter.kid}")
    doc.gap(4)
    doc.heading(title, 2)
    if broken_plan:
        doc.text(_broken_plan(letter))
    elif letter.layout >= 5 and letter.plan_kept_on:
        doc.text(_kept_plan(letter))
    else:
        doc.text(_what_is_unpaid(letter))
    doc.gap()
    rows = [("Det som gjenstår av fakturaen", _amount(letter.principal_ore, money))]
    if letter.fees_ore:
        rows.append(_fee_row(letter))
    if letter.interest_ore:
        layout_1 = f"til {_day(letter.issued_on)}"
        through = f"til og med {_interest_through(letter)}" if letter.layout >= 2 else layout_1
        rows.append((f"Forsinkelsesrente {through}", _amount(letter.interest_ore, money)))
    if letter.disputed_ore:
        rows.append(
            (
                "Beløp du har klaget på, holdt utenfor til saken er avgjort",
                _amount(-letter.disputed_ore, money),
            )
        )
    rows.append(("Å betale", _amount(letter.to_pay_ore, money)))
    doc.table(rows)
    doc.gap()
    doc.text(
        f"Betal {_amount(letter.to_pay_ore, money)} senest {written_day(date.fromisoformat(letter.due_on))} "
        f"til kontonummer {bank_account_words(letter.seller_bank_account)}. Bruk KID {letter.kid}.",
        bold=True,
    )
    doc.gap()
    doc.heading("Hva skjer hvis du ikke betaler?", 4)
    doc.text(
        "Forsinkelsesrente løper fra forfallsdatoen til beløpet er betalt (forsinkelsesrenteloven). "
        + _what_follows(letter)
    )
    if letter.secured_by_lien:
        doc.gap(2)
        doc.text(
            "Eiendomsskatt og kommunale gebyrer for eiendommen er sikret med lovbestemt pant i eiendommen "
            "(panteloven § 6-1). Blir kravet ikke betalt, kan eiendommen i siste instans bli tvangssolgt."
        )
    doc.gap()
    doc.heading("Mener du at kravet er feil?", 4)
    doc.text(
        "Ta kontakt med oss før fristen og fortell hva du mener er feil. Vi holder da tilbake purringer på "
        "beløpet du har innsigelser mot mens vi ser på saken; resten må du betale som vanlig. "
        "Har du klaget på eiendomsskatten, venter vi med å purre på den til klagen er avgjort."
    )
    ask = (
        "ta kontakt med oss så snart som mulig"  # the agreement it had is broken
        if broken_plan
        else "kan du be om betalingsutsettelse eller en nedbetalingsavtale"
    )
    doc.text(f"Har du problemer med å betale, {ask}. Forsinkelsesrenten løper likevel.")
    doc.gap(6)
    doc.text(f"Med hilsen\n{letter.seller_name}")

    stamp = f"D:{date.fromisoformat(letter.issued_on):%Y%m%d}000000+00'00'"

    def canvas(*args: Any, **kwargs: Any) -> Canvas:
        made = Canvas(*args, **kwargs)
        made.setDateFormatter(lambda *_: stamp)  # the letter's own date: re-rendering is byte-identical
        return made

    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author=letter.seller_name,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        pageCompression=1 if compress else 0,
        invariant=1,
        initialFontName=FONT,
    ).build(doc.flowables, canvasmaker=canvas)
    return buffer.getvalue()


PARALLEL_FROM = 2000  # letters; below that, starting workers (about 3 s) costs more than it saves
_BATCH = 250  # letters per task sent to a worker


def _write_letters(letters: Sequence[tuple[str, ReminderLetter]], folder: Path) -> None:
    for name, content in letters:
        target = folder / name
        partial = target.with_suffix(".pdf.part")
        partial.write_bytes(reminder_letter_pdf(content))
        partial.replace(target)  # a crash never leaves half a letter under its name


@dataclass(frozen=True)
class ReminderLetterFiles:
    """Writes a run's letters as PDF files under <root>/<run date>/<step>-<sequence>-<invoice>.pdf, on
    every core when there are many (rendering is CPU work: about 25 ms a letter on one core)."""

    root: Path
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)

    def folder(self, run: CollectionRun) -> Path:
        return self.root / run.run_on.isoformat()

    def write(self, run: CollectionRun, steps: Sequence[CollectionStep]) -> None:
        folder = self.folder(run)
        jobs = [(step.letter, step.content) for step in steps if step.content is not None and step.letter]
        if not jobs:  # hand-overs only: events, no letters, no empty folder to point to
            return
        folder.mkdir(parents=True, exist_ok=True)
        if self.workers > 1 and len(jobs) >= PARALLEL_FROM:
            batches = [jobs[start : start + _BATCH] for start in range(0, len(jobs), _BATCH)]
            with ProcessPoolExecutor(self.workers, mp_context=get_context("spawn")) as pool:
                list(pool.map(_write_letters, batches, repeat(folder)))
        else:
            _write_letters(jobs, folder)
