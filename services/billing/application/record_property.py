"""Event handler: a property registered in assessment becomes a property billing can bill for."""

from __future__ import annotations

from collections.abc import Sequence

from services.billing.application.ports import BillingPropertyStore, BillingUnitOfWork
from services.billing.domain.billing_property import BillingProperty


def record_property(properties: BillingPropertyStore, prop: BillingProperty) -> bool:
    """Stores the record; returns False when billing knew the property already (nothing changes)."""
    return record_properties(properties, [prop]) == 1


def update_property(properties: BillingPropertyStore, prop: BillingProperty) -> None:
    """A property's facts changed in assessment (area, units, category): the fees follow them."""
    if properties.get(prop.property_id) is None:
        properties.add(prop)
    else:
        properties.save(prop)


def record_properties(properties: BillingPropertyStore, props: Sequence[BillingProperty]) -> int:
    """Many at once (an import's events): stores the ones billing does not know, the first of each."""
    known = properties.known([p.property_id for p in props])
    new: dict[str, BillingProperty] = {}
    for prop in props:
        if prop.property_id not in known:
            new.setdefault(prop.property_id, prop)
    if new:
        properties.add_many(list(new.values()))
    return len(new)


def properties_registered(uow: BillingUnitOfWork, props: Sequence[BillingProperty]) -> int:
    """Assessment registered properties (one event or a poll's batch): returns how many were new."""
    with uow:
        new = record_properties(uow.properties, props)
        uow.commit()
    return new


def property_changed(uow: BillingUnitOfWork, prop: BillingProperty) -> None:
    with uow:
        update_property(uow.properties, prop)
        uow.commit()
