"""Issue 10 follow-up, items 2-4 in appeals' domain and letters: a refused decision gives the reason that
applies (every outcome × instance × new value); a decision letter states the property's value in force
after the decision, other cases' decisions included; an acknowledgement never speaks of a bill or an
announcement after its own date as done."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from services.appeals.adapters.config_file import load_config
from services.appeals.adapters.documents_pdf import acknowledgement_pdf, decision_letter_pdf
from services.appeals.domain import cases as flow
from services.appeals.domain import letters
from services.appeals.domain.cases import AppealCase, Decision, Instance, Outcome
from services.appeals.domain.deadlines import TaxYearCalendar
from services.platform.errors import InvalidInput
from services.platform.money import Money
from tests.pdf_text import pdf_text
from tests.unit.test_appeals_domain import (
    APPEALS,
    CALENDAR,
    MEETINGS,
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
IN_FORCE = "9 000 000,00 kr"  # NOTICE's value as the refusals print it
VALUES = {"higher": Money.of(9_500_000), "lower": Money.of(8_000_000), "equal": NOTICE.value, "absent": None}
NOT_UPHELD = "a complaint not upheld sets no new value"
NOT_UPHELD_APPEALS = f"{NOT_UPHELD}, except a higher one by the expert appeals committee"
LOWER_MEANS_UPHELD = (
    f"a value lower than the value in force ({IN_FORCE}) means the complaint is (partly) upheld"
)
DISMISSED = "a dismissed complaint is not decided on its merits: no new value; leave it out"


def _upheld(word: str) -> dict[str, str | None]:
    return {
        "higher": f"a complaint that is {word} lowers the value: give a value lower than the value in force "
        f"({IN_FORCE})",
        "lower": None,
        "equal": f"a complaint that is {word} lowers the value: {IN_FORCE} is the value in force; "
        "give a lower value",
        "absent": f"a complaint about the value that is {word} sets a new value lower than the value in "
        f"force ({IN_FORCE}); or decide it not upheld",
    }


# outcome × instance × new value (relative to the value in force) → the refusal, or None when recorded.
EXPECTED: dict[tuple[Outcome, Instance], dict[str, str | None]] = {
    **{(Outcome.UPHELD, i): _upheld("upheld") for i in Instance},
    **{(Outcome.PARTLY_UPHELD, i): _upheld("partly upheld") for i in Instance},
    (Outcome.NOT_UPHELD, Instance.VALUATION_COMMITTEE): {
        "higher": f"{NOT_UPHELD}: only the expert appeals committee may raise the value "
        f"(in force: {IN_FORCE})",
        "lower": f"{NOT_UPHELD}: {LOWER_MEANS_UPHELD}",
        "equal": f"{NOT_UPHELD}: {IN_FORCE} is the value in force; leave it out",
        "absent": None,
    },
    (Outcome.NOT_UPHELD, Instance.APPEALS_COMMITTEE): {
        "higher": None,  # the expert appeals committee may raise the value
        "lower": f"{NOT_UPHELD_APPEALS}: {LOWER_MEANS_UPHELD}",
        "equal": f"{NOT_UPHELD_APPEALS}: {IN_FORCE} is the value in force; leave it out",
        "absent": None,
    },
    **{
        (Outcome.DISMISSED, i): {"higher": DISMISSED, "lower": DISMISSED, "equal": DISMISSED, "absent": None}
        for i in Instance
    },
}


def _before(instance: Instance) -> AppealCase:
    """A case on the agenda of the instance's meeting, the value in force still the bill's 9,000,000."""
    case = scheduled(registered())
    if instance == Instance.VALUATION_COMMITTEE:
        return case
    first = decide(case, Outcome.NOT_UPHELD).case
    forwarded = flow.forward(first, date(2024, 5, 20), "", POLICY, TODAY, "sek").case
    return flow.schedule(forwarded, MEETINGS["m2"], APPEALS, date(2024, 5, 21), TODAY, "sek").case


@pytest.mark.parametrize(
    ("outcome", "instance", "relation", "refusal"),
    [
        pytest.param(o, i, r, message, id=f"{o.value}-{i.value}-{r}")
        for (o, i), row in EXPECTED.items()
        for r, message in row.items()
    ],
)
def test_every_outcome_instance_and_value_gets_the_reason_that_applies(
    outcome: Outcome, instance: Instance, relation: str, refusal: str | None
) -> None:
    case = _before(instance)
    assert case.instance == instance and case.value_in_force == NOTICE.value
    if refusal is None:
        decided = decide(case, outcome, VALUES[relation]).case
        assert decided.decisions[-1].new_value == VALUES[relation]
        return
    with pytest.raises(InvalidInput) as refused:
        decide(case, outcome, VALUES[relation])
    assert [(v.field, v.description) for v in refused.value.violations] == [("new_value", refusal)]


def test_the_trial_s_lower_value_not_upheld_is_refused_for_what_it_is() -> None:
    # Value in force 24,920,000; not upheld with 20,000,000: the refusal is about not upheld, not raising.
    case = scheduled(registered())
    case = replace(case, notice=replace(case.notice, value=Money.of(24_920_000)))
    with pytest.raises(InvalidInput) as refused:
        decide(case, Outcome.NOT_UPHELD, Money.of(20_000_000))
    (violation,) = refused.value.violations
    assert violation.description.startswith("a complaint not upheld sets no new value")
    assert "raise" not in violation.description


# --- item 3: the value in force after a decision, other cases' decisions included ------------------


def test_the_property_s_value_in_force_counts_other_cases_decisions_and_later_corrections() -> None:
    case = scheduled(registered())
    other = Decision(
        Instance.VALUATION_COMMITTEE, "m1", date(2024, 5, 15), Outcome.UPHELD, Money.of(7_000_000), "", ()
    )
    later = replace(other, decided_on=date(2024, 6, 5), new_value=Money.of(6_000_000))
    on = date(2024, 5, 15)
    assert flow.property_value_in_force(case, NOTICE, [], on) == NOTICE.value
    assert flow.property_value_in_force(case, NOTICE, [other], on) == Money.of(7_000_000)
    # A decision after the meeting's day is not yet in force on it.
    assert flow.property_value_in_force(case, NOTICE, [other, later], on) == Money.of(7_000_000)
    # The correction the decision caused (same day, same value), then a § 17 correction after it.
    caused = replace(NOTICE, tax_base_version=2, value=Money.of(7_000_000), dispatched_on=on, from_levy=False)
    assert flow.property_value_in_force(case, caused, [other], on) == Money.of(7_000_000)
    corrected = replace(
        caused, tax_base_version=3, value=Money.of(7_500_000), dispatched_on=date(2024, 5, 20)
    )
    assert flow.property_value_in_force(case, corrected, [other], date(2024, 5, 22)) == Money.of(7_500_000)
    # A bill dated after the meeting is not the one in force on its day: the disputed one is.
    assert flow.property_value_in_force(case, corrected, [], on) == NOTICE.value


def _letter(case: AppealCase, value_before: Money | None) -> str:
    issued = letters.decision(case, VALUATION, OFFICE, value_before)
    return pdf_text(decision_letter_pdf(case, issued).content)


def test_two_cases_on_one_property_decided_in_order_the_second_letter_states_the_value_in_force() -> None:
    disputed = replace(NOTICE, value=Money.of(24_920_000))
    first = flow.register("case-1", "2024-00001", complaint(), disputed, CALENDAR, POLICY, "sek").case
    second = flow.register("case-2", "2024-00002", complaint(), disputed, CALENDAR, POLICY, "sek").case
    first, second = scheduled(first), scheduled(second)
    meeting = MEETINGS["m1"]
    upheld = decide(first, Outcome.UPHELD, Money.of(20_000_000)).case
    before = flow.property_value_in_force(second, disputed, upheld.decisions, meeting.meets_on)
    assert before == Money.of(20_000_000)
    not_upheld = decide(second, Outcome.NOT_UPHELD).case
    text = _letter(not_upheld, before)
    assert "Verdien står uendret: 20 000 000,00 kr." in text
    assert (
        "Da du klaget, var verdien 24 920 000,00 kr. Den er senere endret og er nå 20 000 000,00 kr." in text
    )
    # A letter issued before the value was kept states its own case's value, as it was issued.
    assert "Verdien står uendret: 24 920 000,00 kr." in _letter(not_upheld, None)


def test_a_decision_that_changes_the_value_starts_from_the_property_s_value() -> None:
    case = scheduled(registered())
    lowered = decide(
        case,
        Outcome.PARTLY_UPHELD,
        Money.of(7_500_000),
    ).case
    text = _letter(lowered, Money.of(8_000_000))
    assert "Verdien endres fra 8 000 000,00 kr til 7 500 000,00 kr." in text


# --- item 4: the acknowledgement on its own date -------------------------------------------------


def _acknowledgement(case: AppealCase) -> str:
    issued = letters.acknowledgement(case, OFFICE, POLICY)
    assert case.acknowledged_on is not None
    return pdf_text(acknowledgement_pdf(case, issued, case.acknowledged_on).content)


def _registered(received: date, calendar: TaxYearCalendar, first_invoice: date | None) -> AppealCase:
    return flow.register(
        "c",
        "2024-00001",
        complaint(received),
        NOTICE,
        calendar,
        POLICY,
        "sek",
        first_invoice_on=first_invoice,
        today=date(2026, 11, 30),
    ).case


def test_an_acknowledgement_before_the_bill_was_sent_says_it_is_not_sent_yet() -> None:
    # Received and acknowledged 20 March 2024; the first invoice with the tax went out 5 April.
    text = _acknowledgement(_registered(date(2024, 3, 20), CALENDAR, date(2024, 4, 5)))
    assert "Dato: 20.03.2024" in text
    assert (
        "Klagen din kom før skatteseddelen for eiendommen: den er ikke sendt ennå. Fristen for å klage er "
        "6 uker fra den dagen skatteseddelen blir sendt."
    ) in text
    assert "05.04.2024" not in text and "ble sendt" not in text and "går ut" not in text
    assert "Klagen kom inn i tide." in text


def test_an_acknowledgement_before_the_announcement_says_it_is_not_announced_yet() -> None:
    later_announcement = TaxYearCalendar(2024, date(2024, 3, 25))
    text = _acknowledgement(_registered(date(2024, 3, 20), later_announcement, date(2024, 3, 1)))
    assert (
        "den er ikke kunngjort ennå. Fristen for å klage er 6 uker fra den dagen det blir kunngjort." in text
    )
    assert "25.03.2024" not in text and "ble kunngjort" not in text
    both = _acknowledgement(_registered(date(2024, 3, 20), later_announcement, date(2024, 4, 5)))
    assert "ingen av dem er sendt eller kunngjort ennå" in both and "05.04.2024" not in both


def test_an_acknowledgement_after_the_bill_and_the_announcement_states_the_deadline() -> None:
    text = _acknowledgement(_registered(date(2024, 4, 20), CALENDAR, date(2024, 4, 5)))
    assert "Fristen for å klage går ut 21.05.2024: 6 uker fra 05.04.2024" in text
    assert "datoen da skatteseddelen ble sendt" in text
