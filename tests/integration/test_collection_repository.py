"""The collection store in SQL, on SQLite and PostgreSQL: one run per date, steps with their letters'
content, interest charged through, holds and plans, as the fake keeps them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from services.billing.adapters.unit_of_work import SqlBillingUnitOfWork
from services.billing.adapters.unit_of_work import SqlUnitOfWorkFactory as UowFactory
from services.billing.domain.collection_holds import CollectionHold, HoldSource
from services.billing.domain.collection_rules import StepKind
from services.billing.domain.interest import InterestCharge
from services.billing.domain.payment_plans import PaymentPlan, PlanKind, PlanState, instalment_schedule
from services.billing.domain.reminders import CollectionRun, CollectionStep, RunCounts, RunState, run_lanes
from services.billing.service import SPEC
from services.platform.db import create_db_engine, session_factory
from services.platform.migrations import upgrade_to_head
from services.platform.money import Money
from tests.unit.test_reminder_letters import LETTER

AT = datetime(2025, 12, 4, 8, tzinfo=UTC)
ON = date(2025, 12, 4)


@pytest.fixture
def make(database_url: str) -> Iterator[UowFactory]:
    upgrade_to_head(SPEC.migrations_dir, database_url)
    engine = create_db_engine(database_url)
    sessions = session_factory(engine)
    yield lambda: SqlBillingUnitOfWork(sessions)
    engine.dispose()


def step(number: int, kind: StepKind, sequence: int, run_id: str = "run-1") -> CollectionStep:
    return CollectionStep(
        f"s-{number}-{kind}-{sequence}", run_id, f"A{number}", number, kind, sequence, ON, date(2025, 12, 18),
        Money(100000), Money(3500), True, f"{kind}-{sequence}-{number}.pdf", LETTER,
    )  # fmt: skip


def test_one_run_per_date_and_its_progress(make: UowFactory) -> None:
    with make() as uow:
        first = uow.collection.add_run_unless_taken(CollectionRun("run-1", ON, RunState.RUNNING), AT)
        again = uow.collection.add_run_unless_taken(CollectionRun("run-2", ON, RunState.RUNNING), AT)
        assert first.run_id == again.run_id == "run-1"
        uow.collection.add_lanes(run_lanes("run-1", ["A5"]))
        uow.collection.add_to_run("run-1", RunCounts(2, 1, 0, Money(7000), Money(50)))
        added = uow.collection.add_to_run("run-1", RunCounts(1, 0, 0, Money(3500), Money(27)))
        assert (added.reminders, added.notices, added.fees, added.interest) == (3, 1, Money(10500), Money(77))
        lane = uow.collection.take_lane("run-1")
        assert lane is not None and (lane.lane, lane.after, lane.through, lane.cursor) == (0, "", "A5", "")
        uow.collection.advance_lane(replace(lane, cursor="A5", done=True))
        uow.commit()
    with make() as uow:
        run = uow.collection.get_run("run-1", lock=True)
        assert run is not None and (run.reminders, run.notices, run.fees, run.interest) == (
            3, 1, Money(10500), Money(77),
        )  # fmt: skip
        assert [(lane.cursor, lane.done) for lane in uow.collection.lanes_of("run-1")] == [
            ("A5", True), ("A5", False),
        ]  # fmt: skip
        assert uow.collection.lanes_left("run-1") == 1
        taken = uow.collection.take_lane("run-1")
        assert taken is not None and taken.lane == 1
        assert [r.run_id for r in uow.collection.unfinished_runs()] == ["run-1"]
        assert uow.collection.mark_run("run-1", RunState.WRITTEN, was=[RunState.RUNNING])
        assert not uow.collection.mark_run("run-1", RunState.COMPLETED, was=[RunState.RUNNING])
        uow.commit()
    with make() as uow:
        assert uow.collection.run_on(ON) is not None and uow.collection.run_on(date(2025, 12, 5)) is None
        assert uow.collection.get_run("run-1").state == RunState.WRITTEN  # type: ignore[union-attr]


def test_steps_keep_their_letters_and_a_step_is_taken_once(make: UowFactory) -> None:
    with make() as uow:
        uow.collection.add_steps([step(1, StepKind.REMINDER, 1), step(2, StepKind.REMINDER, 1)])
        uow.commit()
    with make() as uow:
        found = uow.collection.steps_of([1, 2, 3])
        assert sorted(found) == [1, 2] and found[1][0].step == StepKind.REMINDER
        [first, _] = uow.collection.steps_of_run("run-1")
        assert first.content == LETTER and first.letter == "reminder-1-1.pdf" and first.claim == Money(100000)
    # The same step again (another id): SQLAlchemy's IntegrityError, or psycopg's own under COPY.
    with make() as uow, pytest.raises(Exception, match=r"uq_collection_steps_step|UNIQUE constraint failed"):
        again = step(1, StepKind.REMINDER, 1, run_id="run-2")
        uow.collection.add_steps([replace(again, step_id="other")])
        uow.commit()


def test_interest_charged_through_the_last_charge(make: UowFactory) -> None:
    with make() as uow:
        uow.collection.add_interest_charges(
            [
                InterestCharge(1, date(2025, 11, 21), date(2025, 12, 4), Money(445), "e1"),
                InterestCharge(1, date(2025, 12, 4), date(2026, 1, 2), Money(990), "e2"),
                InterestCharge(2, date(2025, 11, 21), date(2025, 12, 4), Money(1425), "e3"),
            ]
        )
        uow.commit()
    with make() as uow:
        assert uow.collection.interest_charged_through([1, 2, 3]) == {
            1: date(2026, 1, 2),
            2: date(2025, 12, 4),
        }


def test_holds_end_and_are_found_by_invoice_account_and_case(make: UowFactory) -> None:
    objection = CollectionHold("h1", "A1", 1, HoldSource.OBJECTION, "", Money(40000), "feil", ON)
    appeal = CollectionHold(
        "h2", "A1", 2, HoldSource.APPEAL, "case-1", Money(0), "klage", ON, None, "p1", 2025
    )
    with make() as uow:
        uow.collection.add_holds([objection, appeal])
        uow.commit()
    with make() as uow:
        uow.collection.end_holds(["h1"], date(2025, 12, 10))
        uow.commit()
    with make() as uow:
        assert uow.collection.get_hold("h1").until_date == date(2025, 12, 10)  # type: ignore[union-attr]
        assert [h.hold_id for h in uow.collection.holds_of_account("A1")] == ["h1", "h2"]
        assert [h.hold_id for h in uow.collection.holds_on([2])] == ["h2"]
        assert uow.collection.holds_by_reference(HoldSource.APPEAL, "case-1") == [appeal]


def test_plans_with_their_instalments(make: UowFactory) -> None:
    plan = PaymentPlan(
        "p1", "A1", PlanKind.INSTALMENTS, ON, PlanState.ACTIVE, True, (1, 2), Money(100001),
        instalment_schedule(Money(100001), 3, date(2026, 1, 15)),
    )  # fmt: skip
    with make() as uow:
        uow.collection.add_plan(plan, AT)
        uow.commit()
    with make() as uow:
        assert uow.collection.get_plan("p1") == plan
        assert uow.collection.plans_of(["A1", "A2"]) == [plan]
        uow.collection.set_plan_state("p1", PlanState.BROKEN, date(2026, 2, 1))
        uow.commit()
    with make() as uow:
        stored = uow.collection.get_plan("p1")
        assert stored is not None
        assert (stored.state, stored.broken_on, stored.ended_on) == (
            PlanState.BROKEN,
            date(2026, 2, 1),
            date(2026, 2, 1),
        )
