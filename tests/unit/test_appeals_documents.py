"""Appeals' letters and meeting documents say what the case and the office's policy say, in plain
Norwegian: the configured complaint period, a deadline still ahead or already passed, and minutes that
name who was present or say plainly that nothing was decided."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from services.appeals.adapters.config_file import load_config
from services.appeals.adapters.documents_pdf import acknowledgement_pdf, decision_letter_pdf, minutes_pdf
from services.appeals.domain import cases as flow
from services.appeals.domain import letters
from services.appeals.domain.cases import Outcome
from services.appeals.domain.complaint import Ground, GroundKind
from services.appeals.domain.policy import AppealsPolicy
from services.platform.money import Money
from tests.pdf_text import pdf_text
from tests.unit.test_appeals_domain import (
    APPEALS,
    CALENDAR,
    MEETINGS,
    MEMBERS,
    NOTICE,
    POLICY,
    TODAY,
    VALUATION,
    complaint,
    decide,
    registered,
    scheduled,
)

pytestmark = pytest.mark.unit

OFFICE = load_config().office


def test_the_acknowledgement_states_the_configured_period_and_whether_the_deadline_has_passed() -> None:
    policy = AppealsPolicy(complaint_weeks=4)
    case = flow.register("c", "2024-00001", complaint(), NOTICE, CALENDAR, policy, "sek").case
    assert case.deadline.deadline == date(2024, 3, 25)  # 26 February + 4 weeks
    issued = letters.acknowledgement(case, OFFICE, policy)
    ahead = pdf_text(acknowledgement_pdf(case, issued, date(2024, 3, 20)).content)
    assert "Fristen for å klage går ut 25.03.2024: 4 uker fra 26.02.2024" in ahead
    assert "seks uker" not in ahead and "var 25.03.2024" not in ahead
    assert "Faller fristen på en lørdag, søndag eller helligdag, flyttes den til neste virkedag." in ahead
    passed = pdf_text(acknowledgement_pdf(case, issued, date(2024, 3, 26)).content)
    assert "Fristen for å klage gikk ut 25.03.2024: 4 uker fra 26.02.2024" in passed


def test_the_acknowledgement_answers_what_is_outside_the_committees() -> None:
    mixed = complaint(
        grounds=(
            Ground(GroundKind.TAX_AUTHORITY_VALUE, "Boligverdien er for høy"),
            Ground(GroundKind.ZONE, "Feil sone"),
        )
    )
    case = flow.register("c", "2024-00001", mixed, NOTICE, CALENDAR, AppealsPolicy(), "sek").case
    issued = letters.acknowledgement(case, OFFICE, AppealsPolicy())
    text = pdf_text(acknowledgement_pdf(case, issued, date(2024, 3, 20)).content)
    assert "Dette kan nemndene ikke behandle" in text
    assert "Boligverdien er fastsatt av Skatteetaten, og kommunens nemnder kan ikke endre den." in text


def test_the_decision_letter_names_the_meeting_and_the_credit_note() -> None:
    case = decide(scheduled(registered()), Outcome.UPHELD, Money.of(8_000_000)).case
    text = pdf_text(decision_letter_pdf(case, letters.decision(case, VALUATION, OFFICE)).content)
    assert "behandlet klagen din i møtet 15.05.2024." in text
    assert "Det du er fakturert for mye, blir kreditert på en kreditnota." in text


def test_minutes_name_who_was_present_or_say_once_that_nothing_was_decided() -> None:
    meeting = MEETINGS["m1"]
    empty = pdf_text(minutes_pdf(meeting, VALUATION, MEMBERS["c1"], [], OFFICE).content)
    assert "Til stede" not in empty and empty.count("Ingen saker ble avgjort") == 1
    case = decide(scheduled(registered()), Outcome.NOT_UPHELD).case
    held = pdf_text(minutes_pdf(meeting, VALUATION, MEMBERS["c1"], [case], OFFICE).content)
    assert "Til stede: Leder (leder), Medlem 1, Medlem 2." in held and "Ingen saker" not in held
    assert "Forfall: ingen." in held and "Møteleder: Leder." in held


def test_a_decision_letter_is_about_its_own_decision_and_names_the_committee_it_kept() -> None:
    """The first-instance letter still says what that decision said after the appeals committee decided,
    and a committee renamed since is named as it was."""
    first = decide(scheduled(registered()), Outcome.NOT_UPHELD)
    issued = letters.decision(first.case, VALUATION, OFFICE)
    case = flow.forward(first.case, date(2024, 5, 20), "", POLICY, TODAY, "sek").case
    case = flow.schedule(case, MEETINGS["m2"], APPEALS, date(2024, 5, 20), TODAY, "sek").case
    case = decide(case, Outcome.PARTLY_UPHELD, Money.of(8_000_000)).case
    later = pdf_text(decision_letter_pdf(case, issued).content)
    assert later == pdf_text(decision_letter_pdf(first.case, issued).content)
    assert "Klagen tas ikke til følge." in later and "Verdien står uendret: 9 000 000,00 kr." in later
    renamed = replace(VALUATION, name="Eiendomsskattenemnda")
    assert "Eiendomsskattenemnda" not in later
    assert "Eiendomsskattenemnda (sakkyndig nemnd)" in pdf_text(
        decision_letter_pdf(first.case, letters.decision(first.case, renamed, OFFICE)).content
    )
