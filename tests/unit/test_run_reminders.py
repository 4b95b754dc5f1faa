"""A reminder run over the fake unit of work: interest and fees posted, steps stored, events recorded, the
cursor advanced chunk by chunk, letters written after; the preview changes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from services.billing.adapters.collection_rules_file import load_collection_rules
from services.billing.application.collection_lookups import reminder_run_progress
from services.billing.application.payment_plans import request_deferral, request_instalments
from services.billing.application.run_reminders import (
    LETTER_LAYOUT,
    get_reminder_run,
    preview_reminders,
    reminder_chunk,
    reminder_runner,
    start_reminder_run,
)
from services.billing.domain.collection_events import HandedToEnforcement, ReminderIssued
from services.billing.domain.collection_rules import CollectionRules, InterestPoint, StepKind
from services.billing.domain.ledger import EntryKind, LedgerAccount, account_totals, document_claim
from services.billing.domain.payment_plans import PlanState
from services.billing.domain.reminders import CollectionRun, NotReminded, RunState
from services.platform.errors import FailedPrecondition, InvalidInput, NotFound
from services.platform.money import Money
from tests.collection_scene import DUE, issue, pay, recipient
from tests.fakes.billing import FakeBillingUnitOfWork
from tests.fakes.collection import FakeReminderLetters

pytestmark = pytest.mark.unit

NORWAY = load_collection_rules()
DENMARK = load_collection_rules(
    Path(__file__).resolve().parents[2] / "data" / "collection" / "norddjurs.yaml"
)
RUN_ON = date(2025, 12, 4)  # 14 days after DUE


def run(
    uow: FakeBillingUnitOfWork, on: date, rules: CollectionRules = NORWAY, size: int = 2
) -> CollectionRun:
    started = start_reminder_run(uow, on)
    while (found := reminder_chunk(uow, started.run_id, rules, size)).state == RunState.RUNNING:
        pass
    return found


def scene() -> FakeBillingUnitOfWork:
    uow = FakeBillingUnitOfWork()
    issue(uow, recipient("A1"), 1, [("p1", "property_tax", "1000")])
    issue(uow, recipient("A2"), 2, [("p2", "waste", "3200")])
    paid = issue(uow, recipient("A3"), 3, [("p3", "property_tax", "500")])
    pay(uow, paid, "500", DUE)
    issue(
        uow, recipient("A4"), 4, [("p4", "property_tax", "800")], due=date(2025, 11, 25)
    )  # not overdue + 14
    return uow


def test_a_run_reminds_the_overdue_charging_interest_and_the_fee() -> None:
    uow = scene()
    done = run(uow, RUN_ON)
    assert done.state == RunState.WRITTEN
    assert (done.reminders, done.notices, done.handed_over) == (2, 0, 0)
    assert done.fees == Money.of(70)  # 2 × 35,00 kr (R 700 / 20)
    # 1000 kr × 13 days (21 Nov - 3 Dec) × 12.5 % / 365 = 4.452 → 4,45; 3200 kr → 14.247 → 14,25; and A4's
    # 800 kr, overdue but not yet to be reminded, × 8 days (26 Nov - 3 Dec) → 2.192 → 2,19
    assert done.interest == Money.of("20.89")
    with uow:
        balances = uow.ledger.claim_balances([document_claim(1), document_claim(2)])
    assert (balances["D1"].fee, balances["D1"].interest, balances["D1"].principal) == (
        Money.of(35), Money.of("4.45"), Money.of(1000),
    )  # fmt: skip
    assert account_totals(uow.ledger.postings())[LedgerAccount.FEE_INCOME] == Money.of(-70)
    assert sum(t.ore for t in account_totals(uow.ledger.postings()).values()) == 0
    events = [e for e in uow.events if isinstance(e, ReminderIssued)]
    assert sorted((e.invoice_number, e.fee, e.open_amount, e.due_on) for e in events) == [
        (1, Money.of(35), Money.of("1004.45"), date(2025, 12, 18)),
        (2, Money.of(35), Money.of("3214.25"), date(2025, 12, 18)),
    ]
    steps = uow.collection.steps_of_run(done.run_id)
    letter = steps[0].content
    assert letter is not None and steps[0].letter == "reminder-1-1.pdf"
    assert (letter.principal_ore, letter.fees_ore, letter.interest_ore, letter.to_pay_ore) == (
        100000, 3500, 445, 103945,
    )  # fmt: skip
    assert letter.recipient_name == "Kari Nordmann" and letter.secured_by_lien
    assert letter.invoice_total_ore == 100000  # nothing paid: the letter says so


def test_a_second_run_charges_interest_only_for_days_not_charged_and_sends_the_notice() -> None:
    uow = scene()
    run(uow, RUN_ON)
    second = run(uow, date(2026, 1, 2))  # the reminders' due date 18 Dec + 14
    assert (second.reminders, second.notices) == (1, 2)  # A4's first reminder; notices to A1 and A2
    assert second.fees == Money.of("37.50")  # a 2026 reminder: R 750 / 20
    with uow:
        charges = sorted((c.document_number, c.period_start, c.period_end) for c in uow.collection.charges)
    assert charges[:2] == [
        (1, date(2025, 11, 21), date(2025, 12, 4)),
        (1, date(2025, 12, 4), date(2026, 1, 2)),
    ]
    notices = [e for e in uow.events if isinstance(e, ReminderIssued) and e.step == "collection_notice"]
    assert {e.invoice_number for e in notices} == {1, 2} and all(e.fee == Money(0) for e in notices)
    third = run(uow, date(2026, 1, 30))
    assert third.handed_over == 2
    handed = sorted(
        (e for e in uow.events if isinstance(e, HandedToEnforcement)), key=lambda e: e.invoice_number
    )
    assert [(e.invoice_number, e.principal, e.fees, e.secured_by_lien) for e in handed] == [
        (1, Money.of(1000), Money.of(35), True),
        (2, Money.of(3200), Money.of(35), True),
    ]
    assert handed[0].property_ids == ("p1",)


def test_one_run_per_date_and_a_start_returns_it() -> None:
    uow = scene()
    first = start_reminder_run(uow, RUN_ON)
    assert start_reminder_run(uow, RUN_ON).run_id == first.run_id
    assert get_reminder_run(uow, first.run_id).run_on == RUN_ON
    with pytest.raises(NotFound):
        get_reminder_run(uow, "nope")


def test_the_preview_counts_and_changes_nothing() -> None:
    uow = scene()
    commits, entries = uow.commits, len(uow.ledger.entries)
    preview = preview_reminders(uow, NORWAY, RUN_ON)
    assert (preview.reminders, preview.fees, preview.interest) == (2, Money.of(70), Money.of("20.89"))
    assert preview.amounts[StepKind.REMINDER] == Money.of("4218.70")
    assert preview.not_reminded == {NotReminded.NOT_OVERDUE: 1}
    assert not uow.collection.steps and not uow.collection.runs and not uow.collection.charges
    assert (uow.commits, len(uow.ledger.entries)) == (commits, entries)
    assert not any(e.kind in (EntryKind.INTEREST, EntryKind.REMINDER_FEE) for e in uow.ledger.entries)


def test_the_runner_writes_the_letters_and_completes() -> None:
    uow = scene()
    letters = FakeReminderLetters()
    runner = reminder_runner(lambda: uow, NORWAY, 3, letters)
    started = start_reminder_run(uow, RUN_ON)
    steps = 0
    while not runner._step(started.run_id):  # one job stepped by hand
        steps += 1
    # A1, A2 and A4 have something overdue (A3 has paid and is passed over): one chunk of 3, then the
    # empty chunk that writes the letters
    assert steps == 1
    assert get_reminder_run(uow, started.run_id).state == RunState.COMPLETED
    [(written_run, written)] = letters.written
    assert written_run.run_id == started.run_id and [s.document_number for s in written] == [1, 2]


def test_a_missed_instalment_breaks_the_plan_and_the_invoice_is_reminded() -> None:
    uow = scene()
    plan = request_instalments(uow, "A1", [1], 2, date(2025, 12, 1), date(2025, 11, 25), NORWAY)
    assert [i.amount for i in plan.instalments] == [Money.of(500), Money.of(500)]
    held = run(uow, RUN_ON)  # the first instalment's due date + 14 days has not passed
    assert held.reminders == 1  # only A2 (A1 in its plan)
    broken = run(uow, date(2025, 12, 16))
    assert uow.collection.plans[plan.plan_id].state == PlanState.BROKEN
    assert uow.collection.plans[plan.plan_id].broken_on == date(2025, 12, 16)
    assert [
        e.invoice_number for e in uow.events if isinstance(e, ReminderIssued) and e.issued_on == broken.run_on
    ] == [1, 4]  # A4's first reminder is due too


def test_a_paid_plan_is_completed() -> None:
    uow = scene()
    plan = request_instalments(uow, "A1", [1], 2, date(2025, 12, 1), date(2025, 11, 25), NORWAY)
    invoice = uow.invoices.rows[1]
    pay(uow, invoice, "1000", date(2025, 11, 30))
    run(uow, RUN_ON)
    assert uow.collection.plans[plan.plan_id].state == PlanState.COMPLETED
    # completed the day the bank says the last of it was paid, not the day the run found it paid
    assert uow.collection.plans[plan.plan_id].ended_on == date(2025, 11, 30)


def test_a_plan_paid_before_it_was_requested_completes_the_day_it_was_requested() -> None:
    uow = scene()
    plan = request_instalments(uow, "A1", [1], 2, date(2025, 12, 1), date(2025, 11, 25), NORWAY)
    pay(uow, uow.invoices.rows[1], "1000", date(2025, 11, 20))  # the bank's file comes after the request
    run(uow, RUN_ON)
    assert uow.collection.plans[plan.plan_id].ended_on == date(2025, 11, 25)


def test_denmark_a_breached_plan_gives_a_reminder_then_transfer() -> None:
    uow = scene()
    plan = request_instalments(uow, "A2", [2], 3, date(2025, 12, 1), date(2025, 11, 25), DENMARK)
    run(uow, date(2025, 12, 16), DENMARK)
    assert uow.collection.plans[plan.plan_id].state == PlanState.BROKEN
    a2 = [e for e in uow.events if isinstance(e, ReminderIssued) and e.account_id == "A2"]
    assert [(e.step, e.fee) for e in a2] == [("reminder", Money.of(250))]  # a right of distraint (waste)
    transfer = run(uow, date(2026, 1, 13), DENMARK)  # the reminder's due date 30 Dec + 14
    assert [e.invoice_number for e in uow.events if isinstance(e, HandedToEnforcement)] == [2]
    assert transfer.handed_over == 1


def test_denmark_interest_continues_in_a_plan() -> None:
    uow = scene()
    request_instalments(uow, "A2", [2], 3, date(2025, 12, 20), date(2025, 11, 25), DENMARK)
    done = run(uow, RUN_ON, DENMARK)
    assert done.reminders == 1 and done.interest == Money.of("20.89")  # A1 reminded; A2's interest runs


def test_interest_at_steps_only_leaves_the_unreminded_uncharged() -> None:
    uow = scene()
    done = run(uow, RUN_ON, replace(NORWAY, interest_at=InterestPoint.EACH_STEP))
    assert done.interest == Money.of("18.70")  # A1's and A2's with their reminders; A4's waits
    assert sorted(c.document_number for c in uow.collection.charges) == [1, 2]
    at_hand_over = scene()
    assert run(at_hand_over, RUN_ON, replace(NORWAY, interest_at=InterestPoint.HAND_OVER)).interest == Money(
        0
    )


def test_a_failed_run_is_resumed_from_its_cursor_by_a_start() -> None:
    uow = scene()
    started = start_reminder_run(uow, RUN_ON)
    reminder_chunk(uow, started.run_id, NORWAY, 2)
    with uow:
        uow.collection.mark_run(started.run_id, RunState.FAILED, was=[RunState.RUNNING], error="boom")
        uow.commit()
    resumed = start_reminder_run(uow, RUN_ON)
    assert (resumed.run_id, resumed.state, resumed.reminders) == (started.run_id, RunState.RUNNING, 2)
    assert [lane.cursor for lane in uow.collection.lanes_of(started.run_id)] == ["A2"]
    while (done := reminder_chunk(uow, started.run_id, NORWAY, 2)).state == RunState.RUNNING:
        pass
    assert done.reminders == 2 and len(uow.collection.steps) == 2  # nothing taken twice


def test_a_recipients_credit_is_set_off_before_the_run_decides_and_covers_what_it_can() -> None:
    uow = FakeBillingUnitOfWork()
    overdue = issue(uow, recipient("A1"), 1, [("p1", "property_tax", "1000")])
    paid = issue(uow, recipient("A1"), 2, [("p2", "waste", "300")])
    pay(uow, paid, "1600", DUE)  # 1 300 kr more than invoice 2: a credit that covers invoice 1
    partly = issue(uow, recipient("A2"), 3, [("p3", "property_tax", "1000")])
    other = issue(uow, recipient("A2"), 4, [("p4", "waste", "100")])
    pay(uow, other, "400", DUE)  # 300 kr credit: invoice 3 is still reminded for 700 kr
    done = run(uow, RUN_ON)
    assert (done.reminders, done.fees) == (1, Money.of(35))
    with uow:
        balances = uow.ledger.claim_balances(
            [document_claim(overdue.invoice_number), document_claim(partly.invoice_number)]
        )
        credits = uow.ledger.credits(["A1", "A2"])
    assert balances["D1"].total == Money(0)
    assert balances["D3"].principal == Money.of(700)
    assert [(c.account_id, c.total) for c in credits] == [("A1", Money.of(-300))]
    reminded = [e for e in uow.events if isinstance(e, ReminderIssued)]
    assert [(e.invoice_number, e.open_amount) for e in reminded] == [(3, Money.of("700") + done.interest)]


def test_a_new_run_dated_before_the_latest_run_is_refused_and_the_same_date_is_resumed() -> None:
    uow = scene()
    later = run(uow, date(2026, 1, 20))
    with pytest.raises(InvalidInput) as refused:
        start_reminder_run(uow, RUN_ON)
    assert [v.field for v in refused.value.violations] == ["on"]
    assert "20.01.2026" in str(refused.value)
    assert start_reminder_run(uow, date(2026, 1, 20)).run_id == later.run_id
    # a preview of a date no run could take is refused alike; the finished run's own date is said to be done
    with pytest.raises(InvalidInput, match=r"before the last reminder run's date 20\.01\.2026") as previewed:
        preview_reminders(uow, NORWAY, RUN_ON)
    assert [v.field for v in previewed.value.violations] == ["on"]
    with pytest.raises(FailedPrecondition, match=r"run of 20\.01\.2026 is already made \(written, run "):
        preview_reminders(uow, NORWAY, date(2026, 1, 20))
    assert preview_reminders(uow, NORWAY, date(2026, 1, 21)).on == date(2026, 1, 21)


def test_a_broken_plan_s_letter_says_when_it_broke_and_which_instalment_was_missed() -> None:
    uow = scene()
    plan = request_instalments(uow, "A1", [1], 2, date(2025, 12, 1), date(2025, 11, 25), NORWAY)
    run(uow, date(2025, 12, 16))
    [step] = [s for s in uow.collection.steps if s.document_number == 1]
    assert step.content is not None and step.content.layout == LETTER_LAYOUT
    assert (step.content.plan_broken_on, step.content.plan_kind, step.content.plan_missed_on) == (
        "2025-12-16",
        "instalments",
        "2025-12-01",
    )
    assert not step.content.notice_given
    assert uow.collection.plans[plan.plan_id].broken_on == date(2025, 12, 16)
    # The next step on the broken plan's ladder still says it broke; which instalment, only its day knew.
    run(uow, date(2026, 1, 14))
    notice = next(
        s for s in uow.collection.steps if s.document_number == 1 and s.step == StepKind.COLLECTION_NOTICE
    )
    assert notice.content is not None
    assert (notice.content.plan_broken_on, notice.content.plan_missed_on) == ("2025-12-16", "")


def test_a_plan_broken_after_a_notice_gives_a_letter_that_knows_the_notice_was_sent() -> None:
    uow = scene()
    run(uow, RUN_ON)  # reminder
    run(uow, date(2026, 1, 2))  # notice
    assert [s.step for s in uow.collection.steps if s.document_number == 1] == [
        StepKind.REMINDER,
        StepKind.COLLECTION_NOTICE,
    ]
    request_deferral(uow, "A1", [1], date(2026, 1, 20), date(2026, 1, 5), NORWAY)
    run(uow, date(2026, 2, 4))
    after = [s for s in uow.collection.steps if s.document_number == 1][-1]
    assert after.step == StepKind.REMINDER and after.content is not None
    assert after.content.notice_given
    assert (after.content.plan_broken_on, after.content.plan_kind, after.content.plan_missed_on) == (
        "2026-02-04",
        "deferral",
        "2026-01-20",
    )


def test_a_plan_broken_after_a_notice_goes_on_to_the_hand_over_without_a_second_notice() -> None:
    uow = scene()
    run(uow, RUN_ON)  # reminder
    run(uow, date(2026, 1, 2))  # notice
    request_deferral(uow, "A1", [1], date(2026, 1, 20), date(2026, 1, 5), NORWAY)
    run(uow, date(2026, 2, 4))  # the plan broke: its reminder says enforcement comes next
    run(uow, date(2026, 3, 10))  # after the reminder's due date and grace
    assert [s.step for s in uow.collection.steps if s.document_number == 1] == [
        StepKind.REMINDER,
        StepKind.COLLECTION_NOTICE,
        StepKind.REMINDER,
        StepKind.HAND_OVER,
    ]


def test_a_step_off_any_plan_says_no_plan() -> None:
    uow = scene()
    run(uow, RUN_ON)
    letters = [s.content for s in uow.collection.steps if s.content is not None]
    assert letters and all(c.plan_broken_on == "" and not c.notice_given for c in letters)


def test_only_the_part_of_an_invoice_charged_with_interest_bears_it() -> None:
    uow = FakeBillingUnitOfWork()
    issue(uow, recipient("A1"), 1, [("p1", "property_tax", "1000"), ("p1", "water", "1000")])
    water_free = replace(NORWAY, no_interest_codes=frozenset({"water"}))
    done = run(uow, RUN_ON, water_free)
    # Half of the 2000 kr is water, configured without interest: 1000 kr × 13 days × 12.5 % / 365 → 4,45
    assert done.interest == Money.of("4.45")
    assert run(FakeBillingUnitOfWork(), RUN_ON).interest == Money(0)  # (nothing issued: nothing charged)
    everything = FakeBillingUnitOfWork()
    issue(everything, recipient("A1"), 1, [("p1", "property_tax", "1000"), ("p1", "water", "1000")])
    assert run(everything, RUN_ON).interest == Money.of("8.90")  # 8.904 with every code bearing interest


def test_a_plan_paid_in_full_is_completed_though_interest_charged_meanwhile_took_part_of_the_payment() -> (
    None
):
    uow = scene()
    plan = request_instalments(uow, "A1", [1], 2, date(2025, 12, 1), date(2025, 11, 25), NORWAY)
    run(uow, RUN_ON)  # the plan holds the reminder, but interest runs on: 4,45 kr charged on invoice 1
    pay(uow, uow.invoices.rows[1], "1000", date(2025, 12, 2))  # the whole plan, in the bank's file after it
    with uow:
        assert uow.ledger.claim_balances(["D1"])["D1"].total == Money.of("4.45")  # the payment took it first
    later = run(uow, date(2026, 1, 16))  # both instalments' dates + 14 days have passed
    stored = uow.collection.plans[plan.plan_id]
    assert (stored.state, stored.ended_on) == (PlanState.COMPLETED, date(2025, 12, 2))
    # what the plan left open (the interest, paid first) is asked for as such, not as a broken plan, and
    # without a fee: it was never asked for before
    [step] = [s for s in uow.collection.steps if s.run_id == later.run_id and s.document_number == 1]
    assert (step.step, step.sequence, step.fee) == (StepKind.REMINDER, 1, Money(0))
    assert step.content is not None and step.content.plan_broken_on == ""
    assert (step.content.plan_kept_on, step.content.plan_kind, step.content.layout) == (
        "2025-12-02",
        "instalments",
        5,
    )


def test_what_a_kept_plan_left_open_starts_the_ladder_afresh_without_a_fee_and_then_goes_on() -> None:
    uow = scene()
    run(uow, RUN_ON)  # invoice 1: a reminder with its fee
    run(uow, date(2026, 1, 2))  # and a notice of enforced collection
    plan = request_deferral(uow, "A1", [1], date(2026, 1, 30), date(2026, 1, 5), NORWAY)
    run(uow, date(2026, 1, 20))  # the plan holds the steps while interest runs on
    with uow:
        open_then = uow.ledger.claim_balances(["D1"])["D1"]
    pay(uow, uow.invoices.rows[1], str(plan.total.nok), date(2026, 1, 28))  # what the plan was for, in time
    kept = run(uow, date(2026, 2, 3))
    assert uow.collection.plans[plan.plan_id].state == PlanState.COMPLETED
    [first] = [s for s in uow.collection.steps if s.run_id == kept.run_id and s.document_number == 1]
    # a reminder (not the hand-over the notice before the plan would lead to), no fee, the plan named
    assert (first.step, first.fee) == (StepKind.REMINDER, Money(0))
    assert first.content is not None and not first.content.notice_given
    assert (first.content.plan_kept_on, first.content.plan_kind) == ("2026-01-28", "deferral")
    # the interest charged while the plan held (paid first) is what is left, with the days since
    assert first.claim.ore > open_then.total.ore - plan.total.ore > 0
    after = run(uow, date(2026, 3, 10))  # its due date and grace passed: the ladder goes on
    [notice] = [s for s in uow.collection.steps if s.run_id == after.run_id and s.document_number == 1]
    assert notice.step == StepKind.COLLECTION_NOTICE and notice.content is not None
    # only the first letter on the rest thanks for the plan kept; the notice speaks as any notice
    assert notice.content.plan_kept_on == "" and not notice.content.notice_given


def test_the_chunk_that_reaches_the_last_recipient_marks_the_run_written() -> None:
    uow = scene()  # A1, A2 and A4 overdue on RUN_ON (A4 not yet to be reminded), A3 paid
    started = start_reminder_run(uow, RUN_ON)
    first = reminder_chunk(uow, started.run_id, NORWAY, 2)
    assert (first.state, first.reminders) == (RunState.RUNNING, 2)
    assert [(lane.cursor, lane.done) for lane in uow.collection.lanes_of(started.run_id)] == [("A2", False)]
    last = reminder_chunk(uow, started.run_id, NORWAY, 2)  # A4 alone: fewer than a chunk, none after it
    assert (last.state, last.reminders) == (RunState.WRITTEN, 2)
    assert [(lane.cursor, lane.done) for lane in uow.collection.lanes_of(started.run_id)] == [("A4", True)]
    assert uow.collection.get_run(started.run_id) == last
    assert reminder_chunk(uow, started.run_id, NORWAY, 2) == last  # a written run takes no more chunks


def test_a_run_in_lanes_takes_the_same_steps_as_a_run_in_one() -> None:
    def steps_and_counts(
        lanes: int,
    ) -> tuple[list[tuple[int, StepKind, int, Money]], tuple[int, Money, Money]]:
        uow = scene()  # A1, A2 and A4 overdue on RUN_ON (A4 not yet to be reminded), A3 paid
        started = start_reminder_run(uow, RUN_ON, lanes)
        assert len(uow.collection.lanes_of(started.run_id)) == lanes
        while (done := reminder_chunk(uow, started.run_id, NORWAY, 1)).state == RunState.RUNNING:
            pass
        assert all(lane.done for lane in uow.collection.lanes_of(started.run_id))
        taken = sorted((s.document_number, s.step, s.sequence, s.claim) for s in uow.collection.steps)
        return taken, (done.reminders, done.fees, done.interest)

    one = steps_and_counts(1)
    assert one[1][0] == 2
    assert steps_and_counts(2) == one == steps_and_counts(3)


def test_a_new_runs_lanes_split_the_recipients_into_ranges_of_about_one_size() -> None:
    uow = scene()  # A1 … A4
    started = start_reminder_run(uow, RUN_ON, 2)
    lanes = uow.collection.lanes_of(started.run_id)
    assert [(lane.after, lane.through, lane.cursor, lane.done) for lane in lanes] == [
        ("", "A2", "", False),
        ("A2", None, "A2", False),
    ]
    # more lanes than recipients: one lane per recipient, none empty
    many = scene()
    assert len(many.collection.lanes_of(start_reminder_run(many, RUN_ON, 9).run_id)) == 4
    with pytest.raises(InvalidInput):
        start_reminder_run(scene(), RUN_ON, 0)


def test_a_runs_progress_counts_the_recipients_it_held_and_stays_so_once_done() -> None:
    uow = scene()  # A1 … A4: every recipient counts, those with nothing overdue passed over
    started = start_reminder_run(uow, RUN_ON, 2)
    first = reminder_chunk(uow, started.run_id, NORWAY, 1)  # lane 1 (A1, A2): A1
    assert reminder_run_progress(uow, first) == (1, 4)
    while (done := reminder_chunk(uow, started.run_id, NORWAY, 1)).state == RunState.RUNNING:
        pass
    assert reminder_run_progress(uow, done) == (4, 4)
    with uow:
        uow.accounts.add(recipient("A5"), datetime(2025, 12, 5, tzinfo=UTC))  # not the run's: added after it
        uow.commit()
    assert reminder_run_progress(uow, done) == (4, 4)


def test_a_run_whose_letters_failed_is_written_again_when_started_again() -> None:
    uow = scene()
    started = start_reminder_run(uow, RUN_ON, 2)
    while (written := reminder_chunk(uow, started.run_id, NORWAY, 5)).state == RunState.RUNNING:
        pass
    with uow:  # the letters failed: every lane is done, the run failed
        uow.collection.mark_run(started.run_id, RunState.FAILED, was=[RunState.WRITTEN], error="disk full")
        uow.commit()
    assert start_reminder_run(uow, RUN_ON).state == RunState.RUNNING
    again = reminder_chunk(uow, started.run_id, NORWAY, 5)
    assert (again.state, again.reminders, again.fees) == (RunState.WRITTEN, written.reminders, written.fees)
    assert len(uow.collection.steps) == 2  # nothing taken twice
