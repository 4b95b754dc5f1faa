"""The owner's letters about an assessor's visit (PDF, Norwegian bokmål in plain language). The notice:
when the assessor comes (the day and a two-hour window), why, what happens at the visit, and how to ask
for another day; a notice that replaces an earlier letter says so first. The cancellation: the visit told
of will not take place then, a new notice follows. Both have the same letterhead, addressee and reference
block; each is rendered only from the letter and the municipality's letterhead, dated its issue date:
the same letter is the same bytes.

"Vår referanse" is a short reference people can read out on the phone; the full id stays in the stored
letter and its event. A notice issued since its body keeps `visit_minutes` (above 0) names the plan as the
CLI and the route sheets do and the letter itself ("BEF-1A2B3C4D, varsel 66927F1A"), and says how long the
visit is planned to take; a notice issued before (visit_minutes 0) and every cancellation keep the old
words ("BEF-" and the letter's own id, "under en time"), so a stored letter renders the same forever."""

from __future__ import annotations

from services.assessment.adapters.inspection_pdf import PdfStory, render_pdf
from services.assessment.domain.inspection_planning import (
    InspectionCancellation,
    InspectionNotice,
    plan_reference,
)
from services.assessment.domain.municipality import Municipality, OfficeContact
from services.platform.written_dates import clock, written_day


def reference(letter_id: str) -> str:
    """'BEF-1A2B3C4D': the first 8 letters or digits of a letter's id, in capitals (the letters issued
    before the plan's reference was written: it looks like a plan's reference but is the letter's)."""
    return "BEF-" + letter_number(letter_id)


def letter_number(letter_id: str) -> str:
    """'66927F1A': the first 8 letters or digits of a letter's id, in capitals."""
    return "".join(c for c in letter_id if c.isalnum())[:8].upper()


def our_reference(letter: InspectionNotice | InspectionCancellation) -> str:
    """'BEF-1A2B3C4D, varsel 66927F1A' (the plan as `propertytax ... show` takes it, and this letter) for
    a notice issued with its visit's minutes; 'BEF-66927F1A' (the letter's own id) for the older
    notices and the cancellations, as they were issued."""
    if isinstance(letter, InspectionNotice) and letter.visit_minutes > 0:
        return f"{plan_reference(letter.plan_id)}, varsel {letter_number(letter.notice_id)}"
    return reference(letter.notice_id)


