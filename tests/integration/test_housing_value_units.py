"""Importing the tax authority's values per dwelling unit through the application on SQLite: bad unit
numbers, values out of range and more units than the register has are refused with their lines and
nothing is stored; a unit at 0 kr makes the property a valuation need; every reason a property cannot be
valued is listed, and each goes only when its own cause is cured."""

from __future__ import annotations

import pytest

from devstack.synthetic_register import OSLO_2024_DECISION, OSLO_ZONES
from services.assessment.adapters.zone_files import read_zones
from services.assessment.application.import_zones import import_zones
from services.assessment.application.simulate import simulate
from services.assessment.domain.tax import TaxStatus
from services.assessment.domain.valuation import NeedReason
from services.platform.errors import InvalidInput
from services.platform.money import Money
from tests.integration.test_valuation_inputs import CONFIG, Make, _housing, _properties, _valuations, make

__all__ = ["make"]

SIX = "0301-10/6/0/0"


def _stored(make: Make) -> dict[str, dict[str, Money]]:
    with make() as uow:
        return uow.housing_values.by_unit([SIX, "0301-10/7/0/0"], 2024)


def _reasons(make: Make) -> dict[str, list[NeedReason]]:
    found: dict[str, list[NeedReason]] = {}
    with make() as uow:
        for need in uow.valuations.needs():
            found.setdefault(need.property_id, []).append(need.reason)
    return found


def _refused(make: Make, body: str) -> dict[str, str]:
    with pytest.raises(InvalidInput) as refused:
        _housing(make, body)
    return {v.field: v.description for v in refused.value.violations}


def test_a_bad_unit_number_is_refused_with_its_line_and_nothing_is_stored(make: Make) -> None:
    _properties(make, f"{SIX},housing,2,,120,300,,\n")
    found = _refused(make, f"{SIX},H0101,5000000\n{SIX},X9,1\n")
    assert list(found) == ["line 3"] and found["line 3"].startswith(
        "unit: 'X9' is not a dwelling unit number"
    )
    assert _stored(make) == {}


def test_more_units_than_the_register_has_are_refused_with_their_lines(make: Make) -> None:
    _properties(make, f"{SIX},housing,1,,120,300,,\n0301-10/7/0/0,housing,2,,120,300,,\n")
    found = _refused(
        make, f"{SIX},H0101,4000000\n{SIX},H0102,4000000\n0301-10/7/0/0,H0101,1\n0301-10/7/0/0,H0102,1\n"
    )
    assert list(found) == ["line 3"] and "1 dwelling unit(s) in the register" in found["line 3"]
    assert _stored(make) == {}
    # A unit stored earlier counts: a second file cannot add a unit beyond the register's count.
    _housing(make, f"{SIX},H0101,4000000\n")
    assert list(_refused(make, f"{SIX},H0201,4000000\n")) == ["line 2"]
    _housing(make, f"{SIX},h0101,4100000\n")  # the same unit again replaces its value
    assert _stored(make)[SIX] == {"H0101": Money.of(4_100_000)}


def test_a_property_without_units_in_the_register_gets_no_unit_values(make: Make) -> None:
    _properties(make, f"{SIX},commercial,0,,120,300,,\n")  # the register knows no dwellings
    found = _refused(make, f"{SIX},H0101,4000000\n")
    assert "no dwelling units in the register" in found["line 2"]


def test_a_unit_value_of_three_billion_and_a_too_large_whole_value_are_refused(make: Make) -> None:
    _properties(make, f"{SIX},housing,1,,120,300,,\n0301-10/7/0/0,housing,2,,120,300,,\n")
    found = _refused(make, f"{SIX},H0101,5000000\n{SIX},H0102,3e9\n")
    assert list(found) == ["line 3"] and found["line 3"].startswith("value_nok: '3e9' is out of range")
    found = _refused(make, f"{SIX},,5000000\n0301-10/7/0/0,,1000000001\n")  # two units: at most 1 bn
    assert list(found) == ["line 3"] and "more than 1000000000 kr" in found["line 3"]
    assert _stored(make) == {}


