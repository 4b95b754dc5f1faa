"""Commands: preview a reminder run, start (or resume) the run of a date, and take its steps chunk by chunk.

A run goes through the recipients with something overdue or a plan, in account-id order within each of its
lanes (ranges of account ids, each with its cursor, taken by one process at a time; the rest of the
recipients are passed over), a chunk at a time in one transaction each: the recipients' credits are first set
off against their open invoices (application/set_off.py); for the chunk's overdue invoices it charges
interest for the days since last charged (posted to the ledger, and stored per invoice so no day is
charged twice), checks the recipients' plans (paid: completed; an instalment missed: broken), takes each
invoice's next step (domain/reminders.py: a reminder with its fee posted, a notice of enforced collection,
the hand-over), records ReminderIssued / HandedToEnforcement and advances the cursor. When every such
recipient is gone through the run's letters are written (each from what its step stored when issued) and
the run is complete.

The preview goes through the same planning without writing anything.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from services.billing.application.collection_ports import ChunkWorkers, ReminderLetters
from services.billing.application.ledger_ports import OpenInvoice
from services.billing.application.ports import BillingUnitOfWork, UowFactory
from services.billing.application.set_off import set_off_credits
from services.billing.domain.account import Account
from services.billing.domain.collection_events import HandedToEnforcement, ReminderIssued
from services.billing.domain.collection_holds import CollectionHold
from services.billing.domain.collection_rules import CollectionRules, InterestPoint, StepKind
from services.billing.domain.interest import InterestCharge, interest_on_changes, interest_start
from services.billing.domain.ledger import Component, Entry, EntryKind, LedgerAccount, Posting, document_claim
from services.billing.domain.payment_plans import Instalment, PaymentPlan, PlanState, plan_of
from services.billing.domain.reminders import (
    CollectionRun,
    CollectionStep,
    NextStep,
    NotReminded,
    ReminderLetter,
    RunCounts,
    RunState,
    broken_plan_of,
    kept_plan_of,
    letter_file,
    next_step,
    run_lanes,
)
from services.billing.domain.seller import EXAMPLE_SELLER, Seller
from services.platform.cycle_collector import cycle_collection_paused
from services.platform.errors import FailedPrecondition, InvalidInput, NotFound
from services.platform.ids import new_id
from services.platform.job_runner import JobRunner
from services.platform.money import Money

PREVIEW_PAGE = 5_000  # recipients read at a time by a preview
LETTER_LAYOUT = 5  # domain/reminders.ReminderLetter.layout of the letters issued now


@dataclass(frozen=True)
class ReminderPreview:
    """What a run on `on` would do now: steps per kind, fees and interest, and why the rest would not be
    reminded (counts per reason)."""

    on: date
    reminders: int = 0
    notices: int = 0
    handed_over: int = 0
    fees: Money = Money(0)
    interest: Money = Money(0)
    plans_broken: int = 0
    amounts: Mapping[StepKind, Money] = field(default_factory=dict)  # what the steps remind, per kind
    not_reminded: Mapping[NotReminded, int] = field(default_factory=dict)


@dataclass
class _Chunk:
    """What one chunk of recipients comes to: written by a run, only counted by a preview."""

    entries: list[Entry] = field(default_factory=list)
    charges: list[InterestCharge] = field(default_factory=list)
    steps: list[CollectionStep] = field(default_factory=list)
    events: list[ReminderIssued | HandedToEnforcement] = field(default_factory=list)
    plan_states: list[tuple[str, PlanState, date]] = field(default_factory=list)  # (plan, state, since)
    missed: dict[str, Instalment] = field(default_factory=dict)  # plan broken now → the instalment missed
    interest: Money = Money(0)
    not_reminded: Counter[NotReminded] = field(default_factory=Counter)


def _settle_plans(
    uow: BillingUnitOfWork, plans: list[PaymentPlan], rules: CollectionRules, on: date, chunk: _Chunk
) -> list[PaymentPlan]:
    """The plans as they stand after this run's check: a plan whose invoices, or whose instalments, are
    all paid is completed as of the day the last of it was paid (or set off: its invoices' latest credit's
    value date, not before the plan was requested, not after `on`); one with an instalment missed (due date
    + grace passed, paid since the plan short of what was due) is broken today (chunk.missed says which
    instalment)."""
    active = [p for p in plans if p.state == PlanState.ACTIVE]
    if not active:
        return plans
    claims = sorted({document_claim(n) for p in active for n in p.documents})
    balances = uow.ledger.claim_balances(claims)
    charges = uow.ledger.charges_posted(claims)

    def paid_since(plan: PaymentPlan) -> tuple[Money, Money]:
        mine = [document_claim(n) for n in plan.documents]
        open_now = Money(sum(max(balances[c].total.ore, 0) for c in mine if c in balances))
        charged = Money(sum(m.ore for c in mine for day, m in charges.get(c, []) if day > plan.requested_on))
        return open_now, plan.paid_since(open_now, charged)

    standing = {p.plan_id: paid_since(p) for p in active}
    done = {p.plan_id for p in active if standing[p.plan_id][0].ore <= 0 or standing[p.plan_id][1] >= p.total}
    arose = uow.ledger.credits_arose_on(
        sorted({document_claim(n) for p in active if p.plan_id in done for n in p.documents})
    )
    settled: list[PaymentPlan] = []
    for plan in plans:
        if plan.state == PlanState.ACTIVE:
            if plan.plan_id in done:
                days = [arose[c] for n in plan.documents if (c := document_claim(n)) in arose]
                ended = min(max(max(days, default=on), plan.requested_on), on)
                chunk.plan_states.append((plan.plan_id, PlanState.COMPLETED, ended))
                plan = replace(plan, state=PlanState.COMPLETED, ended_on=ended)
            elif (missed := plan.missed(standing[plan.plan_id][1], on, rules.grace_days)) is not None:
                chunk.plan_states.append((plan.plan_id, PlanState.BROKEN, on))
                chunk.missed[plan.plan_id] = missed
                plan = replace(plan, state=PlanState.BROKEN, broken_on=on, ended_on=on)
        settled.append(plan)
    return settled


def _interest_due(
    invoice: OpenInvoice, decision: NextStep | NotReminded, plan: PaymentPlan | None, rules: CollectionRules
) -> bool:
    if not rules.bears_interest(invoice.charge_codes):
        return False
    if plan is not None and (rules.plan_stops_interest or not plan.interest_continues):
        return False
    if rules.interest_at == InterestPoint.EACH_RUN:
        return True
    if not isinstance(decision, NextStep):
        return False
    return rules.interest_at == InterestPoint.EACH_STEP or decision.rule.kind == StepKind.HAND_OVER


def _accounts_to_look_at(
    uow: BillingUnitOfWork, after: str, on: date, size: int, through: str | None = None
) -> tuple[list[Account], bool]:
    """The next `size` recipients after `after` (not past `through` when given) a run on `on` has
    something to do for (an invoice open and due before `on`: interest, a step, a credit to set off; or an
    active plan to check), and whether any may follow them. The others are passed over without being read:
    most of a term's recipients have paid."""
    overdue = uow.ledger.accounts_with_overdue(after, on, size, through)
    planned = uow.collection.accounts_with_active_plans(after, size, through)
    either = sorted(set(overdue) | set(planned))
    # Each list is cut at `size`: a full one may have more behind it, a short one has told all there is.
    more = len(overdue) >= size or len(planned) >= size or len(either) > size
    ids = either[:size]
    found = uow.accounts.get_many(ids)
    return [found[i] for i in ids if i in found], more


