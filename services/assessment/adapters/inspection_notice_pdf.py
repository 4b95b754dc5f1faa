"""The owner's letter about an assessor's visit (PDF, Norwegian bokmål in plain language): when the
assessor comes (the day and a two-hour window), why, what happens at the visit, and how to ask for another
day. A notice that replaces an earlier one says so first. Rendered only from the notice and the
municipality's letterhead, dated the notice's issue date: the same notice is the same bytes."""

from __future__ import annotations

from services.assessment.adapters.inspection_pdf import PdfStory, render_pdf
from services.assessment.domain.inspection_planning import InspectionNotice
from services.assessment.domain.municipality import Municipality, OfficeContact
from services.platform.written_dates import clock, written_day


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


def notice_pdf(notice: InspectionNotice, municipality: Municipality) -> bytes:
    contact = municipality.contact
    doc = PdfStory()
    doc.heading(municipality.name, 3)
    sender = [contact.office, *contact.address_lines]
    if any(sender):
        doc.text("\n".join(line for line in sender if line))
    reachable = [f"Telefon {contact.phone}" if contact.phone else "", contact.email, contact.web]
    if any(reachable):
        doc.text("\n".join(line for line in reachable if line))
    doc.gap(8)
    doc.text("\n".join(line for line in (notice.recipient_name, *notice.recipient_lines) if line))
    doc.gap(6)
    doc.text(
        f"Dato: {notice.issued_on:%d.%m.%Y}\nEiendom: {notice.property_id}\nVår referanse: {notice.notice_id}"
    )
    doc.gap(2)
    doc.heading(notice_title(notice), 2)
    if notice.replaces:
        doc.text(
            f"Dette brevet erstatter varselet vi sendte deg tidligere (referanse {notice.replaces}). "
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
    doc.text(
        "Taksatoren ser på tomten og bygningene, kontrollerer arealet og noterer standard og tilstand. "
        "Befaringen tar vanligvis under en time. Taksatoren viser legitimasjon fra kommunen."
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
    doc.gap(6)
    doc.text("\n".join(["Med hilsen", *(p for p in (contact.office, municipality.name) if p)]))
    return render_pdf(doc, title=notice_title(notice), author=municipality.name, dated=notice.issued_on)
