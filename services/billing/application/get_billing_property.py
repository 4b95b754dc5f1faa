"""Query: billing's record of one property."""

from __future__ import annotations

from services.billing.application.ports import BillingPropertyStore
from services.billing.domain.billing_property import BillingProperty
from services.platform.errors import InvalidInput, NotFound
from services.platform.ids import is_uuid


def get_billing_property(properties: BillingPropertyStore, property_id: str) -> BillingProperty:
    if not is_uuid(property_id):
        raise InvalidInput.single("property_id", "must be a UUID")
    found = properties.get(property_id)
    if found is None:
        raise NotFound(f"billing has no property {property_id}")
    return found