def _plan_chunk(
    uow: BillingUnitOfWork,
    accounts: Sequence[Account],
    rules: CollectionRules,
    on: date,
    run_id: str,
    seller: Seller,
) -> _Chunk:
    chunk = _Chunk()
    account_ids = [a.account_id for a in accounts]
    # One read of the chunk's claims serves the set-off and the open invoices; nobody is reminded of what
    # their own credit covers, so the credits' holders are read again after it.
    balances = uow.ledger.receivable_balances(account_ids)
    credits = sorted((b for b in balances.values() if b.total.ore < 0), key=lambda b: (b.account_id, b.claim))
    if credits:
        set_off_credits(uow, account_ids, on, credits)
        holders = {c.account_id for c in credits}  # their claims as the set-off left them (settled: gone)
        balances = {claim: b for claim, b in balances.items() if b.account_id not in holders}
        balances.update(uow.ledger.receivable_balances(sorted(holders)))
    invoices = uow.ledger.open_invoices(account_ids, due_before=on, balances=balances)
    numbers = [i.document_number for i in invoices]
    steps = uow.collection.steps_of(numbers) if numbers else {}
    holds = uow.collection.holds_on(numbers) if numbers else []
    plans = _settle_plans(uow, uow.collection.plans_of(account_ids), rules, on, chunk)
    charged = uow.collection.interest_charged_through(numbers) if numbers else {}
    changes = uow.ledger.principal_changes([document_claim(n) for n in numbers], on) if numbers else {}
    by_id = {a.account_id: a for a in accounts}
    # Each invoice's own holds and plans: a chunk's thousands of invoices must not each scan all of them.
    holds_of: dict[int, list[CollectionHold]] = defaultdict(list)
    for hold in holds:
        holds_of[hold.document_number].append(hold)
    plans_of: dict[int, list[PaymentPlan]] = defaultdict(list)
    for p in plans:
        for number in p.documents:
            plans_of[number].append(p)
    for invoice in invoices:
        number = invoice.document_number
        mine = plans_of.get(number, [])
        decision = next_step(invoice, steps.get(number, []), holds_of.get(number, []), mine, rules, on)
        plan = plan_of(mine, number)
        charged_now = Money(0)
        if _interest_due(invoice, decision, plan, rules):
            start = interest_start(invoice.due_date, charged.get(invoice.document_number))
            history = changes.get(document_claim(invoice.document_number), [])
            share = rules.interest_share(invoice.amounts_by_code)
            charged_now = interest_on_changes(history, rules.interest_rates, start, on, share)
            if charged_now.ore > 0:
                entry = _interest_entry(invoice, charged_now, start, on)
                chunk.entries.append(entry)
                chunk.charges.append(
                    InterestCharge(invoice.document_number, start, on, charged_now, entry.entry_id)
                )
                chunk.interest += charged_now
        if isinstance(decision, NotReminded):
            chunk.not_reminded[decision] += 1
            continue
        account = by_id[invoice.account_id]
        step = _step(invoice, decision, charged_now, account, mine, chunk.missed, rules, on, run_id, seller)
        chunk.steps.append(step)
        if step.fee.ore > 0:
            chunk.entries.append(_fee_entry(invoice, step))
        chunk.events.append(_event(invoice, step, decision, charged_now))
    return chunk


