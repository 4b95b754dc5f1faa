"""Valuations (takster): the tax authority's housing value, or the municipality's standard-rate formula.

Every valuation keeps a trace of each factor, its value and its source, because complaints argue about
exactly these; it counts only once the valuation committee has adopted it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from services.assessment.domain.property import Floor, Location, PropertyCategory
from services.platform.money import Money
from services.platform.numbers import Bounds, bounds

# The unit key of a housing value given for the property as a whole (a property file's housing_value
# without a housing_unit): it counts only while the tax authority has given no value per dwelling unit.
WHOLE_PROPERTY = "*"

# A dwelling unit's number (bruksenhetsnummer) as the Matrikkel writes it: the floor kind, H (hovedetasje),
# K (kjeller), L (loft) or U (underetasje), then the floor's two digits and the unit's two (H0101, U0201).
UNIT_NUMBER = re.compile(r"[HKLU][0-9]{4}")

# The tax authority's value of one dwelling unit: not negative, and at most 500 million kr (the most
# expensive Norwegian homes sell for a fraction of it). 0 kr is read, but it is no value: a property with
# a unit at 0 kr needs a valuation (NeedReason.ZERO_VALUE), as a single value of 0 kr always has.
HOUSING_VALUE_PER_UNIT: Bounds = bounds(0, 500_000_000, 2, "4500000")


# Where the standard-rate route's areas come from when no assessor measured them: the register, which
# follows the cadastre (BRA by NS 3940).
CADASTRE_FLOORS = "cadastre (NS 3940)"
CADASTRE_PLOT = "cadastre"


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
class SizeBand:
    """From `from_m2` on (to the next band's start), each m² counts `factor` of the rate."""

    from_m2: Decimal
    factor: Decimal


def graded_m2(area: Decimal, bands: Sequence[SizeBand]) -> Decimal:
    """The m² an area counts for when the rate is graded by size, as a tax is by brackets: each band's
    share of the area times its factor (area below the first band counts fully). Without bands: the area.

    A size-graded rate is how the standard-rate model carries what sales show, that the price per m² falls
    as homes (and plots) grow; floor factors stay for the floors' kinds (basement, attic)."""
    if not bands:
        return area
    ordered = sorted(bands, key=lambda b: b.from_m2)
    counted = min(area, ordered[0].from_m2)
    for band, following in zip(ordered, [*ordered[1:], None], strict=True):
        top = area if following is None else min(area, following.from_m2)
        if top > band.from_m2:
            counted += (top - band.from_m2) * band.factor
    return counted


@dataclass(frozen=True)
class StandardRates:
    """The valuation basis the committee set: NOK per m² BRA by category, per m² plot, floor factors, and
    (when set) the rates graded by the building's total BRA (`area_bands`) and by plot size
    (`plot_bands`)."""

    rate_per_m2: Mapping[PropertyCategory, Money]
    plot_rate_per_m2: Money
    floor_factors: Mapping[int, Decimal] = field(default_factory=dict)
    min_building_m2: Decimal = Decimal(15)
    source: str = "standard rates"
    area_bands: tuple[SizeBand, ...] = ()
    plot_bands: tuple[SizeBand, ...] = ()
    # The categories the bands grade (a calibration fits them on its categories' sales only); None: all.
    graded_categories: frozenset[PropertyCategory] | None = None
    # A category's own plot rate where one was fitted for it; the others use plot_rate_per_m2.
    plot_rate_by_category: Mapping[PropertyCategory, Money] = field(default_factory=dict)

    def floor_factor(self, level: int) -> Decimal:
        return self.floor_factors.get(level, Decimal(1))

    def graded(self, category: PropertyCategory | None) -> bool:
        """Whether the size bands apply to `category` (None: the bands as such)."""
        return self.graded_categories is None or category is None or category in self.graded_categories

    def size_factor(self, total_bra: Decimal, category: PropertyCategory | None = None) -> Decimal:
        """The share of the full rate the building's m² count for on average (1 without area bands, or
        for a category the bands do not grade)."""
        if not self.area_bands or total_bra <= 0 or not self.graded(category):
            return Decimal(1)
        return (graded_m2(total_bra, self.area_bands) / total_bra).quantize(Decimal("0.000001"))

    def plot_rate(self, category: PropertyCategory) -> Money:
        return self.plot_rate_by_category.get(category, self.plot_rate_per_m2)

    def plot_bands_for(self, category: PropertyCategory) -> tuple[SizeBand, ...]:
        return self.plot_bands if self.graded(category) else ()


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


def describe_needs(needs: Sequence[ValuationNeed]) -> str:
    """Why a property is not valued, every reason: "no_location: no location …; zero_value: …"."""
    return "; ".join(f"{n.reason.value}: {n.detail}" for n in needs)


def unit_key(unit: str) -> str:
    """A dwelling unit's key (bruksenhetsnummer, e.g. H0101): trimmed, upper case; empty means the
    property as a whole."""
    key = unit.strip().upper()
    return key or WHOLE_PROPERTY


def check_unit_number(unit: str) -> str:
    """`unit_key(unit)` when it is empty (the whole property) or a bruksenhetsnummer: one of the letters
    H, K, L, U and four digits, in either case; ValueError (echoing at most 40 characters) otherwise."""
    key = unit_key(unit)
    if key != WHOLE_PROPERTY and not UNIT_NUMBER.fullmatch(key):
        shown = unit.strip()
        shown = shown if len(shown) <= 40 else shown[:40] + "…"
        raise ValueError(
            f"{shown!r} is not a dwelling unit number (bruksenhetsnummer): a letter H, K, L or U and "
            "four digits, e.g. H0101; leave it empty for the property as a whole"
        )
    return key


def whole_property_ceiling(dwelling_units: int) -> Money:
    """The most a value of the property as a whole can be: the per-unit ceiling for each dwelling unit
    the register has (at least one)."""
    return Money.of(HOUSING_VALUE_PER_UNIT.maximum * max(dwelling_units, 1))


def units_beyond_register(
    property_id: str, dwelling_units: int, stored_units: Sequence[str], new_units: Sequence[tuple[int, str]]
) -> list[tuple[int, str]]:
    """The (line, message) of each new unit's row that would give the property more dwelling units with
    values for a year than the register says it has (`stored_units`: the units that already have one;
    `new_units`: (line, unit) of the file's rows for it, the whole property's key excluded).

    A register count of 0 means the register does not know the property's dwellings: it gets no value
    per unit until its units are registered, since the basic deduction is given per registered unit and
    would silently be lost."""
    counted = set(stored_units) - {WHOLE_PROPERTY}
    refused: list[tuple[int, str]] = []
    for line, unit in new_units:
        if unit in counted:
            continue
        if len(counted) >= dwelling_units:
            if dwelling_units <= 0:
                message = (
                    f"{property_id} has no dwelling units in the register: register its units "
                    "(the units column) before values per unit"
                )
            else:
                message = (
                    f"{property_id} has {dwelling_units} dwelling unit(s) in the register, and "
                    f"{unit} would be unit {len(counted) + 1} with a value (already: "
                    f"{', '.join(sorted(counted)[:5])}{', …' if len(counted) > 5 else ''})"
                )
            refused.append((line, message))
            continue
        counted.add(unit)
    return refused


def housing_values_in_force(values_by_unit: Mapping[str, Money]) -> dict[str, Money]:
    """The values that count: one per dwelling unit; a value for the whole property only while no unit
    has one of its own (the same dwelling's value from two files is one value, never two)."""
    units = {unit: value for unit, value in values_by_unit.items() if unit != WHOLE_PROPERTY}
    if units:
        return units
    return {WHOLE_PROPERTY: values_by_unit[WHOLE_PROPERTY]} if WHOLE_PROPERTY in values_by_unit else {}


def housing_value_valuation(values_by_unit: Mapping[str, Money], year: int) -> ValuationResult:
    """The tax authority's housing values, summed over the property's dwelling units or sections.

    A value for the whole property that the units' values replace is kept in the trace, first and named
    as replaced, never among the terms of the sum (and the value stays the trace's last item)."""
    counted = housing_values_in_force(values_by_unit)
    trace: list[TraceItem] = []
    if WHOLE_PROPERTY in values_by_unit and WHOLE_PROPERTY not in counted:
        trace.append(
            TraceItem(
                "replaced: housing value (property)",
                str(values_by_unit[WHOLE_PROPERTY].nok),
                f"tax authority, {year}; replaced by the dwelling units' values, not counted",
            )
        )
    trace += [
        TraceItem(
            "housing value (property)" if unit == WHOLE_PROPERTY else f"housing value {unit}",
            str(value.nok),
            f"tax authority, {year}",
        )
        for unit, value in sorted(counted.items())
    ]
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
    outer_factor_source: str | None = None,
    floor_source: str = CADASTRE_FLOORS,
    plot_source: str = CADASTRE_PLOT,
) -> ValuationResult:
    """takst = [Σ floors (BRA × m²-rate × floor factor) + plot m² × plot rate] × zone × IF × YF.

    `factor_source` is where the inner factor comes from, and the outer one's too unless
    `outer_factor_source` names its own (an inspection gives each factor its own reason). `floor_source`
    and `plot_source` are where the floors' BRA and the plot area come from: the register's cadastre
    unless an assessor measured them on site."""
    trace: list[TraceItem] = []
    rate = rates.rate_per_m2.get(category, Money(0))
    trace.append(TraceItem(f"m² rate ({category.value})", str(rate.nok), rates.source))
    total_bra = sum((f.bra_m2 for f in floors), Decimal(0))
    buildings = Decimal(0)
    area_origin = "cadastre" if floor_source == CADASTRE_FLOORS else floor_source
    if total_bra < rates.min_building_m2:
        if total_bra > 0:
            trace.append(
                TraceItem("BRA", str(total_bra), f"ignored: under {rates.min_building_m2} m² ({area_origin})")
            )
    else:
        size = rates.size_factor(total_bra, category)
        for floor in floors:
            factor = rates.floor_factor(floor.level)
            amount = floor.bra_m2 * rate.nok * factor * size
            buildings += amount
            trace.append(TraceItem(f"floor {floor.level} BRA m²", str(floor.bra_m2), floor_source))
            trace.append(TraceItem(f"floor {floor.level} factor", str(factor), rates.source))
        if rates.area_bands and rates.graded(category):
            trace.append(
                TraceItem("size factor", str(size), f"{rates.source}: rate graded by {total_bra} m² BRA")
            )
    plot_bands = rates.plot_bands_for(category)
    plot_counted = graded_m2(plot_m2, plot_bands) if plot_m2 > 0 else plot_m2
    plot_rate = rates.plot_rate(category)
    plot = plot_counted * plot_rate.nok
    trace.append(TraceItem("plot m²", str(plot_m2), plot_source))
    if plot_bands:
        trace.append(TraceItem("plot m² counted", str(plot_counted), f"{rates.source}: graded by plot size"))
    trace.append(TraceItem("plot rate", str(plot_rate.nok), rates.source))
    trace.append(TraceItem("zone factor", str(zone_factor), zone_source))
    trace.append(TraceItem("inner factor (IF)", str(inner_factor), factor_source))
    outer_source = factor_source if outer_factor_source is None else outer_factor_source
    trace.append(TraceItem("outer factor (YF)", str(outer_factor), outer_source))
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
) -> tuple[ValuationNeed, ...]:
    """Every reason the standard-rate formula cannot value this property from the register's facts
    (empty: it can), so that curing one of them leaves the others listed.

    A dwelling is valued by its floor area, so housing and holiday homes need BRA of a counted building;
    every property needs some area; and where the municipality has zones, the zone factor needs the
    property's point inside one of them."""
    needs: list[ValuationNeed] = []
    counted_bra = sum((f.bra_m2 for f in floors), Decimal(0))
    if counted_bra < rates.min_building_m2:
        counted_bra = Decimal(0)
    if category in (PropertyCategory.HOUSING, PropertyCategory.HOLIDAY_HOME) and counted_bra == 0:
        needs.append(
            ValuationNeed(
                property_id,
                NeedReason.NO_DWELLING_AREA,
                f"a {category.value} property without BRA (at least {rates.min_building_m2} m²) and "
                "without the tax authority's housing value: register the floor areas or inspect",
            )
        )
    elif counted_bra == 0 and plot_m2 <= 0:
        needs.append(
            ValuationNeed(
                property_id, NeedReason.NO_AREA, "neither BRA nor plot area: register the areas or inspect"
            )
        )
    if zones_exist and location is None:
        needs.append(
            ValuationNeed(
                property_id, NeedReason.NO_LOCATION, "no location (lon/lat), so no zone and no zone factor"
            )
        )
    if zones_exist and location is not None and not in_zone:
        needs.append(
            ValuationNeed(
                property_id,
                NeedReason.OUTSIDE_ZONES,
                f"the point lon {location.lon}, lat {location.lat} lies outside every zone "
                "(lon and lat swapped?), so there is no zone factor",
            )
        )
    return tuple(needs)


def housing_value_need(property_id: str, values_by_unit: Mapping[str, Money]) -> ValuationNeed | None:
    """The tax authority's values in force cannot value the property when any of them is 0 kr: a unit
    valued at 0 kr has no value, so the sum of the others is not the property's value either."""
    counted = housing_values_in_force(values_by_unit)
    zero = sorted(unit for unit, value in counted.items() if value.ore <= 0)
    if not zero:
        return None
    if zero == [WHOLE_PROPERTY]:
        detail = "the tax authority's housing value is 0 kr"
    else:
        named = ", ".join(zero[:5]) + (", …" if len(zero) > 5 else "")
        detail = f"the tax authority's housing value is 0 kr for dwelling unit(s) {named}"
    return ValuationNeed(property_id, NeedReason.ZERO_VALUE, detail)


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
