"""The tax authority's values per dwelling unit: the unit number is a bruksenhetsnummer (H, K, L or U and
four digits), a unit's value is within a plausible range, a property gets values for no more units than
the register has, a unit at 0 kr makes the property a valuation need, every reason a property cannot be
valued is listed, and a replaced whole-property value is never a term of the sum in the trace."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.assessment.adapters.housing_value_files import read_housing_values
from services.assessment.domain.property import Floor
from services.assessment.domain.property import PropertyCategory as C
from services.assessment.domain.valuation import (
    WHOLE_PROPERTY,
    NeedReason,
    StandardRates,
    check_unit_number,
    housing_value_need,
    housing_value_valuation,
    units_beyond_register,
    why_not_valued,
)
from services.platform.errors import InvalidInput
from services.platform.money import Money

pytestmark = pytest.mark.unit

RATES = StandardRates(rate_per_m2={C.HOUSING: Money.of(45_000)}, plot_rate_per_m2=Money.of(1500))


@pytest.mark.parametrize(
    ("written", "key"),
    [("H0101", "H0101"), (" k0201", "K0201"), ("l0301", "L0301"), ("U0102", "U0102"), ("", WHOLE_PROPERTY)],
)
def test_a_unit_number_is_a_letter_h_k_l_or_u_and_four_digits_in_either_case(written: str, key: str) -> None:
    assert check_unit_number(written) == key


@pytest.mark.parametrize("written", ["X9", "1", "H101", "H01011", "A0101", "H01O1", "HH0101", "H 0101"])
def test_anything_else_is_not_a_unit_number(written: str) -> None:
    with pytest.raises(ValueError, match="not a dwelling unit number"):
        check_unit_number(written)


def test_a_long_unit_is_echoed_at_most_40_characters() -> None:
    with pytest.raises(ValueError) as refused:
        check_unit_number("Z" * 500)
    assert "Z" * 41 not in str(refused.value)


def _read(body: str) -> list[object]:
    return list(read_housing_values(("property_id,unit,value_nok\n" + body).encode(), 2024))


def test_the_file_refuses_a_bad_unit_and_a_unit_value_out_of_range_naming_their_lines() -> None:
    with pytest.raises(InvalidInput) as refused:
        _read(
            "0301-10/6/0/0,H0101,5000000\n"
            "0301-10/6/0/0,X9,1\n"  # not a unit number
            "0301-10/7/0/0,H0101,3e9\n"  # 3 billion kr for one dwelling
            "0301-10/8/0/0,H0101,-1\n"
        )
    found = {v.field: v.description for v in refused.value.violations}
    assert set(found) == {"line 3", "line 4", "line 5"}
    assert found["line 3"].startswith("unit: 'X9' is not a dwelling unit number")
    assert found["line 4"].startswith("value_nok:") and "500000000" in found["line 4"]


def test_the_file_reads_the_ceiling_and_zero_and_stores_units_upper_case() -> None:
    rows = _read("0301-10/6/0/0,h0101,500000000\n0301-10/6/0/0,H0102,0\n0301-10/7/0/0,,3e9\n")
    assert [(r.unit, r.value) for r in rows] == [  # type: ignore[attr-defined]
        ("H0101", Money.of(500_000_000)),
        ("H0102", Money(0)),
        ("", Money.of(3_000_000_000)),  # a whole property's value is checked against its units at import
    ]


def test_a_property_gets_values_for_no_more_units_than_the_register_has() -> None:
    refused = units_beyond_register("p", 1, [], [(2, "H0101"), (3, "H0102")])
    assert [line for line, _ in refused] == [3]
    assert "1 dwelling unit(s) in the register" in refused[0][1] and "H0102" in refused[0][1]
    # A unit that already has a value is replaced, not added; the whole property's value is no unit.
    assert units_beyond_register("p", 1, ["H0101", WHOLE_PROPERTY], [(2, "H0101")]) == []
    assert [line for line, _ in units_beyond_register("p", 2, ["H0101", "H0102"], [(4, "H0201")])] == [4]
    assert units_beyond_register("p", 2, ["H0101"], [(2, "H0102")]) == []


def test_a_property_without_units_in_the_register_gets_no_values_per_unit() -> None:
    refused = units_beyond_register("p", 0, [], [(2, "H0101")])
    assert [line for line, _ in refused] == [2] and "no dwelling units in the register" in refused[0][1]


def test_a_unit_at_zero_next_to_others_makes_the_property_a_valuation_need() -> None:
    values = {"H0101": Money.of(5_000_000), "H0102": Money(0)}
    need = housing_value_need("0301-10/6/0/0", values)
    assert need is not None and need.reason == NeedReason.ZERO_VALUE and "H0102" in need.detail
    assert housing_value_need("p", {"H0101": Money.of(5_000_000)}) is None
    # A whole-property value of 0 that the units replace is no need.
    assert housing_value_need("p", {WHOLE_PROPERTY: Money(0), "H0101": Money.of(1)}) is None


def test_every_reason_the_formula_cannot_value_a_property_is_listed() -> None:
    needs = why_not_valued(
        property_id="p",
        category=C.HOUSING,
        floors=(),
        plot_m2=Decimal(300),
        location=None,
        in_zone=False,
        zones_exist=True,
        rates=RATES,
    )
    assert [n.reason for n in needs] == [NeedReason.NO_DWELLING_AREA, NeedReason.NO_LOCATION]
    located = why_not_valued(
        property_id="p",
        category=C.HOUSING,
        floors=(Floor(1, Decimal(120)),),
        plot_m2=Decimal(300),
        location=None,
        in_zone=False,
        zones_exist=True,
        rates=RATES,
    )
    assert [n.reason for n in located] == [NeedReason.NO_LOCATION]


def test_a_replaced_whole_property_value_is_not_a_term_of_the_sum() -> None:
    result = housing_value_valuation(
        {WHOLE_PROPERTY: Money.of(5_000_000), "H0101": Money.of(4_000_000), "H0102": Money.of(4_200_000)},
        2024,
    )
    assert result.value == Money.of(8_200_000)
    factors = [t.factor for t in result.trace]
    assert factors[-1] == "value" and result.trace[-1].value == "8200000.00"
    terms = factors[factors.index("housing value H0101") : -1]
    assert terms == ["housing value H0101", "housing value H0102"]
    assert "housing value (property)" not in factors  # only as replaced
    replaced = result.trace[0]
    assert replaced.factor.startswith("replaced") and replaced.value == "5000000.00"
    assert "replaced by the dwelling units' values" in replaced.source