def _interest_entry(invoice: OpenInvoice, amount: Money, start: date, end: date) -> Entry:
    last = end - timedelta(days=1)
    return Entry(
        entry_id=new_id(),
        kind=EntryKind.INTEREST,
        posted_on=end,
        postings=(
            Posting(
                LedgerAccount.RECEIVABLES,
                amount,
                invoice.account_id,
                document_claim(invoice.document_number),
                Component.INTEREST,
            ),
            Posting(LedgerAccount.INTEREST_INCOME, -amount),
        ),
        account_id=invoice.account_id,
        reference=str(invoice.document_number),
        description=f"Forsinkelsesrente {start:%d.%m.%Y}–{last:%d.%m.%Y}, faktura {invoice.document_number}",
    )


def _fee_entry(invoice: OpenInvoice, step: CollectionStep) -> Entry:
    return Entry(
        entry_id=new_id(),
        kind=EntryKind.REMINDER_FEE,
        posted_on=step.issued_on,
        postings=(
            Posting(
                LedgerAccount.RECEIVABLES,
                step.fee,
                invoice.account_id,
                document_claim(invoice.document_number),
                Component.FEE,
            ),
            Posting(LedgerAccount.FEE_INCOME, -step.fee),
        ),
        account_id=invoice.account_id,
        reference=step.step_id,
        description=f"Purregebyr, faktura {invoice.document_number}",
    )


