"""Issue 14: inspection plans, owners' wishes and notices over SQL (SQLite and PostgreSQL): a version reads
back as it was stored, versions stay apart, a notice reads back the same, and the plan, its notices and
their events are stored in one transaction (the outbox)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from sqlalchemy import Table, func, select

from services.assessment.adapters.orm import inspection_notices, inspection_plans, platform_tables
from services.assessment.adapters.unit_of_work import SqlAssessmentUnitOfWork
from services.assessment.application.owner_requests import request_visit
from services.assessment.application.plan_inspections import PlanPeriod, plan_inspections
from services.assessment.application.ports import PlanOverlap, PlanSummary, UnitOfWorkFactory
from services.assessment.application.replan_inspections import Replan, replan_inspections
from services.assessment.domain.inspection_needs import InspectionReason
from services.assessment.domain.inspection_planning import (
    Assessor,
    DayRoute,
    InspectionPlan,
    OwnerRequest,
    PlanningSolution,
    Stop,
    Unplanned,
    Window,
)
from services.assessment.domain.property import Location, Property, PropertyCategory
from services.assessment.service import SPEC
from services.platform.db import create_db_engine, session_factory
from services.platform.migrations import upgrade_to_head
from tests.fakes.route_planner import GreedyRoutePlanner
from tests.unit.inspection_plan_setup import A1, A2, CONFIG, FRIDAY, MONDAY, Needs, need, pid

COUNT = 40


@pytest.fixture
def uow(database_url: str) -> Iterator[UnitOfWorkFactory]:
    upgrade_to_head(SPEC.migrations_dir, database_url)
    engine = create_db_engine(database_url)
    sessions = session_factory(engine)
    make: UnitOfWorkFactory = lambda: SqlAssessmentUnitOfWork(sessions)  # noqa: E731
    with make() as work:
        work.properties.add_many(
            [
                Property(
                    pid(n),
                    None,
                    f"Testveien {n}",
                    PropertyCategory.HOUSING,
                    1,
                    Location(10.70 + (n % 10) * 0.01, 59.90 + (n // 10) * 0.005),
                )
                for n in range(1, COUNT + 1)
            ],
            work.now(),
        )
        work.commit()
    yield make
    engine.dispose()


def _count(make: UnitOfWorkFactory, table: Table) -> int:
    with make() as work:
        session = work.session  # type: ignore[attr-defined]
        return int(session.execute(select(func.count()).select_from(table)).scalar_one())


def test_a_plan_its_notices_and_their_events_are_stored_together_and_read_back(
    uow: UnitOfWorkFactory,
) -> None:
    needs = [need(n) for n in range(1, COUNT + 1)]
    needs[0] = need(1, InspectionReason.APPEAL, needed_by=date(2024, 5, 8), appeal_case_id="K-7")
    request_visit(
        uow(), OwnerRequest(pid(2), date(2024, 4, 1), True, date(2024, 5, 7), time(12), time(14), "Ring på")
    )
    request_visit(uow(), OwnerRequest(pid(3), date(2024, 4, 1), True))
    made = plan_inspections(
        uow(),
        PlanPeriod(MONDAY, FRIDAY, (A1, A2), (), date(2024, 4, 22)),
        CONFIG,
        GreedyRoutePlanner(),
        Needs(needs),
    )
    assert len(made.notices) == 2
    with uow() as work:
        assert work.inspection_plans.get(made.plan.plan_id) == made.plan
        assert work.inspection_plans.get(made.plan.plan_id, 1) == made.plan
        assert work.inspection_plans.get(made.plan.plan_id, 2) is None
        assert work.inspection_plans.latest_plan_id() == made.plan.plan_id
        assert work.inspection_plans.notices_of(made.plan.plan_id, 1) == list(made.notices)
        assert set(work.inspection_plans.latest_notices([pid(2), pid(3), pid(4)])) == {pid(2), pid(3)}
        wish = work.inspection_plans.requests([pid(2)])[pid(2)]
        assert (wish.day, wish.from_time, wish.until_time, wish.note) == (
            date(2024, 5, 7),
            time(12),
            time(14),
            "Ring på",
        )
        planned = {s.property_id for r in made.plan.solution.days for s in r.stops}
        assert work.inspection_plans.planned_property_ids(MONDAY) == planned
        assert work.inspection_plans.planned_property_ids(date(2024, 5, 13)) == set()
    # InspectionsPlanned and one InspectionScheduled per notice, through the outbox
    assert _count(uow, platform_tables.outbox) == 1 + len(made.notices)
    assert _count(uow, inspection_notices) == 2


def test_a_replan_adds_a_version_and_the_first_stays_as_it_was(uow: UnitOfWorkFactory) -> None:
    request_visit(uow(), OwnerRequest(pid(5), date(2024, 4, 1), True))
    made = plan_inspections(
        uow(),
        PlanPeriod(MONDAY, FRIDAY, (A1, A2), (), date(2024, 4, 22)),
        CONFIG,
        GreedyRoutePlanner(),
        Needs([need(n) for n in range(1, COUNT + 1)]),
    )
    again = replan_inspections(
        uow(), Replan(made.plan.plan_id, "A1", MONDAY, None, date(2024, 5, 3)), CONFIG, GreedyRoutePlanner()
    )
    with uow() as work:
        assert work.inspection_plans.next_version(made.plan.plan_id) == 3
        assert work.inspection_plans.get(made.plan.plan_id) == again.plan
        assert work.inspection_plans.get(made.plan.plan_id, 1) == made.plan
    assert _count(uow, inspection_plans) == 2
    assert not any(r.assessor_id == "A1" for r in again.plan.solution.days)
    told_again = pid(5) in again.moved and again.plan.stop_of(pid(5)) is not None
    assert [(n.property_id, n.replaces) for n in again.notices] == (
        [(pid(5), made.notices[0].notice_id)] if told_again else []
    )
    with uow() as work:
        assert work.inspection_plans.notices_of(made.plan.plan_id, 2) == list(again.notices)


def test_a_notice_address_on_a_wish_reads_back(uow: UnitOfWorkFactory) -> None:
    postal = ("c/o Anne Eriksen", "Postboks 12", "9730 Karasjok")
    request_visit(
        uow(), OwnerRequest(pid(6), date(2024, 4, 1), True, notice_name="Dødsboet", notice_lines=postal)
    )
    request_visit(uow(), OwnerRequest(pid(7), date(2024, 4, 1), True))
    with uow() as work:
        wishes = work.inspection_plans.requests([pid(6), pid(7)])
    assert (wishes[pid(6)].notice_name, wishes[pid(6)].notice_lines) == ("Dødsboet", postal)
    assert (wishes[pid(7)].notice_name, wishes[pid(7)].notice_lines) == ("", ())


def test_cancellations_are_stored_with_the_notices_and_read_back_apart(uow: UnitOfWorkFactory) -> None:
    for n in range(1, COUNT + 1):
        request_visit(uow(), OwnerRequest(pid(n), date(2024, 4, 1), True))
    made = plan_inspections(
        uow(),
        PlanPeriod(MONDAY, date(2024, 5, 7), (A1, A2), (), date(2024, 4, 22)),
        CONFIG,
        GreedyRoutePlanner(),
        Needs([need(n) for n in range(1, COUNT + 1)]),
    )
    before = _count(uow, platform_tables.outbox)
    # Two full days; A2 ill on Tuesday: A1's Tuesday has no room for A2's visits.
    again = replan_inspections(
        uow(), Replan(made.plan.plan_id, "A2", date(2024, 5, 7), None, MONDAY), CONFIG, GreedyRoutePlanner()
    )
    assert again.cancellations
    with uow() as work:
        assert work.inspection_plans.cancellations_of(made.plan.plan_id, 2) == list(again.cancellations)
        assert work.inspection_plans.notices_of(made.plan.plan_id, 2) == list(again.notices)
        cancelled = [c.property_id for c in again.cancellations]
        latest = work.inspection_plans.latest_notices(cancelled)
        assert list(latest.values()) == list(again.cancellations)
    assert _count(uow, inspection_notices) == len(made.notices) + len(again.notices) + len(
        again.cancellations
    )
    assert _count(uow, platform_tables.outbox) == before + 1 + len(again.notices) + len(again.cancellations)


def test_overlapping_plans_share_days_and_an_assessor(uow: UnitOfWorkFactory) -> None:
    def planned(first: date, last: date, *assessors: Assessor) -> str:
        made = plan_inspections(
            uow(),
            PlanPeriod(first, last, assessors, (), date(2024, 4, 22)),
            CONFIG,
            GreedyRoutePlanner(),
            Needs([need(99)]),  # a plan needs an open need to plan
        )
        return made.plan.plan_id

    week = planned(MONDAY, FRIDAY, A1, A2)
    later = planned(date(2024, 5, 13), date(2024, 5, 17), A1)
    with uow() as work:
        assert work.inspection_plans.overlapping_plans(FRIDAY, date(2024, 5, 10), {"A2", "A7"}) == [
            PlanOverlap(week, MONDAY, FRIDAY, ("A2",))
        ]
        assert work.inspection_plans.overlapping_plans(MONDAY, FRIDAY, {"A9"}) == []
        both = work.inspection_plans.overlapping_plans(FRIDAY, date(2024, 5, 13), {"A1", "A2"})
        assert sorted((o.plan_id, o.shared) for o in both) == sorted([(week, ("A1", "A2")), (later, ("A1",))])


def test_the_latest_versions_in_brief_and_the_days_they_visit(uow: UnitOfWorkFactory) -> None:
    def planned(first: date, last: date, numbers: range) -> str:
        made = plan_inspections(
            uow(),
            PlanPeriod(first, last, (A1, A2), (), date(2024, 4, 22)),
            CONFIG,
            GreedyRoutePlanner(),
            Needs([need(n) for n in numbers]),
        )
        return made.plan.plan_id

    may = planned(MONDAY, date(2024, 5, 7), range(1, COUNT + 1))  # two days: not every need fits
    june = planned(date(2024, 6, 3), date(2024, 6, 7), range(COUNT + 1, COUNT + 2))  # one May does not hold
    again = replan_inspections(
        uow(), Replan(may, "A2", date(2024, 5, 7), None, MONDAY), CONFIG, GreedyRoutePlanner(), Needs([])
    )
    assert again.stored
    with uow() as work:
        listed = work.inspection_plans.summaries(None)
        visits = work.inspection_plans.visit_days(MONDAY)
        assert work.inspection_plans.visit_days(date(2024, 5, 7)) == {
            p: day for p, day in visits.items() if day == date(2024, 5, 7)
        }
        assert [s.plan_id for s in work.inspection_plans.summaries(date(2024, 5, 8))] == [june]
    assert [s.plan_id for s in listed] == [june, may]
    stops = {s.property_id: r.day for r in again.plan.solution.days for s in r.stops}
    assert listed[1] == PlanSummary(
        may,
        2,
        MONDAY,
        date(2024, 5, 7),
        MONDAY,
        again.plan.cause,
        len(stops),
        len(again.plan.solution.unplanned),
        ("A1", "A2"),
    )
    # June's one need has no property in the register: unplanned.
    assert (listed[0].version, listed[0].visits, listed[0].unplanned, listed[0].cause) == (1, 0, 1, "plan")
    assert visits == stops


def _plan(
    plan_id: str,
    version: int,
    first: date,
    last: date,
    visits: dict[str, date],
    unplanned: tuple[str, ...] = (),
) -> InspectionPlan:
    """A version of a plan visiting each property on its day (A1 goes), leaving `unplanned` out."""

    def stop(property_id: str, day: date) -> Stop:
        at = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
        return Stop(property_id, at, at.replace(hour=10), Window(at.replace(hour=8), at.replace(hour=10)))

    routes = tuple(DayRoute("A1", day, (stop(p, day),), Decimal("2.5"), 8) for p, day in visits.items())
    return InspectionPlan(
        plan_id=plan_id,
        version=version,
        first_day=first,
        last_day=last,
        made_on=date(2024, 4, 22),
        cause="plan" if version == 1 else "A1 ill",
        assessors=(A1, A2),
        absences=(),
        solution=PlanningSolution(
            routes,
            tuple(Unplanned(p, "no room left in the period") for p in unplanned),
            Decimal(0),
            Decimal(0),
        ),
        needs=len(visits) + len(unplanned),
    )


def test_the_plans_visiting_a_property_are_the_latest_versions_newest_period_first(
    uow: UnitOfWorkFactory,
) -> None:
    odd = 'Gnr 5_1 %ø"quoted"'  # LIKE's wildcards, a letter JSON keeps as it is, quotes JSON escapes
    may = _plan("may", 1, MONDAY, FRIDAY, {pid(1): MONDAY, pid(2): FRIDAY, odd: MONDAY})
    may_again = _plan("may", 2, MONDAY, FRIDAY, {pid(1): date(2024, 5, 7), odd: MONDAY}, (pid(2),))
    june = _plan("june", 1, date(2024, 6, 3), date(2024, 6, 7), {pid(1): date(2024, 6, 4)})
    july = _plan("july", 1, date(2024, 7, 1), date(2024, 7, 5), {pid(4): date(2024, 7, 2)})
    july_again = _plan("july", 2, date(2024, 7, 1), date(2024, 7, 5), {})  # visited already: no longer
    # Overlapping May, starting earlier: sorts after it. It visits an id that holds pid(1)'s.
    spring = _plan("spring", 1, date(2024, 4, 29), FRIDAY, {f"{pid(1)}-2": MONDAY, pid(2): MONDAY})
    with uow() as work:
        for plan in (june, may, may_again, july, july_again, spring):
            work.inspection_plans.add(plan, work.now())
        work.commit()

    with uow() as work:
        plans = work.inspection_plans
        assert plans.visits_of(pid(1)) == [june, may_again]  # the latest version of each, newest first
        assert plans.visits_of(pid(2)) == [may_again, spring]  # May's latest version left it unplanned
        assert plans.visits_of(odd) == [may_again]
        assert plans.visits_of("Gnr 5x1 xø") == []  # no LIKE wildcard matches another id
        assert plans.visits_of(pid(4)) == []  # July's latest version has it no more
        assert plans.visits_of(f"{pid(1)}-2") == [spring]
        assert plans.visits_of(pid(12)) == []  # in no plan
