"""Collection runs, steps, interest, holds and plans in memory (application/collection_ports.py)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import date, datetime

from services.billing.domain.collection_holds import CollectionHold, HoldSource
from services.billing.domain.interest import InterestCharge
from services.billing.domain.payment_plans import PaymentPlan, PlanState
from services.billing.domain.reminders import CollectionRun, CollectionStep, RunCounts, RunLane, RunState


class FakeCollection:
    def __init__(self) -> None:
        self.runs: dict[str, CollectionRun] = {}
        self.lanes: dict[tuple[str, int], RunLane] = {}
        self.steps: list[CollectionStep] = []
        self.charges: list[InterestCharge] = []
        self.holds: dict[str, CollectionHold] = {}
        self.plans: dict[str, PaymentPlan] = {}

    def add_run_unless_taken(self, run: CollectionRun, at: datetime) -> CollectionRun:
        taken = self.run_on(run.run_on)
        if taken is not None:
            return taken
        self.runs[run.run_id] = replace(run, started_at=at)
        return self.runs[run.run_id]

    def get_run(self, run_id: str, lock: bool = False) -> CollectionRun | None:
        return self.runs.get(run_id)

    def run_on(self, day: date) -> CollectionRun | None:
        return next((r for r in self.runs.values() if r.run_on == day), None)

    def accounts_with_active_plans(self, after: str, limit: int, through: str | None = None) -> list[str]:
        active = {p.account_id for p in self.plans.values() if p.state == PlanState.ACTIVE}
        return sorted(a for a in active if a > after and (through is None or a <= through))[:limit]

    def latest_run(self) -> CollectionRun | None:
        return max(self.runs.values(), key=lambda r: r.run_on, default=None)

    def add_to_run(self, run_id: str, counts: RunCounts) -> CollectionRun:
        run = self.runs[run_id]
        if run.state != RunState.RUNNING:
            raise RuntimeError(f"reminder run {run_id} is no longer running")
        self.runs[run_id] = replace(
            run,
            reminders=run.reminders + counts.reminders,
            notices=run.notices + counts.notices,
            handed_over=run.handed_over + counts.handed_over,
            fees=run.fees + counts.fees,
            interest=run.interest + counts.interest,
        )
        return self.runs[run_id]

    def add_lanes(self, lanes: Sequence[RunLane]) -> None:
        for lane in lanes:
            self.lanes[(lane.run_id, lane.lane)] = lane

    def take_lane(self, run_id: str) -> RunLane | None:
        return next((lane for lane in self.lanes_of(run_id) if not lane.done), None)

    def advance_lane(self, lane: RunLane) -> None:
        self.lanes[(lane.run_id, lane.lane)] = lane

    def lanes_of(self, run_id: str) -> list[RunLane]:
        return sorted((lane for lane in self.lanes.values() if lane.run_id == run_id), key=lambda x: x.lane)

    def lanes_left(self, run_id: str) -> int:
        return sum(1 for lane in self.lanes_of(run_id) if not lane.done)

    def mark_run(
        self,
        run_id: str,
        state: RunState,
        *,
        was: Collection[RunState],
        error: str = "",
        finished_at: datetime | None = None,
    ) -> bool:
        run = self.runs.get(run_id)
        if run is None or run.state not in was:
            return False
        self.runs[run_id] = replace(run, state=state, error=error, finished_at=finished_at or run.finished_at)
        return True

    def unfinished_runs(self) -> list[CollectionRun]:
        return [r for r in self.runs.values() if r.state in (RunState.RUNNING, RunState.WRITTEN)]

    def add_steps(self, steps: Sequence[CollectionStep]) -> None:
        taken = {(s.document_number, s.step, s.sequence) for s in self.steps}
        for step in steps:
            if (step.document_number, step.step, step.sequence) in taken:
                raise ValueError(f"step {step.step} {step.sequence} exists on {step.document_number}")
            taken.add((step.document_number, step.step, step.sequence))
        self.steps.extend(steps)

    def steps_of(self, document_numbers: Sequence[int]) -> dict[int, list[CollectionStep]]:
        wanted = set(document_numbers)
        found: dict[int, list[CollectionStep]] = {}
        for step in self.steps:
            if step.document_number in wanted:
                found.setdefault(step.document_number, []).append(step)
        return found

    def steps_of_run(self, run_id: str, offset: int = 0, limit: int | None = None) -> list[CollectionStep]:
        mine = sorted(
            (s for s in self.steps if s.run_id == run_id), key=lambda s: (s.account_id, s.document_number)
        )
        return mine[offset:] if limit is None else mine[offset : offset + limit]

    def interest_charged_through(self, document_numbers: Sequence[int]) -> dict[int, date]:
        found: dict[int, date] = {}
        for charge in self.charges:
            if charge.document_number in document_numbers:
                found[charge.document_number] = max(
                    found.get(charge.document_number, date.min), charge.period_end
                )
        return found

    def add_interest_charges(self, charges: Sequence[InterestCharge]) -> None:
        taken = {(c.document_number, c.period_start) for c in self.charges}
        for charge in charges:
            if (charge.document_number, charge.period_start) in taken:
                raise ValueError(f"interest on {charge.document_number} from {charge.period_start} exists")
        self.charges.extend(charges)

    def add_holds(self, holds: Sequence[CollectionHold]) -> None:
        for hold in holds:
            self.holds[hold.hold_id] = hold

    def get_hold(self, hold_id: str) -> CollectionHold | None:
        return self.holds.get(hold_id)

    def end_holds(self, hold_ids: Sequence[str], until: date) -> None:
        for hold_id in hold_ids:
            hold = self.holds[hold_id]
            if hold.until_date is None:
                self.holds[hold_id] = replace(hold, until_date=until)

    def holds_of_account(self, account_id: str) -> list[CollectionHold]:
        return sorted(
            (h for h in self.holds.values() if h.account_id == account_id),
            key=lambda h: (h.from_date, h.document_number, h.hold_id),
        )

    def holds_on(self, document_numbers: Sequence[int]) -> list[CollectionHold]:
        return [h for h in self.holds.values() if h.document_number in document_numbers]

    def holds_by_reference(self, source: HoldSource, reference: str) -> list[CollectionHold]:
        return [h for h in self.holds.values() if h.source == source and h.reference == reference]

    def add_plan(self, plan: PaymentPlan, at: datetime) -> None:
        self.plans[plan.plan_id] = plan

    def get_plan(self, plan_id: str) -> PaymentPlan | None:
        return self.plans.get(plan_id)

    def plans_of(self, account_ids: Sequence[str]) -> list[PaymentPlan]:
        return [p for p in self.plans.values() if p.account_id in account_ids]

    def set_plan_state(self, plan_id: str, state: PlanState, on: date) -> None:
        broken_on = on if state == PlanState.BROKEN else None
        self.plans[plan_id] = replace(self.plans[plan_id], state=state, broken_on=broken_on, ended_on=on)


class FakeReminderLetters:
    """Keeps what would be written: (run, steps) per write."""

    def __init__(self) -> None:
        self.written: list[tuple[CollectionRun, list[CollectionStep]]] = []

    def write(self, run: CollectionRun, steps: Sequence[CollectionStep]) -> None:
        self.written.append((run, list(steps)))