def _step(
    invoice: OpenInvoice,
    decision: NextStep,
    charged_now: Money,
    account: Account,
    plans: Sequence[PaymentPlan],
    missed_now: Mapping[str, Instalment],
    rules: CollectionRules,
    on: date,
    run_id: str,
    seller: Seller,
) -> CollectionStep:
    kind = decision.rule.kind
    claim = decision.claim + charged_now
    content = None
    name = ""
    if kind != StepKind.HAND_OVER:
        name = letter_file(kind, decision.sequence, invoice.document_number)
        balance = invoice.balance
        broken = (
            None
            if decision.broken_on is None
            else broken_plan_of(plans, invoice.document_number, decision.broken_on)
        )
        # Only the run that found the plan broken knows which instalment was missed (later payments change
        # what the same check would find).
        missed = missed_now.get(broken.plan_id) if broken is not None and broken.broken_on == on else None
        kept = (
            None
            if decision.kept_on is None
            else kept_plan_of(plans, invoice.document_number, decision.kept_on)
        )
        plan = broken or kept
        content = ReminderLetter(
            step=kind.value,
            sequence=decision.sequence,
            issued_on=on.isoformat(),
            due_on=decision.due_on.isoformat(),
            invoice_number=invoice.document_number,
            kid=invoice.kid,
            invoice_issue_date=invoice.issue_date.isoformat(),
            invoice_due_date=invoice.due_date.isoformat(),
            currency=rules.currency,
            principal_ore=balance.principal.ore,
            fees_ore=balance.fee.ore + decision.fee.ore,
            fee_ore=decision.fee.ore,
            interest_ore=balance.interest.ore + charged_now.ore,
            disputed_ore=decision.disputed.ore,
            to_pay_ore=claim.ore + decision.fee.ore,
            secured_by_lien=decision.secured_by_lien,
            hand_over_to=rules.hand_over_to,
            recipient_name=account.name,
            recipient_address=account.address_line,
            recipient_postcode=account.postcode,
            recipient_city=account.city,
            seller_name=seller.name,
            seller_organisation_number=seller.organisation_number,
            seller_address=f"{seller.street}, {seller.postcode} {seller.city}",
            seller_bank_account=seller.bank_account,
            recipient_kind=account.kind.value,
            layout=LETTER_LAYOUT,
            plan_broken_on=decision.broken_on.isoformat() if decision.broken_on else "",
            plan_kind=plan.kind.value if plan else "",
            plan_missed_on=missed.due_on.isoformat() if missed else "",
            notice_given=decision.notice_given,
            invoice_total_ore=invoice.total.ore,
            plan_kept_on=decision.kept_on.isoformat() if decision.kept_on else "",
        )
    return CollectionStep(
        step_id=new_id(),
        run_id=run_id,
        account_id=invoice.account_id,
        document_number=invoice.document_number,
        step=kind,
        sequence=decision.sequence,
        issued_on=on,
        due_on=decision.due_on,
        claim=claim,
        fee=decision.fee,
        secured_by_lien=decision.secured_by_lien,
        letter=name,
        content=content,
    )


def _event(
    invoice: OpenInvoice, step: CollectionStep, decision: NextStep, charged_now: Money
) -> ReminderIssued | HandedToEnforcement:
    if step.step == StepKind.HAND_OVER:
        balance = invoice.balance
        return HandedToEnforcement(
            invoice_number=invoice.document_number,
            account_id=invoice.account_id,
            handed_over_on=step.issued_on,
            principal=Money(max(balance.principal.ore - decision.disputed.ore, 0)),
            fees=balance.fee,
            interest=balance.interest + charged_now,
            secured_by_lien=step.secured_by_lien,
            property_ids=invoice.property_ids,
            run_id=step.run_id,
        )
    return ReminderIssued(
        invoice_number=invoice.document_number,
        account_id=invoice.account_id,
        step=step.step.value,
        sequence=step.sequence,
        issued_on=step.issued_on,
        due_on=step.due_on,
        open_amount=step.claim,
        fee=step.fee,
        run_id=step.run_id,
    )


