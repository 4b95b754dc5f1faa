"""The minutes (møteprotokoll) name who was present, who had leave of absence (forfall: ordinary members
in office on the meeting day who took part in no decision; a deputy stands in and is named as such) and
who chaired; the decision letters keep their content."""

from __future__ import annotations

from datetime import date

import pytest

from services.appeals.adapters.config_file import load_config
from services.appeals.adapters.documents_pdf import decision_letter_pdf, minutes_pdf
from services.appeals.domain import cases as flow
from services.appeals.domain import letters
from services.appeals.domain.cases import Outcome
from services.appeals.domain.committees import Member, MemberRole, check_participation
from services.appeals.domain.minutes import attendance
from tests.pdf_info import pdf_info
from tests.pdf_text import pdf_text
from tests.unit.test_appeals_domain import MEETINGS, MEMBERS, POLICY, TODAY, VALUATION, registered, scheduled

OFFICE = load_config().office
MEETING = MEETINGS["m1"]  # 15.05.2024, committee c1
# A member whose term ended before the meeting is neither present nor absent.
FORMER = Member("c1-old", "c1", "Tidligere Medlem", MemberRole.MEMBER, date(2019, 1, 1), date(2023, 12, 31))
DEPUTY_CHAIR = Member(
    "c1-nl", "c1", "Nestleder Nilsen", MemberRole.DEPUTY_CHAIR, date(2023, 1, 1), date(2027, 12, 31)
)
MEMBERS_C1 = [*MEMBERS["c1"], FORMER, DEPUTY_CHAIR]


def _decided(participant_ids: tuple[str, ...], outcome: Outcome = Outcome.NOT_UPHELD) -> flow.AppealCase:
    case = scheduled(registered())
    taking_part = check_participation(MEMBERS_C1, participant_ids, set(), MEETING.meets_on)
    return flow.decide(
        case, MEETING, taking_part, outcome, None, "Kort begrunnelse.", participant_ids, POLICY, TODAY, "sek"
    ).case


def test_the_minutes_name_the_present_the_absent_and_the_chair() -> None:
    # The chair and Medlem 2 are away; the deputy stands in and the deputy chair leads.
    case = _decided(("c1-nl", "c1-m1", "c1-dep"))
    pdf = minutes_pdf(MEETING, VALUATION, MEMBERS_C1, [case], OFFICE).content
    text = pdf_text(pdf)
    assert "Til stede: Nestleder Nilsen (nestleder), Medlem 1, Vara (varamedlem)." in text
    assert "Forfall: Leder, Medlem 2." in text
    assert "Møteleder: Nestleder Nilsen." in text
    assert "Tidligere Medlem" not in text
    assert "Deltok: Nestleder Nilsen, Medlem 1, Vara." in text  # each decision still says who decided it
    assert pdf_info(pdf)["Title"].startswith("Møteprotokoll – Sakkyndig nemnd – møte 15.05.2024")


def test_with_everyone_present_no_one_is_absent_and_the_chair_leads() -> None:
    case = _decided(("c1-chair", "c1-nl", "c1-m1", "c1-m2"))
    text = pdf_text(minutes_pdf(MEETING, VALUATION, MEMBERS_C1, [case], OFFICE).content)
    assert "Til stede: Leder (leder), Nestleder Nilsen (nestleder), Medlem 1, Medlem 2." in text
    assert "Forfall: ingen." in text and "Møteleder: Leder." in text


@pytest.mark.parametrize(
    ("took_part", "present", "absent", "chair"),
    [
        ({"c1-chair", "c1-m1"}, ["Leder", "Medlem 1"], ["Nestleder Nilsen", "Medlem 2"], "Leder"),
        ({"c1-m1", "c1-m2", "c1-dep"}, ["Medlem 1", "Medlem 2", "Vara"], ["Leder", "Nestleder Nilsen"], None),
    ],
)
def test_attendance_follows_the_decisions_and_the_terms(
    took_part: set[str], present: list[str], absent: list[str], chair: str | None
) -> None:
    who = attendance(MEMBERS_C1, MEETING.meets_on, took_part)
    assert [m.name for m in who.present] == present
    assert [m.name for m in who.absent] == absent
    assert (who.chaired_by.name if who.chaired_by else None) == chair


def test_no_leader_present_is_said_in_words() -> None:
    case = _decided(("c1-m1", "c1-m2", "c1-dep"))
    text = pdf_text(minutes_pdf(MEETING, VALUATION, MEMBERS_C1, [case], OFFICE).content)
    assert "Møteleder: verken leder eller nestleder deltok." in text


def test_a_member_disqualified_for_the_case_is_named_with_it_not_as_absent() -> None:
    case = _decided(("c1-chair", "c1-nl", "c1-m1", "c1-dep"))
    pdf = minutes_pdf(MEETING, VALUATION, MEMBERS_C1, [case], OFFICE, {case.case_id: ["c1-m2"]}).content
    text = pdf_text(pdf)
    assert "Forfall: ingen." in text
    assert "Inhabil (forvaltningsloven § 6), deltok ikke: Medlem 2." in text


def test_the_decision_letter_keeps_its_content() -> None:
    case = _decided(("c1-chair", "c1-m1", "c1-m2"))
    issued = letters.decision(case, VALUATION, OFFICE)
    letter = decision_letter_pdf(case, issued).content
    text = pdf_text(letter)
    assert "Klagen tas ikke til følge." in text and "Kort begrunnelse." in text
    assert "Forfall" not in text and "Møteleder" not in text  # attendance belongs in the minutes
    assert decision_letter_pdf(case, issued).content == letter
