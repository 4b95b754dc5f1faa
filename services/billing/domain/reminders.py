"""Reminders as a run: for each open invoice, the next collection step or why none is taken now.

The steps come from the rules (domain/collection_rules.py): Norway a reminder (purring, with its fee and a
new due date at least 14 days out), then a notice of enforced collection (varsel om tvangsinnfordring),
then the hand-over to enforcement; Denmark up to three reminders, then the hand-over to Gældsstyrelsen.
A step is taken only when the due date before it (the invoice's, then each step's new one) plus the grace
days has passed. An invoice in an active plan is not reminded; one whose plan broke gets the rules' steps
after a broken plan, counted from the day it broke. The amount disputed by an open hold is left out of
what is reminded; an invoice whose remindable amount is under the minimum is not reminded.

What each step's letter shows is kept with the step (`ReminderLetter`), so a letter renders the same
however often it is rendered again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from services.billing.domain.collection_holds import CollectionHold, disputed_amount
from services.billing.domain.collection_rules import CollectionRules, StepKind, StepRule
from services.billing.domain.invoice_plan import due_date
from services.billing.domain.ledger import ClaimBalance
from services.billing.domain.payment_plans import PaymentPlan, PlanState
from services.platform.money import Money


class OverdueInvoice(Protocol):
    """What the rules look at on an open invoice (application/ledger_ports.py OpenInvoice has it)."""

    @property
    def document_number(self) -> int: ...
    @property
    def due_date(self) -> date: ...
    @property
    def balance(self) -> ClaimBalance: ...
    @property
    def charge_codes(self) -> tuple[str, ...]: ...


class NotReminded(StrEnum):
    """Why an open invoice gets no step in a run (counted in a preview)."""

    NOT_OVERDUE = "not_overdue"  # its due date + grace days has not passed
    STEP_NOT_DUE = "step_not_due"  # the last step's new due date + grace days has not passed
    UNDER_MINIMUM = "under_minimum"
    HELD = "held"  # all that is open is disputed by an objection or appeal
    IN_PLAN = "in_plan"
    STEPS_DONE = "steps_done"  # handed over, or no step left to take


REASON_WORDS = {
    NotReminded.NOT_OVERDUE: "not overdue: the due date and the grace days have not passed",
    NotReminded.STEP_NOT_DUE: "the last letter's new due date and the grace days have not passed",
    NotReminded.UNDER_MINIMUM: "under the minimum amount",
    NotReminded.HELD: "held: the open amount is disputed (objection or appeal)",
    NotReminded.IN_PLAN: "in an active deferral or instalment plan",
    NotReminded.STEPS_DONE: "handed over, or no step left",
}


class RunState(StrEnum):
    RUNNING = "running"
    WRITTEN = "written"  # every chunk done; the letters are being written
    COMPLETED = "completed"
    FAILED = "failed"


@dataclass(frozen=True)
class CollectionRun:
    run_id: str
    run_on: date
    state: RunState
    reminders: int = 0
    notices: int = 0
    handed_over: int = 0
    fees: Money = Money(0)
    interest: Money = Money(0)
    error: str = ""
    started_at: datetime | None = None
    finished_at: datetime | None = None


@dataclass(frozen=True)
class RunCounts:
    """What a chunk of a run adds to the run's counts."""

    reminders: int = 0
    notices: int = 0
    handed_over: int = 0
    fees: Money = Money(0)
    interest: Money = Money(0)

    @classmethod
    def of(cls, steps: Sequence[CollectionStep], interest: Money) -> RunCounts:
        kinds = Counter(s.step for s in steps)
        return cls(
            reminders=kinds[StepKind.REMINDER],
            notices=kinds[StepKind.COLLECTION_NOTICE],
            handed_over=kinds[StepKind.HAND_OVER],
            fees=Money(sum(s.fee.ore for s in steps)),
            interest=interest,
        )


@dataclass(frozen=True)
class RunLane:
    """A range of recipients a run goes through on its own, in account-id order: after < account id <=
    through (None: to the last); `cursor` is the last account id gone through (`after` before the first).
    A run's lanes split its recipients, so that several processes can take its chunks at once; a lane done
    keeps how many recipients it went through (those added to its range later are not)."""

    run_id: str
    lane: int
    after: str
    through: str | None
    cursor: str
    done: bool = False
    recipients: int | None = None  # how many recipients its range held when it was done


def run_lanes(run_id: str, split_at: Sequence[str]) -> list[RunLane]:
    """The lanes of a new run over recipients split at the account ids `split_at` (ascending, each the last
    of its lane): len(split_at) + 1 lanes covering every account id once; no split, one lane."""
    bounds = ["", *sorted(set(split_at))]
    return [
        RunLane(run_id, n, after, bounds[n + 1] if n + 1 < len(bounds) else None, after)
        for n, after in enumerate(bounds)
    ]


