"""The calibration's statistics: the month effects of the price index (statsmodels OLS) and the
non-linear least-squares fit of the standard-rate model in its own form (scipy's least_squares).

The fit minimises, over the training sales, a robust loss (soft L1, scale 0.3 in log price: a few
mis-recorded sales do not pull the rates) of the log residuals
    ln price − ln( Σ_bands BRA_b · r_category · f_b + Σ_plot bands plot_b · p · g_b ) − ln zone − Σ ln family,
all parameters in logs (so every rate and factor stays positive), with the analytic Jacobian. The zone
with the most sales is held at 1 during the fit (the rates carry the level), then the zone factors are
rescaled to a sales-weighted geometric mean of 1 and the rates take the scale; each family's most common
level is 1."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy.optimize import least_squares

from services.assessment.domain.calibration import (
    FactorFamily,
    FitSale,
    FitStatistics,
    FittedModel,
    ModelForm,
)
from services.assessment.domain.property import PropertyCategory

LOSS_SCALE = 0.3


class LeastSquaresCalibrator:
    """Calibrator with statsmodels (the index) and scipy (the model)."""

    def month_effects(self, sales: Sequence[FitSale]) -> dict[str, float]:
        frame = pd.DataFrame(
            {
                "log_price": np.log([s.price for s in sales]),
                "log_bra": np.log([s.bra_m2 for s in sales]),
                "log_plot": np.log1p([s.plot_m2 for s in sales]),
                "month": [s.month for s in sales],
                "zone": [s.zone_id for s in sales],
            }
        )
        months = sorted(frame["month"].unique())
        formula = "log_price ~ C(month) + log_bra + log_plot"
        if frame["zone"].nunique() > 1:
            formula += " + C(zone)"
        result = smf.ols(formula, frame).fit()
        return {m: float(result.params.get(f"C(month)[T.{m}]", 0.0)) for m in months}

    def fit(self, sales: Sequence[FitSale], form: ModelForm, families: Sequence[FactorFamily]) -> FittedModel:
        return _Fit(sales, form, families).run()


def _band_columns(values: np.ndarray, starts: Sequence[float]) -> np.ndarray:
    edges = [0.0, *starts, math.inf]
    return np.column_stack([np.clip(values - lo, 0.0, hi - lo) for lo, hi in itertools.pairwise(edges)])


class _Fit:
    def __init__(self, sales: Sequence[FitSale], form: ModelForm, families: Sequence[FactorFamily]) -> None:
        self.n = len(sales)
        self.y = np.log([s.price for s in sales])
        self.bra = _band_columns(np.array([s.bra_m2 for s in sales]), [float(b) for b in form.area_bands_m2])
        self.plot = _band_columns(
            np.array([s.plot_m2 for s in sales]), [float(b) for b in form.plot_bands_m2]
        )
        self.categories = sorted({s.category for s in sales})
        self.category = np.array([self.categories.index(s.category) for s in sales])
        zone_counts = Counter(s.zone_id for s in sales)
        self.zones = sorted(zone_counts)
        self.zone_sales = np.array([zone_counts[z] for z in self.zones], dtype=float)
        zone_index = {z: i for i, z in enumerate(self.zones)}
        self.zone = np.array([zone_index[s.zone_id] for s in sales])
        self.reference_zone = self.zones.index(max(self.zones, key=lambda z: (zone_counts[z], z)))
        self.families = list(families)
        self.levels: list[list[int]] = []
        self.family_index: list[np.ndarray] = []
        for family in self.families:
            counts = Counter(s.levels[family] for s in sales)
            reference = max(counts, key=lambda lvl: (counts[lvl], -lvl))
            others = sorted(lvl for lvl in counts if lvl != reference)
            self.levels.append([reference, *others])
            position = {lvl: i for i, lvl in enumerate([reference, *others])}
            self.family_index.append(np.array([position[s.levels[family]] for s in sales]))
        # Parameter layout (all logs): rates per category, band factors 2.., plot rate, plot band factors
        # 2.., zone factors (the reference zone left out), each family's levels but its reference.
        self.nc, self.nb, self.npb = len(self.categories), self.bra.shape[1], self.plot.shape[1]
        self.nz = len(self.zones)
        self.family_sizes = [len(levels) - 1 for levels in self.levels]
        self.size = self.nc + (self.nb - 1) + 1 + (self.npb - 1) + (self.nz - 1) + sum(self.family_sizes)
        self.zone_columns = [i for i in range(self.nz) if i != self.reference_zone]

    def _unpack(self, theta: np.ndarray) -> tuple[np.ndarray, ...]:
        at = 0
        rates = theta[at : at + self.nc]
        at += self.nc
        bands = np.r_[0.0, theta[at : at + self.nb - 1]]
        at += self.nb - 1
        plot_rate = theta[at]
        at += 1
        plot_bands = np.r_[0.0, theta[at : at + self.npb - 1]]
        at += self.npb - 1
        zones = np.zeros(self.nz)
        zones[self.zone_columns] = theta[at : at + self.nz - 1]
        at += self.nz - 1
        fams = []
        for size in self.family_sizes:
            fams.append(np.r_[0.0, theta[at : at + size]])
            at += size
        return rates, bands, np.array([plot_rate]), plot_bands, zones, *fams

    def _parts(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[np.ndarray, ...]]:
        rates, bands, plot_rate, plot_bands, zones, *fams = self._unpack(theta)
        building = self.bra * np.exp(bands)[None, :] * np.exp(rates)[self.category][:, None]  # n × nb
        plot = self.plot * np.exp(plot_bands)[None, :] * math.exp(float(plot_rate[0]))  # n × npb
        return building, plot, zones, tuple(fams)

    def residuals(self, theta: np.ndarray) -> np.ndarray:
        building, plot, zones, fams = self._parts(theta)
        value = np.log(building.sum(axis=1) + plot.sum(axis=1)) + zones[self.zone]
        for levels, index in zip(fams, self.family_index, strict=True):
            value = value + levels[index]
        return np.asarray(value - self.y)

    def jacobian(self, theta: np.ndarray) -> np.ndarray:
        building, plot, _, _ = self._parts(theta)
        total = building.sum(axis=1) + plot.sum(axis=1)
        columns = []
        for c in range(self.nc):
            columns.append(np.where(self.category == c, building.sum(axis=1), 0.0) / total)
        for b in range(1, self.nb):
            columns.append(building[:, b] / total)
        columns.append(plot.sum(axis=1) / total)
        for b in range(1, self.npb):
            columns.append(plot[:, b] / total)
        for z in self.zone_columns:
            columns.append((self.zone == z).astype(float))
        for index, size in zip(self.family_index, self.family_sizes, strict=True):
            for level in range(1, size + 1):
                columns.append((index == level).astype(float))
        return np.column_stack(columns)

    def run(self) -> FittedModel:
        start = np.zeros(self.size)
        per_m2 = np.exp(np.median(self.y - np.log(self.bra.sum(axis=1))))
        start[: self.nc] = math.log(per_m2)
        start[self.nc + self.nb - 1] = math.log(per_m2 / 20)
        result = least_squares(
            self.residuals, start, jac=self.jacobian, method="trf", loss="soft_l1", f_scale=LOSS_SCALE
        )
        theta = result.x
        rates, bands, plot_rate, plot_bands, zones, *fams = self._unpack(theta)
        # Zone factors to a sales-weighted geometric mean of 1; the rates take the scale.
        shift = float(np.average(zones, weights=self.zone_sales))
        residual = self.residuals(theta)
        rss = float(np.sum(residual**2))
        tss = float(np.sum((self.y - self.y.mean()) ** 2))
        statistics = FitStatistics(
            sales=self.n,
            parameters=self.size,
            r2_log=1 - rss / tss if tss > 0 else 0.0,
            rmse_log=math.sqrt(rss / self.n),
            bic=self.n * math.log(rss / self.n) + self.size * math.log(self.n),
            converged=bool(result.success),
            method="scipy.optimize.least_squares (trf, soft L1, analytic Jacobian)",
        )
        return FittedModel(
            rates={
                PropertyCategory(c): math.exp(float(r) + shift)
                for c, r in zip(self.categories, rates, strict=True)
            },
            area_band_factors=tuple(math.exp(float(b)) for b in bands),
            plot_rate=math.exp(float(plot_rate[0]) + shift),
            plot_band_factors=tuple(math.exp(float(b)) for b in plot_bands),
            zone_factors={z: math.exp(float(v) - shift) for z, v in zip(self.zones, zones, strict=True)},
            families={
                family: {lvl: math.exp(float(v)) for lvl, v in zip(levels, values, strict=True)}
                for family, levels, values in zip(self.families, self.levels, fams, strict=True)
            },
            statistics=statistics,
        )
