"""Query: billing's record of one property, with its current property taxes and who holds or held it."""

from __future__ import annotations

from dataclasses import dataclass

from services.billing.application.ports import BillingUnitOfWork
from services.billing.domain.billing_property import BillingProperty
from services.billing.domain.charges import Holding
from services.billing.domain.property_tax import PropertyTax
from services.platform.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class BillingPropertyView:
    property: BillingProperty
    taxes: list[PropertyTax]  # the current version of each year's tax, newest year first
    holders: list[tuple[str, Holding]]  # (account_id, holding), oldest first


def get_billing_property(uow: BillingUnitOfWork, property_id: str) -> BillingPropertyView:
    if not property_id.strip() or len(property_id) > 64:
        raise InvalidInput.single("property_id", "is required (at most 64 characters)")
    with uow:
        found = uow.properties.get(property_id)
        if found is None:
            raise NotFound(f"billing has no property {property_id}")
        return BillingPropertyView(
            found, uow.taxes.current_for(property_id), uow.holdings.of_property(property_id)
        )