def test_a_unit_at_zero_next_to_others_is_a_valuation_need_not_the_sum(make: Make) -> None:
    _properties(make, f"{SIX},housing,2,,120,300,,\n")
    before = _valuations(make, SIX)
    imported = _housing(make, f"{SIX},H0101,5000000\n{SIX},H0102,0\n")
    reported = [(line, n.reason) for line, n in imported.not_valued]  # type: ignore[attr-defined]
    assert reported == [(2, NeedReason.ZERO_VALUE)]
    assert "H0102" in imported.not_valued[0][1].detail  # type: ignore[attr-defined]
    assert _valuations(make, SIX) == before  # no proposal of 5,000,000 (the sum with "H0102 0.00")
    assert _reasons(make) == {SIX: [NeedReason.ZERO_VALUE]}
    imported = _housing(make, f"{SIX},H0102,4500000\n")
    assert imported.properties_valued == 1  # type: ignore[attr-defined]
    assert _valuations(make, SIX)[0].value == Money.of(9_500_000) and _reasons(make) == {}


def test_every_reason_is_listed_and_each_goes_only_when_its_cause_is_cured(make: Make) -> None:
    import_zones(make(), read_zones(OSLO_ZONES.read_bytes()), CONFIG)
    _properties(make, "0301-12/3/0/0,housing,1,,120,300,,\n")  # no location where zones exist
    assert _reasons(make) == {"0301-12/3/0/0": [NeedReason.NO_LOCATION]}
    _housing(make, "0301-12/3/0/0,H0101,0\n")
    assert _reasons(make) == {"0301-12/3/0/0": [NeedReason.NO_LOCATION, NeedReason.ZERO_VALUE]}
    simulated = simulate(make(), OSLO_2024_DECISION, CONFIG)
    base = next(b for b in simulated.bases if b.property_id == "0301-12/3/0/0")
    assert base.status == TaxStatus.NOT_VALUED
    assert "no_location" in base.trace[0].value and "zero_value" in base.trace[0].value
    _properties(make, "0301-12/3/0/0,housing,1,,120,300,10.75,59.92\n")  # the location arrives
    assert _reasons(make) == {"0301-12/3/0/0": [NeedReason.ZERO_VALUE]}
    _housing(make, "0301-12/3/0/0,H0101,6000000\n")  # and the tax authority's value
    assert _reasons(make) == {}


def test_the_trace_names_a_replaced_whole_property_value_outside_the_sum(make: Make) -> None:
    _properties(make, f"{SIX},housing,2,5000000,120,300,,\n")
    _housing(make, f"{SIX},H0101,4000000\n{SIX},H0102,4200000\n")
    trace = _valuations(make, SIX)[0].trace
    assert trace[-1].factor == "value" and trace[-1].value == "8200000.00"
    terms = [t.factor for t in trace[:-1] if not t.factor.startswith("replaced")]
    assert terms == ["housing value H0101", "housing value H0102"]
    assert [t.value for t in trace if t.factor.startswith("replaced")] == ["5000000.00"]


def test_an_assessors_value_of_a_needing_property_is_not_reopened_by_the_same_causes(make: Make) -> None:
    # Issue 10, case 3: an open need makes a property not valued whatever older valuation it has; an
    # assessor who values it clears the need, and importing the same file (or its facts) again does not
    # reopen it over that value: the levy taxes the assessor's value and `unvalued` lists nothing.
    from services.assessment.application.adopt_valuations import adopt_valuations
    from services.assessment.application.propose_manual_valuation import propose_manual_valuation
    from tests.integration.test_valuation_inputs import _levy, _tax_list

    trial = f"{SIX},H0101,0\n{SIX},H0102,4000000\n{SIX},H0103,5000000\n"
    _properties(make, f"{SIX},housing,3,,250,600,,\n")
    adopt_valuations(make(), None, "sak 1/2024")
    _housing(make, trial)
    assert _reasons(make) == {SIX: [NeedReason.ZERO_VALUE]}
    simulated = simulate(make(), OSLO_2024_DECISION, CONFIG)
    assert [b.status for b in simulated.bases] == [TaxStatus.NOT_VALUED]  # the adopted value is not used
    propose_manual_valuation(make(), SIX, Money.of(20_000_000), "inspected: H0101 is a dwelling of 4 M")
    adopt_valuations(make(), None, "sak 2/2024")
    again = _housing(make, trial)
    assert again.not_valued == [] and again.properties_valued == 0  # type: ignore[attr-defined]
    _properties(make, f"{SIX},housing,3,,250,600,,\n")
    assert _reasons(make) == {} and _valuations(make, SIX)[0].value == Money.of(20_000_000)
    job = _levy(make)
    assert (job.taxed, job.not_valued) == (1, 0)
    [row] = _tax_list(make)
    assert row["tax_value_nok"] == "14000000.00"  # 20 000 000 less the statutory 30 %
