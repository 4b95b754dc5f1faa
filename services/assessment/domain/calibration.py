"""Calibration of the standard-rate model from sales (issue 15 item 2): which sales count (the stated
exclusion rules, each with its reason), the monthly price index that brings prices to the valuation date,
the model's form as it is fitted, and the fitted model as the model's own configuration.

The model is the standard-rate formula of `valuation.py`, nothing else:
    value = [BRA × m² rate(category) × size factor + graded plot m² × plot rate] × zone × IF × YF,
where the size factor grades the rate by the building's total BRA (`SizeBand`s: the price per m² falls as
homes grow), the plot rate is graded by plot size the same way, the zone factor is the zone polygon's, the
inner factor IF is the product of the inner factor families used (condition 1–5 and, where the sales give
it, the building's standard) and the outer factor YF the outer class's (view, waterfront). A family is
used only where it helps: the fit with it must have a lower BIC than the fit without it.

Prices are time-adjusted by a monthly index fitted from the sales themselves (a log-price regression
with month terms besides area and zone terms, `Calibrator.month_effects`), relative to the valuation date's
month; a valuation date after the last month with sales takes that month's level (no extrapolation).
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from services.assessment.domain.property import Floor, PropertyCategory
from services.assessment.domain.ratio_study import quantile
from services.assessment.domain.valuation import SizeBand, StandardRates, standard_rate_valuation
from services.platform.money import Money

FACTOR_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class CalibrationSale:
    """One row of the sales file. Price and areas may be missing (None): such a sale is excluded by a rule,
    not refused. `standard` (the building's standard, a grade) and `outer` (an outer-factor class such as
    view or waterfront) are optional columns."""

    line: int
    sale_id: str
    sale_date: date
    sale_price: Decimal | None
    bra_m2: Decimal | None
    plot_m2: Decimal | None
    lon: float
    lat: float
    build_year: int
    condition: int
    category: PropertyCategory = PropertyCategory.HOUSING
    standard: int | None = None
    outer: int | None = None


class ExclusionRule(StrEnum):
    NO_PRICE = "no_price"
    NO_AREA = "no_area"
    AFTER_VALUATION_DATE = "after_valuation_date"
    OUTSIDE_ZONES = "outside_zones"
    RESALE = "resale"
    PRICE_PER_M2_OUTLIER = "price_per_m2_outlier"


@dataclass(frozen=True)
class ExclusionRules:
    """The thresholds of the rules (configured in services/assessment/calibration.yaml)."""

    min_price: Decimal = Decimal(1)
    min_bra_m2: Decimal = Decimal(15)
    resale_days: int = 180
    iqr_k: float = 3.0
    iqr_min_sales: int = 10

    def describe(self, rule: ExclusionRule) -> str:
        """The rule in words, as an assessor reads it."""
        return {
            ExclusionRule.NO_PRICE: f"sale price missing or under {self.min_price}",
            ExclusionRule.NO_AREA: (
                f"BRA missing or under {self.min_bra_m2} m² (the model ignores such buildings), or plot "
                "area missing"
            ),
            ExclusionRule.AFTER_VALUATION_DATE: "sold after the valuation date",
            ExclusionRule.OUTSIDE_ZONES: "the point lies in no zone polygon (no zone factor)",
            ExclusionRule.RESALE: (
                f"the same property (sale_id) sold again within {self.resale_days} days of an earlier sale: "
                "the later sale (a resale so soon is seldom an ordinary free sale)"
            ),
            ExclusionRule.PRICE_PER_M2_OUTLIER: (
                f"price per m² BRA outside [Q1 − {self.iqr_k:g}·IQR, Q3 + {self.iqr_k:g}·IQR] of its zone's "
                f"sales (zones with at least {self.iqr_min_sales} sales; prices before time adjustment)"
            ),
        }[rule]


@dataclass(frozen=True)
class Exclusion:
    """An excluded sale, its rule and what was found (`detail`, English, as the JSON has it); a resale
    also has the earlier sale's line and the days between, a price outlier its price per m² and the
    zone's fences, so a report can say them in its own language."""

    sale: CalibrationSale
    rule: ExclusionRule
    detail: str
    earlier_line: int | None = None
    days: int | None = None
    per_m2: float | None = None
    fences: tuple[float, float] | None = None
    zone_id: str | None = None