def visit_length(minutes: int) -> str:
    """'om lag 1 ½ time', 'om lag 2 timer', 'om lag 45 minutter': the visit's planned minutes rounded to
    the quarter hour (at least one), in plain words."""
    quarters = max(1, (minutes + 7) // 15)
    hours, rest = divmod(quarters, 4)
    if not hours:
        return "om lag en halv time" if rest == 2 else f"om lag {rest * 15} minutter"
    unit = "time" if hours == 1 and rest in (0, 2) else "timer"
    if rest == 2:
        return f"om lag {hours} ½ {unit}"
    whole = f"{hours} {'time' if hours == 1 else 'timer'}"
    return f"om lag {whole}" if not rest else f"om lag {whole} og {rest * 15} minutter"


def notice_title(notice: InspectionNotice) -> str:
    return f"Varsel om befaring av eiendommen {notice.address or notice.property_id}"


def when(notice: InspectionNotice) -> str:
    """'mandag 6. mai 2024 mellom klokken 10.00 og 12.00'"""
    window = notice.window
    return f"{written_day(notice.day)} mellom klokken {clock(window.start)} og {clock(window.end)}"


def _ways_to_reach(contact: OfficeContact, municipality: Municipality) -> str:
    ways = []
    if contact.phone:
        ways.append(f"ringe oss på telefon {contact.phone}")
    if contact.email:
        ways.append(f"sende e-post til {contact.email}")
    if contact.web:
        ways.append(f"skrive til oss på {contact.web}")
    if not ways:
        return f"kontakte {contact.office or municipality.name}"
    return ways[0] if len(ways) == 1 else f"{', '.join(ways[:-1])} eller {ways[-1]}"


def _letter_head(
    doc: PdfStory, municipality: Municipality, letter: InspectionNotice | InspectionCancellation
) -> None:
    """Sender, addressee and the reference block, the same on every letter to an owner."""
    contact = municipality.contact
    doc.heading(municipality.name, 3)
    sender = [contact.office, *contact.address_lines]
    if any(sender):
        doc.text("\n".join(line for line in sender if line))
    reachable = [f"Telefon {contact.phone}" if contact.phone else "", contact.email, contact.web]
    if any(reachable):
        doc.text("\n".join(line for line in reachable if line))
    doc.gap(8)
    doc.text("\n".join(line for line in (letter.recipient_name, *letter.recipient_lines) if line))
    doc.gap(6)
    doc.text(
        f"Dato: {letter.issued_on:%d.%m.%Y}\nEiendom: {letter.property_id}\n"
        f"Vår referanse: {our_reference(letter)}"
    )
    doc.gap(2)


def _signature(doc: PdfStory, municipality: Municipality) -> None:
    doc.gap(6)
    contact = municipality.contact
    doc.text("\n".join(["Med hilsen", *(p for p in (contact.office, municipality.name) if p)]))


def notice_pdf(notice: InspectionNotice, municipality: Municipality) -> bytes:
    contact = municipality.contact
    doc = PdfStory()
    _letter_head(doc, municipality, notice)
    doc.heading(notice_title(notice), 2)
    if notice.replaces:
        earlier = (
            f"varsel {letter_number(notice.replaces)}"
            if notice.visit_minutes > 0
            else f"referanse {reference(notice.replaces)}"
        )
        doc.text(
            f"Dette brevet erstatter varselet vi sendte deg tidligere ({earlier}). "
            "Befaringen er flyttet til en ny tid.",
            bold=True,
        )
        doc.gap(2)
    doc.text(f"En taksator fra kommunen kommer til eiendommen {when(notice)}.", bold=bool(notice.replaces))
    doc.heading("Hvorfor vi kommer")
    doc.text(
        f"{notice.purpose.rstrip('.')}. Eiendomsskatten skal bygge på riktige opplysninger om eiendommen, "
        "og derfor ser vi på den selv."
    )
    doc.heading("Slik foregår befaringen")
    length = (
        f"Befaringen tar {visit_length(notice.visit_minutes)}."
        if notice.visit_minutes > 0
        else "Befaringen tar vanligvis under en time."  # the words of the notices issued before
    )
    doc.text(
        "Taksatoren ser på tomten og bygningene, kontrollerer arealet og noterer standard og tilstand. "
        f"{length} Taksatoren viser legitimasjon fra kommunen."
    )
    doc.gap(2)
    doc.text(
        "Du trenger ikke være hjemme: vi kan gjøre befaringen utenfra. Er du hjemme, vil taksatoren gjerne "
        "se inne i bygningen også, men bare hvis du sier ja til det."
    )
    doc.heading("Passer ikke tiden?")
    doc.text(
        f"Du kan be om en annen dag. Da kan du {_ways_to_reach(contact, municipality)}. "
        f"Oppgi eiendommen: {notice.property_id}. Gi oss beskjed så tidlig du kan."
    )
    _signature(doc, municipality)
    return render_pdf(doc, title=notice_title(notice), author=municipality.name, dated=notice.issued_on)


def cancellation_title(letter: InspectionCancellation) -> str:
    return f"Befaringen av eiendommen {letter.address or letter.property_id} blir ikke som varslet"


def cancellation_pdf(letter: InspectionCancellation, municipality: Municipality) -> bytes:
    """'Befaringen av <adresse> <dag dato> kl. 10.00–12.00 blir ikke som varslet. Vi sender nytt varsel
    når ny tid er satt.', and how to reach the office."""
    contact = municipality.contact
    window = letter.cancelled_window
    doc = PdfStory()
    _letter_head(doc, municipality, letter)
    doc.heading(cancellation_title(letter), 2)
    doc.text(
        f"Befaringen av {letter.address or letter.property_id} {written_day(letter.cancelled_day)} "
        f"kl. {clock(window.start)}–{clock(window.end)} blir ikke som varslet "
        f"(varselet med referanse {reference(letter.replaces)}).",
        bold=True,
    )
    doc.gap(2)
    doc.text(
        "Vi sender nytt varsel når ny tid er satt. Du trenger ikke gjøre noe før det. Vi beklager ulempen."
    )
    doc.heading("Spørsmål?")
    doc.text(f"Du kan {_ways_to_reach(contact, municipality)}. Oppgi eiendommen: {letter.property_id}.")
    _signature(doc, municipality)
    return render_pdf(doc, title=cancellation_title(letter), author=municipality.name, dated=letter.issued_on)