@dataclass(frozen=True)
class ReminderLetter:
    """What a reminder or notice shows, fixed when it is issued (amounts in øre, dates ISO)."""

    step: str
    sequence: int
    issued_on: str
    due_on: str
    invoice_number: int
    kid: str
    invoice_issue_date: str
    invoice_due_date: str
    currency: str
    principal_ore: int
    fees_ore: int  # all reminder fees open on the invoice, this step's included
    fee_ore: int  # this step's fee
    interest_ore: int
    disputed_ore: int  # left out of what is reminded (an objection or appeal)
    to_pay_ore: int
    secured_by_lien: bool
    hand_over_to: str
    recipient_name: str
    recipient_address: str
    recipient_postcode: str
    recipient_city: str
    seller_name: str
    seller_organisation_number: str
    seller_address: str
    seller_bank_account: str
    # "person" or "organisation" (account.RecipientKind): what enforcement may mean for the recipient (wage
    # deduction is for persons); letters stored before it was kept were all addressed as to persons.
    recipient_kind: str = "person"
    # The wording it was issued in: a letter renders the same forever, so wording changes are new layouts
    # (1: until issue 16's trial; 2: the fee said once, interest "til og med" the day before; 3: a broken
    # plan said, and no notice announced again after one was sent; 4: what was already paid of the invoice
    # said, not "Vi har ikke fått betaling" when part of it was; 5: what a plan kept to the end left open
    # said as such, and a notice to an organisation names "tvangsinnfordring" once).
    layout: int = 1
    # A step after a broken plan (layout 3 on): the day the plan was found broken ("" for other letters),
    # the plan's kind (payment_plans.PlanKind) and the due date of the instalment whose miss broke it (""
    # when not known: it is only known on the day the plan broke).
    plan_broken_on: str = ""
    plan_kind: str = ""
    plan_missed_on: str = ""
    # A notice of enforced collection was sent on the invoice before this letter (before a plan that broke).
    notice_given: bool = False
    # The first letter on what a plan kept to the end left open (layout 5 on): the day the plan was
    # completed ("" for other letters, later ones on the same rest included); plan_kind names the plan.
    plan_kept_on: str = ""
    # The invoice's total (layout 4 on; 0 before): what was paid or set off of it is this less principal_ore.
    invoice_total_ore: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            name: getattr(self, name) for name in self.__dataclass_fields__
        }  # flat: asdict's copying not needed

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReminderLetter:
        return cls(**{key: data[key] for key in cls.__dataclass_fields__ if key in data})


@dataclass(frozen=True)
class CollectionStep:
    step_id: str
    run_id: str
    account_id: str
    document_number: int
    step: StepKind
    sequence: int  # 1 for the first of its kind on the invoice, 2 for the second, …
    issued_on: date
    due_on: date
    claim: Money  # what was reminded: open on the invoice (with interest just charged) less disputed
    fee: Money
    secured_by_lien: bool
    letter: str = ""  # the letter's file name under the run's folder ("" for a hand-over)
    content: ReminderLetter | None = None


@dataclass(frozen=True)
class NextStep:
    rule: StepRule
    sequence: int
    claim: Money  # what the step reminds (open less disputed), before its fee
    disputed: Money
    fee: Money
    due_on: date  # the new due date (the run's date for a hand-over)
    secured_by_lien: bool
    broken_on: date | None = None  # the step is on the ladder after a plan that broke that day
    notice_given: bool = False  # a notice of enforced collection was taken on the invoice before
    # The step is the first on what a plan kept to the end that day left open (interest that ran while it
    # lasted and that its payments, covering interest first, did not cover); later steps go on as usual.
    kept_on: date | None = None


def letter_file(step: StepKind, sequence: int, document_number: int) -> str:
    return f"{step.value}-{sequence}-{document_number}.pdf"


def broken_plan_of(plans: Sequence[PaymentPlan], document_number: int, broken_on: date) -> PaymentPlan | None:
    """The broken plan covering an invoice that next_step counted from (the one broken on `broken_on`)."""
    return next(
        (
            p
            for p in plans
            if p.state == PlanState.BROKEN and p.broken_on == broken_on and document_number in p.documents
        ),
        None,
    )


def kept_plan_of(plans: Sequence[PaymentPlan], document_number: int, kept_on: date) -> PaymentPlan | None:
    """The plan kept to the end covering an invoice that next_step counted from (completed on `kept_on`)."""
    return next(
        (
            p
            for p in plans
            if p.state == PlanState.COMPLETED and p.ended_on == kept_on and document_number in p.documents
        ),
        None,
    )


