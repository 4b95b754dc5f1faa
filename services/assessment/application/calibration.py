"""Command: calibrate the standard-rate model from sales (issue 15 item 2). Stores nothing: the answer is
the fitted model, its configuration document and the evidence an assessor reads (exclusions, the price
index, the holdout's ratio study).

Steps: locate each sale's zone; drop the sales the exclusion rules take (each with its rule); hold out a
seeded share of the rest; fit the monthly price index on the training sales only and bring every price
(the holdout's too, with the training index) to the valuation date; fit the model on the training sales,
trying each optional factor family (condition; the building's standard and the outer class where every
sale has them) and keeping those that lower the BIC; round the model to its configuration; value the
holdout with the project's own standard-rate formula and ratio-study it (IAAO, assesspy)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from services.assessment.application.ports import Calibrator, RatioStatistics
from services.assessment.application.ratio_study import ratio_study
from services.assessment.domain.calibration import (
    CalibratedModel,
    CalibrationSale,
    CalibrationSettings,
    Exclusion,
    ExclusionRule,
    FactorFamily,
    FamilyChoice,
    FitSale,
    FitStatistics,
    FittedModel,
    TimeIndex,
    UsableSale,
    apply_exclusions,
    calibrated,
    configuration_document,
    configuration_header,
    fit_sale,
    helps,
    holdout_lines,
    last_sale_date,
    month_of,
    time_index,
)
from services.assessment.domain.ratio_study import GroupStudy, RatioSale, RatioStandards
from services.assessment.domain.valuation import StandardRates
from services.assessment.domain.zones import Zone, ZoneIndex
from services.platform.errors import InvalidInput

MIN_TRAINING_SALES = 20
MIN_HOLDOUT_SALES = 3
POOLED = "\x00pooled"  # the fit's one zone for the zones with too few sales
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Calibration:
    valuation_date: date
    sales_read: int
    sales_used: int
    training_sales: int
    excluded: tuple[Exclusion, ...]
    time_index: TimeIndex
    model: CalibratedModel
    choices: tuple[FamilyChoice, ...]
    zone_sales: dict[str, int]
    zone_names: dict[str, str]
    fit: FitStatistics
    holdout: GroupStudy
    holdout_sales: tuple[RatioSale, ...]  # the held-out sales valued by the model, grouped by zone id
    holdout_unvalued: int  # held-out sales in zones without training sales (no zone factor)
    seconds: float
    few_sales_zones: tuple[str, ...] = ()  # zones with under min_zone_sales training sales: pooled factor
    min_zone_sales: int = 5

    def configuration(self, in_force: StandardRates) -> dict[str, object]:
        """The complete configuration: the one in force with what the calibration fitted replaced."""
        return configuration_document(self.model, self.valuation_date, self.zone_names, in_force)

    def configuration_header(self, in_force: StandardRates, sales_name: str) -> list[str]:
        figures = self.holdout.figures
        holdout = (
            f"{figures.n} sales, median ratio {figures.median_ratio:.3f}, COD {figures.cod:.1f}, "
            f"PRD {figures.prd:.3f}, PRB {figures.prb:.4f}, "
            + (
                "IAAO goals met"
                if self.holdout.verdict and self.holdout.verdict.passed
                else "IAAO goals NOT met"
            )
            if figures is not None
            else "too few sales for figures"
        )
        sales = f"{self.training_sales} sales of {sales_name or 'the sales file'} to {self.valuation_date}"
        return configuration_header(self.model, in_force, sales, holdout, self.few_sales_zones)


def calibrate(
    sales: Sequence[CalibrationSale],
    zones: Sequence[Zone],
    valuation_date: date | None,
    settings: CalibrationSettings,
    calibrator: Calibrator,
    statistics: RatioStatistics,
    standards: RatioStandards,
) -> Calibration:
    started = time.perf_counter()
    day = valuation_date or last_sale_date(sales)
    located = ZoneIndex(zones).locate([s.lon for s in sales], [s.lat for s in sales])
    kept, excluded = apply_exclusions(
        sales, [z.zone_id if z is not None else None for z in located], day, settings.rules
    )
    held = holdout_lines([u.sale.line for u in kept], settings.holdout, settings.seed)
    training = [u for u in kept if u.sale.line not in held]
    holdout = [u for u in kept if u.sale.line in held]
    if len(training) < MIN_TRAINING_SALES or len(holdout) < MIN_HOLDOUT_SALES:
        outside = sum(1 for e in excluded if e.rule is ExclusionRule.OUTSIDE_ZONES)
        hint = (
            f" ({_spaced(outside)} outside the zones: is --zones the right area?)"
            if outside > len(sales) / 2
            else ""
        )
        raise InvalidInput.single(
            "sales",
            f"{_spaced(len(kept))} {'sale' if len(kept) == 1 else 'sales'} left after the exclusion rules "
            f"({_spaced(len(excluded))} excluded){hint}: too few to fit the model and study a holdout (at "
            f"least {MIN_TRAINING_SALES} to fit and {MIN_HOLDOUT_SALES} held out)",
        )
    zone_counts = Counter(u.zone_id for u in training)
    few = {z for z, n in zone_counts.items() if n < settings.min_zone_sales}
    raw = [_pooled(fit_sale(u, float(u.price)), few) for u in training]
    counts = Counter(month_of(u.sale.sale_date) for u in training)
    index = time_index(calibrator.month_effects(raw), counts, day)
    training_fit = [
        replace(f, price=f.price * index.factor(u.sale.sale_date)) for f, u in zip(raw, training, strict=True)
    ]
    available = [f for f in FactorFamily if all(f in s.levels for s in training_fit)]
    source = f"Calibrated from {len(training)} sales to {day.isoformat()}"
    choices, used = _choose_families(calibrator, training_fit, settings, available)
    model = _unpooled(calibrator.fit(training_fit, settings.form, used), few, zone_counts, settings)
    adopted = calibrated(model, settings.form, source)
    # A held-out sale in a zone without training sales has no zone factor: it cannot be valued.
    valued = [_ratio_sale(adopted, u, index) for u in holdout if u.zone_id in adopted.zone_factors]
    study = ratio_study(valued, "", standards, statistics).overall
    return Calibration(
        valuation_date=day,
        sales_read=len(sales),
        sales_used=len(kept),
        training_sales=len(training),
        excluded=tuple(excluded),
        time_index=index,
        model=adopted,
        choices=tuple(choices),
        zone_sales=dict(zone_counts),
        zone_names={z.zone_id: z.name for z in zones},
        fit=model.statistics,
        holdout=study,
        holdout_sales=tuple(valued),
        holdout_unvalued=len(holdout) - len(valued),
        seconds=time.perf_counter() - started,
        few_sales_zones=tuple(sorted(few)),
        min_zone_sales=settings.min_zone_sales,
    )


def _pooled(sale: FitSale, few: set[str]) -> FitSale:
    return replace(sale, zone_id=POOLED) if sale.zone_id in few else sale


def _unpooled(
    model: FittedModel, few: set[str], counts: Counter[str], settings: CalibrationSettings
) -> FittedModel:
    """Each zone with too few sales takes the pooled factor of all such zones, or 1 (the average zone)
    when they have fewer than min_zone_sales sales together."""
    factors = {z: f for z, f in model.zone_factors.items() if z != POOLED}
    if few:
        pooled = model.zone_factors.get(POOLED, 1.0)
        if sum(counts[z] for z in few) < settings.min_zone_sales:
            pooled = 1.0
        factors.update(dict.fromkeys(few, pooled))
    return replace(model, zone_factors=dict(sorted(factors.items())))


def _choose_families(
    calibrator: Calibrator,
    sales: Sequence[FitSale],
    settings: CalibrationSettings,
    available: Sequence[FactorFamily],
) -> tuple[list[FamilyChoice], list[FactorFamily]]:
    """Each available family is kept when the fit with all available families has a lower BIC than the
    fit without that one."""
    if not available:
        return [], []
    full = calibrator.fit(sales, settings.form, available).statistics.bic
    choices = []
    for family in available:
        without = calibrator.fit(sales, settings.form, [f for f in available if f != family]).statistics.bic
        choices.append(FamilyChoice(family, helps(full, without), full, without))
    return choices, [c.family for c in choices if c.used]


def _ratio_sale(model: CalibratedModel, usable: UsableSale, index: TimeIndex) -> RatioSale:
    """The held-out sale judged: its value by the calibrated model against its time-adjusted price."""
    price = usable.price * _decimal(index.factor(usable.sale.sale_date))
    return RatioSale(usable.sale.line, model.value(usable).nok, price.quantize(_CENT), usable.zone_id)


def _spaced(count: int) -> str:
    """21 613: thousands by a space, as the project writes counts."""
    return f"{count:,}".replace(",", " ")


def _decimal(value: float) -> Decimal:
    return Decimal(repr(value))
