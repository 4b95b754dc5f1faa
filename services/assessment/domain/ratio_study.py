"""Ratio studies as the IAAO judges an office's valuations: level (median ratio), uniformity (COD), vertical
equity (PRD, PRB), after trimming outlier ratios, per group and overall, and the signs of sales chasing.

The rules (IAAO Standard on Ratio Studies, 2013; DOMAIN.md § 7): the ratio r = assessed value / sale price;
median ratio within 0.90–1.10; COD (100 × mean |r − median| / median) at most 15 for residential
property in older or mixed areas and at most 10 for newer or homogeneous areas (Table 1-3), under 5 a sign
of sales chasing (or of an unusually homogeneous group); PRD (mean r / (ΣA / ΣS)) within 0.98–1.03; PRB
(the slope of (r − median) / median on log2 of the value proxy) within ±0.05, beyond ±0.10 unacceptable.
Outliers: ratios beyond k = 3 interquartile ranges from the quartiles (Appendix B.1). The figures
themselves (and their intervals) come from a `RatioStatistics` port (assesspy); this module holds the
ranges, the trimming rule and the judgement, so that the ranges can be configured and tested alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class PropertyClass(StrEnum):
    """Which COD limit applies (IAAO 2013, Table 1-3, single-family residential)."""

    RESIDENTIAL = "residential"  # older or heterogeneous areas: COD ≤ 15
    HOMOGENEOUS = "homogeneous"  # newer or fairly homogeneous areas: COD ≤ 10


COD_LIMITS = {PropertyClass.RESIDENTIAL: 15.0, PropertyClass.HOMOGENEOUS: 10.0}


@dataclass(frozen=True)
class RatioStandards:
    """The ranges a ratio study is judged by, inclusive at both ends, and how it is computed.

    `cod_max` follows `property_class` unless given; `low_cod` is the COD under which a group is flagged as
    possibly sales-chased; `iqr_k` the trimming multiple; `confidence` the intervals' level; `bootstrap`
    the resamples for the bootstrap intervals (median ratio, COD, PRD; PRB's is closed-form) and `seed`
    their random start, so that the same file gives the same intervals; `min_sales` the fewest sales
    (after trimming) a group needs for figures at all; `change_gap` how much more (as a share of the
    previous value) the sold properties' median value change may exceed the unsold ones' before it is
    flagged (IAAO 2013, Appendix E: sold and unsold parcels' value changes should not differ; the
    standard gives no figure, 5 points is this office's setting)."""

    property_class: PropertyClass = PropertyClass.RESIDENTIAL
    median_low: float = 0.90
    median_high: float = 1.10
    cod_max: float | None = None
    prd_low: float = 0.98
    prd_high: float = 1.03
    prb_limit: float = 0.05
    prb_unacceptable: float = 0.10
    low_cod: float = 5.0
    iqr_k: float = 3.0
    confidence: float = 0.95
    bootstrap: int = 1000
    seed: int = 20140502
    min_sales: int = 5
    change_gap: float = 0.05

    @property
    def cod_limit(self) -> float:
        return self.cod_max if self.cod_max is not None else COD_LIMITS[self.property_class]


DEFAULT_STANDARDS = RatioStandards()


@dataclass(frozen=True)
class RatioSale:
    """One sale from the file: its line (for errors and the trimmed list), the assessed value and the
    price in NOK (both > 0), and its group (empty when the study is not grouped)."""

    line: int
    assessed_value: Decimal
    sale_price: Decimal
    group: str = ""
    previous_value: Decimal | None = None  # the value before this revaluation, when the file gives it

    @property
    def ratio(self) -> float:
        return float(self.assessed_value / self.sale_price)


@dataclass(frozen=True)
class UnsoldProperty:
    """A property not sold in the study period: its value now and before the revaluation (NOK, > 0)."""

    line: int
    assessed_value: Decimal
    previous_value: Decimal
    group: str = ""


@dataclass(frozen=True)
class ValueChangeComparison:
    """Median value change (new / previous value) of the sold and the unsold properties of a group; when
    the sold ones moved more by over `RatioStandards.change_gap`, values were probably chased to prices."""

    sold: int
    unsold: int
    sold_median_change: float
    unsold_median_change: float
    flagged: bool


def compare_value_changes(
    sold: Sequence[RatioSale], unsold: Sequence[UnsoldProperty], standards: RatioStandards
) -> ValueChangeComparison | None:
    """None unless both sides have a previous value for at least `standards.min_sales` properties."""
    sold_changes = sorted(
        float(s.assessed_value / s.previous_value) for s in sold if s.previous_value is not None
    )
    unsold_changes = sorted(float(u.assessed_value / u.previous_value) for u in unsold)
    if min(len(sold_changes), len(unsold_changes)) < standards.min_sales:
        return None
    sold_median, unsold_median = quantile(sold_changes, 0.5), quantile(unsold_changes, 0.5)
    return ValueChangeComparison(
        len(sold_changes),
        len(unsold_changes),
        sold_median,
        unsold_median,
        flagged=sold_median - unsold_median > standards.change_gap,
    )


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


@dataclass(frozen=True)
class RatioFigures:
    """What the statistics port computes on the (trimmed) sales of a group."""

    n: int
    median_ratio: float
    cod: float
    prd: float
    prb: float
    median_ratio_ci: Interval
    cod_ci: Interval
    prd_ci: Interval
    prb_ci: Interval
    ratios_bunched: bool  # assesspy's is_sales_chased: a flat spot in the ratios' CDF and too many near 1


@dataclass(frozen=True)
class Verdict:
    """Each figure against its range (inclusive); `passed` when all four are within."""

    median_ratio: bool
    cod: bool
    prd: bool
    prb: bool

    @property
    def passed(self) -> bool:
        return self.median_ratio and self.cod and self.prd and self.prb


@dataclass(frozen=True)
class GroupStudy:
    """A group's study: sales read, the lines of the trimmed outliers, the figures on the rest (None when
    too few sales are left), the verdict and the notes an assessor should read."""

    group: str
    sales: int
    trimmed_lines: tuple[int, ...]
    figures: RatioFigures | None
    verdict: Verdict | None
    low_cod: bool = False
    notes: tuple[str, ...] = field(default=())
    value_change: ValueChangeComparison | None = None


@dataclass(frozen=True)
class RatioStudy:
    standards: RatioStandards
    group_by: str
    groups: tuple[GroupStudy, ...]
    overall: GroupStudy


def judge(figures: RatioFigures, standards: RatioStandards) -> Verdict:
    """The IAAO ranges, inclusive at both ends (assesspy's `*_met` helpers leave the lower end out)."""
    return Verdict(
        median_ratio=standards.median_low <= figures.median_ratio <= standards.median_high,
        cod=figures.cod <= standards.cod_limit,
        prd=standards.prd_low <= figures.prd <= standards.prd_high,
        prb=abs(figures.prb) <= standards.prb_limit,
    )


def quantile(sorted_values: Sequence[float], q: float) -> float:
    """The q-quantile by linear interpolation between order statistics (Hyndman & Fan type 7, the
    default of pandas, numpy and R, and so of assesspy's trimming)."""
    if not sorted_values:
        raise ValueError("no values")
    position = (len(sorted_values) - 1) * q
    below = math.floor(position)
    above = min(below + 1, len(sorted_values) - 1)
    weight = position - below
    return sorted_values[below] + (sorted_values[above] - sorted_values[below]) * weight


def iqr_outliers(ratios: Sequence[float], k: float) -> list[bool]:
    """For each ratio, whether it lies more than k interquartile ranges below the first or above the third
    quartile (IAAO 2013, Appendix B.1; k = 3 is the standard's)."""
    if len(ratios) < 2:
        return [False] * len(ratios)
    ordered = sorted(ratios)
    q1, q3 = quantile(ordered, 0.25), quantile(ordered, 0.75)
    reach = k * (q3 - q1)
    return [r < q1 - reach or r > q3 + reach for r in ratios]


def notes_for(figures: RatioFigures, verdict: Verdict, standards: RatioStandards) -> tuple[str, ...]:
    """The sentences that explain a group's result: each range missed, PRB beyond the unacceptable
    limit, a COD so low it suggests sales chasing, ratios bunched near the median."""
    notes: list[str] = []
    if not verdict.median_ratio:
        notes.append(
            f"median ratio {figures.median_ratio:.3f} outside {standards.median_low:.2f}–"
            f"{standards.median_high:.2f}"
        )
    if not verdict.cod:
        notes.append(
            f"COD {figures.cod:.1f} above {standards.cod_limit:g} ({standards.property_class.value})"
        )
    if not verdict.prd:
        direction = "regressive" if figures.prd > standards.prd_high else "progressive"
        notes.append(
            f"PRD {figures.prd:.4f} outside {standards.prd_low:.2f}–{standards.prd_high:.2f} ({direction})"
        )
    if abs(figures.prb) > standards.prb_unacceptable:
        notes.append(f"PRB {figures.prb:+.4f} beyond ±{standards.prb_unacceptable:.2f}: unacceptable")
    elif not verdict.prb:
        notes.append(f"PRB {figures.prb:+.4f} beyond ±{standards.prb_limit:.2f}")
    if figures.cod < standards.low_cod:
        notes.append(
            f"COD {figures.cod:.1f} under {standards.low_cod:g}: implausibly uniform, check for sales chasing"
        )
    if figures.ratios_bunched:
        notes.append("ratios bunch near the median more than a normal spread would: possible sales chasing")
    return tuple(notes)


def change_note(comparison: ValueChangeComparison) -> str:
    return (
        f"sold properties' values moved {comparison.sold_median_change - 1:+.1%}, unsold "
        f"{comparison.unsold_median_change - 1:+.1%} (median): possible sales chasing"
    )
