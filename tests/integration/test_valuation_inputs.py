"""Valuations from real-looking inputs (issue 10, cases 1 and 3), through the application on SQLite:
one dwelling unit's housing value counts once whichever file brought it, the same values imported again
change nothing, and a property that cannot be valued is reported, never valued (or taxed, or listed) at
0 kr, and listed as needing a valuation."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from devstack.synthetic_register import OSLO_2024_DECISION, OSLO_ZONES
from services.assessment.adapters.config_files import load_legal_limits, load_standard_rates
from services.assessment.adapters.housing_value_files import read_housing_values
from services.assessment.adapters.property_files import read_properties_csv
from services.assessment.adapters.unit_of_work import SqlAssessmentUnitOfWork
from services.assessment.adapters.zone_files import read_zones
from services.assessment.application.adopt_valuations import adopt_valuations
from services.assessment.application.config import AssessmentConfig
from services.assessment.application.correct_tax_base import correct_tax_base
from services.assessment.application.import_housing_values import import_housing_values
from services.assessment.application.import_properties import import_properties
from services.assessment.application.import_zones import import_zones
from services.assessment.application.levy import levy_chunk, start_levy
from services.assessment.application.propose_manual_valuation import propose_manual_valuation
from services.assessment.application.set_decision import set_decision
from services.assessment.application.simulate import simulate
from services.assessment.domain.levy import LevyJob, LevyJobState
from services.assessment.domain.tax import TaxStatus
from services.assessment.domain.valuation import NeedReason, Valuation, ValuationRoute
from services.assessment.service import SPEC, export_tax_list
from services.platform.db import create_db_engine, session_factory
from services.platform.errors import InvalidInput
from services.platform.migrations import upgrade_to_head
from services.platform.money import Money

Make = Callable[[], SqlAssessmentUnitOfWork]
CONFIG = AssessmentConfig(load_legal_limits(), load_standard_rates())
HEADER = "property_id,category,units,housing_value,bra_m2,plot_m2,lon,lat\n"
EXAMPLE = "0301-10/1/0/0"


@pytest.fixture
def make(sqlite_url: str) -> Make:
    upgrade_to_head(SPEC.migrations_dir, sqlite_url)
    sessions = session_factory(create_db_engine(sqlite_url))
    return lambda: SqlAssessmentUnitOfWork(sessions)


def _properties(make: Make, body: str, year: int = 2024) -> object:
    return import_properties(make(), read_properties_csv((HEADER + body).encode()), year, CONFIG)


def _housing(make: Make, body: str, year: int = 2024) -> object:
    content = ("property_id,unit,value_nok\n" + body).encode()
    return import_housing_values(make(), read_housing_values(content, year), CONFIG)


def _valuations(make: Make, property_id: str) -> list[Valuation]:
    with make() as uow:
        return uow.valuations.for_property(property_id)  # newest first


def _levy(make: Make) -> LevyJob:
    decision = set_decision(make(), OSLO_2024_DECISION, CONFIG)
    job = start_levy(make(), 2024, CONFIG, date(2024, 2, 20), date(2024, 2, 20))
    while job.state == LevyJobState.RUNNING:
        job = levy_chunk(make(), job.job_id, decision, CONFIG, 50)
    return job


def _tax_list(make: Make) -> list[dict[str, str]]:
    document = export_tax_list(make(), 2024, exempt=False, pdf=False)
    return list(csv.DictReader(io.StringIO(document.decode("utf-8"))))


# Case 1: housing values per dwelling unit ---------------------------------------------------------------


def test_register_value_and_the_units_value_count_once_and_the_example_pays_nothing(make: Make) -> None:
    _properties(make, f"{EXAMPLE},housing,1,6500000,120,300,,\n")
    imported = _housing(make, f"{EXAMPLE},H0101,6500000\n")
    assert imported.properties_valued == 0  # type: ignore[attr-defined]  # the same value: nothing new
    newest = _valuations(make, EXAMPLE)[0]
    assert newest.value == Money.of(6_500_000)  # not 13,000,000
    adopt_valuations(make(), None, "sak 1/2024")
    simulated = simulate(make(), OSLO_2024_DECISION, CONFIG)
    base = next(b for b in simulated.bases if b.property_id == EXAMPLE)
    assert (base.status, base.tax) == (TaxStatus.TAXED, Money(0))  # 4.55 M is under the 4.7 M deduction


def test_the_units_values_replace_the_register_value_of_the_whole_property(make: Make) -> None:
    _properties(make, f"{EXAMPLE},housing,2,9000000,200,300,,\n")
    assert _valuations(make, EXAMPLE)[0].value == Money.of(9_000_000)
    imported = _housing(make, f"{EXAMPLE},H0101,4000000\n{EXAMPLE},h0102,5500000\n")
    assert imported.properties_valued == 1  # type: ignore[attr-defined]
    newest = _valuations(make, EXAMPLE)[0]
    assert newest.value == Money.of(9_500_000)  # H0101 + H0102, the register's 9 M not added
    counted = [
        t.factor for t in newest.trace if t.factor.startswith("housing value") and t.source[:3] == "tax"
    ]
    assert counted == ["housing value H0101", "housing value H0102"]
    # Lower or upper case, a unit is one unit: its new value replaces the old one.
    _housing(make, f"{EXAMPLE},H0102,6000000\n")
    assert _valuations(make, EXAMPLE)[0].value == Money.of(10_000_000)
    # The register imported again with its old whole-property value changes nothing.
    before = len(_valuations(make, EXAMPLE))
    _properties(make, f"{EXAMPLE},housing,2,9000000,200,300,,\n")
    assert len(_valuations(make, EXAMPLE)) == before


def test_the_same_values_imported_twice_change_nothing(make: Make) -> None:
    _properties(make, f"{EXAMPLE},housing,1,,120,300,,\n0301-10/2/0/0,housing,1,,90,200,,\n")
    body = f"{EXAMPLE},H0101,6500000\n0301-10/2/0/0,H0101,8000000\n"
    assert _housing(make, body).properties_valued == 2  # type: ignore[attr-defined]
    versions = [len(_valuations(make, p)) for p in (EXAMPLE, "0301-10/2/0/0")]
    assert _housing(make, body).properties_valued == 0  # type: ignore[attr-defined]
    assert [len(_valuations(make, p)) for p in (EXAMPLE, "0301-10/2/0/0")] == versions


def test_a_section_17_correction_is_not_overridden_by_the_same_file_again(make: Make) -> None:
    _properties(make, f"{EXAMPLE},housing,1,,120,300,,\n")
    body = f"{EXAMPLE},H0101,9000000\n"
    _housing(make, body)
    adopt_valuations(make(), None, "sak 1/2024")
    assert _levy(make).state == LevyJobState.COMPLETED
    correct_tax_base(make(), EXAMPLE, 2024, Money.of(8_000_000), "Feil areal", CONFIG, today=date(2024, 6, 1))
    assert _housing(make, body).properties_valued == 0  # type: ignore[attr-defined]
    assert adopt_valuations(make(), None, "sak 2/2024") == 0
    newest = _valuations(make, EXAMPLE)[0]
    assert (newest.route, newest.value, newest.adopted) == (ValuationRoute.MANUAL, Money.of(8_000_000), True)
    # A new value from the tax authority is new input: it is proposed, for the committee to decide.
    assert _housing(make, f"{EXAMPLE},H0101,9500000\n").properties_valued == 1  # type: ignore[attr-defined]


def test_a_unit_twice_in_one_file_in_other_case_is_refused(make: Make) -> None:
    _properties(make, f"{EXAMPLE},housing,1,,120,300,,\n")
    with pytest.raises(InvalidInput) as refused:
        _housing(make, f"{EXAMPLE},H0101,6500000\n{EXAMPLE},h0101,6600000\n")
    assert [v.field for v in refused.value.violations] == ["line 3"]
    assert "H0101" in refused.value.violations[0].description


# Case 3: properties that cannot be valued ---------------------------------------------------------------


def test_unvaluable_properties_are_reported_never_adopted_taxed_or_listed_at_zero(make: Make) -> None:
    import_zones(make(), read_zones(OSLO_ZONES.read_bytes()), CONFIG)
    result = _properties(
        make,
        "0301-20/1/0/0,housing,1,,,300,10.75,59.92\n"  # housing without BRA
        "0301-20/2/0/0,housing,1,,120,300,10.45,59.75\n"  # in Asker: outside every zone of Oslo
        "0301-20/3/0/0,undeveloped,0,,,0,10.75,59.92\n"  # a plot without area
        "0301-20/4/0/0,housing,1,,120,300,10.75,59.92\n"  # valued by standard rates
        "0301-20/5/0/0,housing,1,9000000,,,10.75,59.92\n",  # valued by its housing value
    )
    reported = {(line, n.property_id, n.reason) for line, n in result.not_valued}  # type: ignore[attr-defined]
    assert reported == {
        (2, "0301-20/1/0/0", NeedReason.NO_DWELLING_AREA),
        (3, "0301-20/2/0/0", NeedReason.OUTSIDE_ZONES),
        (4, "0301-20/3/0/0", NeedReason.NO_AREA),
    }
    assert result.valuations_proposed == 2  # type: ignore[attr-defined]
    swapped = next(n for _, n in result.not_valued if n.reason == NeedReason.OUTSIDE_ZONES)  # type: ignore[attr-defined]
    assert "swapped" in swapped.detail
    for property_id in ("0301-20/1/0/0", "0301-20/2/0/0", "0301-20/3/0/0"):
        assert _valuations(make, property_id) == []
    assert adopt_valuations(make(), None, "sak 1/2024") == 2
    with make() as uow:
        assert [n.property_id for n in uow.valuations.needs()] == [
            "0301-20/1/0/0",
            "0301-20/2/0/0",
            "0301-20/3/0/0",
        ]

    simulated = simulate(make(), OSLO_2024_DECISION, CONFIG)
    assert simulated.summary.by_status.get(TaxStatus.NOT_VALUED) == 3
    job = _levy(make)
    assert (job.state, job.not_valued, job.processed) == (LevyJobState.COMPLETED, 3, 5)
    with make() as uow:
        base = uow.tax_bases.current("0301-20/1/0/0", 2024)
    assert base is not None and base.base.status == TaxStatus.NOT_VALUED and base.base.tax == Money(0)
    assert "BRA" in base.reason
    listed = {r["cadastral_id"]: r for r in _tax_list(make)}
    assert set(listed) == {"0301-20/4/0/0", "0301-20/5/0/0"}
    assert all(Decimal(r["tax_value_nok"]) > 0 for r in listed.values())


def test_a_value_of_zero_from_the_tax_authority_is_a_need_and_a_manual_value_meets_it(make: Make) -> None:
    _properties(make, f"{EXAMPLE},housing,1,,120,300,,\n")
    standard = _valuations(make, EXAMPLE)
    imported = _housing(make, f"{EXAMPLE},H0101,0\n")
    assert [(line, n.reason) for line, n in imported.not_valued] == [(2, NeedReason.ZERO_VALUE)]  # type: ignore[attr-defined]
    assert _valuations(make, EXAMPLE) == standard  # no 0 kr proposal
    propose_manual_valuation(make(), EXAMPLE, Money.of(5_000_000), "Befaring 2024")
    with make() as uow:
        assert uow.valuations.needs() == []


def test_a_property_given_its_area_later_loses_its_need(make: Make) -> None:
    _properties(make, f"{EXAMPLE},housing,1,,,300,,\n")
    with make() as uow:
        assert [n.reason for n in uow.valuations.needs()] == [NeedReason.NO_DWELLING_AREA]
    _properties(make, f"{EXAMPLE},housing,1,,120,300,,\n")
    with make() as uow:
        assert uow.valuations.needs() == []
    assert _valuations(make, EXAMPLE)[0].value.ore > 0


def test_a_correction_to_zero_is_refused(make: Make) -> None:
    _properties(make, f"{EXAMPLE},housing,1,9000000,120,300,,\n")
    adopt_valuations(make(), None, "sak 1/2024")
    _levy(make)
    with pytest.raises(InvalidInput) as refused:
        correct_tax_base(make(), EXAMPLE, 2024, Money(0), "Revet", CONFIG, today=date(2024, 6, 1))
    assert [v.field for v in refused.value.violations] == ["value"]
