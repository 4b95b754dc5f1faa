"""Event handler: a property changed hands in assessment; its new owners become (or stay) invoice
recipients and hold it from the effective date, so that billing prorates by day."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from fractions import Fraction

from services.billing.adapters.account_repository import AccountRepository, HoldingRepository
from services.billing.domain.account import Account, RecipientKind, default_channel
from services.platform.errors import InvalidInput


@dataclass(frozen=True)
class NewHolder:
    account_id: str
    kind: RecipientKind
    name: str
    organisation_number: str
    share: Fraction


def take_over_property(
    accounts: AccountRepository,
    holdings: HoldingRepository,
    property_id: str,
    effective: date,
    holders: list[NewHolder],
    now: datetime,
) -> bool:
    """Returns False when the change is older than what billing has (a late, superseded event)."""
    if not holders or sum((h.share for h in holders), Fraction(0)) != 1:
        raise InvalidInput.single("owners", "the shares must add up to exactly 1")
    latest = holdings.latest_start(property_id)
    if latest is not None and effective <= latest:
        return False
    for holder in holders:
        existing = accounts.get(holder.account_id)
        if existing is None:
            accounts.add(
                Account(
                    account_id=holder.account_id,
                    kind=holder.kind,
                    name=holder.name,
                    organisation_number=holder.organisation_number,
                    address_line="",
                    postcode="",
                    city="",
                    channel=default_channel(holder.kind),
                ),
                now,
            )
        elif existing.name != holder.name or existing.organisation_number != holder.organisation_number:
            accounts.save(replace(existing, name=holder.name, organisation_number=holder.organisation_number))
    holdings.close_open(property_id, effective)
    for holder in holders:
        holdings.add(property_id, holder.account_id, effective, holder.share)
    return True
