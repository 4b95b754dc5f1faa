"""A § 17 correction has a business date (issue 10 follow-up, item 1), through the application on SQLite:
the time limit is checked against that date, not the machine's clock; the date is bounded (not in the
future, not before the year's levy); TaxBaseCorrected carries it through the outbox; a committee's
decision corrects on the day decided; and `assessment correct --on` sends it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from devstack.synthetic_register import OSLO_2024_DECISION
from propertytax.appeals.v1 import events_pb2 as appeals_events
from propertytax.assessment.v1 import events_pb2 as assessment_events
from propertytax.platform.v1 import money_pb2
from services.assessment.adapters.config_files import load_legal_limits, load_standard_rates
from services.assessment.adapters.orm import platform_tables
from services.assessment.adapters.property_files import read_properties_csv
from services.assessment.adapters.unit_of_work import SqlAssessmentUnitOfWork
from services.assessment.application.adopt_valuations import adopt_valuations
from services.assessment.application.config import AssessmentConfig
from services.assessment.application.correct_tax_base import correct_tax_base
from services.assessment.application.import_properties import import_properties
from services.assessment.application.levy import levy_chunk, start_levy
from services.assessment.application.set_decision import set_decision
from services.assessment.domain.levy import LevyJobState
from services.assessment.service import SPEC
from services.assessment.service import consumer_handlers as handlers
from services.cli import build_parser
from services.platform.db import create_db_engine, session_factory
from services.platform.errors import FailedPrecondition, InvalidInput
from services.platform.events import ReceivedEvent, unwrap, wrap
from services.platform.migrations import upgrade_to_head
from services.platform.money import Money

Make = Callable[[], SqlAssessmentUnitOfWork]
CONFIG = AssessmentConfig(load_legal_limits(), load_standard_rates())
HEADER = "property_id,category,units,housing_value,bra_m2,plot_m2,lon,lat\n"
PROPERTY = "0301-10/2/0/0"
MACHINE_DAY = date(2026, 11, 30)  # the day the trial ran: never the correction's date by accident


@pytest.fixture
def engine_url(sqlite_url: str) -> str:
    upgrade_to_head(SPEC.migrations_dir, sqlite_url)
    return sqlite_url


@pytest.fixture
def make(engine_url: str) -> Make:
    sessions = session_factory(create_db_engine(engine_url))

    def make() -> SqlAssessmentUnitOfWork:
        return SqlAssessmentUnitOfWork(sessions)

    # 8,000,000 kr: 2024 tax (5.6 M − 4.7 M) × 2.8 ‰ = 2,520 kr, levied on 20 February 2024.
    register = read_properties_csv((HEADER + f"{PROPERTY},housing,1,8000000,90,200,,\n").encode())
    import_properties(make(), register, 2024, CONFIG)
    adopt_valuations(make(), None, "sak 1/2024")
    decision = set_decision(make(), OSLO_2024_DECISION, CONFIG)
    job = start_levy(make(), 2024, CONFIG, date(2024, 2, 20), date(2024, 2, 20))
    while job.state == LevyJobState.RUNNING:
        job = levy_chunk(make(), job.job_id, decision, CONFIG, 50)
    return make


def _corrections(engine_url: str) -> list[assessment_events.TaxBaseCorrected]:
    outbox = platform_tables.outbox
    with create_db_engine(engine_url).connect() as conn:
        rows = conn.execute(select(outbox.c.envelope).order_by(outbox.c.id)).all()
    found = [unwrap(r.envelope).payload for r in rows]
    return [p for p in found if isinstance(p, assessment_events.TaxBaseCorrected)]


def test_a_raising_correction_dated_before_1_march_is_allowed_whenever_it_is_entered(
    make: Make, engine_url: str
) -> None:
    # Entered on the machine's day in 2026, dated 15 February 2025: within § 17's limit (1 March 2025).
    corrected = correct_tax_base(
        make(),
        PROPERTY,
        2024,
        Money.of(8_610_000),
        "Tilbake",
        CONFIG,
        corrected_on=date(2025, 2, 15),
        today=MACHINE_DAY,
    )
    assert corrected.version == 2 and corrected.base.tax.ore > 252_000
    (event,) = _corrections(engine_url)
    assert event.corrected_on == "2025-02-15"
    assert (event.previous.version, event.current.version) == (1, 2)


def test_a_raising_correction_dated_after_1_march_is_refused_naming_its_date(make: Make) -> None:
    with pytest.raises(FailedPrecondition) as refused:
        correct_tax_base(
            make(),
            PROPERTY,
            2024,
            Money.of(8_610_000),
            "Tilbake",
            CONFIG,
            corrected_on=date(2025, 3, 2),
            today=MACHINE_DAY,
        )
    assert "until 01.03.2025" in str(refused.value) and "dated 02.03.2025" in str(refused.value)


def test_a_lowering_correction_is_dated_on_its_day_and_the_event_carries_it(
    make: Make, engine_url: str
) -> None:
    correct_tax_base(
        make(),
        PROPERTY,
        2024,
        Money.of(7_000_000),
        "Feil areal",
        CONFIG,
        corrected_on=date(2024, 9, 2),
        today=MACHINE_DAY,
    )
    # Without a date: today, as given (the service passes Europe/Oslo's today).
    correct_tax_base(make(), PROPERTY, 2024, Money.of(6_900_000), "Feil areal", CONFIG, today=MACHINE_DAY)
    assert [e.corrected_on for e in _corrections(engine_url)] == ["2024-09-02", "2026-11-30"]


@pytest.mark.parametrize(
    ("corrected_on", "says"),
    [(date(2026, 12, 1), "cannot be in the future"), (date(2024, 2, 19), "cannot be before the levy")],
)
def test_a_correction_date_in_the_future_or_before_the_levy_is_refused(
    make: Make, engine_url: str, corrected_on: date, says: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        correct_tax_base(
            make(),
            PROPERTY,
            2024,
            Money.of(7_000_000),
            "Feil areal",
            CONFIG,
            corrected_on=corrected_on,
            today=MACHINE_DAY,
        )
    assert [v.field for v in refused.value.violations] == ["corrected_on"]
    assert says in refused.value.violations[0].description
    assert _corrections(engine_url) == []


def test_a_committee_s_decision_corrects_on_the_day_decided(make: Make, engine_url: str) -> None:
    decided = appeals_events.AppealDecided(
        case_id="case-1",
        property_id=PROPERTY,
        tax_year=2024,
        new_value=money_pb2.Money(ore=700_000_000),
        decided_on="2024-05-15",
        reasons="Arealet er mindre.",
    )
    envelope = wrap(
        decided, source="appeals", subject="case-1", occurred_at=datetime(2026, 11, 30, tzinfo=UTC)
    )
    event = ReceivedEvent(envelope, decided)
    handler = handlers(CONFIG)[appeals_events.AppealDecided.DESCRIPTOR.full_name]
    uow = make()
    with uow:
        handler(uow.session, event)
        uow.session.commit()
    (corrected,) = _corrections(engine_url)
    assert (corrected.corrected_on, corrected.appeal_case_id) == ("2024-05-15", "case-1")


def test_the_correct_command_takes_the_business_date() -> None:
    args = build_parser().parse_args(
        [
            "assessment",
            "correct",
            "0301-10/2/0/0",
            "--year",
            "2024",
            "--value-nok",
            "8610000",
            "--reason",
            "Tilbake",
            "--on",
            "2025-02-15",
        ]
    )
    assert args.on == "2025-02-15"