def preview_reminders(
    uow: BillingUnitOfWork, rules: CollectionRules, on: date, seller: Seller = EXAMPLE_SELLER
) -> ReminderPreview:
    """What a run on `on` would do, over every recipient; changes nothing (nothing is committed). A date a
    run could not take (before the latest run's) is refused as the run would be (InvalidInput on); the date
    of a run already written or completed is refused (FailedPrecondition), since a run on it does nothing
    more. A run of that date still running or failed is previewed from the start (what it is to do)."""
    reasons: Counter[NotReminded] = Counter()
    steps: list[CollectionStep] = []
    fees, charged, broken = Money(0), Money(0), 0
    with uow:
        made = uow.collection.run_on(on)
        if made is None:
            _refuse_going_back(uow.collection.latest_run(), on)
        elif made.state in (RunState.WRITTEN, RunState.COMPLETED):
            # One run per date: a run on `on` now returns that run and does nothing more; zeros would read
            # as "nothing is overdue".
            raise FailedPrecondition(
                f"the reminder run of {on:%d.%m.%Y} is already made ({made.state.value}, run {made.run_id}: "
                f"{made.reminders} reminders, {made.notices} notices, {made.handed_over} handed over); a run "
                "on that date does nothing more: preview a later date"
            )
        cursor = ""
        more = True
        while more:
            accounts, more = _accounts_to_look_at(uow, cursor, on, PREVIEW_PAGE)
            if not accounts:
                break
            chunk = _plan_chunk(uow, accounts, rules, on, "preview", seller)
            reasons.update(chunk.not_reminded)
            steps.extend(chunk.steps)
            fees += Money(sum(s.fee.ore for s in chunk.steps))
            charged += chunk.interest
            broken += sum(1 for _, state, _ in chunk.plan_states if state == PlanState.BROKEN)
            cursor = accounts[-1].account_id
    return ReminderPreview(
        on=on,
        reminders=sum(1 for s in steps if s.step == StepKind.REMINDER),
        notices=sum(1 for s in steps if s.step == StepKind.COLLECTION_NOTICE),
        handed_over=sum(1 for s in steps if s.step == StepKind.HAND_OVER),
        fees=fees,
        interest=charged,
        plans_broken=broken,
        amounts={
            kind: Money(sum(s.claim.ore for s in steps if s.step == kind))
            for kind in StepKind
            if any(s.step == kind for s in steps)
        },
        not_reminded=dict(sorted(reasons.items())),
    )


def start_reminder_run(uow: BillingUnitOfWork, on: date, lanes: int = 1) -> CollectionRun:
    """The run of `on`: a new one, or the one of that date as it stands (a failed one running again from
    its lanes' cursors). One run per date: a second start the same day resumes or returns it. Runs go
    forward in time: InvalidInput (on) for a new run dated before the latest run's date.

    A new run's recipients are split into `lanes` ranges of account ids of about one size (fewer with
    fewer recipients), each gone through on its own, so that that many processes can take its chunks at
    once (reminder_chunk)."""
    if lanes < 1:
        raise InvalidInput.single("lanes", f"must be at least 1, not {lanes}")
    with uow:
        run = uow.collection.run_on(on)
        if run is None:
            _refuse_going_back(uow.collection.latest_run(), on)
            new = CollectionRun(new_id(), on, RunState.RUNNING)
            run = uow.collection.add_run_unless_taken(new, uow.now())
            if run.run_id == new.run_id:
                uow.collection.add_lanes(run_lanes(run.run_id, uow.accounts.split_points(lanes)))
        if run.state == RunState.FAILED:
            uow.collection.mark_run(run.run_id, RunState.RUNNING, was=[RunState.FAILED])
            run = uow.collection.get_run(run.run_id) or run
        uow.commit()
    return run


def _refuse_going_back(latest: CollectionRun | None, on: date) -> None:
    if latest is not None and latest.run_on > on:
        raise InvalidInput.single(
            "on",
            f"{on:%d.%m.%Y} is before the last reminder run's date {latest.run_on:%d.%m.%Y}: runs go "
            "forward in time (an earlier date would remind on what that day could not have known)",
        )


def get_reminder_run(uow: BillingUnitOfWork, run_id: str) -> CollectionRun:
    if not run_id:
        raise InvalidInput.single("run_id", "is required")
    with uow:
        run = uow.collection.get_run(run_id)
    if run is None:
        raise NotFound(f"no reminder run {run_id}")
    return run


