"""Letters to complainants and the committees' meeting documents as PDF, in plain Norwegian (bokmål).

Letters: acknowledgement of receipt (with the deadline, and the parts of the complaint that are outside
the committees answered), preliminary answer (why it takes time, when to expect a decision), decision
letter (outcome, value, brief reasons, and the right to go further or that the decision is final).
Letters are rendered from the case and the IssuedLetter kept at the act that issued them (the letterhead,
the quoted period and the committee as they stood then), never from the current configuration, and
ReportLab's invariant mode keeps the bytes stable: the same letter is the same bytes, whenever asked for;
the PDF's creation date is the letter's date (the meeting's for meeting documents), not the machine's.
Meeting documents: the agenda with the office's preparation, and the minutes with each decision and its
reasons, rendered from stored data and the office's current letterhead.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from services.appeals.application.ports import MeetingPapers, Rendered
from services.appeals.domain.cases import AppealCase, Decision, Instance, Outcome
from services.appeals.domain.committees import Committee, Meeting, Member, MemberRole
from services.appeals.domain.complaint import Channel, ComplainantKind, GroundKind
from services.appeals.domain.letters import LAYOUT, IssuedLetter, decision_of, value_before_decision
from services.appeals.domain.minutes import attendance
from services.appeals.domain.policy import Office, Period
from services.platform.money import Money
from services.platform.pdf_fonts import BOLD, FONT, markup, table_fonts
from services.platform.pdf_story import PdfStory

GROUNDS = {
    GroundKind.AREA: "arealet (BRA)",
    GroundKind.ZONE: "sonen eller sonefaktoren",
    GroundKind.INNER_FACTOR: "indre faktor (standard og tilstand)",
    GroundKind.OUTER_FACTOR: "ytre faktor (omgivelser)",
    GroundKind.VALUE_LEVEL: "verdinivået",
    GroundKind.EXEMPTION: "fritak",
    GroundKind.OTHER: "annet ved takseringen",
    GroundKind.TAX_AUTHORITY_VALUE: "boligverdien fra Skatteetaten",
    GroundKind.RATES_OR_TERMS: "skattesatsen eller betalingsterminene",
}
CHANNELS = {
    Channel.POST: "per post",
    Channel.EMAIL: "per e-post",
    Channel.WEB_FORM: "via skjema på nett",
    Channel.IN_PERSON: "ved oppmøte",
}
OUTCOMES = {
    Outcome.UPHELD: "Klagen tas til følge.",
    Outcome.PARTLY_UPHELD: "Klagen tas delvis til følge.",
    Outcome.NOT_UPHELD: "Klagen tas ikke til følge.",
    Outcome.DISMISSED: "Klagen avvises.",
}
ROLES = {
    MemberRole.CHAIR: "leder",
    MemberRole.DEPUTY_CHAIR: "nestleder",
    MemberRole.MEMBER: "medlem",
    MemberRole.DEPUTY: "varamedlem",
}
# The committee in a decision letter's file name (vedtak-2024-00001-klagenemnd.pdf).
FILE_COMMITTEES = {
    Instance.VALUATION_COMMITTEE: "nemnd",
    Instance.APPEALS_COMMITTEE: "klagenemnd",
}
COMMITTEE_NAMES = {
    Instance.VALUATION_COMMITTEE: "sakkyndig nemnd",
    Instance.APPEALS_COMMITTEE: "sakkyndig klagenemnd",
}


def day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


class _Pdf(PdfStory):
    """A one-column A4 document in the invoice's style: DejaVu Sans (embedded, services.platform.pdf_fonts),
    headings, paragraphs, tables; every text passes through `markup`, so it shows exactly as given."""

    def __init__(self, title: str, office: Office, dated: date | None, layout: int = LAYOUT) -> None:
        """`dated`: the PDF's creation date (None: ReportLab's invariant 01.01.2000, as letters of layout 1
        were issued)."""
        super().__init__()
        self.title = title
        self.office = office
        self.dated = dated
        self.layout = layout

    def table(self, rows: Sequence[Sequence[str]], widths: Sequence[float]) -> None:
        from reportlab.lib import colors
        from reportlab.lib.units import mm
        from reportlab.platypus import Paragraph, Table, TableStyle

        cells = [[Paragraph(markup(cell), self.styles["Normal"]) for cell in row] for row in rows]
        table = Table(cells, colWidths=[w * mm for w in widths], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    *table_fonts(),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                    ("FONTNAME", (0, 0), (-1, 0), BOLD),
                ]
            )
        )
        self.flowables.append(table)

    def letterhead(self, recipient: Sequence[str], reference: str, dated: date) -> None:
        self.heading(self.office.name, 3)
        self.text("\n".join([self.office.unit, *self.office.address_lines]))
        self.gap(8)
        self.text("\n".join(line for line in recipient if line))
        self.gap(6)
        if self.layout == 1:  # as letters issued before 0007 were sent
            self.text(f"Dato: {day(dated)}    Vår referanse: {reference}")
        else:
            self.text(f"Dato: {day(dated)}\nVår referanse: {reference}")
        self.gap(4)
        self.heading(self.title, 2)

    def sign(self) -> None:
        self.gap(6)
        self.text(f"Med hilsen\n{self.office.unit}\n{self.office.contact}")

    def render(self, *, compress: bool = True) -> bytes:
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import mm
        from reportlab.pdfgen.canvas import Canvas
        from reportlab.platypus import SimpleDocTemplate

        dated = self.dated

        def canvas(*args: Any, **kwargs: Any) -> Canvas:
            made = Canvas(*args, **kwargs)
            if dated is not None:  # a business date, midnight UTC: re-rendering stays byte-identical
                stamp = f"D:{dated:%Y%m%d}000000+00'00'"
                made.setDateFormatter(lambda *_: stamp)
            return made

        buffer = io.BytesIO()
        SimpleDocTemplate(
            buffer,
            pagesize=A4,
            title=self.title,
            author=self.office.name,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=16 * mm,
            bottomMargin=16 * mm,
            pageCompression=1 if compress else 0,
            invariant=1,
            initialFontName=FONT,
        ).build(self.flowables, canvasmaker=canvas)
        return buffer.getvalue()


def _stamp(issued: IssuedLetter, dated: date) -> date | None:
    """The PDF date of a letter: its own date, but none for letters issued in layout 1 (they carried
    ReportLab's fixed date, and an issued letter's bytes never change)."""
    return None if issued.layout == 1 else dated


def _recipient(case: AppealCase) -> list[str]:
    who = case.complaint.complainant
    lines = [who.name]
    if who.kind == ComplainantKind.REPRESENTATIVE and who.represents:
        lines.append(f"på vegne av {who.represents}")
    return [*lines, *who.address_lines]


def _about(case: AppealCase) -> str:
    return f"Klage på eiendomsskatt for {case.tax_year}, eiendom {case.property_id}"


def _rights(doc: _Pdf) -> None:
    doc.text(
        "Du har rett til å se dokumentene i saken din (forvaltningsloven § 18). "
        "En klage utsetter ikke betalingen av eiendomsskatten."
    )


def _deadline_text(case: AppealCase, dated: date, weeks: str) -> str:
    """The complaint deadline as a letter dated `dated` can state it: what had happened by then in the past
    tense, and what had not (the bill not yet sent, the list not yet announced) as still to come, without
    a date the letter could not know."""
    deadline = case.deadline
    holiday = "Faller fristen på en lørdag, søndag eller helligdag, flyttes den til neste virkedag."
    bill_sent = deadline.dispatched_on <= dated
    announced = deadline.announced_on <= dated
    if bill_sent and announced:
        ends = "går ut" if dated <= deadline.deadline else "gikk ut"
        return (
            f"Fristen for å klage {ends} {day(deadline.deadline)}: {weeks} fra {day(deadline.runs_from)}, "
            "den seneste av datoen da det ble kunngjort at skattelisten var lagt ut, og datoen da "
            f"skatteseddelen ble sendt. {holiday}"
        )
    if not bill_sent and announced:
        return (
            "Klagen din kom før skatteseddelen for eiendommen: den er ikke sendt ennå. Fristen for å klage "
            f"er {weeks} fra den dagen skatteseddelen blir sendt. {holiday}"
        )
    if bill_sent:  # the bill went out, the display of the tax list is not announced yet
        return (
            "Klagen din kom før kunngjøringen av at skattelisten er lagt ut: den er ikke kunngjort ennå. "
            f"Fristen for å klage er {weeks} fra den dagen det blir kunngjort. {holiday}"
        )
    return (
        "Klagen din kom før skatteseddelen for eiendommen og før kunngjøringen av at skattelisten er lagt "
        "ut: ingen av dem er sendt eller kunngjort ennå. Fristen for å klage er "
        f"{weeks} fra den seneste av de to dagene. {holiday}"
    )


def acknowledgement_pdf(
    case: AppealCase, issued: IssuedLetter, dated: date, *, compress: bool = True
) -> Rendered:
    """The acknowledgement as issued at registration, dated `dated` (the day of registration)."""
    assert issued.complaint_weeks is not None  # every acknowledgement keeps the period it quotes
    office = issued.office
    doc = _Pdf("Vi har mottatt klagen din", office, _stamp(issued, dated), issued.layout)
    complaint = case.complaint
    doc.letterhead(_recipient(case), case.case_number, dated)
    doc.text(_about(case), bold=True)
    doc.gap(2)
    doc.text(
        f"Vi har mottatt klagen din {CHANNELS[complaint.channel]} {day(complaint.received_on)}. "
        f"Saksnummeret er {case.case_number}; oppgi det når du skriver til oss."
    )
    doc.heading("Klagefristen")
    doc.text(_deadline_text(case, dated, Period(weeks=issued.complaint_weeks).describe()))
    # Whether a late complaint is admitted is decided after registration (AdmitLateAppeal): the
    # acknowledgement, issued before that, says what it said then.
    if not case.late:
        doc.text("Klagen kom inn i tide.")
    else:
        doc.text(
            "Klagen kom inn etter fristen. Vi vurderer om den likevel kan behandles "
            "(forvaltningsloven § 31). Var det noe som hindret deg i å klage i tide, "
            "ber vi deg skrive til oss om det."
        )
    doc.heading("Dette klager du på")
    for ground in complaint.grounds:
        what = GROUNDS[ground.kind]
        doc.text(f"• {what[:1].upper()}{what[1:]}" + (f": {ground.text}" if ground.text else ""))
    kinds = {g.kind for g in complaint.outside_grounds}
    if kinds:
        doc.heading("Dette kan nemndene ikke behandle")
        if GroundKind.TAX_AUTHORITY_VALUE in kinds:
            doc.text(
                f"Boligverdien er fastsatt av {office.tax_authority}, og kommunens nemnder kan ikke endre "
                f"den. Mener du at boligverdien er feil, må du klage til {office.tax_authority}."
            )
        if GroundKind.RATES_OR_TERMS in kinds:
            doc.text(
                "Skattesatsen (promillen), bunnfradraget og betalingsterminene er kommunestyrets generelle "
                "vedtak. Slike vedtak kan ikke påklages."
            )
    doc.heading("Slik går saken videre")
    if complaint.wholly_outside_committees:
        doc.text("Klagen gjelder bare forhold som nemndene ikke kan behandle. Saken er derfor avsluttet.")
    else:
        doc.text(
            "Eiendomsskattekontoret forbereder saken, og sakkyndig nemnd avgjør den. Kan vi ikke avgjøre "
            f"saken innen {day(case.preliminary_answer_due)}, får du et foreløpig svar med årsaken og når du "
            "kan vente et vedtak."
        )
    _rights(doc)
    doc.sign()
    return Rendered(f"kvittering-{case.case_number}.pdf", doc.render(compress=compress))


def preliminary_answer_pdf(case: AppealCase, issued: IssuedLetter, *, compress: bool = True) -> Rendered:
    answer = case.preliminary_answer
    assert answer is not None
    doc = _Pdf("Foreløpig svar på klagen din", issued.office, _stamp(issued, answer.sent_on), issued.layout)
    doc.letterhead(_recipient(case), case.case_number, answer.sent_on)
    doc.text(_about(case), bold=True)
    doc.gap(2)
    doc.text(
        f"Vi mottok klagen din {day(case.complaint.received_on)}. Vi har ikke kunnet avgjøre den ennå, "
        "og gir deg derfor dette foreløpige svaret (forvaltningsloven § 11 a)."
    )
    doc.heading("Hvorfor det tar tid")
    doc.text(answer.reason)
    doc.heading("Når du kan vente svar")
    doc.text(f"Vi regner med at klagen blir avgjort innen {day(answer.expected_on)}.")
    _rights(doc)
    doc.sign()
    return Rendered(f"forelopig-svar-{case.case_number}.pdf", doc.render(compress=compress))


def _value_text(decision: Decision, before: int, disputed: int) -> str:
    """`before` is the property's value when the committee decided, `disputed` the bill's value that the
    complaint was about: they differ when a decision in another case (or a correction) changed it since."""
    kept = Money(before).kroner()
    since = (
        f"Da du klaget, var verdien {Money(disputed).kroner()}. Den er senere endret og er nå {kept}. "
        if before != disputed
        else ""
    )
    if decision.new_value is None and decision.outcome in (Outcome.UPHELD, Outcome.PARTLY_UPHELD):
        # Only a complaint that is not about the value (exemption) is upheld without a new value.
        return since + f"Vedtaket gjelder fritak og endrer ikke takstverdien, som står uendret: {kept}."
    if decision.new_value is None:
        return since + f"Verdien står uendret: {kept}."
    raised = decision.new_value.ore > before
    text = (
        f"Verdien endres fra {Money(before).kroner()} til {decision.new_value.kroner()}. "
        "Eiendomsskatten blir regnet ut på nytt, og du får en ny skatteseddel. "
    )
    if raised:
        return (
            text
            + "Klagenemnda har satt verdien høyere enn før; du får en tilleggsregning for det som mangler."
        )
    return text + "Det du er fakturert for mye, blir kreditert på en kreditnota."


def decision_letter_pdf(case: AppealCase, issued: IssuedLetter, *, compress: bool = True) -> Rendered:
    """The letter of the decision of `issued.instance`, naming the committee as it was named then."""
    committee = issued.committee
    assert committee is not None  # every decision letter keeps its committee
    decision, earlier = decision_of(case, issued)
    # The value the decision started from: the property's when the committee decided, kept with the letter
    # (decisions in the property's other cases included); in letters issued before it was kept, the bill's
    # or what the case's earlier decision set.
    kept = issued.value_before
    before = (value_before_decision(case, earlier) if kept is None else kept).ore
    stamp = _stamp(issued, decision.decided_on)
    doc = _Pdf(f"Vedtak i klagesak {case.case_number}", issued.office, stamp, issued.layout)
    doc.letterhead(_recipient(case), case.case_number, decision.decided_on)
    doc.text(_about(case), bold=True)
    doc.gap(2)
    kind = COMMITTEE_NAMES[decision.instance]
    named = committee.name if committee.name.lower() == kind else f"{committee.name} ({kind})"
    doc.text(f"{named} behandlet klagen din i møtet {day(decision.decided_on)}.")
    doc.heading("Vedtak")
    doc.text(OUTCOMES[decision.outcome], bold=True)
    doc.text(_value_text(decision, before, case.notice.value.ore))
    doc.heading("Begrunnelse")
    doc.text(decision.reasons)
    doc.heading("Klagerett")
    if decision.instance == Instance.APPEALS_COMMITTEE:
        doc.text(
            "Sakkyndig klagenemnd har avgjort saken endelig. Vedtaket kan ikke påklages "
            "(forvaltningsloven § 28 tredje ledd)."
        )
    elif decision.appeal_by is not None:
        doc.text(
            "Er du uenig, kan du be om at klagen sendes til sakkyndig klagenemnd, som avgjør saken endelig. "
            f"Skriv til oss innen {day(decision.appeal_by)} og oppgi saksnummer {case.case_number}. "
            "Klagenemnda kan også sette verdien høyere enn den er i dag."
        )
    else:
        doc.text(
            "Du har fått medhold i klagen helt eller delvis. Delvis medhold regnes som medhold, og saken er "
            "dermed avsluttet."
        )
    _rights(doc)
    doc.sign()
    name = f"vedtak-{case.case_number}-{FILE_COMMITTEES[decision.instance]}.pdf"
    return Rendered(name, doc.render(compress=compress))


def _meeting_document(title: str, meeting: Meeting, committee: Committee, office: Office) -> _Pdf:
    """A meeting document's head: "Saksliste – Sakkyndig nemnd – møte 15.05.2024", the office, the place."""
    doc = _Pdf(f"{title} – {committee.name} – møte {day(meeting.meets_on)}", office, meeting.meets_on)
    doc.heading(office.name, 3)
    doc.text(office.unit)
    doc.heading(doc.title, 2)
    doc.text(f"Sted: {meeting.location}")
    return doc


