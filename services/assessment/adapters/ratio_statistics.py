"""The ratio-study figures from assesspy (the Cook County Assessor's Office's implementation of the IAAO
Standard on Ratio Studies): median ratio, COD, PRD, PRB, their intervals and its sales-chasing test.

assesspy draws its bootstrap resamples and its sales-chasing reference distribution from numpy's global
random state. So that the same sales give the same intervals, each study seeds that state first, under a
lock, since the server answers several requests at once."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Sequence

import assesspy
import numpy as np
import pandas as pd

from services.assessment.domain.ratio_study import Interval, RatioFigures, RatioSale, RatioStandards

_RANDOM_STATE = threading.Lock()


def _median_ratio(estimate: pd.Series, sale_price: pd.Series) -> float:
    return float((estimate / sale_price).median())


class AssesspyStatistics:
    """RatioStatistics with assesspy 2.0."""

    def figures(self, sales: Sequence[RatioSale], standards: RatioStandards) -> RatioFigures:
        estimate = pd.Series([float(s.assessed_value) for s in sales], dtype=float)
        price = pd.Series([float(s.sale_price) for s in sales], dtype=float)
        alpha = 1 - standards.confidence
        boot = {"nboot": standards.bootstrap, "alpha": alpha}
        with _RANDOM_STATE, warnings.catch_warnings():
            # assesspy warns on samples under 30; the study's notes and n say so to the reader instead.
            warnings.simplefilter("ignore", UserWarning)
            np.random.seed(standards.seed)
            median_ci = assesspy.boot_ci(_median_ratio, estimate, price, **boot)
            cod_ci = assesspy.cod_ci(estimate, price, **boot)
            prd_ci = assesspy.prd_ci(estimate, price, **boot)
            bunched = assesspy.is_sales_chased(estimate / price, method="both")
        prb_ci = assesspy.prb_ci(estimate, price, alpha=alpha)
        return RatioFigures(
            n=len(sales),
            median_ratio=_median_ratio(estimate, price),
            cod=float(assesspy.cod(estimate, price)),
            prd=float(assesspy.prd(estimate, price)),
            prb=float(assesspy.prb(estimate, price)),
            median_ratio_ci=_interval(median_ci),
            cod_ci=_interval(cod_ci),
            prd_ci=_interval(prd_ci),
            prb_ci=_interval(prb_ci),
            ratios_bunched=bool(bunched),
        )


def _interval(bounds: tuple[float, float]) -> Interval:
    return Interval(float(bounds[0]), float(bounds[1]))
