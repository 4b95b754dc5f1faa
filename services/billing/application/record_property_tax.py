"""Event handlers: the year's property tax arrives from assessment, or is corrected."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from services.billing.domain.property_tax import PropertyTax


class PropertyTaxStore(Protocol):
    def versions(self, property_ids: Sequence[str]) -> set[tuple[str, int, int]]: ...
    def retire_many(self, keys: Sequence[tuple[str, int]]) -> None: ...
    def add_many(self, taxes: Sequence[tuple[PropertyTax, bool]]) -> None: ...


def record_property_tax(store: PropertyTaxStore, tax: PropertyTax) -> bool:
    """Stores a tax base version once; a correction makes the new version the current one. False when
    billing had it already (a redelivery)."""
    return bool(record_property_taxes(store, [tax]))


def record_property_taxes(store: PropertyTaxStore, taxes: Sequence[PropertyTax]) -> list[PropertyTax]:
    """Many at once (a levy's events), to the same end as one at a time in order: each new version is
    stored once, and the last new version of a property's year becomes the current one. Returns the new."""
    known = store.versions(sorted({t.property_id for t in taxes}))
    new: list[PropertyTax] = []
    for tax in taxes:
        key = (tax.property_id, tax.tax_year, tax.version)
        if key not in known:
            known.add(key)
            new.append(tax)
    if not new:
        return []
    last = {(t.property_id, t.tax_year): t for t in new}
    store.retire_many(sorted(last))
    store.add_many([(t, last[(t.property_id, t.tax_year)] is t) for t in new])
    return new
