"""Issue 10, cases 1, 3 and 4 in the domain: a dwelling unit's housing value counts once, a property that
cannot be valued is a ValuationNeed (never a value of 0 kr), and the simulation counts who pays."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.assessment.domain.property import Floor, Location
from services.assessment.domain.property import PropertyCategory as C
from services.assessment.domain.simulation import summarise
from services.assessment.domain.tax import AdoptedValue, TaxableProperty, TaxStatus, determine_tax
from services.assessment.domain.valuation import (
    WHOLE_PROPERTY,
    NeedReason,
    StandardRates,
    TraceItem,
    ValuationNeed,
    ValuationRoute,
    housing_value_valuation,
    standard_rate_valuation,
    unit_key,
    why_not_valued,
    zero_value_need,
)
from services.platform.money import Money
from tests.unit.test_tax_and_decision import LIMITS, oslo

pytestmark = pytest.mark.unit

RATES = StandardRates(
    rate_per_m2={C.HOUSING: Money.of(45_000), C.UNDEVELOPED: Money(0), C.COMMERCIAL: Money.of(20_000)},
    plot_rate_per_m2=Money.of(1500),
)
OSLO_POINT = Location(10.75, 59.92)
NO_BRA = ValuationNeed("p", NeedReason.NO_DWELLING_AREA, "no BRA")


# Case 1 ------------------------------------------------------------------------------------------------


def test_the_register_value_and_the_units_value_of_one_dwelling_count_once() -> None:
    # 0301-10/1/0/0: housing_value 6,500,000 in the register and H0101 6,500,000 from the tax authority.
    result = housing_value_valuation(
        {WHOLE_PROPERTY: Money.of(6_500_000), "H0101": Money.of(6_500_000)}, 2024
    )
    assert result.value == Money.of(6_500_000)  # not 13,000,000
    base = determine_tax(TaxableProperty("p", C.HOUSING, 1), AdoptedValue(result.value, 1), oslo(), LIMITS)
    assert base.tax == Money(0)  # 4,550,000 under the 4,700,000 deduction (13 M gave 12,320 kr)


@pytest.mark.parametrize(
    ("values", "expected_nok"),
    [
        ({WHOLE_PROPERTY: 9_000_000}, 9_000_000),  # the register only
        ({"H0101": 4_000_000, "H0102": 5_000_000}, 9_000_000),  # units only: summed
        ({WHOLE_PROPERTY: 9_000_000, "H0101": 4_000_000, "H0102": 5_500_000}, 9_500_000),  # units win
        ({WHOLE_PROPERTY: 3_000_000, "H0201": 3_000_000}, 3_000_000),  # a unit that is not H0101
    ],
)
def test_unit_values_replace_a_value_for_the_whole_property(
    values: dict[str, int], expected_nok: int
) -> None:
    result = housing_value_valuation({unit: Money.of(v) for unit, v in values.items()}, 2024)
    assert result.value == Money.of(expected_nok)
    assert result.trace[-1].factor == "value"


def test_a_unit_key_is_trimmed_and_upper_case_and_empty_is_the_whole_property() -> None:
    assert unit_key(" h0101 ") == "H0101"
    assert unit_key("") == WHOLE_PROPERTY


# Case 3 ------------------------------------------------------------------------------------------------


def _need(category: C = C.HOUSING, bra: str = "120", plot: str = "300", **kw: object) -> object:
    args: dict[str, object] = {
        "property_id": "p",
        "category": category,
        "floors": (Floor(1, Decimal(bra)),) if Decimal(bra) else (),
        "plot_m2": Decimal(plot),
        "location": OSLO_POINT,
        "in_zone": True,
        "zones_exist": True,
        "rates": RATES,
    }
    args.update(kw)
    return why_not_valued(**args)  # type: ignore[arg-type]


def test_a_property_that_can_be_valued_has_no_need() -> None:
    assert _need() == ()
    assert _need(category=C.UNDEVELOPED, bra="0", plot="600") == ()
    assert _need(location=None, in_zone=False, zones_exist=False) == ()  # no zones: factor 1


@pytest.mark.parametrize(
    ("kw", "reason"),
    [
        ({"bra": "0"}, NeedReason.NO_DWELLING_AREA),  # a housing row without BRA
        ({"bra": "12"}, NeedReason.NO_DWELLING_AREA),  # only a building under 15 m²
        ({"category": C.HOLIDAY_HOME, "bra": "0"}, NeedReason.NO_DWELLING_AREA),
        ({"category": C.UNDEVELOPED, "bra": "0", "plot": "0"}, NeedReason.NO_AREA),
        ({"category": C.COMMERCIAL, "bra": "0", "plot": "0"}, NeedReason.NO_AREA),
        ({"location": Location(59.92, 10.75), "in_zone": False}, NeedReason.OUTSIDE_ZONES),  # swapped
        ({"location": None, "in_zone": False}, NeedReason.NO_LOCATION),
    ],
)
def test_a_property_that_cannot_be_valued_is_a_need_with_its_reason(
    kw: dict[str, object], reason: NeedReason
) -> None:
    needs = _need(**kw)  # type: ignore[arg-type]
    assert [n.reason for n in needs] == [reason] and needs[0].detail  # type: ignore[attr-defined, index]


def test_a_formula_or_housing_value_of_zero_is_a_need() -> None:
    zero = standard_rate_valuation(
        category=C.UNDEVELOPED,
        floors=(),
        plot_m2=Decimal(0),
        rates=RATES,
        zone_factor=Decimal(1),
        zone_source="zone",
    )
    assert zero.value == Money(0)
    need = zero_value_need("p", zero)
    assert need is not None and need.reason == NeedReason.ZERO_VALUE
    housing = housing_value_valuation({"H0101": Money(0)}, 2024)
    assert housing.route == ValuationRoute.HOUSING_VALUE
    assert zero_value_need("p", housing) is not None
    assert zero_value_need("p", housing_value_valuation({"H0101": Money.of(1)}, 2024)) is None


def test_an_adopted_value_of_zero_is_not_valued_never_taxed_at_zero() -> None:
    prop = TaxableProperty("p", C.HOUSING, 1)
    base = determine_tax(prop, AdoptedValue(Money(0), 3), oslo(), LIMITS)
    assert (base.status, base.tax, base.value) == (TaxStatus.NOT_VALUED, Money(0), Money(0))
    assert base.trace[0].factor == "not valued" and "0 kr" in base.trace[0].value
    why = determine_tax(prop, None, oslo(), LIMITS, [NO_BRA])
    assert why.status == TaxStatus.NOT_VALUED and why.trace[0].value == "no_dwelling_area: no BRA"


def test_an_open_valuation_need_is_not_valued_whatever_older_valuation_is_adopted() -> None:
    # Issue 10 case 3 (user trial): three registered units; the tax authority gives H0101 0 kr (a need),
    # while the standard-rate valuation of 13,162,500 adopted before stays the newest adopted one. The
    # register says the current value cannot be determined: not valued, with the need's reason, the older
    # valuation named as not used, no tax and no value, so it is off the tax list and counted not valued.
    prop = TaxableProperty("0301-10/3/0/0", C.HOUSING, 3)
    zero = ValuationNeed(
        prop.property_id,
        NeedReason.ZERO_VALUE,
        "the tax authority's housing value is 0 kr for dwelling unit(s) H0101",
    )
    older = AdoptedValue(Money.of(13_162_500), 1)
    base = determine_tax(prop, older, oslo(), LIMITS, [zero])
    assert (base.status, base.value, base.tax, base.valuation_version) == (
        TaxStatus.NOT_VALUED,
        Money(0),
        Money(0),
        0,
    )
    assert base.trace[0] == TraceItem("not valued", f"zero_value: {zero.detail}", "needs a valuation")
    assert base.trace[1].factor == "not used: value" and base.trace[1].value == "13162500.00"
    summary = summarise([base])
    assert summary.by_status == {TaxStatus.NOT_VALUED: 1} and summary.by_category["housing"].taxed == 0
    # Without the need the same valuation is taxed (at 0 kr: 13,162,500 × 0.7 is under 3 × 4.7 M).
    valued = determine_tax(prop, older, oslo(), LIMITS)
    assert (valued.status, valued.value, valued.tax) == (TaxStatus.TAXED, Money.of(13_162_500), Money(0))
    # An exempt or out-of-scope property stays so: a need matters only where a value would be taxed.
    exempt = TaxableProperty(prop.property_id, C.HOUSING, 3, exemption_code="5a")
    assert determine_tax(exempt, older, oslo(), LIMITS, [zero]).status == TaxStatus.EXEMPT


# Case 4 ------------------------------------------------------------------------------------------------


def test_the_summary_counts_the_properties_that_pay_more_than_zero() -> None:
    # Four housing properties, one of which pays 12,320 kr (13 M); three are under the deduction.
    decision = oslo()
    bases = [
        determine_tax(TaxableProperty(f"p{n}", C.HOUSING, 1), AdoptedValue(Money.of(v), 1), decision, LIMITS)
        for n, v in enumerate([13_000_000, 6_500_000, 6_000_000, 5_000_000])
    ]
    summary = summarise(bases)
    housing = summary.by_category["housing"]
    assert (housing.properties, housing.paying, housing.revenue) == (4, 1, Money.of(12_320))
    assert summary.paying == 1 and summary.total == Money.of(12_320)


def test_the_summary_counts_the_not_valued_and_keeps_them_out_of_the_bands() -> None:
    decision = oslo()
    bases = [
        determine_tax(
            TaxableProperty("a", C.HOUSING, 1), AdoptedValue(Money.of(9_000_000), 1), decision, LIMITS
        ),
        determine_tax(TaxableProperty("b", C.HOUSING, 1), None, decision, LIMITS, [NO_BRA]),
        determine_tax(TaxableProperty("c", C.HOUSING, 1), AdoptedValue(Money(0), 1), decision, LIMITS),
    ]
    summary = summarise(bases)
    assert summary.by_status[TaxStatus.NOT_VALUED] == 2
    assert summary.by_category["housing"].not_valued == 2
    assert summary.by_category["housing"].paying == 1
    assert sum(b.properties for b in summary.bands()) == 1
