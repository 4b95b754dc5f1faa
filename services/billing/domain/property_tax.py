"""The year's property tax for one property, as assessment determined (and perhaps corrected) it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.platform.money import Money


@dataclass(frozen=True)
class PropertyTax:
    property_id: str
    tax_year: int
    version: int
    status: str  # assessment's TaxStatus name, e.g. "TAX_STATUS_TAXED"
    tax: Money
    tax_base: Money
    terms: int
    source_event_id: str
    # A correction's business date: a run issued before it bills the version before. None: from the start.
    decided_on: date | None = None

    def in_force_on(self, day: date) -> bool:
        return self.decided_on is None or self.decided_on <= day

    @property
    def billable(self) -> bool:
        return self.status == "TAX_STATUS_TAXED" and self.tax.ore > 0
