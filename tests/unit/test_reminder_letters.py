"""Reminder letters in plain Norwegian from what the step stored: the same bytes each time, the amounts in
Norwegian form, the lien and what follows said."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from services.billing.adapters.reminder_letters import (
    ReminderLetterFiles,
    bank_account_words,
    reminder_letter_pdf,
)
from services.billing.application.run_reminders import LETTER_LAYOUT
from services.billing.domain.collection_rules import StepKind
from services.billing.domain.reminders import CollectionRun, CollectionStep, ReminderLetter, RunState
from services.platform.money import Money
from tests.pdf_text import pdf_text

pytestmark = pytest.mark.unit

LETTER = ReminderLetter(
    step="reminder",
    sequence=1,
    issued_on="2025-12-31",
    due_on="2026-01-14",
    invoice_number=1234,
    kid="000012349",
    invoice_issue_date="2025-10-30",
    invoice_due_date="2025-11-20",
    currency="NOK",
    principal_ore=123450,
    fees_ore=3500,
    fee_ore=3500,
    interest_ore=1789,
    disputed_ore=0,
    to_pay_ore=128739,
    secured_by_lien=True,
    hand_over_to="kommunens skatteoppkrever (tvangsinnfordring)",
    recipient_name="Kari Nordmann",
    recipient_address="Storgata 1",
    recipient_postcode="0155",
    recipient_city="Oslo",
    seller_name="Oslo kommune Eiendomsskatte- og gebyrkontoret (eksempel)",
    seller_organisation_number="974760673",
    seller_address="Postboks 1, Sentrum, 0037 Oslo",
    seller_bank_account="12345678903",
    layout=LETTER_LAYOUT,
)


def words(pdf: bytes) -> str:
    return " ".join(pdf_text(pdf).split())


def test_a_reminder_says_who_what_by_when_and_what_follows() -> None:
    text = words(reminder_letter_pdf(LETTER))
    for expected in (
        "Betalingspåminnelse",
        "Kari Nordmann",
        "Storgata 1",
        "0155 Oslo",
        "Fakturanummer: 1234",
        "KID: 000012349",
        "1 234,50 kr",
        "35,00 kr",
        "17,89 kr",
        "1 287,39 kr",
        "onsdag 14. januar 2026",
        "1234.56.78903",
        "varsel om tvangsinnfordring",
        "lovbestemt pant",
        "Mener du at kravet er feil?",
    ):
        assert expected in text, expected


def test_a_notice_names_the_enforcement_and_leaves_out_the_disputed_amount() -> None:
    notice = replace(LETTER, step="collection_notice", fee_ore=0, disputed_ore=50000, to_pay_ore=78739)
    text = words(reminder_letter_pdf(notice))
    assert "Varsel om tvangsinnfordring" in text and "Dette er siste varsel" in text
    assert "kommunens skatteoppkrever" in text
    assert "-500,00 kr" in text and "787,39 kr" in text


def test_without_lien_the_letter_does_not_speak_of_it() -> None:
    assert "pant" not in words(reminder_letter_pdf(replace(LETTER, secured_by_lien=False)))


def test_a_letter_renders_the_same_bytes_every_time() -> None:
    assert reminder_letter_pdf(LETTER) == reminder_letter_pdf(LETTER)
    assert bank_account_words("12345678903") == "1234.56.78903"


def test_the_run_folder_holds_one_file_per_letter(tmp_path: Path) -> None:
    run = CollectionRun("run-1", date(2025, 12, 31), RunState.WRITTEN)
    step = CollectionStep(
        "s1", "run-1", "A1", 1234, StepKind.REMINDER, 1, date(2025, 12, 31), date(2026, 1, 14),
        Money(125239), Money(3500), True, "reminder-1-1234.pdf", LETTER,
    )  # fmt: skip
    hand_over = replace(step, step_id="s2", step=StepKind.HAND_OVER, letter="", content=None)
    ReminderLetterFiles(tmp_path).write(run, [step, hand_over])
    assert [p.name for p in (tmp_path / "2025-12-31").iterdir()] == ["reminder-1-1234.pdf"]
    assert (tmp_path / "2025-12-31" / "reminder-1-1234.pdf").read_bytes() == reminder_letter_pdf(LETTER)
    handing_over_only = CollectionRun("run-2", date(2026, 1, 31), RunState.WRITTEN)
    ReminderLetterFiles(tmp_path).write(handing_over_only, [replace(hand_over, run_id="run-2")])
    assert not (tmp_path / "2026-01-31").exists()  # no letters: no empty folder to point to


def test_many_letters_are_written_by_workers_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import services.billing.adapters.reminder_letters as module

    monkeypatch.setattr(module, "PARALLEL_FROM", 2)
    monkeypatch.setattr(module, "_BATCH", 1)
    run = CollectionRun("run-1", date(2025, 12, 31), RunState.WRITTEN)
    steps = [
        CollectionStep(
            f"s{n}", "run-1", "A1", n, StepKind.REMINDER, 1, date(2025, 12, 31), date(2026, 1, 14),
            Money(125239), Money(3500), True, f"reminder-1-{n}.pdf", replace(LETTER, invoice_number=n),
        )
        for n in (1, 2, 3)
    ]  # fmt: skip
    ReminderLetterFiles(tmp_path, workers=2).write(run, steps)
    for n in (1, 2, 3):
        written = (tmp_path / "2025-12-31" / f"reminder-1-{n}.pdf").read_bytes()
        assert written == reminder_letter_pdf(replace(LETTER, invoice_number=n))


def test_interest_is_said_through_the_day_before_the_letter() -> None:
    text = words(reminder_letter_pdf(replace(LETTER, issued_on="2024-05-20", due_on="2024-06-03")))
    assert "Forsinkelsesrente til og med 19.05.2024" in text and "til 20.05.2024" not in text


def test_the_fee_is_said_once_or_with_this_letter_s_share() -> None:
    alone = words(reminder_letter_pdf(LETTER))
    assert "Purregebyr 35,00 kr" in alone and "for dette brevet" not in alone
    second = replace(LETTER, sequence=2, fees_ore=7250, fee_ore=3750, to_pay_ore=132489)
    assert "Purregebyr (herav 37,50 kr for dette brevet) 72,50 kr" in words(reminder_letter_pdf(second))
    no_fee_now = replace(LETTER, step="collection_notice", fee_ore=0)
    assert "Purregebyr 35,00 kr" in words(reminder_letter_pdf(no_fee_now))


def test_a_notice_to_an_organisation_speaks_of_utlegg_not_wages() -> None:
    notice = replace(LETTER, step="collection_notice", fee_ore=0)
    to_person = words(reminder_letter_pdf(notice))
    assert "trekk i lønn eller utlegg" in to_person
    to_company = words(reminder_letter_pdf(replace(notice, recipient_kind="organisation")))
    assert "lønn" not in to_company and "utlegg i virksomhetens eiendeler" in to_company
    # the enforcer's name in the rules says "(tvangsinnfordring)" already: said once, not twice
    assert (
        "kommunens skatteoppkrever (tvangsinnfordring), som kan kreve det inn med tvang, for eksempel ved "
        "utlegg" in to_company
    )
    elsewhere = words(
        reminder_letter_pdf(replace(notice, recipient_kind="organisation", hand_over_to="Kemneren"))
    )
    assert "Kemneren, som kan kreve det inn med tvang (tvangsinnfordring), for eksempel" in elsewhere
    # a notice issued in layout 4 renders as it did
    stored = words(reminder_letter_pdf(replace(notice, recipient_kind="organisation", layout=4)))
    assert "(tvangsinnfordring), som kan kreve det inn med tvang (tvangsinnfordring)" in stored


def test_a_letter_stored_before_the_recipient_s_kind_was_kept_is_to_a_person() -> None:
    stored = LETTER.as_json()
    del stored["recipient_kind"]
    old = ReminderLetter.from_json({**stored, "step": "collection_notice", "fee_ore": 0})
    assert old.recipient_kind == "person"
    assert reminder_letter_pdf(old) == reminder_letter_pdf(replace(old, recipient_kind="person"))


def test_long_names_and_addresses_still_fit_one_page() -> None:
    crowded = replace(
        LETTER,
        step="collection_notice",
        fees_ore=7250,
        fee_ore=3750,
        disputed_ore=50000,
        recipient_kind="organisation",
        recipient_name="Nordre Follo og Østre Toten Eiendomsutvikling og Boligbyggelag Holding AS avd. Vest",
        recipient_address="c/o Advokatfirma Kristiansen, Wiersholm & Co., Haakon VIIs gate 10, oppg. B",
        recipient_city="Kristiansand S",
    )
    pdf = reminder_letter_pdf(crowded, compress=False)
    assert len(re.findall(rb"/Type /Page\b(?!s)", pdf)) == 1
    assert "Haakon VIIs gate 10" in words(pdf)


def test_a_letter_issued_in_layout_1_keeps_its_wording() -> None:
    stored = LETTER.as_json()
    del stored["layout"], stored["recipient_kind"]  # as letters were stored before either was kept
    old = ReminderLetter.from_json({**stored, "issued_on": "2024-05-20", "due_on": "2024-06-03"})
    assert old.layout == 1
    text = words(reminder_letter_pdf(old))
    assert "Purregebyr (for dette brevet 35,00 kr) 35,00 kr" in text
    assert "Forsinkelsesrente til 20.05.2024" in text and "til og med" not in text


BROKEN = replace(
    LETTER,
    layout=3,
    plan_broken_on="2025-12-16",
    plan_kind="instalments",
    plan_missed_on="2025-12-01",
)


def test_a_broken_plan_s_letter_says_the_agreement_broke_and_all_is_due_now() -> None:
    text = words(reminder_letter_pdf(BROKEN))
    assert "Du har hatt en nedbetalingsavtale for faktura 1234" in text
    assert "Avtalen er brutt fordi avdraget som forfalt 01.12.2025, ikke ble betalt." in text
    assert "Hele det som gjenstår av fakturaen, må derfor betales nå." in text
    assert "Vi har ikke fått betaling for faktura" not in text
    assert "sender vi et varsel om tvangsinnfordring" in text  # none was sent before the plan


def test_a_deferral_s_letter_names_its_deadline_and_an_unknown_miss_gives_the_day_it_broke() -> None:
    deferral = words(reminder_letter_pdf(replace(BROKEN, plan_kind="deferral")))
    assert "Du har hatt betalingsutsettelse for faktura 1234" in deferral
    assert "ikke ble betalt innen den utsatte fristen 01.12.2025" in deferral
    unknown = words(reminder_letter_pdf(replace(BROKEN, plan_missed_on="")))
    assert "Avtalen ble brutt 16.12.2025 fordi en betaling etter avtalen ikke kom inn i tide." in unknown


def test_after_a_notice_a_broken_plan_s_reminder_does_not_announce_a_notice_again() -> None:
    text = words(reminder_letter_pdf(replace(BROKEN, notice_given=True)))
    assert "Avtalen er brutt" in text
    assert "Vi har tidligere sendt deg varsel om tvangsinnfordring for denne fakturaen." in text
    assert "Betaler du ikke innen fristen, går saken videre til tvangsinnfordring." in text
    assert "sender vi et varsel" not in text
    notice = replace(BROKEN, step="collection_notice", fee_ore=0, notice_given=True)
    assert "Nytt varsel om tvangsinnfordring" in words(reminder_letter_pdf(notice))


# A layout-2 reminder as it rendered when issued (before layout 3): stored letters keep their wording.
LAYOUT_2_TEXT = (
    "Oslo kommune Eiendomsskatte- og gebyrkontoret (eksempel) Postboks 1, Sentrum, 0037 Oslo "
    "Organisasjonsnummer 974760673 Kari Nordmann Storgata 1 0155 Oslo Dato: 31.12.2025 Fakturanummer: 1234 "
    "KID: 000012349 Betalingspåminnelse Vi har ikke fått betaling for faktura 1234 datert 30.10.2025 med "
    "forfall 20.11.2025. Har du betalt de siste dagene, kan du se bort fra dette brevet. Det som gjenstår av "
    "fakturaen 1 234,50 kr Purregebyr 35,00 kr Forsinkelsesrente til og med 30.12.2025 17,89 kr Å betale "
    "1 287,39 kr Betal 1 287,39 kr senest onsdag 14. januar 2026 til kontonummer 1234.56.78903. Bruk KID "
    "000012349. Hva skjer hvis du ikke betaler? Forsinkelsesrente løper fra forfallsdatoen til beløpet er "
    "betalt (forsinkelsesrenteloven). Betaler du ikke innen fristen, sender vi et varsel om "
    "tvangsinnfordring. Eiendomsskatt og kommunale gebyrer for eiendommen er sikret med lovbestemt pant i "
    "eiendommen (panteloven § 6-1). Blir kravet ikke betalt, kan eiendommen i siste instans bli tvangssolgt. "
    "Mener du at kravet er feil? Ta kontakt med oss før fristen og fortell hva du mener er feil. Vi holder "
    "da tilbake purringer på beløpet du har innsigelser mot mens vi ser på saken; resten må du betale som "
    "vanlig. Har du klaget på eiendomsskatten, venter vi med å purre på den til klagen er avgjort. Har du "
    "problemer med å betale, kan du be om betalingsutsettelse eller en nedbetalingsavtale. "
    "Forsinkelsesrenten løper likevel. Med hilsen Oslo kommune Eiendomsskatte- og gebyrkontoret (eksempel)"
)


def test_a_letter_issued_in_layout_2_renders_as_before() -> None:
    stored = {
        key: value
        for key, value in BROKEN.as_json().items()
        if key not in {"plan_broken_on", "plan_kind", "plan_missed_on", "notice_given"}
    }
    old = ReminderLetter.from_json({**stored, "layout": 2})  # as stored before layout 3's fields were kept
    assert words(reminder_letter_pdf(old)) == LAYOUT_2_TEXT
    # Layout 3's fields, were they ever set on an older letter, change nothing in its wording.
    assert words(reminder_letter_pdf(replace(BROKEN, layout=2, notice_given=True))) == LAYOUT_2_TEXT


def test_a_letter_after_a_part_payment_says_what_was_paid_and_what_is_not() -> None:
    part = words(reminder_letter_pdf(replace(LETTER, invoice_total_ore=250000)))
    assert (
        "Av faktura 1234 datert 30.10.2025 med forfall 20.11.2025 på 2 500,00 kr er 1 265,50 kr gjort opp, "
        "men 1 234,50 kr er ikke betalt." in part
    )
    assert "Vi har ikke fått betaling" not in part
    only_fees = words(reminder_letter_pdf(replace(LETTER, invoice_total_ore=250000, principal_ore=0)))
    assert (
        "Faktura 1234 datert 30.10.2025 med forfall 20.11.2025 på 2 500,00 kr er gjort opp, men gebyr og "
        "forsinkelsesrente som kom til fordi den ikke ble betalt i tide, gjenstår." in only_fees
    )
    unpaid = words(reminder_letter_pdf(replace(LETTER, invoice_total_ore=123450)))
    assert "Vi har ikke fått betaling for faktura 1234 datert 30.10.2025" in unpaid


def test_a_letter_of_an_earlier_layout_keeps_its_opening_after_a_part_payment() -> None:
    stored = replace(LETTER, layout=3, invoice_total_ore=250000)
    assert "Vi har ikke fått betaling for faktura 1234" in words(reminder_letter_pdf(stored))


def test_what_a_kept_plan_left_open_is_said_as_such_with_no_fee() -> None:
    rest = replace(
        LETTER,
        principal_ore=1234,
        fees_ore=0,
        fee_ore=0,
        interest_ore=56,
        to_pay_ore=1290,
        invoice_total_ore=250000,
        plan_kind="instalments",
        plan_kept_on="2026-01-28",
    )
    text = words(reminder_letter_pdf(rest))
    assert (
        "Du har betalt avdragene i nedbetalingsavtalen for faktura 1234 datert 30.10.2025 med forfall "
        "20.11.2025; siste betaling kom inn 28.01.2026. Takk for det. Men det løp forsinkelsesrente mens "
        "avtalen varte, og det du betalte, gikk først til renten. Derfor er noe av fakturaen ikke betalt "
        "ennå." in text
    )
    assert "Dette brevet har ikke purregebyr." in text and "Purregebyr" not in text
    assert "gjort opp, men" not in text and "12,90 kr" in text
    deferral = words(reminder_letter_pdf(replace(rest, plan_kind="deferral")))
    assert (
        "Du fikk betalingsutsettelse for faktura 1234 datert 30.10.2025 med forfall 20.11.2025, og du har "
        "betalt beløpet utsettelsen gjaldt; siste betaling kom inn 28.01.2026. Takk for det." in deferral
    )
    assert "mens utsettelsen varte" in deferral
    # a later letter on the same rest, with a fee, does not say it has none
    later = words(reminder_letter_pdf(replace(rest, fee_ore=3500, fees_ore=3500, to_pay_ore=4790)))
    assert "Dette brevet har ikke purregebyr." not in later
    # a letter stored in layout 4 renders as it did, whatever the field says
    assert "siste betaling kom inn" not in words(reminder_letter_pdf(replace(rest, layout=4)))