def next_step(
    invoice: OverdueInvoice,
    steps: Sequence[CollectionStep],
    holds: Sequence[CollectionHold],
    plans: Sequence[PaymentPlan],
    rules: CollectionRules,
    on: date,
) -> NextStep | NotReminded:
    """The step to take on the invoice on `on`, or why none: `steps` are those taken on it so far,
    `holds` and `plans` the recipient's (those not concerning the invoice are ignored)."""
    mine = [p for p in plans if invoice.document_number in p.documents]
    if any(p.state == PlanState.ACTIVE for p in mine):
        return NotReminded.IN_PLAN
    taken = sorted(steps, key=lambda s: (s.issued_on, s.sequence))
    if taken and taken[-1].step == StepKind.HAND_OVER:
        return NotReminded.STEPS_DONE
    broken = max((p.broken_on for p in mine if p.state == PlanState.BROKEN and p.broken_on), default=None)
    kept = max((p.ended_on for p in mine if p.state == PlanState.COMPLETED and p.ended_on), default=None)
    if kept is not None and broken is not None and broken >= kept:
        kept = None  # a later plan broke: its ladder goes on
    ladder = rules.steps
    noticed = any(s.step == StepKind.COLLECTION_NOTICE for s in taken)
    if kept is not None:
        # All the plan's instalments were paid, but interest ran on while it lasted and the payments
        # covered it first: the rest was never asked for. It starts the ladder afresh, at once, and its
        # first letter says so and carries no fee; a notice before the plan is not this claim's notice.
        broken = None
        taken_on_ladder = [s for s in taken if s.issued_on >= kept]
        noticed = any(s.step == StepKind.COLLECTION_NOTICE for s in taken_on_ladder)
        due_before = (
            taken_on_ladder[-1].due_on if taken_on_ladder else kept - timedelta(days=rules.grace_days)
        )
    elif broken is not None:
        ladder = rules.after_broken_plan
        taken_on_ladder = [s for s in taken if s.issued_on >= broken]
        if any(s.step == StepKind.COLLECTION_NOTICE for s in taken if s.issued_on < broken):
            # The notice of enforced collection given before the plan stands: the broken plan's reminder
            # says the case goes on to enforcement, and it does, without announcing it a second time.
            ladder = tuple(rule for rule in ladder if rule.kind != StepKind.COLLECTION_NOTICE)
        # The plan broke because an instalment's due date and the grace days had passed: its first
        # step is due at once; the later ones after their letters' due dates as usual.
        due_before = (
            taken_on_ladder[-1].due_on if taken_on_ladder else broken - timedelta(days=rules.grace_days)
        )
    else:
        taken_on_ladder = taken
        due_before = taken[-1].due_on if taken else invoice.due_date
    if len(taken_on_ladder) >= len(ladder):
        return NotReminded.STEPS_DONE
    if (on - due_before).days < rules.grace_days:
        return NotReminded.STEP_NOT_DUE if taken_on_ladder or broken or kept else NotReminded.NOT_OVERDUE
    open_total = invoice.balance.total
    mine_held = [h for h in holds if h.document_number == invoice.document_number]
    disputed = disputed_amount(mine_held, open_total, on) if rules.holds_stop_reminders else Money(0)
    claim = open_total - disputed
    if claim.ore <= 0:
        return NotReminded.HELD if disputed.ore > 0 else NotReminded.UNDER_MINIMUM
    if claim.ore < rules.minimum_amount.ore:
        return NotReminded.UNDER_MINIMUM
    rule = ladder[len(taken_on_ladder)]
    secured = rules.secured(invoice.charge_codes)
    sequence = 1 + sum(1 for s in taken if s.step == rule.kind)
    first_after_kept = kept if kept is not None and not taken_on_ladder else None
    if rule.kind == StepKind.HAND_OVER:
        return NextStep(
            rule, sequence, claim, disputed, Money(0), on, secured, broken, noticed, first_after_kept
        )
    letters_sent = sum(1 for s in taken if s.step != StepKind.HAND_OVER)
    # What a kept plan left open was never asked for: its first letter carries no fee.
    fee_allowed = first_after_kept is None and (
        rules.max_fees_per_claim is None or letters_sent < rules.max_fees_per_claim
    )
    fee = rules.fee_on(on, secured) if rule.fee and fee_allowed else Money(0)
    return NextStep(
        rule,
        sequence,
        claim,
        disputed,
        fee,
        due_date(on, rules.new_due_days),
        secured,
        broken,
        noticed,
        first_after_kept,
    )
