"""Issue 10, cases 6, 12 and 13 in appeals' domain and documents: every act is dated on its business date
and every derived date comes from business dates (the deadline from the first invoice that carried the
year's tax, letters on their act); a decision's outcome and its effect agree; an agenda keeps the cases
planned for the meeting after they are decided."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from services.appeals.adapters.config_file import load_config
from services.appeals.adapters.documents_pdf import acknowledgement_pdf, agenda_pdf, decision_letter_pdf
from services.appeals.domain import cases as flow
from services.appeals.domain import letters
from services.appeals.domain.cases import AppealCase, Outcome
from services.appeals.domain.complaint import Ground, GroundKind
from services.appeals.domain.deadlines import DispatchBasis, TaxYearCalendar, deadline_for
from services.platform.errors import InvalidInput
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
MACHINE_DAY = date(2026, 11, 30)  # the day the 2024 levy happened to be run: never a business date
LATE_LEVY = replace(NOTICE, dispatched_on=MACHINE_DAY)
FIRST_INVOICE = date(2024, 4, 5)  # the issue date of the first invoice carrying the 2024 tax


# --- case 6: the deadline counts from business dates ----------------------------------------------


def test_a_2024_levy_run_in_2026_counts_from_the_first_invoice_not_the_machine_day() -> None:
    # Announcement 26 February, bills with the tax first invoiced 5 April: six weeks end on 17 May 2024
    # (not 11 January 2027 from the machine's day). 17 May is Constitution Day, 18-19 May a weekend and
    # 20 May Whit Monday, so the deadline moves to Tuesday 21 May (domstolloven § 149, deadlines.py).
    deadline = deadline_for(LATE_LEVY, CALENDAR, 6, FIRST_INVOICE)
    assert (deadline.dispatched_on, deadline.basis) == (FIRST_INVOICE, DispatchBasis.FIRST_INVOICE)
    assert deadline.runs_from == FIRST_INVOICE and deadline.deadline == date(2024, 5, 21)
    case = flow.register(
        "c",
        "n",
        complaint(date(2024, 5, 21)),
        LATE_LEVY,
        CALENDAR,
        POLICY,
        "sek",
        first_invoice_on=FIRST_INVOICE,
    ).case
    assert case.deadline.deadline == date(2024, 5, 21) and not case.late
    assert case.deadline.basis == DispatchBasis.FIRST_INVOICE


@pytest.mark.parametrize(
    ("announced", "first_invoice", "deadline"),
    [
        (date(2024, 2, 26), date(2024, 4, 5), date(2024, 5, 21)),  # the bill is later; 17 May a holiday
        (date(2024, 2, 26), date(2024, 4, 4), date(2024, 5, 16)),  # a day earlier: a Thursday
        (date(2024, 4, 22), date(2024, 4, 5), date(2024, 6, 3)),  # the announcement is later; Sat 1 June
        (date(2024, 2, 26), date(2024, 1, 10), date(2024, 4, 8)),  # invoiced before the list: announcement
    ],
)
def test_the_deadline_runs_from_the_later_of_announcement_and_first_invoice(
    announced: date, first_invoice: date, deadline: date
) -> None:
    calendar = TaxYearCalendar(2024, announced)
    assert deadline_for(LATE_LEVY, calendar, 6, first_invoice).deadline == deadline


def test_without_an_invoice_the_deadline_falls_back_to_the_recorded_dispatch_then_the_levy_date() -> None:
    levied = replace(NOTICE, dispatched_on=date(2024, 2, 20))
    recorded = TaxYearCalendar(2024, date(2024, 2, 26), bills_dispatched_on=date(2024, 3, 11))
    by_calendar = deadline_for(levied, recorded, 6)
    assert (by_calendar.dispatched_on, by_calendar.basis) == (date(2024, 3, 11), DispatchBasis.CALENDAR)
    by_levy = deadline_for(levied, CALENDAR, 6)
    assert (by_levy.dispatched_on, by_levy.basis) == (date(2024, 2, 20), DispatchBasis.LEVY)
    # A first invoice wins over both; a corrected bill keeps its own day whatever was invoiced.
    assert deadline_for(levied, recorded, 6, FIRST_INVOICE).basis == DispatchBasis.FIRST_INVOICE
    corrected = replace(levied, dispatched_on=date(2024, 9, 2), from_levy=False)
    by_correction = deadline_for(corrected, recorded, 6, FIRST_INVOICE)
    assert (by_correction.dispatched_on, by_correction.basis) == (date(2024, 9, 2), DispatchBasis.CORRECTION)


# --- case 6: letters are dated on their act -------------------------------------------------------


def _acknowledgement(case: AppealCase) -> str:
    issued = letters.acknowledgement(case, OFFICE, POLICY)
    assert case.acknowledged_on is not None
    return pdf_text(acknowledgement_pdf(case, issued, case.acknowledged_on).content)


def test_the_acknowledgement_of_a_complaint_received_in_2024_is_dated_in_2024() -> None:
    case = flow.register(
        "c",
        "2024-00001",
        complaint(date(2024, 3, 20)),
        LATE_LEVY,
        CALENDAR,
        POLICY,
        "sek",
        first_invoice_on=FIRST_INVOICE,
        today=MACHINE_DAY,
    ).case
    assert case.acknowledged_on == date(2024, 3, 20)  # by default the day received
    text = _acknowledgement(case)
    assert "Dato: 20.03.2024" in text and "30.11.2026" not in text
    assert "innen 03.04.2024" in text  # the preliminary answer: two weeks from receipt
    # The bill went out on 5 April, after the letter's day: the letter cannot speak of it as sent.
    assert "05.04.2024" not in text and "21.05.2024" not in text
    assert "Klagen din kom før skatteseddelen for eiendommen: den er ikke sendt ennå." in text


def test_an_acknowledgement_given_its_own_date_is_dated_on_it_within_the_receipt_and_today() -> None:
    case = flow.register(
        "c",
        "2024-00001",
        complaint(date(2024, 3, 20)),
        NOTICE,
        CALENDAR,
        POLICY,
        "sek",
        acknowledged_on=date(2024, 3, 22),
        today=MACHINE_DAY,
    ).case
    text = _acknowledgement(case)
    assert "Dato: 22.03.2024" in text and "innen 03.04.2024" in text
    for bad in (date(2024, 3, 19), date(2026, 12, 1)):
        with pytest.raises(InvalidInput) as refused:
            flow.register(
                "c",
                "n",
                complaint(date(2024, 3, 20)),
                NOTICE,
                CALENDAR,
                POLICY,
                "sek",
                acknowledged_on=bad,
                today=MACHINE_DAY,
            )
        assert [v.field for v in refused.value.violations] == ["acknowledged_on"]


def test_scheduling_assigning_and_disqualifying_are_dated_on_the_given_day() -> None:
    prepared = flow.prepare(registered(), "Innstilling.", date(2024, 4, 2), TODAY, "sek").case
    moved = flow.schedule(prepared, MEETINGS["m1"], VALUATION, date(2024, 4, 3), MACHINE_DAY, "sek")
    assert moved.history[0].on == date(2024, 4, 3)
    assigned = flow.assign(moved.case, "Hansen", None, date(2024, 4, 4), MACHINE_DAY, "sek")
    assert assigned.history[0].on == date(2024, 4, 4)
    disqualified = flow.disqualify(assigned.case, "Medlem 1", "Nabo.", date(2024, 4, 5), MACHINE_DAY, "sek")
    assert disqualified.history[0].on == date(2024, 4, 5)
    for bad in (
        date(2024, 3, 19),  # before the complaint came
        date(2024, 6, 11),  # after today (TODAY is 10 June 2024)
    ):
        with pytest.raises(InvalidInput) as refused:
            flow.schedule(prepared, MEETINGS["m1"], VALUATION, bad, TODAY, "sek")
        assert [v.field for v in refused.value.violations] == ["scheduled_on"]
    with pytest.raises(InvalidInput, match="assigned_on: cannot be in the future"):
        flow.assign(prepared, "Hansen", None, date(2024, 6, 11), TODAY, "sek")
    with pytest.raises(InvalidInput, match="declared_on: cannot be in the future"):
        flow.disqualify(prepared, "Medlem 1", "Nabo.", date(2024, 6, 11), TODAY, "sek")


# --- case 12: outcome and effect agree ------------------------------------------------------------


@pytest.mark.parametrize("outcome", [Outcome.UPHELD, Outcome.PARTLY_UPHELD])
def test_an_upheld_complaint_about_the_value_needs_a_new_lower_value(outcome: Outcome) -> None:
    case = scheduled(registered())
    with pytest.raises(InvalidInput) as refused:
        decide(case, outcome, None)
    assert [v.field for v in refused.value.violations] == ["new_value"]
    assert "lower than the value in force (9 000 000,00 kr)" in str(refused.value)
    for same_or_higher in (Money.of(9_000_000), Money.of(9_000_001)):
        with pytest.raises(InvalidInput) as refused:
            decide(case, outcome, same_or_higher)
        assert [v.field for v in refused.value.violations] == ["new_value"]
    assert decide(case, outcome, Money.of(8_999_999)).case.value_in_force == Money.of(8_999_999)


def test_not_upheld_and_dismissed_change_nothing_at_first_instance() -> None:
    case = scheduled(registered())
    for outcome in (Outcome.NOT_UPHELD, Outcome.DISMISSED):
        with pytest.raises(InvalidInput) as refused:
            decide(case, outcome, Money.of(8_000_000))
        assert [v.field for v in refused.value.violations] == ["new_value"]
        assert decide(case, outcome, None).case.value_in_force == NOTICE.value


def test_an_upheld_complaint_about_exemption_keeps_the_value_and_says_so() -> None:
    exemption = (Ground(GroundKind.EXEMPTION, "Eiendommen eies av en stiftelse (§ 7 a)"),)
    case = scheduled(registered(grounds=exemption))
    with pytest.raises(InvalidInput) as refused:
        decide(case, Outcome.UPHELD, Money.of(8_000_000))
    assert [v.field for v in refused.value.violations] == ["new_value"]
    upheld = decide(case, Outcome.UPHELD, None).case
    text = pdf_text(decision_letter_pdf(upheld, letters.decision(upheld, VALUATION, OFFICE)).content)
    assert "Klagen tas til følge." in text and "gjelder fritak" in text
    # A complaint on exemption and on the area is about the value too: upholding it sets a value.
    mixed = scheduled(registered(grounds=(*exemption, Ground(GroundKind.AREA, "BRA er 80 m²"))))
    with pytest.raises(InvalidInput, match="new_value"):
        decide(mixed, Outcome.UPHELD, None)


# --- case 13: the agenda as planned ---------------------------------------------------------------


def test_the_agenda_still_lists_a_case_after_the_meeting_decided_it() -> None:
    decided = decide(scheduled(registered()), Outcome.PARTLY_UPHELD, Money.of(8_000_000)).case
    assert decided.meeting_id == ""  # the case is no longer "on" a meeting
    text = pdf_text(agenda_pdf(MEETINGS["m1"], VALUATION, MEMBERS["c1"], [decided], {}, OFFICE).content)
    assert "Ingen saker er satt opp" not in text
    assert "Sak 1: 2024-00001" in text
    # The value the committee took up, not the value it set.
    assert "Verdi som er påklaget: 9 000 000,00 kr." in text


def test_the_appeals_committee_s_agenda_shows_the_value_after_the_first_decision() -> None:
    first = decide(scheduled(registered()), Outcome.NOT_UPHELD).case
    forwarded = flow.forward(first, date(2024, 5, 20), "", POLICY, TODAY, "sek").case
    on_agenda = flow.schedule(forwarded, MEETINGS["m2"], APPEALS, date(2024, 5, 21), TODAY, "sek").case
    final = decide(on_agenda, Outcome.NOT_UPHELD, Money.of(9_800_000)).case
    text = pdf_text(agenda_pdf(MEETINGS["m2"], APPEALS, MEMBERS["c2"], [final], {}, OFFICE).content)
    assert "Sak 1: 2024-00001" in text and "Verdi som er påklaget: 9 000 000,00 kr." in text
