"""Query: billing's record of one property."""

from __future__ import annotations

from services.billing.application.ports import BillingPropertyStore
from services.billing.domain.billing_property import BillingProperty
from services.platform.errors import InvalidInput, NotFound


def get_billing_property(properties: BillingPropertyStore, property_id: str) -> BillingProperty:
    if not property_id.strip() or len(property_id) > 64:
        raise InvalidInput.single("property_id", "is required (at most 64 characters)")
    found = properties.get(property_id)
    if found is None:
        raise NotFound(f"billing has no property {property_id}")
    return found
