"""The owner's notice of an assessor's visit (adapters/inspection_notice_pdf.py): plain Norwegian, the day
written out and the two-hour window, why, what happens, how to ask for another day; a replacing notice says
so; the same bytes every time, dated the day it was issued. Read back with poppler's pdftotext."""

from __future__ import annotations

from datetime import date
from hashlib import sha256

from services.assessment.adapters.inspection_documents import InspectionDocumentWriter
from services.assessment.adapters.inspection_notice_pdf import visit_length
from services.assessment.domain.municipality import Municipality
from tests.inspection_document_samples import OSLO, pdf_font_rows, pdf_words, sample_notice
from tests.pdf_info import pdf_info


def _letter(municipality: Municipality = OSLO, **changes: object) -> bytes:
    return InspectionDocumentWriter(municipality).notice(sample_notice(**changes))


def test_the_letter_says_who_writes_to_whom_when_and_about_which_property() -> None:
    text = pdf_words(_letter())

    assert text.index("Oslo kommune Eiendomsskattekontoret Postboks 1, Sentrum 0037 Oslo") == 0
    assert "Máret Ŋuolláš Sárá c/o Ødegård Thorvald Meyers gate 50 0555 Oslo" in text
    assert "Dato: 22.04.2024" in text
    assert "Varsel om befaring av eiendommen Thorvald Meyers gate 50, 0555 Oslo" in text


def test_the_day_is_written_out_with_the_window() -> None:
    text = pdf_words(_letter())

    assert "kommer til eiendommen mandag 6. mai 2024 mellom klokken 10.00 og 12.00." in text


def test_the_letter_says_why_what_happens_and_that_the_owner_need_not_be_home() -> None:
    text = pdf_words(_letter(purpose="Befaring etter nybygg på eiendommen"))

    assert "Hvorfor vi kommer Befaring etter nybygg på eiendommen." in text
    assert "Du trenger ikke være hjemme: vi kan gjøre befaringen utenfra." in text
    assert "vil taksatoren gjerne se inne i bygningen også" in text


def test_the_letter_says_how_to_ask_for_another_day_and_what_to_quote() -> None:
    text = pdf_words(_letter())

    assert "Du kan be om en annen dag." in text
    assert "ringe oss på telefon 21 80 21 80" in text
    assert "sende e-post til eiendomsskatt@example.oslo.kommune.no" in text
    assert "eller skrive til oss på example.oslo.kommune.no/eiendomsskatt" in text
    assert "Oppgi eiendommen: 0301-227/31/0/0." in text


def test_a_municipality_without_a_contact_still_tells_the_owner_whom_to_ask() -> None:
    text = pdf_words(_letter(Municipality("Karasjok gielda", "5610")))

    assert text.startswith("Karasjok gielda Máret")
    assert "Du kan be om en annen dag. Da kan du kontakte Karasjok gielda." in text


def test_a_first_notice_replaces_nothing_a_new_one_names_the_one_it_replaces() -> None:
    assert "erstatter" not in pdf_words(_letter())

    text = pdf_words(_letter(replaces="3f2a9c1e-77b0-4d2e-9a51-0c6d8e4f1b23"))

    first = text.index("Dette brevet erstatter varselet vi sendte deg tidligere (referanse BEF-3F2A9C1E).")
    assert first < text.index("kommer til eiendommen mandag 6. mai 2024 mellom klokken 10.00 og 12.00.")


def test_the_same_notice_is_the_same_bytes_dated_the_day_it_was_issued() -> None:
    letter = _letter()

    assert _letter() == letter
    assert pdf_info(letter)["CreationDate"].startswith("Mon Apr 22 00:00:00 2024")
    assert pdf_info(letter)["Author"] == "Oslo kommune"
    later = _letter(issued_on=date(2024, 4, 24))
    assert later != letter
    assert pdf_info(later)["CreationDate"].startswith("Wed Apr 24 00:00:00 2024")


def test_names_print_as_written_in_embedded_dejavu() -> None:
    letter = _letter(
        recipient_name="Ødegård & <Sønner> AS", recipient_lines=("Čáhppesjávri 1", "9730 Kárášjohka")
    )

    text = pdf_words(letter)

    assert "Ødegård & <Sønner> AS Čáhppesjávri 1 9730 Kárášjohka" in text
    rows = pdf_font_rows(letter)
    assert rows
    for row in rows:
        assert "DejaVuSans" in row[0] and row[3] == "yes", row


def test_our_reference_is_short_enough_to_read_out_on_the_phone() -> None:
    text = pdf_words(_letter(notice_id="9b1c07d4-2e5f-4a8b-b3c6-d7e8f9a0b1c2"))

    assert "Vår referanse: BEF-9B1C07D4" in text
    assert "9b1c07d4-2e5f" not in text


def test_a_notice_issued_with_its_minutes_names_the_plan_and_itself_and_says_how_long() -> None:
    text = pdf_words(
        _letter(
            plan_id="1a2b3c4d-5e6f-4a1b-8c2d-000000000001",
            notice_id="66927f1a-2e5f-4a8b-b3c6-d7e8f9a0b1c2",
            visit_minutes=90,
            replaces="3f2a9c1e-77b0-4d2e-9a51-0c6d8e4f1b23",
        )
    )

    # The plan as `propertytax assessment inspections show BEF-1A2B3C4D` takes it, and this letter.
    assert "Vår referanse: BEF-1A2B3C4D, varsel 66927F1A" in text
    assert "Dette brevet erstatter varselet vi sendte deg tidligere (varsel 3F2A9C1E)." in text
    assert "Befaringen tar om lag 1 ½ time." in text and "under en time" not in text
    assert "Befaringen tar om lag 2 timer." in pdf_words(_letter(visit_minutes=120))
    assert "Befaringen tar om lag 45 minutter." in pdf_words(_letter(visit_minutes=45))


def test_the_length_is_said_in_quarter_hours() -> None:
    assert [visit_length(m) for m in (10, 30, 44, 60, 75, 97, 105, 150, 180)] == [
        "om lag 15 minutter",
        "om lag en halv time",
        "om lag 45 minutter",
        "om lag 1 time",
        "om lag 1 time og 15 minutter",
        "om lag 1 ½ time",
        "om lag 1 time og 45 minutter",
        "om lag 2 ½ timer",
        "om lag 3 timer",
    ]


def test_a_notice_issued_before_the_minutes_were_kept_renders_as_it_was_issued() -> None:
    """Its body reads visit_minutes 0: the letter's own id as "BEF-…" and "under en time", as sent."""
    text = pdf_words(
        _letter(
            notice_id="66927f1a-2e5f-4a8b-b3c6-d7e8f9a0b1c2", replaces="3f2a9c1e-77b0-4d2e-9a51-0c6d8e4f1b23"
        )
    )

    assert "Vår referanse: BEF-66927F1A Varsel" in text  # the reference line ends there
    assert "(referanse BEF-3F2A9C1E)" in text
    assert "Befaringen tar vanligvis under en time." in text
    assert sha256(_letter()).hexdigest() == OLD_NOTICE_SHA256


# The sample notice's bytes as rendered before visit_minutes existed (commit 42255a1): a stored letter
# renders the same forever (with the same ReportLab and fonts; a change of them shows here first).
OLD_NOTICE_SHA256 = "bc02fdc3cc8b31359b6ff6a56c696af3c3132d6ee8e2e16f598bcb8aba4fe6ca"
