"""A recorded inspection over SQL, once on SQLite and once on PostgreSQL: the stored proposal says which
areas were measured on site and which are the register's (the register itself unchanged), the findings in
the outbox are Norwegian with decimal commas, and an assessor the plan visiting the property did not send
is recorded with a warning (issue 14 item 7), as is another day and an assessor away that day, a later plan
for other properties made after it all the same; a dwelling valued
from the tax authority's housing value keeps it, each inspection's findings stored without a proposal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from propertytax.assessment.v1 import events_pb2 as assessment_events
from services.assessment.adapters.config_files import load_legal_limits, load_standard_rates
from services.assessment.adapters.orm import inspection_results, platform_tables
from services.assessment.adapters.property_files import read_properties_csv
from services.assessment.adapters.unit_of_work import SqlAssessmentUnitOfWork
from services.assessment.application.config import AssessmentConfig
from services.assessment.application.import_properties import import_properties
from services.assessment.application.record_inspection import record_inspection
from services.assessment.domain.field_results import FieldResult
from services.assessment.domain.inspection_planning import (
    Absence,
    Assessor,
    DayRoute,
    InspectionPlan,
    PlanningSolution,
    Stop,
    Transport,
    Window,
)
from services.assessment.domain.property import Floor, Location
from services.assessment.service import SPEC
from services.platform.db import create_db_engine, session_factory
from services.platform.events import unwrap
from services.platform.migrations import upgrade_to_head

Make = Callable[[], SqlAssessmentUnitOfWork]
CONFIG = AssessmentConfig(load_legal_limits(), load_standard_rates())
ON = date(2024, 5, 10)
CABIN = "0301-1/2/0/0"
FLAT = "0301-1/3/0/0"
REGISTER = (
    "property_id,category,units,housing_value,bra_m2,plot_m2,lon,lat\n0301-1/2/0/0,holiday_home,1,,40,500,,\n"
    "0301-1/3/0/0,housing,1,8300000,90,250,,\n"
)


@pytest.fixture
def make(database_url: str) -> Make:
    upgrade_to_head(SPEC.migrations_dir, database_url)
    sessions = session_factory(create_db_engine(database_url))

    def make() -> SqlAssessmentUnitOfWork:
        return SqlAssessmentUnitOfWork(sessions)

    import_properties(make(), read_properties_csv(REGISTER.encode()), 2022, CONFIG)
    return make


def _found(assessor_id: str, property_id: str = CABIN) -> FieldResult:
    return FieldResult(
        property_id=property_id,
        inspected_on=date(2024, 5, 7),
        assessor_id=assessor_id,
        floors=(Floor(1, Decimal("42.5")),),
        plot_m2=None,
        inner_factor=Decimal("0.95"),
        inner_reason="slitt bad",
        outer_factor=Decimal(1),
        outer_reason="",
        notes="",
        photo_refs=(),
    )


def _plan(
    plan_id: str,
    version: int,
    made_on: date,
    assessor_id: str,
    day: date,
    period: tuple[date, date] | None = None,
    property_id: str = CABIN,
) -> InspectionPlan:
    """A plan visiting the property on `day`; its period `period` (first and last day), else that day."""
    at = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
    stop = Stop(property_id, at, at.replace(hour=10), Window(at.replace(hour=8), at.replace(hour=10)))
    route = DayRoute(assessor_id, day, (stop,), Decimal("3.5"), 10)
    first_day, last_day = period or (day, day)
    return InspectionPlan(
        plan_id=plan_id,
        version=version,
        first_day=first_day,
        last_day=last_day,
        made_on=made_on,
        cause="plan" if version == 1 else "A1 ill",
        assessors=tuple(
            Assessor(a, f"Takstmann {a}", Transport.CAR, Location(10.7, 59.9), 450)
            for a in ("A1", "A2", "A3")
        ),
        absences=(Absence("A2", date(2024, 5, 7), date(2024, 5, 7)),),
        solution=PlanningSolution((route,), (), Decimal("3.5"), Decimal("3.5")),
        needs=1,
    )


def _store(make: Make, *plans: InspectionPlan) -> None:
    uow = make()
    with uow:
        for plan in plans:
            uow.inspection_plans.add(plan, uow.now())
        uow.commit()


def _findings(database_url: str) -> list[str]:
    outbox = platform_tables.outbox
    with create_db_engine(database_url).connect() as conn:
        rows = conn.execute(select(outbox.c.envelope).order_by(outbox.c.id)).all()
    payloads = [unwrap(r.envelope).payload for r in rows]
    return [p.findings for p in payloads if isinstance(p, assessment_events.InspectionCompleted)]


def test_the_stored_proposal_names_the_site_s_and_the_register_s_figures(
    make: Make, database_url: str
) -> None:
    recorded = record_inspection(make(), CONFIG, _found("A1"), ON)
    assert recorded.warnings == ()  # no plan: an office inspection

    uow = make()
    with uow:
        stored = uow.valuations.for_property(CABIN)[0]  # the newest: the import valued it by the register
        register = uow.properties.get(CABIN)
    trace = {t.factor: (t.value, t.source) for t in stored.trace}
    assert trace["floor 1 BRA m²"] == ("42.5", "measured on site by A1 on 2024-05-07 (NS 3940)")
    assert trace["plot m²"] == ("500", "register (cadastre): not measured on site")
    assert trace["register BRA m² by floor, not used"][0] == "1: 40"
    assert stored.reason.endswith("; from the register: plot m²")
    assert register is not None and register.floors == (Floor(1, Decimal(40)),)
    [findings] = _findings(database_url)
    assert findings.startswith("Befaring 2024-05-07 (A1): BRA 42,5 m²; indre faktor 0,95 (slitt bad); ")


MAY = (date(2024, 5, 6), date(2024, 5, 10))


def test_an_assessor_the_plan_did_not_send_is_recorded_with_a_warning(make: Make) -> None:
    _store(make, _plan("spring", 1, date(2024, 4, 2), "A2", date(2024, 4, 10)))
    _store(
        make,
        _plan("may", 1, date(2024, 5, 1), "A1", date(2024, 5, 7), MAY),
        _plan("may", 2, date(2024, 5, 3), "A3", date(2024, 5, 8), MAY),  # the re-plan moved the visit to A3
    )
    recorded = record_inspection(make(), CONFIG, _found("A2"), ON)

    assert recorded.warnings == (
        "assessor A2 was not planned for this property's visit (planned for 08.05.2024 by A3)",
        "inspected on 07.05.2024, not on the planned day (planned for 08.05.2024 by A3)",
        "A2 is absent on 07.05.2024 in plan BEF-MAY (away 07.05.2024–07.05.2024)",
    )
    uow = make()
    with uow:
        assert uow.valuations.for_property(CABIN)[0] == recorded.valuation  # recorded all the same
    assert record_inspection(make(), CONFIG, _found("A3"), ON).warnings == (
        "inspected on 07.05.2024, not on the planned day (planned for 08.05.2024 by A3)",
    )


def test_a_later_plan_for_other_properties_leaves_the_warnings_to_the_plan_visiting_the_property(
    make: Make,
) -> None:
    _store(make, _plan("may", 1, date(2024, 5, 1), "A1", date(2024, 5, 8), MAY))
    june = (date(2024, 6, 3), date(2024, 6, 7))
    _store(make, _plan("june", 1, date(2024, 5, 9), "A3", date(2024, 6, 4), june, property_id=FLAT))
    uow = make()
    with uow:
        assert uow.inspection_plans.latest_plan_id() == "june"

    assert record_inspection(make(), CONFIG, _found("A2"), ON).warnings == (
        "assessor A2 was not planned for this property's visit (planned for 08.05.2024 by A1)",
        "inspected on 07.05.2024, not on the planned day (planned for 08.05.2024 by A1)",
        "A2 is absent on 07.05.2024 in plan BEF-MAY (away 07.05.2024–07.05.2024)",
    )
    assert record_inspection(make(), CONFIG, _found("A9"), ON).warnings[0] == (
        "A9 is not an assessor of plan BEF-MAY"
    )


def test_a_dwelling_valued_from_the_housing_value_keeps_it_and_each_inspection_s_findings_are_stored(
    make: Make, database_url: str
) -> None:
    uow = make()
    with uow:
        [housing] = uow.valuations.for_property(FLAT)  # the import's, from the housing value
    first = record_inspection(make(), CONFIG, _found("A1", FLAT), ON)
    second = record_inspection(make(), CONFIG, _found("A2", FLAT), ON)

    assert (first.valuation, first.proposed, second.valuation) == (housing, False, housing)
    assert first.warnings[0].startswith(
        "the property is valued from the tax authority's housing value (8 300 000 kr); the findings are "
        "recorded without a standard-rate proposal (the formula would give "
    )
    uow = make()
    with uow:
        assert uow.valuations.for_property(FLAT) == [housing]  # nothing to compete at the next adoption
        results = uow.session.execute(
            select(inspection_results.c.valuation_id, inspection_results.c.assessor_id).where(
                inspection_results.c.property_id == FLAT
            )
        ).all()
    assert sorted(r.assessor_id for r in results) == ["A1", "A2"]
    assert [r.valuation_id for r in results] == [None, None]  # the findings gave no proposal
    assert [f.endswith("Skatteetatens boligverdi (8 300 000,00 kr).") for f in _findings(database_url)] == [
        True,
        True,
    ]
