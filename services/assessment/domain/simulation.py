"""Revenue simulation for the council's budget work: totals, per category, bands, change."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from services.assessment.domain.tax import TaxBase, TaxStatus
from services.platform.money import Money

# Upper bounds (NOK, exclusive) of the bands "how many properties pay how much"; the last is open.
BAND_LIMITS_NOK = (1, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000)


@dataclass
class CategorySummary:
    properties: int = 0
    taxed: int = 0
    revenue: Money = Money(0)


@dataclass(frozen=True)
class Band:
    lower_nok: int
    upper_nok: int | None  # None: no upper limit
    properties: int


@dataclass
class Summary:
    total: Money = Money(0)
    properties: int = 0
    by_status: dict[TaxStatus, int] = field(default_factory=dict)
    by_category: dict[str, CategorySummary] = field(default_factory=dict)
    band_counts: list[int] = field(default_factory=lambda: [0] * (len(BAND_LIMITS_NOK) + 1))

    def add(self, base: TaxBase) -> None:
        self.properties += 1
        self.by_status[base.status] = self.by_status.get(base.status, 0) + 1
        category = self.by_category.setdefault(base.category.value, CategorySummary())
        category.properties += 1
        if base.status == TaxStatus.TAXED:
            category.taxed += 1
            category.revenue += base.tax
            self.total += base.tax
        nok = base.tax.ore // 100
        band = next((i for i, limit in enumerate(BAND_LIMITS_NOK) if nok < limit), len(BAND_LIMITS_NOK))
        self.band_counts[band] += 1

    def bands(self) -> list[Band]:
        lowers = (0, *BAND_LIMITS_NOK)
        uppers: tuple[int | None, ...] = (*BAND_LIMITS_NOK, None)
        return [Band(lo, up, n) for lo, up, n in zip(lowers, uppers, self.band_counts, strict=True)]


def summarise(bases: Iterable[TaxBase]) -> Summary:
    summary = Summary()
    for base in bases:
        summary.add(base)
    return summary
