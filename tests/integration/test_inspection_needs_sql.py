"""Inspection needs over SQL, once on SQLite and once on PostgreSQL: the register read in bulk (housing
values above 0 kr, registration day in Oslo), the history kept once, appeal cases' requests queued once from
appeals' InspectionRequested (through the consumer's handler, an unknown property included), and a recorded
inspection: the proposal, the field result, the appeal needs closed and InspectionCompleted in the outbox."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from propertytax.appeals.v1 import events_pb2 as appeals_events
from propertytax.assessment.v1 import events_pb2 as assessment_events
from services.assessment.adapters.config_files import load_legal_limits, load_standard_rates
from services.assessment.adapters.orm import inspection_results, platform_tables
from services.assessment.adapters.property_files import read_properties_csv
from services.assessment.adapters.unit_of_work import SqlAssessmentUnitOfWork
from services.assessment.application.config import AssessmentConfig
from services.assessment.application.import_inspection_history import import_inspection_history
from services.assessment.application.import_properties import import_properties
from services.assessment.application.inspection_needs import gather_needs, list_inspection_needs
from services.assessment.application.record_inspection import record_inspection
from services.assessment.domain.field_results import FieldResult
from services.assessment.domain.inspection_needs import HistoryEvent, HistoryRow, InspectionReason
from services.assessment.domain.property import Floor
from services.assessment.service import SPEC, consumer_handlers
from services.platform.db import create_db_engine, session_factory
from services.platform.events import ReceivedEvent, unwrap, wrap
from services.platform.migrations import upgrade_to_head

Make = Callable[[], SqlAssessmentUnitOfWork]
CONFIG = AssessmentConfig(load_legal_limits(), load_standard_rates())
ON = date(2024, 5, 6)
REGISTER = (
    "property_id,category,units,housing_value,bra_m2,plot_m2,lon,lat\n"
    "0301-1/1/0/0,housing,1,5000000,90,200,,\n"  # the tax authority values it
    "0301-1/2/0/0,holiday_home,1,,40,500,,\n"  # never inspected
    "0301-1/3/0/0,commercial,0,,300,800,,\n"
    "0301-1/4/0/0,housing,1,0,80,100,,\n"  # a housing value of 0 kr is none
)


@pytest.fixture
def engine_url(database_url: str) -> str:
    upgrade_to_head(SPEC.migrations_dir, database_url)
    return database_url


@pytest.fixture
def make(engine_url: str) -> Make:
    sessions = session_factory(create_db_engine(engine_url))

    def make() -> SqlAssessmentUnitOfWork:
        return SqlAssessmentUnitOfWork(sessions)

    import_properties(make(), read_properties_csv(REGISTER.encode()), 2022, CONFIG)
    return make


def _outbox(engine_url: str) -> list[object]:
    outbox = platform_tables.outbox
    with create_db_engine(engine_url).connect() as conn:
        rows = conn.execute(select(outbox.c.envelope).order_by(outbox.c.id)).all()
    return [unwrap(r.envelope).payload for r in rows]


def _queue(make: Make, case_id: str, property_id: str, requested_on: str, needed_by: str) -> None:
    requested = appeals_events.InspectionRequested(
        case_id=case_id,
        property_id=property_id,
        tax_year=2024,
        requested_on=requested_on,
        note="Mål opp BRA",
        needed_by=needed_by,
    )
    envelope = wrap(
        requested, source="appeals", subject=case_id, occurred_at=datetime(2024, 5, 1, tzinfo=UTC)
    )
    handler = consumer_handlers(CONFIG)[appeals_events.InspectionRequested.DESCRIPTOR.full_name]
    uow = make()
    with uow:
        handler(uow.session, ReceivedEvent(envelope, requested))
        uow.session.commit()


def test_the_register_s_needs_read_in_bulk(make: Make) -> None:
    rows = [
        HistoryRow(2, "0301-1/3/0/0", HistoryEvent.INSPECTED, date(2014, 5, 1)),
        HistoryRow(3, "0301-1/3/0/0", HistoryEvent.INSPECTED, date(2014, 5, 1)),
        HistoryRow(4, "0301-1/4/0/0", HistoryEvent.INSPECTED, date(2020, 1, 1)),
        HistoryRow(5, "0301-1/4/0/0", HistoryEvent.SECTIONING, date(2023, 3, 1)),
    ]
    done = import_inspection_history(make(), rows, ON)
    assert (done.inspections, done.changes) == (2, 1)
    again = import_inspection_history(make(), rows, ON)
    assert (again.inspections, again.changes) == (0, 0)

    uow = make()
    with uow:
        entries = {e.property_id: e for e in uow.inspection_needs.register_entries()}
        needs = gather_needs(uow, ON)
    assert {pid: e.has_housing_value for pid, e in entries.items()} == {
        "0301-1/1/0/0": True,
        "0301-1/2/0/0": False,
        "0301-1/3/0/0": False,
        "0301-1/4/0/0": False,
    }
    assert [(n.property_id, n.reason, n.since) for n in needs] == [
        ("0301-1/4/0/0", InspectionReason.SECTIONING, date(2023, 3, 1)),
        # Entered in the register after the reckoning day: known since that day.
        ("0301-1/2/0/0", InspectionReason.NEVER_INSPECTED, min(entries["0301-1/2/0/0"].registered_on, ON)),
        ("0301-1/3/0/0", InspectionReason.GENERAL_REVALUATION, date(2024, 5, 1)),
    ]


def test_appeal_requests_are_queued_once_and_a_recorded_inspection_answers_them(
    make: Make, engine_url: str
) -> None:
    _queue(make, "case-1", "0301-1/2/0/0", "2024-04-02", "2024-05-31")
    _queue(make, "case-1", "0301-1/2/0/0", "2024-04-02", "2024-05-31")  # the same event again
    _queue(make, "case-2", "0301-9/9/0/0", "2024-04-03", "")  # not in the register: queued, said so
    page = list_inspection_needs(make(), ON, "appeal", 10, "")
    assert page.total == 2
    assert [(n.property_id, n.appeal_case_id, n.needed_by) for n in page.needs] == [
        ("0301-1/2/0/0", "case-1", date(2024, 5, 31)),
        ("0301-9/9/0/0", "case-2", None),
    ]
    assert page.needs[1].detail == "Mål opp BRA (the property is not in the register)"

    result = FieldResult(
        property_id="0301-1/2/0/0",
        inspected_on=date(2024, 5, 2),
        assessor_id="A1",
        floors=(Floor(1, Decimal("42.5")),),
        plot_m2=None,
        inner_factor=Decimal("0.9"),
        inner_reason="slitt bad",
        outer_factor=Decimal(1),
        outer_reason="",
        notes="",
        photo_refs=("IMG_1.jpg",),
    )
    recorded = record_inspection(make(), CONFIG, result, ON)
    assert recorded.appeal_case_ids == ("case-1",)

    uow = make()
    with uow:
        remaining = gather_needs(uow, ON)
        stored = uow.session.execute(select(inspection_results)).one()
        history = uow.inspection_needs.history(["0301-1/2/0/0"])
    assert [n.property_id for n in remaining] == [
        "0301-9/9/0/0",
        "0301-1/4/0/0",
        "0301-1/3/0/0",
    ]  # 0 kr: cannot be valued
    assert (stored.valuation_id, stored.inspected_on, stored.assessor_id) == (
        recorded.valuation.valuation_id,
        date(2024, 5, 2),
        "A1",
    )
    assert '"inner_reason": "slitt bad"' in stored.body
    assert history == {"0301-1/2/0/0": [(HistoryEvent.INSPECTED, date(2024, 5, 2))]}
    [completed] = [e for e in _outbox(engine_url) if isinstance(e, assessment_events.InspectionCompleted)]
    assert (
        completed.property_id,
        completed.inspected_on,
        completed.appeal_case_id,
        completed.valuation_id,
    ) == (
        "0301-1/2/0/0",
        "2024-05-02",
        "case-1",
        recorded.valuation.valuation_id,
    )
    assert "BRA 42,5 m²" in completed.findings
