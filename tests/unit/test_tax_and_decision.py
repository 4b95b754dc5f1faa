"""Worked examples from DOMAIN.md and the legal limits of the tax-year decision."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.assessment.domain.decision import LegalLimits, Scope, TaxYearDecision, check_decision
from services.assessment.domain.decision_parsing import parse_decision
from services.assessment.domain.property import PropertyCategory as C
from services.assessment.domain.simulation import summarise
from services.assessment.domain.tax import AdoptedValue, TaxableProperty, TaxStatus, determine_tax
from services.platform.errors import InvalidInput
from services.platform.money import Money

pytestmark = pytest.mark.unit

LIMITS = LegalLimits()
OSLO_2024 = {
    "year": 2024,
    "rates_per_mille": {
        "housing": 2.8,
        "holiday_home": 2.8,
        "commercial": 3.7,
        "power": 3.7,
        "undeveloped": 3.7,
    },
    "basic_deduction_nok": 4_700_000,
    "reduction_factor": 0.30,
    "minimum_amount_nok": 50,
    "terms": 4,
}


def oslo() -> TaxYearDecision:
    return parse_decision(OSLO_2024, LIMITS)


def tax_of(value_nok: int, category: C = C.HOUSING, units: int = 1, **prop: object) -> object:
    return determine_tax(
        TaxableProperty("p", category, units, **prop),  # type: ignore[arg-type]
        AdoptedValue(Money.of(value_nok), 1),
        oslo(),
        LIMITS,
    )


def test_oslo_2024_worked_example_9_million_gives_4480() -> None:
    base = tax_of(9_000_000)
    assert base.status == TaxStatus.TAXED  # type: ignore[attr-defined]
    assert base.tax_base == Money.of(1_600_000)  # type: ignore[attr-defined]
    assert base.tax == Money.of(4480)  # type: ignore[attr-defined]
    factors = [t.factor for t in base.trace]  # type: ignore[attr-defined]
    assert factors == ["value", "reduction", "basic deduction", "tax base", "rate ‰", "tax"]


def test_below_the_deduction_pays_nothing_and_each_unit_gets_a_deduction() -> None:
    assert tax_of(6_000_000).tax == Money(0)  # type: ignore[attr-defined]
    # Two units: 2 × 4.7 M deducted from 0.7 × 15 M = 10.5 M → 1.1 M × 2.8 ‰ = 3,080
    assert tax_of(15_000_000, units=2).tax == Money.of(3080)  # type: ignore[attr-defined]


def test_commercial_property_has_no_deduction_and_no_statutory_reduction() -> None:
    base = tax_of(10_000_000, C.COMMERCIAL, units=0)
    # local reduction 30 % applies to all; no deduction: 7,000,000 × 3.7 ‰ = 25,900
    assert base.tax == Money.of(25_900)  # type: ignore[attr-defined]


def test_the_higher_reduction_factor_applies() -> None:
    decision = parse_decision({**OSLO_2024, "reduction_factor": 0.40}, LIMITS)
    base = determine_tax(
        TaxableProperty("p", C.HOUSING, 1), AdoptedValue(Money.of(10_000_000), 1), decision, LIMITS
    )
    assert base.reduction == Decimal("0.4")
    assert base.tax == Money.of(3640)  # (6.0 M − 4.7 M) × 2.8 ‰
    decision = parse_decision({**OSLO_2024, "reduction_factor": 0.10}, LIMITS)
    base = determine_tax(
        TaxableProperty("p", C.HOUSING, 1), AdoptedValue(Money.of(10_000_000), 1), decision, LIMITS
    )
    assert base.reduction == Decimal("0.30")


def test_rounding_is_to_the_ore_half_up_once() -> None:
    # 7,123,457 × 0.7 = 4,986,419.9 → base 286,419.90 × 2.8 ‰ = 801.97572 → 801.98
    assert tax_of(7_123_457).tax == Money.of("801.98")  # type: ignore[attr-defined]


def test_minimum_amount_exemptions_and_scope() -> None:
    below = tax_of(6_725_000)  # base 7,500 × 2.8 ‰ = 21 NOK < 50
    assert below.status == TaxStatus.BELOW_MINIMUM and below.tax == Money(0)  # type: ignore[attr-defined]
    assert tax_of(9_000_000, exemption_code="5h").status == TaxStatus.EXEMPT  # type: ignore[attr-defined]
    # an optional exemption the council did not grant this year: taxed
    assert tax_of(9_000_000, exemption_code="7b").status == TaxStatus.TAXED  # type: ignore[attr-defined]
    granted = parse_decision({**OSLO_2024, "optional_exemptions": ["§ 7 b"]}, LIMITS)
    base = determine_tax(
        TaxableProperty("p", C.HOUSING, 1, "7b"), AdoptedValue(Money.of(9_000_000), 1), granted, LIMITS
    )
    assert base.status == TaxStatus.EXEMPT
    assert tax_of(9_000_000, C.AGRICULTURE).status == TaxStatus.OUT_OF_SCOPE  # type: ignore[attr-defined]
    power_only = parse_decision({**OSLO_2024, "scope": "power_only"}, LIMITS)
    assert (
        determine_tax(
            TaxableProperty("p", C.HOUSING, 1), AdoptedValue(Money.of(9_000_000), 1), power_only, LIMITS
        ).status
        == TaxStatus.OUT_OF_SCOPE
    )
    assert (
        determine_tax(TaxableProperty("p", C.HOUSING, 1), None, oslo(), LIMITS).status == TaxStatus.NOT_VALUED
    )


def _violations(raw: dict[str, object], limits: LegalLimits = LIMITS) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        parse_decision(raw, limits)
    return {v.field: v.description for v in caught.value.violations}


def test_housing_above_4_per_mille_is_refused_naming_the_rule() -> None:
    found = _violations({**OSLO_2024, "rates_per_mille": {"housing": 4.5}})
    assert "housing and holiday homes" in found["rates_per_mille.housing"]
    assert "§ 13" in found["rates_per_mille.housing"]
    parse_decision({**OSLO_2024, "rates_per_mille": {"housing": 4}}, LIMITS)  # the limit itself is allowed


def test_general_band_is_1_to_7_per_mille() -> None:
    assert (
        "general band"
        in _violations({**OSLO_2024, "rates_per_mille": {"commercial": 7.5}})["rates_per_mille.commercial"]
    )
    assert (
        "general band"
        in _violations({**OSLO_2024, "rates_per_mille": {"commercial": 0.5}})["rates_per_mille.commercial"]
    )
    parse_decision({**OSLO_2024, "rates_per_mille": {"commercial": 7, "power": 1}}, LIMITS)


def test_first_year_at_most_2_per_mille() -> None:
    found = _violations({**OSLO_2024, "first_year": True, "rates_per_mille": {"housing": 2.5}})
    assert "first-year maximum" in found["rates_per_mille.housing"]
    parse_decision({**OSLO_2024, "first_year": True, "rates_per_mille": {"housing": 2}}, LIMITS)


def test_yearly_increase_is_capped_by_a_configured_value() -> None:
    raw = {**OSLO_2024, "rates_per_mille": {"commercial": 6}, "previous_rates_per_mille": {"commercial": 3.7}}
    assert "at most 2 ‰ a year" in _violations(raw)["rates_per_mille.commercial"]
    stricter = LegalLimits(yearly_increase_cap_per_mille=Decimal(1))
    raw = {**OSLO_2024, "rates_per_mille": {"commercial": 5}, "previous_rates_per_mille": {"commercial": 3.7}}
    assert "at most 1 ‰ a year" in _violations(raw, stricter)["rates_per_mille.commercial"]
    parse_decision(raw, LIMITS)  # +1.3 ‰ is within the default cap of 2 ‰


def test_bad_fields_are_all_named() -> None:
    found = _violations(
        {
            "year": "2024",
            "rates_per_mille": {"castle": 2},
            "terms": 1,
            "reduction_factor": 1.5,
            "surprise": True,
            "optional_exemptions": ["§ 5 a"],
        }
    )
    assert set(found) == {
        "year",
        "rates_per_mille.castle",
        "terms",
        "reduction_factor",
        "surprise",
        "optional_exemptions[0]",
    }


def test_limits_checks_terms_and_values_after_parsing() -> None:
    decision = TaxYearDecision(
        year=2024,
        rates_per_mille={C.HOUSING: Decimal(2)},
        terms=1,
        reduction_factor=Decimal("1.2"),
        scope=Scope.WHOLE_MUNICIPALITY,
    )
    with pytest.raises(InvalidInput) as caught:
        check_decision(decision, LIMITS)
    assert {v.field for v in caught.value.violations} == {"terms", "reduction_factor"}


def test_summary_counts_revenue_per_category_and_bands() -> None:
    bases = [tax_of(9_000_000), tax_of(9_000_000), tax_of(5_000_000), tax_of(10_000_000, C.COMMERCIAL, 0)]
    summary = summarise(bases)  # type: ignore[arg-type]
    assert summary.total == Money.of(4480 * 2 + 25_900)
    assert summary.by_category["housing"].revenue == Money.of(8960)
    assert summary.by_status[TaxStatus.TAXED] == 4
    bands = {(b.lower_nok, b.upper_nok): b.properties for b in summary.bands()}
    assert bands[(0, 1)] == 1 and bands[(2500, 5000)] == 2 and bands[(25000, 50000)] == 1
