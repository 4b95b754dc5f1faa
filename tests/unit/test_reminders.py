"""The next collection step on an open invoice, or why none: Norway's and Norddjurs' (Denmark) rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from services.billing.adapters.collection_rules_file import load_collection_rules
from services.billing.domain.collection_holds import CollectionHold, HoldSource
from services.billing.domain.collection_rules import StepKind
from services.billing.domain.ledger import ClaimBalance
from services.billing.domain.payment_plans import PaymentPlan, PlanKind, PlanState, deferral_schedule
from services.billing.domain.reminders import CollectionStep, NextStep, NotReminded, next_step
from services.platform.money import Money

pytestmark = pytest.mark.unit

NORWAY = load_collection_rules()
DENMARK = load_collection_rules(
    Path(__file__).resolve().parents[2] / "data" / "collection" / "norddjurs.yaml"
)
DUE = date(2025, 11, 20)  # a Thursday


@dataclass(frozen=True)
class Overdue:
    document_number: int
    due_date: date
    balance: ClaimBalance
    charge_codes: tuple[str, ...]


def invoice(principal: str = "1000", fee: str = "0", codes: tuple[str, ...] = ("property_tax",)) -> Overdue:
    return Overdue(7, DUE, ClaimBalance("D7", "A1", Money.of(fee), Money(0), Money.of(principal)), codes)


def taken(kind: StepKind, sequence: int, issued_on: date, due_on: date) -> CollectionStep:
    return CollectionStep(
        f"s{kind}{sequence}", "r", "A1", 7, kind, sequence, issued_on, due_on, Money.of(1000), Money(0), True
    )


def step(*args: object, **kwargs: object) -> NextStep:
    found = next_step(*args, **kwargs)  # type: ignore[arg-type]
    assert isinstance(found, NextStep), found
    return found


def test_no_reminder_before_14_days_after_the_due_date() -> None:
    assert next_step(invoice(), [], [], [], NORWAY, DUE + timedelta(days=13)) == NotReminded.NOT_OVERDUE
    first = step(invoice(), [], [], [], NORWAY, DUE + timedelta(days=14))
    assert first.rule.kind == StepKind.REMINDER and first.sequence == 1
    assert first.claim == Money.of(1000)


def test_a_norwegian_reminder_costs_a_twentieth_of_r_on_its_date_and_gives_14_days_on_a_banking_day() -> None:
    late = Overdue(7, date(2025, 12, 1), invoice().balance, ("property_tax",))
    on_2025 = step(late, [], [], [], NORWAY, date(2025, 12, 31))
    assert on_2025.fee == Money.of("35.00")
    assert on_2025.due_on == date(2026, 1, 14)  # 31 Dec + 14 days, a Wednesday
    on_2026 = step(late, [], [], [], NORWAY, date(2026, 1, 1))
    assert on_2026.fee == Money.of("37.50")
    assert on_2026.due_on == date(2026, 1, 15)
    # 2026-03-21 + 14 = 2026-04-04, Easter Saturday; Easter Monday is 6 April → Tuesday 7 April
    assert step(late, [], [], [], NORWAY, date(2026, 3, 21)).due_on == date(2026, 4, 7)


def test_norway_reminder_then_notice_then_hand_over_each_after_the_last_due_date_and_grace() -> None:
    reminder = taken(StepKind.REMINDER, 1, date(2025, 12, 4), date(2025, 12, 18))
    assert next_step(invoice(), [reminder], [], [], NORWAY, date(2025, 12, 31)) == NotReminded.STEP_NOT_DUE
    notice = step(invoice(), [reminder], [], [], NORWAY, date(2026, 1, 1))  # 18 Dec + 14
    assert notice.rule.kind == StepKind.COLLECTION_NOTICE and notice.fee == Money(0)
    notice_taken = taken(StepKind.COLLECTION_NOTICE, 1, date(2026, 1, 1), date(2026, 1, 15))
    assert next_step(invoice(), [reminder, notice_taken], [], [], NORWAY, date(2026, 1, 28)) == (
        NotReminded.STEP_NOT_DUE
    )
    hand_over = step(invoice(), [reminder, notice_taken], [], [], NORWAY, date(2026, 1, 29))
    assert hand_over.rule.kind == StepKind.HAND_OVER and hand_over.secured_by_lien
    assert hand_over.due_on == date(2026, 1, 29)
    done = taken(StepKind.HAND_OVER, 1, date(2026, 1, 29), date(2026, 1, 29))
    assert next_step(invoice(), [reminder, notice_taken, done], [], [], NORWAY, date(2026, 6, 1)) == (
        NotReminded.STEPS_DONE
    )


def test_an_objection_holds_the_disputed_amount_and_the_rest_is_reminded() -> None:
    on = DUE + timedelta(days=20)
    part = CollectionHold("h1", "A1", 7, HoldSource.OBJECTION, "", Money.of(400), "feil areal", DUE)
    assert step(invoice(), [], [part], [], NORWAY, on).claim == Money.of(600)
    whole = CollectionHold("h2", "A1", 7, HoldSource.OBJECTION, "", Money(0), "ikke min eiendom", DUE)
    assert next_step(invoice(), [], [whole], [], NORWAY, on) == NotReminded.HELD
    settled = CollectionHold("h3", "A1", 7, HoldSource.OBJECTION, "", Money(0), "x", DUE, until_date=on)
    assert step(invoice(), [], [settled], [], NORWAY, on).claim == Money.of(1000)
    other_invoice = CollectionHold("h4", "A1", 8, HoldSource.OBJECTION, "", Money(0), "x", DUE)
    assert step(invoice(), [], [other_invoice], [], NORWAY, on).claim == Money.of(1000)


def test_holds_do_not_stop_reminders_when_the_rules_say_so() -> None:
    from dataclasses import replace

    rules = replace(NORWAY, holds_stop_reminders=False)
    whole = CollectionHold("h2", "A1", 7, HoldSource.APPEAL, "case-1", Money(0), "klage", DUE)
    assert step(invoice(), [], [whole], [], rules, DUE + timedelta(days=20)).claim == Money.of(1000)


def plan(state: PlanState, broken_on: date | None = None) -> PaymentPlan:
    return PaymentPlan(
        "p1", "A1", PlanKind.DEFERRAL, DUE, state, True, (7,), Money.of(1000),
        deferral_schedule(Money.of(1000), DUE + timedelta(days=60)), broken_on,
    )  # fmt: skip


def test_an_active_plan_holds_reminders() -> None:
    on = DUE + timedelta(days=30)
    assert next_step(invoice(), [], [], [plan(PlanState.ACTIVE)], NORWAY, on) == NotReminded.IN_PLAN
    assert step(invoice(), [], [], [plan(PlanState.CANCELLED)], NORWAY, on).rule.kind == StepKind.REMINDER


def test_denmark_nothing_under_25_dkk_is_reminded() -> None:
    on = DUE + timedelta(days=20)
    assert next_step(invoice("24.99"), [], [], [], DENMARK, on) == NotReminded.UNDER_MINIMUM
    assert step(invoice("25.00"), [], [], [], DENMARK, on).claim == Money.of(25)


def test_denmark_fee_250_with_a_right_of_distraint_and_100_without() -> None:
    on = DUE + timedelta(days=20)
    assert step(invoice(codes=("property_tax", "waste")), [], [], [], DENMARK, on).fee == Money.of(250)
    assert step(invoice(codes=("rental",)), [], [], [], DENMARK, on).fee == Money.of(100)


def test_denmark_at_most_three_reminders_then_transfer() -> None:
    steps: list[CollectionStep] = []
    on = DUE + timedelta(days=14)
    for n in (1, 2, 3):
        found = step(invoice(), steps, [], [], DENMARK, on)
        assert (found.rule.kind, found.sequence, found.fee) == (StepKind.REMINDER, n, Money.of(250))
        steps.append(taken(StepKind.REMINDER, n, on, found.due_on))
        on = found.due_on + timedelta(days=14)
    last = step(invoice(), steps, [], [], DENMARK, on)
    assert last.rule.kind == StepKind.HAND_OVER


def test_denmark_a_breached_plan_gives_a_reminder_then_transfer() -> None:
    broken_on = DUE + timedelta(days=80)
    earlier = [
        taken(StepKind.REMINDER, n, DUE + timedelta(days=14 * n), DUE + timedelta(days=14 * n + 14))
        for n in (1, 2)
    ]
    broken = [plan(PlanState.BROKEN, broken_on)]
    first = step(invoice(), earlier, [], broken, DENMARK, broken_on)
    assert (first.rule.kind, first.sequence, first.fee) == (StepKind.REMINDER, 3, Money.of(250))
    after = [*earlier, taken(StepKind.REMINDER, 3, broken_on, first.due_on)]
    assert next_step(invoice(), after, [], broken, DENMARK, first.due_on) == NotReminded.STEP_NOT_DUE
    assert step(invoice(), after, [], broken, DENMARK, first.due_on + timedelta(days=14)).rule.kind == (
        StepKind.HAND_OVER
    )


def test_norway_a_broken_plan_gives_a_reminder_even_after_one_was_sent() -> None:
    broken_on = DUE + timedelta(days=90)
    earlier = [taken(StepKind.REMINDER, 1, DUE + timedelta(days=14), DUE + timedelta(days=28))]
    found = step(invoice(), earlier, [], [plan(PlanState.BROKEN, broken_on)], NORWAY, broken_on)
    assert (found.rule.kind, found.sequence) == (StepKind.REMINDER, 2)
    assert found.fee == Money.of("37.50")  # the claim's second letter: a fee is still allowed


def test_norway_no_fee_after_two_letters_on_a_claim_a_broken_plans_reminder_included() -> None:
    # inkassoforskriften § 1-3: fees for a reminder and a notice at most; the reminder a broken plan
    # gives after them is sent without a fee.
    broken_on = DUE + timedelta(days=90)
    earlier = [
        taken(StepKind.REMINDER, 1, DUE + timedelta(days=14), DUE + timedelta(days=28)),
        taken(StepKind.COLLECTION_NOTICE, 1, DUE + timedelta(days=42), DUE + timedelta(days=56)),
    ]
    found = step(invoice(), earlier, [], [plan(PlanState.BROKEN, broken_on)], NORWAY, broken_on)
    assert (found.rule.kind, found.sequence, found.fee) == (StepKind.REMINDER, 2, Money(0))


def test_denmark_a_breached_plans_reminder_after_three_reminders_carries_no_fee() -> None:
    broken_on = DUE + timedelta(days=120)
    earlier = [
        taken(StepKind.REMINDER, n, DUE + timedelta(days=14 * n), DUE + timedelta(days=14 * n + 14))
        for n in (1, 2, 3)
    ]
    found = step(invoice(), earlier, [], [plan(PlanState.BROKEN, broken_on)], DENMARK, broken_on)
    assert (found.rule.kind, found.sequence, found.fee) == (StepKind.REMINDER, 4, Money(0))
