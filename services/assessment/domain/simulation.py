"""Revenue simulation for the council's budget work: totals, per category, bands, change.

"Pay" means a tax of more than 0 kr: a valued property under the basic deduction is taxed at 0 kr and
does not pay; a property without a valuation is counted as not valued, never as paying 0."""

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
    taxed: int = 0  # status TAXED: valued, in scope, not exempt, at or over the minimum (tax may be 0)
    paying: int = 0  # properties whose tax is more than 0 kr
    not_valued: int = 0  # in scope and not exempt, but without a valuation (they need one)
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
    paying: int = 0  # properties whose tax is more than 0 kr

    def add(self, base: TaxBase) -> None:
        self.properties += 1
        self.by_status[base.status] = self.by_status.get(base.status, 0) + 1
        category = self.by_category.setdefault(base.category.value, CategorySummary())
        category.properties += 1
        if base.status == TaxStatus.NOT_VALUED:
            category.not_valued += 1
        if base.status == TaxStatus.TAXED:
            category.taxed += 1
            category.revenue += base.tax
            self.total += base.tax
            if base.tax.ore > 0:
                category.paying += 1
                self.paying += 1
        if base.status in (TaxStatus.TAXED, TaxStatus.BELOW_MINIMUM):  # valued and taxable: bands
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
