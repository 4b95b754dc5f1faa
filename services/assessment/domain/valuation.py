"""Valuations (takster): the tax authority's housing value, or the municipality's standard-rate formula.

Every valuation keeps a trace of each factor, its value and its source, because complaints argue about
exactly these; it counts only once the valuation committee has adopted it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from services.assessment.domain.property import Floor, Location, PropertyCategory
from services.platform.money import Money

# The unit key of a housing value given for the property as a whole (a property file's housing_value
# without a housing_unit): it counts only while the tax authority has given no value per dwelling unit.
WHOLE_PROPERTY = "*"


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


class NeedReason(StrEnum):
    """Why a property cannot be valued from what the register holds (what an inspection must find)."""

    NO_DWELLING_AREA = "no_dwelling_area"  # housing or holiday home without BRA of a counted building
    NO_AREA = "no_area"  # neither a counted building nor a plot area
    OUTSIDE_ZONES = "outside_zones"  # the point lies in no zone: no zone factor
    NO_LOCATION = "no_location"  # no point to find the zone by
    ZERO_VALUE = "zero_value"  # the route's inputs give 0 kr


@dataclass(frozen=True)
class ValuationNeed:
    """A property that needs a valuation (an inspection): the register cannot value it, and why.

    A property with a need is never valued at 0 kr: it gets no proposal, and the levy reports it as not
    valued with this reason until an assessor values it."""

    property_id: str
    reason: NeedReason
    detail: str


def unit_key(unit: str) -> str:
    """A dwelling unit's key (bruksenhetsnummer, e.g. H0101): trimmed, upper case; empty means the
    property as a whole."""
    key = unit.strip().upper()
    return key or WHOLE_PROPERTY


def housing_values_in_force(values_by_unit: Mapping[str, Money]) -> dict[str, Money]:
    """The values that count: one per dwelling unit; a value for the whole property only while no unit
    has one of its own (the same dwelling's value from two files is one value, never two)."""
    units = {unit: value for unit, value in values_by_unit.items() if unit != WHOLE_PROPERTY}
    if units:
        return units
    return {WHOLE_PROPERTY: values_by_unit[WHOLE_PROPERTY]} if WHOLE_PROPERTY in values_by_unit else {}


def housing_value_valuation(values_by_unit: Mapping[str, Money], year: int) -> ValuationResult:
    """The tax authority's housing values, summed over the property's dwelling units or sections."""
    counted = housing_values_in_force(values_by_unit)
    trace = [
        TraceItem(
            "housing value (property)" if unit == WHOLE_PROPERTY else f"housing value {unit}",
            str(value.nok),
            f"tax authority, {year}",
        )
        for unit, value in sorted(counted.items())
    ]
    if WHOLE_PROPERTY in values_by_unit and WHOLE_PROPERTY not in counted:
        ignored = values_by_unit[WHOLE_PROPERTY]
        trace.append(
            TraceItem("housing value (property)", str(ignored.nok), "not used: the units have their own")
        )
    total = sum(counted.values(), Money(0))
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


def why_not_valued(
    *,
    property_id: str,
    category: PropertyCategory,
    floors: tuple[Floor, ...],
    plot_m2: Decimal,
    location: Location | None,
    in_zone: bool,
    zones_exist: bool,
    rates: StandardRates,
) -> ValuationNeed | None:
    """Why the standard-rate formula cannot value this property from the register's facts (None: it can).

    A dwelling is valued by its floor area, so housing and holiday homes need BRA of a counted building;
    every property needs some area; and where the municipality has zones, the zone factor needs the
    property's point inside one of them."""
    counted_bra = sum((f.bra_m2 for f in floors), Decimal(0))
    if counted_bra < rates.min_building_m2:
        counted_bra = Decimal(0)
    if category in (PropertyCategory.HOUSING, PropertyCategory.HOLIDAY_HOME) and counted_bra == 0:
        return ValuationNeed(
            property_id,
            NeedReason.NO_DWELLING_AREA,
            f"a {category.value} property without BRA (at least {rates.min_building_m2} m²) and without "
            "the tax authority's housing value: register the floor areas or inspect",
        )
    if counted_bra == 0 and plot_m2 <= 0:
        return ValuationNeed(
            property_id, NeedReason.NO_AREA, "neither BRA nor plot area: register the areas or inspect"
        )
    if zones_exist and location is None:
        return ValuationNeed(
            property_id, NeedReason.NO_LOCATION, "no location (lon/lat), so no zone and no zone factor"
        )
    if zones_exist and location is not None and not in_zone:
        return ValuationNeed(
            property_id,
            NeedReason.OUTSIDE_ZONES,
            f"the point lon {location.lon}, lat {location.lat} lies outside every zone "
            "(lon and lat swapped?), so there is no zone factor",
        )
    return None


def zero_value_need(property_id: str, result: ValuationResult) -> ValuationNeed | None:
    """A valuation of 0 kr is no valuation: the property needs one."""
    if result.value.ore > 0:
        return None
    source = (
        "the tax authority's housing value is 0 kr"
        if result.route == ValuationRoute.HOUSING_VALUE
        else "the standard-rate formula gives 0 kr (no m² rate or plot rate for what is registered)"
    )
    return ValuationNeed(property_id, NeedReason.ZERO_VALUE, source)
