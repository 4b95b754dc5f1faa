"""The council's tax-year decision (skattevedtak) and the legal limits it must keep.

The limits are configured values (they change with the law), checked when a decision is made; a decision
outside them is refused with the rule it breaks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from services.assessment.domain.property import PropertyCategory
from services.platform.errors import Violations
from services.platform.money import Money, to_decimal

HOUSING_CATEGORIES = frozenset({PropertyCategory.HOUSING, PropertyCategory.HOLIDAY_HOME})


class Scope(StrEnum):
    """Where the tax applies (eigedomsskattelova § 3)."""

    WHOLE_MUNICIPALITY = "whole_municipality"
    BUILT_UP_AREAS = "built_up_areas"
    POWER_ONLY = "power_only"
    POWER_AND_COMMERCIAL = "power_and_commercial"
    WHOLE_EXCEPT_POWER_AND_COMMERCIAL = "whole_except_power_and_commercial"


@dataclass(frozen=True)
class LegalLimits:
    """The law's limits as configured values (defaults: the act as of 2024)."""

    general_min_per_mille: Decimal = Decimal(1)
    general_max_per_mille: Decimal = Decimal(7)
    housing_max_per_mille: Decimal = Decimal(4)
    first_year_max_per_mille: Decimal = Decimal(2)
    yearly_increase_cap_per_mille: Decimal = Decimal(2)
    statutory_reduction: Decimal = Decimal("0.30")
    min_terms: int = 2
    max_terms: int = 12

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> LegalLimits:
        known = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown legal limits: {', '.join(unknown)}")
        converted: dict[str, Any] = {
            k: (int(v) if k in ("min_terms", "max_terms") else to_decimal(str(v))) for k, v in values.items()
        }
        return cls(**converted)


@dataclass(frozen=True)
class TaxListDisplay:
    """When the tax list is on public display (eigedomsskattelova § 15: at least three weeks); the list
    says so in its header."""

    first_day: date
    last_day: date


@dataclass(frozen=True)
class TaxYearDecision:
    year: int
    rates_per_mille: Mapping[PropertyCategory, Decimal]
    basic_deduction: Money = Money(0)
    reduction_factor: Decimal = Decimal(0)
    first_year: bool = False
    previous_rates_per_mille: Mapping[PropertyCategory, Decimal] | None = None
    minimum_amount: Money = Money(0)
    terms: int = 4
    scope: Scope = Scope.WHOLE_MUNICIPALITY
    optional_exemptions: frozenset[str] = field(default_factory=frozenset)
    tax_list_display: TaxListDisplay | None = None

    def rate_for(self, category: PropertyCategory) -> Decimal:
        return self.rates_per_mille.get(category, Decimal(0))

    def in_scope(self, category: PropertyCategory, built_up: bool = True) -> bool:
        power = category == PropertyCategory.POWER
        commercial = category == PropertyCategory.COMMERCIAL
        match self.scope:
            case Scope.WHOLE_MUNICIPALITY:
                return True
            case Scope.BUILT_UP_AREAS:
                return built_up or power
            case Scope.POWER_ONLY:
                return power
            case Scope.POWER_AND_COMMERCIAL:
                return power or commercial
            case Scope.WHOLE_EXCEPT_POWER_AND_COMMERCIAL:
                return not (power or commercial)
        return False


def check_decision(decision: TaxYearDecision, limits: LegalLimits) -> None:
    """Raises InvalidInput naming each rule the decision breaks."""
    problems = Violations()
    if not 1900 <= decision.year <= 2200:
        problems.add("year", "must be a calendar year")
    for category, rate in sorted(decision.rates_per_mille.items()):
        path = f"rates_per_mille.{category.value}"
        if rate == 0:
            continue  # not taxed
        if rate < limits.general_min_per_mille or rate > limits.general_max_per_mille:
            problems.add(
                path,
                f"{rate} ‰ is outside the general band {limits.general_min_per_mille}–"
                f"{limits.general_max_per_mille} ‰ (eigedomsskattelova § 11)",
            )
        if category in HOUSING_CATEGORIES and rate > limits.housing_max_per_mille:
            problems.add(
                path,
                f"{rate} ‰ exceeds the maximum of {limits.housing_max_per_mille} ‰ for housing and "
                "holiday homes (eigedomsskattelova § 13)",
            )
        if decision.first_year and rate > limits.first_year_max_per_mille:
            problems.add(
                path,
                f"{rate} ‰ exceeds the first-year maximum of {limits.first_year_max_per_mille} ‰ "
                "(eigedomsskattelova § 13)",
            )
        if decision.previous_rates_per_mille is not None and not decision.first_year:
            previous = decision.previous_rates_per_mille.get(category, Decimal(0))
            if previous > 0 and rate - previous > limits.yearly_increase_cap_per_mille:
                problems.add(
                    path,
                    f"raises the rate by {rate - previous} ‰ from {previous} ‰; at most "
                    f"{limits.yearly_increase_cap_per_mille} ‰ a year (eigedomsskattelova § 11)",
                )
    if decision.basic_deduction.ore < 0:
        problems.add("basic_deduction_nok", "must not be negative")
    if not Decimal(0) <= decision.reduction_factor < Decimal(1):
        problems.add(
            "reduction_factor", "must be at least 0 and below 1 (0.30 means values are reduced by 30 %)"
        )
    if decision.minimum_amount.ore < 0:
        problems.add("minimum_amount_nok", "must not be negative")
    if not limits.min_terms <= decision.terms <= limits.max_terms:
        problems.add(
            "terms",
            f"must be between {limits.min_terms} and {limits.max_terms} (eigedomsskattelova § 25: "
            "at least two terms)",
        )
    problems.raise_if_any()