def reminder_chunk(
    uow: BillingUnitOfWork, run_id: str, rules: CollectionRules, size: int, seller: Seller = EXAMPLE_SELLER
) -> CollectionRun:
    """The next `size` recipients of one of the run's lanes (the first free: not done, not taken by a
    chunk going on in another transaction) in one transaction; the run marked written when its last lane
    is done (in the same transaction: the last chunk does not take one more to find nothing). Returns the
    run as it stands, unchanged when every lane left is taken by another chunk.

    Chunks of different lanes go on at once in different processes: each adds its counts to the run's in
    place (CollectionStore.add_to_run), which locks the run's row to its commit, so the chunks' last steps
    go one after another and the one that finds every lane done marks the run written."""
    with uow, cycle_collection_paused():
        run = uow.collection.get_run(run_id)
        if run is None:
            raise NotFound(f"no reminder run {run_id}")
        if run.state != RunState.RUNNING:
            return run
        lane = uow.collection.take_lane(run_id)
        if lane is None:
            # Every lane done, yet running: a run whose letters failed, started again (a failed run goes
            # back to running); it is written again and its letters with it.
            if uow.collection.lanes_left(run_id) == 0:
                uow.collection.mark_run(run_id, RunState.WRITTEN, was=[RunState.RUNNING])
                uow.commit()
                return uow.collection.get_run(run_id) or run
            return run
        accounts, more = _accounts_to_look_at(uow, lane.cursor, run.run_on, size, lane.through)
        chunk = _plan_chunk(uow, accounts, rules, run.run_on, run.run_id, seller) if accounts else _Chunk()
        for plan_id, state, since in chunk.plan_states:
            uow.collection.set_plan_state(plan_id, state, since)
        if chunk.entries:
            uow.ledger.post(chunk.entries, uow.now())
        if chunk.charges:
            uow.collection.add_interest_charges(chunk.charges)
        if chunk.steps:
            uow.collection.add_steps(chunk.steps)
        for event in chunk.events:
            uow.record(event)
        cursor = accounts[-1].account_id if accounts else lane.cursor
        held = None if more else uow.accounts.count_in(lane.after, lane.through)
        uow.collection.advance_lane(replace(lane, cursor=cursor, done=not more, recipients=held))
        run = uow.collection.add_to_run(run_id, RunCounts.of(chunk.steps, chunk.interest))
        if not more and uow.collection.lanes_left(run_id) == 0:
            uow.collection.mark_run(run_id, RunState.WRITTEN, was=[RunState.RUNNING])
            run = replace(run, state=RunState.WRITTEN)
        uow.commit()
    return run


def complete_reminder_run(uow: BillingUnitOfWork, run_id: str, letters: ReminderLetters) -> CollectionRun:
    """Write a written run's letters and mark it complete (a crash before the mark writes them again)."""
    with uow:
        run = uow.collection.get_run(run_id)
        if run is None:
            raise NotFound(f"no reminder run {run_id}")
        if run.state != RunState.WRITTEN:
            raise FailedPrecondition(f"reminder run {run_id} is {run.state}, not written")
        steps = [s for s in uow.collection.steps_of_run(run_id) if s.content is not None]
    letters.write(run, steps)
    with uow:
        uow.collection.mark_run(run_id, RunState.COMPLETED, was=[RunState.WRITTEN], finished_at=uow.now())
        uow.commit()
        return uow.collection.get_run(run_id) or run


def reminder_runner(
    make: UowFactory,
    rules: CollectionRules,
    chunk_size: int,
    letters: ReminderLetters,
    seller: Seller = EXAMPLE_SELLER,
    pause_seconds: float = 0.0,
    workers: ChunkWorkers | None = None,
) -> JobRunner:
    """Runs reminder runs a step at a time: a chunk here, or with `workers` one chunk per worker at once
    (each in a lane of its own); the letters once the run is written."""

    def step(run_id: str) -> bool:
        if workers is None:
            run = reminder_chunk(make(), run_id, rules, chunk_size, seller)
        else:
            workers.chunks(run_id)
            run = get_reminder_run(make(), run_id)
        if run.state == RunState.WRITTEN:
            run = complete_reminder_run(make(), run_id, letters)
        return run.state != RunState.RUNNING

    def unfinished() -> list[str]:
        with make() as uow:
            return [run.run_id for run in uow.collection.unfinished_runs()]

    def fail(run_id: str, error: str) -> None:
        with make() as uow:
            uow.collection.mark_run(
                run_id, RunState.FAILED, was=[RunState.RUNNING, RunState.WRITTEN], error=error
            )
            uow.commit()

    return JobRunner(
        "reminder-run",
        step=step,
        unfinished=unfinished,
        fail=fail,
        pause_seconds=pause_seconds,
        on_stop=workers.close if workers is not None else None,
    )