def _case_heading(doc: _Pdf, number: int, case: AppealCase) -> None:
    doc.heading(f"Sak {number}: {case.case_number} – eiendom {case.property_id}, skatteår {case.tax_year}", 5)


def _members_table(doc: _Pdf, members: Sequence[Member], on: date) -> None:
    seated = [m for m in members if m.seated_on(on)]
    doc.table(
        [["Navn", "Rolle", "Funksjonstid"]]
        + [[m.name, ROLES[m.role], f"{day(m.term_start)}–{day(m.term_end)}"] for m in seated],
        [70, 40, 60],
    )


def _value_before(case: AppealCase, meeting_id: str) -> Money:
    """The value in force when the meeting took the case up: decisions at later meetings left out."""
    value = case.notice.value
    for decision in case.decisions:
        if decision.meeting_id == meeting_id:
            break
        if decision.new_value is not None:
            value = decision.new_value
    return value


def agenda_pdf(
    meeting: Meeting,
    committee: Committee,
    members: Sequence[Member],
    cases: Sequence[AppealCase],
    disqualified: Mapping[str, Sequence[str]],
    office: Office,
    *,
    compress: bool = True,
) -> Rendered:
    doc = _meeting_document("Saksliste", meeting, committee, office)
    doc.heading("Medlemmer")
    _members_table(doc, members, meeting.meets_on)
    doc.heading("Saker")
    # The agenda as planned: every case put on it, whatever happened to it later (decided, withdrawn).
    on_agenda = list(cases)
    if not on_agenda:
        doc.text("Ingen saker er satt opp til dette møtet.")
    for number, case in enumerate(on_agenda, start=1):
        _case_heading(doc, number, case)
        doc.text("Klagen gjelder: " + ", ".join(GROUNDS[g.kind] for g in case.complaint.inside_grounds) + ".")
        doc.text(f"Verdi som er påklaget: {_value_before(case, meeting.meeting_id).kroner()}.")
        if case.late:
            doc.text(
                "Klagen kom inn etter fristen"
                + (" og er tatt under behandling." if case.late_admission else ".")
            )
        doc.text(f"Innstilling fra eiendomsskattekontoret: {case.recommendation or 'ikke forberedt'}")
        names = disqualified.get(case.case_id, ())
        if names:
            doc.text(f"Inhabil i saken (deltar ikke): {', '.join(names)}.")
    doc.gap()
    return Rendered(f"saksliste-{meeting.meets_on.isoformat()}.pdf", doc.render(compress=compress))