@dataclass(frozen=True)
class UsableSale:
    """A sale the rules keep, with its zone."""

    sale: CalibrationSale
    zone_id: str

    @property
    def price(self) -> Decimal:
        assert self.sale.sale_price is not None
        return self.sale.sale_price

    @property
    def bra_m2(self) -> Decimal:
        assert self.sale.bra_m2 is not None
        return self.sale.bra_m2

    @property
    def plot_m2(self) -> Decimal:
        assert self.sale.plot_m2 is not None
        return self.sale.plot_m2


def apply_exclusions(
    sales: Sequence[CalibrationSale],
    zone_ids: Sequence[str | None],
    valuation_date: date,
    rules: ExclusionRules,
) -> tuple[list[UsableSale], list[Exclusion]]:
    """The sales kept (in file order) and the excluded ones, each under the first rule that takes it, in the
    order: no price, no area, after the valuation date, outside the zones, resale, price per m² outlier."""
    excluded: list[Exclusion] = []
    candidates: list[UsableSale] = []
    for sale, zone_id in zip(sales, zone_ids, strict=True):
        if sale.sale_price is None or sale.sale_price < rules.min_price:
            excluded.append(
                Exclusion(sale, ExclusionRule.NO_PRICE, f"sale_price {sale.sale_price or 'empty'}")
            )
        elif sale.bra_m2 is None or sale.bra_m2 < rules.min_bra_m2 or sale.plot_m2 is None:
            detail = f"bra_m2 {sale.bra_m2 if sale.bra_m2 is not None else 'empty'}"
            if sale.plot_m2 is None:
                detail += ", plot_m2 empty"
            excluded.append(Exclusion(sale, ExclusionRule.NO_AREA, detail))
        elif sale.sale_date > valuation_date:
            excluded.append(
                Exclusion(sale, ExclusionRule.AFTER_VALUATION_DATE, f"sold {sale.sale_date.isoformat()}")
            )
        elif zone_id is None:
            excluded.append(
                Exclusion(sale, ExclusionRule.OUTSIDE_ZONES, f"lon {sale.lon}, lat {sale.lat} in no zone")
            )
        else:
            candidates.append(UsableSale(sale, zone_id))
    candidates, resales = _without_resales(candidates, rules.resale_days)
    excluded += resales
    kept, outliers = _without_price_outliers(candidates, rules)
    excluded += outliers
    excluded.sort(key=lambda e: e.sale.line)
    return kept, excluded


def _without_resales(sales: list[UsableSale], days: int) -> tuple[list[UsableSale], list[Exclusion]]:
    by_property: dict[str, list[UsableSale]] = {}
    for usable in sales:
        if usable.sale.sale_id:
            by_property.setdefault(usable.sale.sale_id, []).append(usable)
    later: dict[int, Exclusion] = {}
    for same in by_property.values():
        ordered = sorted(same, key=lambda u: (u.sale.sale_date, u.sale.line))
        for earlier, current in itertools.pairwise(ordered):
            gap = (current.sale.sale_date - earlier.sale.sale_date).days
            if gap <= days:
                detail = f"sold {gap} days after line {earlier.sale.line}"
                later[current.sale.line] = Exclusion(
                    current.sale, ExclusionRule.RESALE, detail, earlier_line=earlier.sale.line, days=gap
                )
    return [u for u in sales if u.sale.line not in later], list(later.values())


def _without_price_outliers(
    sales: list[UsableSale], rules: ExclusionRules
) -> tuple[list[UsableSale], list[Exclusion]]:
    per_m2: dict[str, list[float]] = {}
    for usable in sales:
        per_m2.setdefault(usable.zone_id, []).append(float(usable.price / usable.bra_m2))
    fences: dict[str, tuple[float, float]] = {}
    for zone_id, values in per_m2.items():
        if len(values) < rules.iqr_min_sales:
            continue
        ordered = sorted(values)
        q1, q3 = quantile(ordered, 0.25), quantile(ordered, 0.75)
        reach = rules.iqr_k * (q3 - q1)
        fences[zone_id] = (q1 - reach, q3 + reach)
    kept: list[UsableSale] = []
    excluded: list[Exclusion] = []
    for usable in sales:
        fence = fences.get(usable.zone_id)
        value = float(usable.price / usable.bra_m2)
        if fence is not None and not fence[0] <= value <= fence[1]:
            low, high = max(fence[0], 0), fence[1]
            detail = f"{value:,.0f} per m² in zone {usable.zone_id} (kept: {low:,.0f}–{high:,.0f})"
            excluded.append(
                Exclusion(
                    usable.sale,
                    ExclusionRule.PRICE_PER_M2_OUTLIER,
                    detail,
                    per_m2=value,
                    fences=(low, high),
                    zone_id=usable.zone_id,
                )
            )
        else:
            kept.append(usable)
    return kept, excluded


