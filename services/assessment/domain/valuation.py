"""Valuations (takster): the tax authority's housing value, or the municipality's standard-rate formula.

Every valuation keeps a trace of each factor, its value and its source, because complaints argue about
exactly these; it counts only once the valuation committee has adopted it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from services.assessment.domain.property import Floor, PropertyCategory
from services.platform.money import Money


class ValuationRoute(StrEnum):
    HOUSING_VALUE = "housing_value"  # the tax authority's boligverdi (§ 8 C-1)
    STANDARD_RATE = "standard_rate"  # sjablongtaksering after inspection
    MANUAL = "manual"  # set by an assessor, with a reason
    APPEAL = "appeal"  # set by a committee decision on a complaint


@dataclass(frozen=True)
class TraceItem:
    factor: str
    value: str
    source: str


@dataclass(frozen=True)
class ValuationResult:
    route: ValuationRoute
    value: Money
    trace: tuple[TraceItem, ...]
    reason: str = ""


@dataclass(frozen=True)
class Valuation:
    valuation_id: str
    property_id: str
    version: int
    route: ValuationRoute
    value: Money
    trace: tuple[TraceItem, ...]
    reason: str
    adopted: bool


@dataclass(frozen=True)
class StandardRates:
    """The valuation basis the committee set: NOK per m² BRA by category, per m² plot, floor factors."""

    rate_per_m2: Mapping[PropertyCategory, Money]
    plot_rate_per_m2: Money
    floor_factors: Mapping[int, Decimal] = field(default_factory=dict)
    min_building_m2: Decimal = Decimal(15)
    source: str = "standard rates"

    def floor_factor(self, level: int) -> Decimal:
        return self.floor_factors.get(level, Decimal(1))


def housing_value_valuation(values_by_unit: Mapping[str, Money], year: int) -> ValuationResult:
    """The tax authority's housing values, summed over the property's units or sections."""
    trace = [
        TraceItem(f"housing value {unit}", str(value.nok), f"tax authority, {year}")
        for unit, value in sorted(values_by_unit.items())
    ]
    total = sum(values_by_unit.values(), Money(0))
    trace.append(TraceItem("value", str(total.nok), "sum of housing values"))
    return ValuationResult(ValuationRoute.HOUSING_VALUE, total, tuple(trace))


def standard_rate_valuation(
    *,
    category: PropertyCategory,
    floors: tuple[Floor, ...],
    plot_m2: Decimal,
    rates: StandardRates,
    zone_factor: Decimal,
    zone_source: str,
    inner_factor: Decimal = Decimal(1),
    outer_factor: Decimal = Decimal(1),
    factor_source: str = "default (no inspection)",
) -> ValuationResult:
    """takst = [Σ floors (BRA × m²-rate × floor factor) + plot m² × plot rate] × zone × IF × YF."""
    trace: list[TraceItem] = []
    rate = rates.rate_per_m2.get(category, Money(0))
    trace.append(TraceItem(f"m² rate ({category.value})", str(rate.nok), rates.source))
    total_bra = sum((f.bra_m2 for f in floors), Decimal(0))
    buildings = Decimal(0)
    if total_bra < rates.min_building_m2:
        if total_bra > 0:
            trace.append(
                TraceItem("BRA", str(total_bra), f"ignored: under {rates.min_building_m2} m² (cadastre)")
            )
    else:
        for floor in floors:
            factor = rates.floor_factor(floor.level)
            amount = floor.bra_m2 * rate.nok * factor
            buildings += amount
            trace.append(TraceItem(f"floor {floor.level} BRA m²", str(floor.bra_m2), "cadastre (NS 3940)"))
            trace.append(TraceItem(f"floor {floor.level} factor", str(factor), rates.source))
    plot = plot_m2 * rates.plot_rate_per_m2.nok
    trace.append(TraceItem("plot m²", str(plot_m2), "cadastre"))
    trace.append(TraceItem("plot rate", str(rates.plot_rate_per_m2.nok), rates.source))
    trace.append(TraceItem("zone factor", str(zone_factor), zone_source))
    trace.append(TraceItem("inner factor (IF)", str(inner_factor), factor_source))
    trace.append(TraceItem("outer factor (YF)", str(outer_factor), factor_source))
    value = Money.rounded((buildings + plot) * zone_factor * inner_factor * outer_factor)
    trace.append(TraceItem("value", str(value.nok), "standard-rate formula"))
    return ValuationResult(ValuationRoute.STANDARD_RATE, value, tuple(trace))


def manual_valuation(value: Money, reason: str) -> ValuationResult:
    if not reason.strip():
        raise ValueError("a manual value needs a reason")
    return ValuationResult(
        ValuationRoute.MANUAL, value, (TraceItem("value", str(value.nok), f"manual: {reason}"),), reason
    )