def _member_words(member: Member) -> str:
    """'Kari Nordmann (leder)'; an ordinary member by name alone."""
    return member.name if member.role == MemberRole.MEMBER else f"{member.name} ({ROLES[member.role]})"


def minutes_pdf(
    meeting: Meeting,
    committee: Committee,
    members: Sequence[Member],
    cases: Sequence[AppealCase],
    office: Office,
    disqualified: Mapping[str, Sequence[str]] | None = None,
    *,
    compress: bool = True,
) -> Rendered:
    """`disqualified`: the member ids disqualified for each case (by case id)."""
    stepped_aside = disqualified or {}
    doc = _meeting_document("Møteprotokoll", meeting, committee, office)
    names = {m.member_id: m.name for m in members}
    decided = [(c, d) for c in cases for d in c.decisions if d.meeting_id == meeting.meeting_id]
    if decided:
        who = attendance(
            members,
            meeting.meets_on,
            {p for _, d in decided for p in d.participant_ids},
            {m for c, _ in decided for m in stepped_aside.get(c.case_id, ())},
        )
        doc.heading("Til stede og forfall")
        doc.text("Til stede: " + ", ".join(_member_words(m) for m in who.present) + ".")
        doc.text("Forfall: " + (", ".join(m.name for m in who.absent) or "ingen") + ".")
        doc.text(
            f"Møteleder: {who.chaired_by.name}."
            if who.chaired_by
            else "Møteleder: verken leder eller nestleder deltok."
        )
    doc.heading("Vedtak")
    for number, (case, decision) in enumerate(decided, start=1):
        _case_heading(doc, number, case)
        doc.text(OUTCOMES[decision.outcome], bold=True)
        if decision.new_value is not None:
            doc.text(f"Ny verdi: {decision.new_value.kroner()}.")
        doc.text(f"Begrunnelse: {decision.reasons}")
        doc.text("Deltok: " + ", ".join(names.get(p, p) for p in decision.participant_ids) + ".")
        if stepped_aside.get(case.case_id):
            doc.text(
                "Inhabil (forvaltningsloven § 6), deltok ikke: "
                + ", ".join(names.get(m, m) for m in stepped_aside[case.case_id])
                + "."
            )
    if not decided:
        doc.text("Ingen saker ble avgjort i møtet.")
    return Rendered(f"protokoll-{meeting.meets_on.isoformat()}.pdf", doc.render(compress=compress))


class PdfDocuments:
    """Implements application/ports.py DocumentRenderer with the functions above."""

    def acknowledgement(self, case: AppealCase, issued: IssuedLetter, dated: date) -> Rendered:
        return acknowledgement_pdf(case, issued, dated)

    def preliminary_answer(self, case: AppealCase, issued: IssuedLetter) -> Rendered:
        return preliminary_answer_pdf(case, issued)

    def decision_letter(self, case: AppealCase, issued: IssuedLetter) -> Rendered:
        return decision_letter_pdf(case, issued)

    def agenda(self, papers: MeetingPapers, office: Office) -> Rendered:
        p = papers
        return agenda_pdf(p.meeting, p.committee, p.members, p.cases, p.disqualified_names(), office)

    def minutes(self, papers: MeetingPapers, office: Office) -> Rendered:
        p = papers
        return minutes_pdf(p.meeting, p.committee, p.members, p.cases, office, p.disqualified)
