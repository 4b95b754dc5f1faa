"""What billing's application layer needs from storage."""

from __future__ import annotations

from typing import Protocol

from services.billing.domain.billing_property import BillingProperty


class BillingPropertyStore(Protocol):
    def get(self, property_id: str) -> BillingProperty | None: ...
    def add(self, prop: BillingProperty) -> None: ...
    def save(self, prop: BillingProperty) -> None: ...
