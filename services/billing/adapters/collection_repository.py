"""Collection runs and steps, interest charged, holds and payment plans in SQL
(application/collection_ports.py).

Steps and interest charges are inserted in bulk (COPY on PostgreSQL) and never changed; a chunk reads the
steps, holds and last interest of its invoices in one query each (by document number), so a run costs a
few queries per chunk, not per recipient. A step keeps its letter's content as JSON (letter_data).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.billing.adapters.orm import (
    collection_holds,
    collection_run_lanes,
    collection_runs,
    collection_steps,
    interest_charges,
    payment_plans,
    plan_instalments,
)
from services.billing.domain.collection_holds import CollectionHold, HoldSource
from services.billing.domain.collection_rules import StepKind
from services.billing.domain.interest import InterestCharge
from services.billing.domain.payment_plans import Instalment, PaymentPlan, PlanKind, PlanState
from services.billing.domain.reminders import (
    CollectionRun,
    CollectionStep,
    ReminderLetter,
    RunCounts,
    RunLane,
    RunState,
)
from services.platform import job_rows
from services.platform.bulk import bulk_insert
from services.platform.db import one_of
from services.platform.money import Money

_FEW = 100  # account ids named one by one; more are read as their range


def step_rows(steps: Sequence[CollectionStep]) -> list[dict[str, Any]]:
    return [
        {
            "step_id": s.step_id,
            "run_id": s.run_id,
            "account_id": s.account_id,
            "document_number": s.document_number,
            "step": s.step.value,
            "sequence": s.sequence,
            "issued_on": s.issued_on,
            "due_on": s.due_on,
            "claim_ore": s.claim.ore,
            "fee_ore": s.fee.ore,
            "secured_by_lien": s.secured_by_lien,
            "letter": s.letter,
            "letter_data": json.dumps(s.content.as_json(), ensure_ascii=False) if s.content else "",
        }
        for s in steps
    ]


def charge_rows(charges: Sequence[InterestCharge]) -> list[dict[str, Any]]:
    return [
        {
            "document_number": c.document_number,
            "period_start": c.period_start,
            "period_end": c.period_end,
            "amount_ore": c.amount.ore,
            "entry_id": c.entry_id,
        }
        for c in charges
    ]


def _to_run(row: Any) -> CollectionRun:
    return CollectionRun(
        run_id=row.run_id,
        run_on=row.run_on,
        state=RunState(row.state),
        reminders=row.reminders,
        notices=row.notices,
        handed_over=row.handed_over,
        fees=Money(row.fees_ore),
        interest=Money(row.interest_ore),
        error=row.error,
        started_at=row.started_at,
        finished_at=row.finished_at,
    )


def _lane_row(lane: RunLane) -> dict[str, Any]:
    return {
        "run_id": lane.run_id,
        "lane": lane.lane,
        "after": lane.after,
        "through": lane.through,
        "cursor": lane.cursor,
        "done": lane.done,
        "recipients": lane.recipients,
    }


def _to_lane(row: Any) -> RunLane:
    return RunLane(row.run_id, row.lane, row.after, row.through, row.cursor, bool(row.done), row.recipients)


def _to_step(row: Any) -> CollectionStep:
    return CollectionStep(
        step_id=row.step_id,
        run_id=row.run_id,
        account_id=row.account_id,
        document_number=row.document_number,
        step=StepKind(row.step),
        sequence=row.sequence,
        issued_on=row.issued_on,
        due_on=row.due_on,
        claim=Money(row.claim_ore),
        fee=Money(row.fee_ore),
        secured_by_lien=row.secured_by_lien,
        letter=row.letter,
        content=ReminderLetter.from_json(json.loads(row.letter_data)) if row.letter_data else None,
    )


def _to_hold(row: Any) -> CollectionHold:
    return CollectionHold(
        hold_id=row.hold_id,
        account_id=row.account_id,
        document_number=row.document_number,
        source=HoldSource(row.source),
        reference=row.reference,
        disputed=Money(row.disputed_ore),
        reason=row.reason,
        from_date=row.from_date,
        until_date=row.until_date,
        property_id=row.property_id,
        tax_year=row.tax_year,
    )


class CollectionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    # --- runs

    def add_run_unless_taken(self, run: CollectionRun, at: datetime) -> CollectionRun:
        """Inserts the run unless its date has one (run_on is unique): a concurrent start may have inserted
        it since this transaction looked. Returns the date's run, this one or that."""
        try:  # in a savepoint: a refused insert leaves the transaction usable
            with self._session.begin_nested():
                self._session.execute(
                    insert(collection_runs).values(
                        run_id=run.run_id,
                        run_on=run.run_on,
                        state=run.state.value,
                        reminders=run.reminders,
                        notices=run.notices,
                        handed_over=run.handed_over,
                        fees_ore=run.fees.ore,
                        interest_ore=run.interest.ore,
                        error=run.error,
                        started_at=at,
                    )
                )
        except IntegrityError:
            pass  # the other start committed first
        found = self.run_on(run.run_on)
        if found is None:
            raise RuntimeError(f"no reminder run on {run.run_on} after inserting one")
        return found

    def get_run(self, run_id: str, lock: bool = False) -> CollectionRun | None:
        query = select(collection_runs).where(collection_runs.c.run_id == run_id)
        row = self._session.execute(query.with_for_update() if lock else query).first()
        return _to_run(row) if row else None

    def run_on(self, day: date) -> CollectionRun | None:
        row = self._session.execute(select(collection_runs).where(collection_runs.c.run_on == day)).first()
        return _to_run(row) if row else None

    def accounts_with_active_plans(self, after: str, limit: int, through: str | None = None) -> list[str]:
        c = payment_plans.c
        query = select(c.account_id).where(c.state == PlanState.ACTIVE.value, c.account_id > after)
        if through is not None:
            query = query.where(c.account_id <= through)
        return list(
            self._session.execute(query.group_by(c.account_id).order_by(c.account_id).limit(limit)).scalars()
        )

    def latest_run(self) -> CollectionRun | None:
        row = self._session.execute(
            select(collection_runs).order_by(collection_runs.c.run_on.desc()).limit(1)
        ).first()
        return _to_run(row) if row else None

    def add_to_run(self, run_id: str, counts: RunCounts) -> CollectionRun:
        r = collection_runs.c
        moved = self._session.connection().execute(
            update(collection_runs)
            .where(r.run_id == run_id, r.state == RunState.RUNNING.value)
            .values(
                reminders=r.reminders + counts.reminders,
                notices=r.notices + counts.notices,
                handed_over=r.handed_over + counts.handed_over,
                fees_ore=r.fees_ore + counts.fees.ore,
                interest_ore=r.interest_ore + counts.interest.ore,
            )
        )
        if moved.rowcount != 1:
            raise RuntimeError(f"reminder run {run_id} is no longer running")
        run = self.get_run(run_id)
        assert run is not None
        return run

    # --- a run's lanes

    def add_lanes(self, lanes: Sequence[RunLane]) -> None:
        if lanes:
            self._session.execute(insert(collection_run_lanes), [_lane_row(lane) for lane in lanes])

    def take_lane(self, run_id: str) -> RunLane | None:
        lanes = collection_run_lanes.c
        row = self._session.execute(
            select(collection_run_lanes)
            .where(lanes.run_id == run_id, lanes.done.is_(False))
            .order_by(lanes.lane)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        return _to_lane(row) if row else None

    def advance_lane(self, lane: RunLane) -> None:
        lanes = collection_run_lanes.c
        self._session.execute(
            update(collection_run_lanes)
            .where(lanes.run_id == lane.run_id, lanes.lane == lane.lane)
            .values(cursor=lane.cursor, done=lane.done, recipients=lane.recipients)
        )

    def lanes_of(self, run_id: str) -> list[RunLane]:
        lanes = collection_run_lanes.c
        rows = self._session.execute(
            select(collection_run_lanes).where(lanes.run_id == run_id).order_by(lanes.lane)
        ).all()
        return [_to_lane(row) for row in rows]

    def lanes_left(self, run_id: str) -> int:
        lanes = collection_run_lanes.c
        return int(
            self._session.scalar(select(func.count()).where(lanes.run_id == run_id, lanes.done.is_(False)))
            or 0
        )

    def mark_run(
        self,
        run_id: str,
        state: RunState,
        *,
        was: Collection[RunState],
        error: str = "",
        finished_at: datetime | None = None,
    ) -> bool:
        return job_rows.set_state(
            self._session,
            collection_runs,
            run_id,
            state.value,
            was=[s.value for s in was],
            error=error,
            finished_at=finished_at,
        )

    def unfinished_runs(self) -> list[CollectionRun]:
        rows = self._session.execute(
            select(collection_runs)
            .where(collection_runs.c.state.in_([RunState.RUNNING.value, RunState.WRITTEN.value]))
            .order_by(collection_runs.c.run_on)
        ).all()
        return [_to_run(row) for row in rows]

    # --- steps

    def add_steps(self, steps: Sequence[CollectionStep]) -> None:
        bulk_insert(self._session, collection_steps, step_rows(steps))

    def steps_of(self, document_numbers: Sequence[int]) -> dict[int, list[CollectionStep]]:
        found: dict[int, list[CollectionStep]] = {}
        if not document_numbers:
            return found
        # What the rules read of earlier steps; the letters' content is not needed here.
        columns = [c for c in collection_steps.c if c.name != "letter_data"]
        rows = self._session.execute(
            select(*columns, literal("").label("letter_data"))
            .where(one_of(self._session, collection_steps.c.document_number, sorted(set(document_numbers))))
            .order_by(
                collection_steps.c.document_number,
                collection_steps.c.issued_on,
                collection_steps.c.sequence,
            )
        ).all()
        for row in rows:
            found.setdefault(row.document_number, []).append(_to_step(row))
        return found

    def steps_of_run(self, run_id: str, offset: int = 0, limit: int | None = None) -> list[CollectionStep]:
        rows = self._session.execute(
            select(collection_steps)
            .where(collection_steps.c.run_id == run_id)
            .order_by(
                collection_steps.c.account_id, collection_steps.c.document_number, collection_steps.c.step
            )
            .offset(offset)
            .limit(limit)
        ).all()
        return [_to_step(row) for row in rows]

    # --- interest

    def interest_charged_through(self, document_numbers: Sequence[int]) -> dict[int, date]:
        if not document_numbers:
            return {}
        charged = interest_charges.c
        rows = self._session.execute(
            select(charged.document_number, func.max(charged.period_end))
            .where(one_of(self._session, charged.document_number, sorted(set(document_numbers))))
            .group_by(charged.document_number)
        ).all()
        return {number: end for number, end in rows}

    def add_interest_charges(self, charges: Sequence[InterestCharge]) -> None:
        bulk_insert(self._session, interest_charges, charge_rows(charges))

    # --- holds

    def add_holds(self, holds: Sequence[CollectionHold]) -> None:
        rows = [
            {
                "hold_id": h.hold_id,
                "account_id": h.account_id,
                "document_number": h.document_number,
                "property_id": h.property_id,
                "tax_year": h.tax_year,
                "source": h.source.value,
                "reference": h.reference,
                "disputed_ore": h.disputed.ore,
                "reason": h.reason,
                "from_date": h.from_date,
                "until_date": h.until_date,
            }
            for h in holds
        ]
        if rows:
            self._session.execute(insert(collection_holds), rows)

    def get_hold(self, hold_id: str) -> CollectionHold | None:
        row = self._session.execute(
            select(collection_holds).where(collection_holds.c.hold_id == hold_id)
        ).first()
        return _to_hold(row) if row else None

    def end_holds(self, hold_ids: Sequence[str], until: date) -> None:
        self._session.execute(
            update(collection_holds)
            .where(collection_holds.c.hold_id.in_(list(hold_ids)), collection_holds.c.until_date.is_(None))
            .values(until_date=until)
        )

    def holds_of_account(self, account_id: str) -> list[CollectionHold]:
        rows = self._session.execute(
            select(collection_holds)
            .where(collection_holds.c.account_id == account_id)
            .order_by(
                collection_holds.c.from_date, collection_holds.c.document_number, collection_holds.c.hold_id
            )
        ).all()
        return [_to_hold(row) for row in rows]

    def holds_on(self, document_numbers: Sequence[int]) -> list[CollectionHold]:
        if not document_numbers:
            return []
        numbers = sorted(set(document_numbers))
        rows = self._session.execute(
            select(collection_holds).where(one_of(self._session, collection_holds.c.document_number, numbers))
        ).all()
        return [_to_hold(row) for row in rows]

    def holds_by_reference(self, source: HoldSource, reference: str) -> list[CollectionHold]:
        rows = self._session.execute(
            select(collection_holds).where(
                collection_holds.c.source == source.value, collection_holds.c.reference == reference
            )
        ).all()
        return [_to_hold(row) for row in rows]

    # --- plans

    def add_plan(self, plan: PaymentPlan, at: datetime) -> None:
        self._session.execute(
            insert(payment_plans).values(
                plan_id=plan.plan_id,
                account_id=plan.account_id,
                kind=plan.kind.value,
                requested_on=plan.requested_on,
                state=plan.state.value,
                interest_continues=plan.interest_continues,
                documents=json.dumps(list(plan.documents)),
                total_ore=plan.total.ore,
                broken_on=plan.broken_on,
                ended_on=plan.ended_on,
                created_at=at,
            )
        )
        self._session.execute(
            insert(plan_instalments),
            [
                {"plan_id": plan.plan_id, "number": i.number, "due_on": i.due_on, "amount_ore": i.amount.ore}
                for i in plan.instalments
            ],
        )

    def _plans(self, where: Any) -> list[PaymentPlan]:
        rows = self._session.execute(
            select(payment_plans).where(where).order_by(payment_plans.c.created_at, payment_plans.c.plan_id)
        ).all()
        if not rows:
            return []
        instalments: dict[str, list[Instalment]] = {}
        for i in self._session.execute(
            select(plan_instalments)
            .where(plan_instalments.c.plan_id.in_([row.plan_id for row in rows]))
            .order_by(plan_instalments.c.plan_id, plan_instalments.c.number)
        ).all():
            instalments.setdefault(i.plan_id, []).append(Instalment(i.number, i.due_on, Money(i.amount_ore)))
        return [
            PaymentPlan(
                plan_id=row.plan_id,
                account_id=row.account_id,
                kind=PlanKind(row.kind),
                requested_on=row.requested_on,
                state=PlanState(row.state),
                interest_continues=row.interest_continues,
                documents=tuple(json.loads(row.documents)),
                total=Money(row.total_ore),
                instalments=tuple(instalments.get(row.plan_id, [])),
                broken_on=row.broken_on,
                ended_on=row.ended_on,
            )
            for row in rows
        ]

    def get_plan(self, plan_id: str) -> PaymentPlan | None:
        found = self._plans(payment_plans.c.plan_id == plan_id)
        return found[0] if found else None

    def plans_of(self, account_ids: Sequence[str]) -> list[PaymentPlan]:
        if not account_ids:
            return []
        if len(account_ids) <= _FEW:
            return self._plans(payment_plans.c.account_id.in_(list(account_ids)))
        # A run's chunk is a range of account ids: one range scan of the index, not thousands of parameters.
        wanted = set(account_ids)
        within = payment_plans.c.account_id.between(min(wanted), max(wanted))
        return [plan for plan in self._plans(within) if plan.account_id in wanted]

    def set_plan_state(self, plan_id: str, state: PlanState, on: date) -> None:
        broken_on = on if state == PlanState.BROKEN else None
        self._session.execute(
            update(payment_plans)
            .where(payment_plans.c.plan_id == plan_id)
            .values(state=state.value, broken_on=broken_on, ended_on=on)
        )
