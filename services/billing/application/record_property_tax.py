"""Event handlers: the year's property tax arrives from assessment, or is corrected."""

from __future__ import annotations

from typing import Protocol

from services.billing.domain.property_tax import PropertyTax


class PropertyTaxStore(Protocol):
    def has(self, property_id: str, tax_year: int, version: int) -> bool: ...
    def add(self, tax: PropertyTax, current: bool) -> None: ...
    def retire(self, property_id: str, tax_year: int) -> None: ...


def record_property_tax(store: PropertyTaxStore, tax: PropertyTax) -> bool:
    """Stores a tax base version once; a correction makes the new version the current one."""
    if store.has(tax.property_id, tax.tax_year, tax.version):
        return False
    store.retire(tax.property_id, tax.tax_year)
    store.add(tax, current=True)
    return True