def exclusion_counts(
    excluded: Sequence[Exclusion], rules: ExclusionRules
) -> list[tuple[ExclusionRule, int, str]]:
    """(rule, count, the rule in words) for every rule, in the order they are applied, zero counts too."""
    counts = {rule: 0 for rule in ExclusionRule}
    for exclusion in excluded:
        counts[exclusion.rule] += 1
    return [(rule, counts[rule], rules.describe(rule)) for rule in ExclusionRule]


def holdout_lines(lines: Sequence[int], share: float, seed: int) -> set[int]:
    """The lines held out of the fit: round(share × n) of them drawn with `seed` (the same file, share
    and seed give the same holdout)."""
    if not 0 < share < 1:
        raise ValueError("the holdout share is above 0 and below 1")
    count = round(len(lines) * share)
    return set(random.Random(seed).sample(sorted(lines), count))


# The monthly price index -------------------------------------------------------------------------------


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months_between(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


@dataclass(frozen=True)
class IndexMonth:
    month: str
    index: float  # price level relative to the valuation date's month (1.0)
    sales: int  # training sales in the month


@dataclass(frozen=True)
class TimeIndex:
    valuation_month: str
    months: tuple[IndexMonth, ...]
    note: str = ""

    def factor(self, sale_date: date) -> float:
        """What a price of `sale_date` is multiplied by to be a price at the valuation date."""
        month = month_of(sale_date)
        for entry in self.months:
            if entry.month == month:
                return 1.0 / entry.index
        raise ValueError(f"no index for {month}")


def time_index(effects: Mapping[str, float], counts: Mapping[str, int], valuation_date: date) -> TimeIndex:
    """The index from the regression's month effects (log price, any base): each month from the first to
    the last with sales, a month without sales at the level of the month before, relative to the valuation
    month's level (the last month's when the valuation date lies beyond it)."""
    if not effects:
        raise ValueError("no month effects")
    months = months_between(min(effects), max(effects))
    level: dict[str, float] = {}
    previous = effects[months[0]]
    for month in months:
        previous = effects.get(month, previous)
        level[month] = previous
    valuation_month = month_of(valuation_date)
    note = ""
    if valuation_month > months[-1]:
        note = f"the valuation date's month {valuation_month} has no sales: the level of {months[-1]} is used"
        base = level[months[-1]]
    elif valuation_month < months[0]:
        raise ValueError(f"the valuation date lies before the first sale ({months[0]})")
    else:
        base = level[valuation_month]
    return TimeIndex(
        valuation_month,
        tuple(IndexMonth(m, math.exp(level[m] - base), counts.get(m, 0)) for m in months),
        note,
    )


# The model's form and the fitted model -------------------------------------------------------------------


class FactorFamily(StrEnum):
    """Optional factor families, each by a level in the sales: two parts of the inner factor, one outer."""

    CONDITION = "condition"  # IF: the building's condition, 1–5
    STANDARD = "standard"  # IF: the building's standard (a grade)
    OUTER = "outer"  # YF: the outer class (view, waterfront)

    @property
    def inner(self) -> bool:
        return self is not FactorFamily.OUTER

    def level(self, sale: CalibrationSale) -> int | None:
        return {
            FactorFamily.CONDITION: sale.condition,
            FactorFamily.STANDARD: sale.standard,
            FactorFamily.OUTER: sale.outer,
        }[self]


@dataclass(frozen=True)
class ModelForm:
    """How the model is shaped for the fit: where the size bands of the BRA rate and the plot rate start
    (m²; the first band, from 0, has factor 1), configured in calibration.yaml."""

    area_bands_m2: tuple[Decimal, ...] = (Decimal(150), Decimal(250))
    plot_bands_m2: tuple[Decimal, ...] = (Decimal(1000),)
    min_building_m2: Decimal = Decimal(15)


@dataclass(frozen=True)
class FitSale:
    """What the fitting port sees of a training sale: areas, zone, category, factor levels and the price
    (as sold for the month effects, time-adjusted for the fit)."""

    bra_m2: float
    plot_m2: float
    zone_id: str
    category: PropertyCategory
    month: str
    levels: Mapping[FactorFamily, int]
    price: float


def fit_sale(usable: UsableSale, price: float) -> FitSale:
    sale = usable.sale
    levels = {f: level for f in FactorFamily if (level := f.level(sale)) is not None}
    return FitSale(
        float(usable.bra_m2),
        float(usable.plot_m2),
        usable.zone_id,
        sale.category,
        month_of(sale.sale_date),
        levels,
        price,
    )


@dataclass(frozen=True)
class FitStatistics:
    sales: int
    parameters: int
    r2_log: float  # on log prices
    rmse_log: float
    bic: float  # Gaussian BIC on the log residuals: n·ln(RSS/n) + k·ln(n)
    converged: bool
    method: str


@dataclass(frozen=True)
class FittedModel:
    """The model's parameters as the fit gives them (floats, zone factors normalised so that their
    sales-weighted geometric mean is 1, each family's most common level at 1)."""

    rates: Mapping[PropertyCategory, float]
    area_band_factors: tuple[float, ...]  # one per band of the form, the first 1
    plot_rate: float
    plot_band_factors: tuple[float, ...]
    zone_factors: Mapping[str, float]
    families: Mapping[FactorFamily, Mapping[int, float]]
    statistics: FitStatistics


@dataclass(frozen=True)
class FamilyChoice:
    family: FactorFamily
    used: bool
    bic_with: float
    bic_without: float


def helps(bic_with: float, bic_without: float) -> bool:
    """A factor family is used when the fit with it has the lower BIC (its better fit is worth its
    parameters)."""
    return bic_with < bic_without


@dataclass(frozen=True)
class CalibratedModel:
    """The fitted model as the configuration adopts it: rates in money (øre), factors to 4 decimals."""

    rates: StandardRates
    zone_factors: Mapping[str, Decimal]
    families: Mapping[FactorFamily, Mapping[int, Decimal]]

    def inner_factor(self, sale: CalibrationSale) -> Decimal:
        return _product(self._factor(f, sale) for f in self.families if f.inner)

    def outer_factor(self, sale: CalibrationSale) -> Decimal:
        return _product(self._factor(f, sale) for f in self.families if not f.inner)

    def _factor(self, family: FactorFamily, sale: CalibrationSale) -> Decimal:
        level = family.level(sale)
        factors = self.families[family]
        if level is None or level not in factors:
            return Decimal(1)
        return factors[level]

    def value(self, usable: UsableSale) -> Money:
        """The sale's property valued by the project's own standard-rate formula."""
        sale = usable.sale
        result = standard_rate_valuation(
            category=sale.category,
            floors=(Floor(1, usable.bra_m2),),
            plot_m2=usable.plot_m2,
            rates=self.rates,
            zone_factor=self.zone_factors[usable.zone_id],
            zone_source=f"zone {usable.zone_id} (calibrated)",
            inner_factor=self.inner_factor(sale),
            outer_factor=self.outer_factor(sale),
            factor_source="calibrated",
        )
        return result.value


def _product(factors: Any) -> Decimal:
    total = Decimal(1)
    for factor in factors:
        total *= factor
    return total.quantize(FACTOR_PLACES)


def _factor(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(FACTOR_PLACES)


def calibrated(model: FittedModel, form: ModelForm, source: str) -> CalibratedModel:
    """The configuration's model: rates rounded to the øre, band, zone and family factors to 4 decimals."""
    rates = StandardRates(
        rate_per_m2={c: Money.rounded(Decimal(repr(r))) for c, r in sorted(model.rates.items())},
        plot_rate_per_m2=Money.rounded(Decimal(repr(model.plot_rate))),
        min_building_m2=form.min_building_m2,
        source=source,
        area_bands=_bands(form.area_bands_m2, model.area_band_factors),
        plot_bands=_bands(form.plot_bands_m2, model.plot_band_factors),
        graded_categories=frozenset(model.rates),
    )
    return CalibratedModel(
        rates,
        {z: _factor(f) for z, f in sorted(model.zone_factors.items())},
        {
            fam: {lvl: _factor(f) for lvl, f in sorted(levels.items())}
            for fam, levels in model.families.items()
        },
    )


def _bands(starts: Sequence[Decimal], factors: Sequence[float]) -> tuple[SizeBand, ...]:
    if not starts:
        return ()
    return tuple(
        SizeBand(start, _factor(factor)) for start, factor in zip((Decimal(0), *starts), factors, strict=True)
    )


def configuration_document(
    model: CalibratedModel,
    valuation_date: date,
    zone_names: Mapping[str, str],
    in_force: StandardRates,
) -> dict[str, Any]:
    """The model as a complete standard_rates.yaml document (what `load_standard_rates` reads): the
    configuration in force with only what the calibration fitted replaced (the fitted categories' m²
    rates, the plot rate and the size bands); every other category's rate, the floor factors and the
    smallest counted building carried over. With the zone factors and the inner and outer factor tables
    the calibration adopted, for a year's valuations."""
    rates = model.rates

    def number(value: Decimal) -> int | float:
        return int(value) if value == value.to_integral_value() else float(value)

    merged = {**in_force.rate_per_m2, **rates.rate_per_m2}
    return {
        "source": rates.source,
        "valuation_date": valuation_date.isoformat(),
        "rate_per_m2_nok": {c.value: number(merged[c].nok) for c in PropertyCategory if c in merged},
        # The plot rate and the bands were fitted on these categories' sales only: the others keep theirs.
        "plot_rate_per_m2_nok": number(in_force.plot_rate_per_m2.nok),
        "plot_rate_by_category_nok": {c.value: number(rates.plot_rate_per_m2.nok) for c in rates.rate_per_m2},
        "graded_categories": [c.value for c in rates.rate_per_m2],
        "floor_factors": {level: number(f) for level, f in sorted(in_force.floor_factors.items())},
        "min_building_m2": number(in_force.min_building_m2),
        "area_bands": [{"from_m2": number(b.from_m2), "factor": number(b.factor)} for b in rates.area_bands],
        "plot_bands": [{"from_m2": number(b.from_m2), "factor": number(b.factor)} for b in rates.plot_bands],
        "zone_factors": {
            z: {"name": zone_names.get(z, z), "factor": number(f)} for z, f in model.zone_factors.items()
        },
        "inner_factors": {
            f.value: {lvl: number(x) for lvl, x in levels.items()}
            for f, levels in model.families.items()
            if f.inner
        },
        "outer_factors": {
            f.value: {lvl: number(x) for lvl, x in levels.items()}
            for f, levels in model.families.items()
            if not f.inner
        },
    }


def configuration_header(
    model: CalibratedModel,
    in_force: StandardRates,
    sales: str,
    holdout: str,
    few_sales_zones: Sequence[str] = (),
) -> list[str]:
    """The comment lines at the top of the written configuration: which values are fitted and from which
    sales with which holdout figures, and which are carried over from the configuration in force."""
    fitted = [c.value for c in model.rates.rate_per_m2]
    carried = [
        c.value for c in PropertyCategory if c in in_force.rate_per_m2 and c not in model.rates.rate_per_m2
    ]
    lines = [
        "Written by `propertytax assessment calibrate --config-out`.",
        f"Fitted from {sales}: the m² rate and plot rate of {', '.join(fitted)}, area_bands and plot_bands",
        f"(graded_categories: they grade {', '.join(fitted)} only),",
        "zone_factors" + (" and the inner/outer factor tables." if model.families else "."),
        f"Holdout: {holdout}.",
        f"Carried over unchanged from the configuration in force ({in_force.source}): "
        + (f"the m² rate of {', '.join(carried)}, " if carried else "")
        + "the plot rate of every other category, floor_factors and min_building_m2.",
    ]
    if few_sales_zones:
        lines.append(
            f"Zones with too few sales (not fitted freely; they share one pooled factor): "
            f"{', '.join(few_sales_zones)}."
        )
    return ["# " + line for line in lines]


@dataclass(frozen=True)
class CalibrationSettings:
    rules: ExclusionRules = field(default_factory=ExclusionRules)
    form: ModelForm = field(default_factory=ModelForm)
    holdout: float = 0.2
    seed: int = 20140502
    min_zone_sales: int = 5  # a zone with fewer training sales is not fitted freely (pooled)


def last_sale_date(sales: Sequence[CalibrationSale]) -> date:
    return max(s.sale_date for s in sales)
