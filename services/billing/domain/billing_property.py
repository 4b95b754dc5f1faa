"""Billing's view of a property: what it needs to know to bill for it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class BillingProperty:
    property_id: str
    cadastral_id: str
    address: str
    category: str
    dwelling_units: int
    source_event_id: str
    bra_m2: Decimal = Decimal(0)  # the sum of the floors' usable area: water is estimated from it
