"""The year's property tax for one property, as assessment determined (and perhaps corrected) it."""

from __future__ import annotations

from dataclasses import dataclass

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

    @property
    def billable(self) -> bool:
        return self.status == "TAX_STATUS_TAXED" and self.tax.ore > 0
