"""What reminders, interest, holds and plans need from storage (part of the billing unit of work), and the
writing of a reminder run's letters.

The SQL implementation is adapters/collection_repository.py; tests/fakes/collection.py keeps it in memory.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Protocol

from services.billing.domain.collection_holds import CollectionHold, HoldSource
from services.billing.domain.interest import InterestCharge
from services.billing.domain.payment_plans import PaymentPlan, PlanState
from services.billing.domain.reminders import CollectionRun, CollectionStep, RunCounts, RunLane, RunState


class CollectionStore(Protocol):
    """Collection runs and steps, interest charged, holds on disputed amounts, payment plans."""

    # --- runs
    def add_run_unless_taken(self, run: CollectionRun, at: datetime) -> CollectionRun:
        """The new run, or the run of its date that another start stored first (one run per date)."""
        ...

    def get_run(self, run_id: str, lock: bool = False) -> CollectionRun | None: ...
    def run_on(self, day: date) -> CollectionRun | None: ...
    def accounts_with_active_plans(self, after: str, limit: int, through: str | None = None) -> list[str]:
        """The first `limit` recipients after `after` (account-id order; not past `through` when given) with
        an active plan."""
        ...

    def latest_run(self) -> CollectionRun | None:
        """The run of the latest date, if any."""
        ...

    def add_to_run(self, run_id: str, counts: RunCounts) -> CollectionRun:
        """Add a chunk's counts to the running run's (in place, so that chunks of other lanes going on at
        the same time add theirs too) and return the run as it now stands; the run's row stays locked to
        the end of the transaction. RuntimeError if the run is not running (the chunk is to roll back)."""
        ...

    # --- a run's lanes
    def add_lanes(self, lanes: Sequence[RunLane]) -> None: ...
    def take_lane(self, run_id: str) -> RunLane | None:
        """The run's first lane not done that no other transaction has taken, locked to the end of this
        transaction (on PostgreSQL others pass it over; SQLite has one writer at a time); None if none."""
        ...

    def advance_lane(self, lane: RunLane) -> None:
        """Store the lane's cursor and whether it is done."""
        ...

    def lanes_of(self, run_id: str) -> list[RunLane]: ...
    def lanes_left(self, run_id: str) -> int:
        """How many of the run's lanes are not done (as committed, and as this transaction changed them)."""
        ...

    def mark_run(
        self,
        run_id: str,
        state: RunState,
        *,
        was: Collection[RunState],
        error: str = "",
        finished_at: datetime | None = None,
    ) -> bool: ...
    def unfinished_runs(self) -> list[CollectionRun]:
        """Runs running or written (letters not yet written)."""
        ...

    # --- steps
    def add_steps(self, steps: Sequence[CollectionStep]) -> None:
        """Store steps with their letters' content (bulk)."""
        ...

    def steps_of(self, document_numbers: Sequence[int]) -> dict[int, list[CollectionStep]]:
        """The steps taken on each invoice, in the order taken."""
        ...

    def steps_of_run(self, run_id: str, offset: int = 0, limit: int | None = None) -> list[CollectionStep]:
        """A run's steps in (account, invoice) order, with their letters' content: from `offset`, at most
        `limit` of them (None: all)."""
        ...

    # --- interest
    def interest_charged_through(self, document_numbers: Sequence[int]) -> dict[int, date]:
        """Per invoice with interest charged, the end (exclusive) of its last charge."""
        ...

    def add_interest_charges(self, charges: Sequence[InterestCharge]) -> None: ...

    # --- holds
    def add_holds(self, holds: Sequence[CollectionHold]) -> None: ...
    def get_hold(self, hold_id: str) -> CollectionHold | None: ...
    def end_holds(self, hold_ids: Sequence[str], until: date) -> None:
        """Close open holds on `until` (a settled objection, a closed appeal)."""
        ...

    def holds_of_account(self, account_id: str) -> list[CollectionHold]: ...
    def holds_on(self, document_numbers: Sequence[int]) -> list[CollectionHold]:
        """Every hold (open or closed) on the invoices."""
        ...

    def holds_by_reference(self, source: HoldSource, reference: str) -> list[CollectionHold]: ...

    # --- plans
    def add_plan(self, plan: PaymentPlan, at: datetime) -> None: ...
    def get_plan(self, plan_id: str) -> PaymentPlan | None: ...
    def plans_of(self, account_ids: Sequence[str]) -> list[PaymentPlan]:
        """The recipients' plans (any state), oldest first."""
        ...

    def set_plan_state(self, plan_id: str, state: PlanState, on: date) -> None:
        """The plan is `state` from business day `on` (its ended_on; a broken plan's broken_on too)."""
        ...


class ReminderLetters(Protocol):
    """Where a reminder run's letters are written (var/reminders/<run_on>/…): each step with a letter,
    rendered from what it stored when issued. Writing again overwrites (a crash rewrites them)."""

    def write(self, run: CollectionRun, steps: Sequence[CollectionStep]) -> None: ...


class ChunkWorkers(Protocol):
    """Processes that take a reminder run's chunks at once, one chunk each (in a lane of its own: see
    run_reminders.reminder_chunk), so that a run uses more than one core."""

    @property
    def processes(self) -> int:
        """How many chunks go on at once (a new run gets as many lanes)."""
        ...

    def chunks(self, run_id: str) -> None:
        """One reminder_chunk of the run per worker, at once; returns when all are committed (or raises
        the first failure: the run's lanes keep their cursors, a start again resumes them)."""
        ...

    def close(self) -> None:
        """Let the worker processes go (the service is stopping)."""
        ...
