"""Event handlers: the year's property tax arrives from assessment, or is corrected."""

from __future__ import annotations

from collections.abc import Sequence

from services.billing.application.flag_corrections import flag_holders
from services.billing.application.ports import BillingUnitOfWork, PropertyTaxStore
from services.billing.domain.property_tax import PropertyTax


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


def taxes_determined(uow: BillingUnitOfWork, taxes: Sequence[PropertyTax]) -> list[PropertyTax]:
    """Assessment's levy determined tax bases (one event or a poll's batch): returns the new versions."""
    with uow:
        new = record_property_taxes(uow.taxes, taxes)
        uow.commit()
    return new


def tax_corrected(uow: BillingUnitOfWork, tax: PropertyTax) -> bool:
    """A corrected tax base: stored as the current version, and everyone who held the property in its
    year flagged, so that the next run settles their invoices. False for a redelivery (nothing changes)."""
    with uow:
        new = record_property_tax(uow.taxes, tax)
        if new:
            flag_holders(uow.corrections, tax.property_id, [tax.tax_year], uow.now())
        uow.commit()
    return new
