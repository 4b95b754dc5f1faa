"""Command: a property changes hands (in whole or in shares) from a date; billing prorates by day."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from services.assessment.application.ports import AssessmentUnitOfWork, IdentityVault
from services.assessment.domain.ownership import (
    NewOwner,
    OwnerKind,
    OwnerShare,
    OwnershipChanged,
    check_owners,
)
from services.platform.errors import FailedPrecondition, NotFound


@dataclass(frozen=True)
class OwnershipChange:
    """Checked owners of a property from a day, to be recorded."""

    property_id: str
    effective: date
    owners: Sequence[NewOwner]


def record_ownership_change(
    uow: AssessmentUnitOfWork,
    vault: IdentityVault,
    property_id: str,
    effective: date,
    new_owners: list[NewOwner],
) -> OwnershipChanged:
    check_owners(new_owners)
    with uow:
        if uow.properties.get(property_id) is None:
            raise NotFound(f"no property {property_id}")
        latest = uow.ownerships.latest_starts([property_id]).get(property_id)
        if latest is not None and effective <= latest:
            raise FailedPrecondition(later_than_current(property_id, latest))
        (event,) = store_changes(uow, vault, [OwnershipChange(property_id, effective, new_owners)])
        uow.commit()
    return event


def later_than_current(property_id: str, latest: date) -> str:
    return f"the current owners of {property_id} own it from {latest:%Y-%m-%d}; a change must come later"


def shares_of(vault: IdentityVault, owners: Sequence[NewOwner]) -> tuple[OwnerShare, ...]:
    """The owners as the register and its events know them: an opaque reference, never the number."""
    return tuple(
        OwnerShare(
            vault.reference(o.kind.value, o.identity_number),
            o.kind,
            o.name.strip(),
            o.share,
            o.identity_number if o.kind == OwnerKind.ORGANISATION else "",
            o.delivery,
        )
        for o in owners
        if o.kind is not None
    )


def store_changes(
    uow: AssessmentUnitOfWork, vault: IdentityVault, changes: Sequence[OwnershipChange]
) -> list[OwnershipChanged]:
    """Records checked changes of existing properties, each later than the property's current owners,
    inside the caller's open transaction (the caller commits): owners sealed, each property's current
    ownership ended by its first change, a change ended by the next one of the same property, and an
    OwnershipChanged for each through the outbox. The same few statements for one change or thousands."""
    ordered = sorted(changes, key=lambda c: (c.property_id, c.effective))
    found: dict[str, tuple[OwnerKind, str, str]] = {}
    periods = []
    events = []
    for index, change in enumerate(ordered):
        shares = shares_of(vault, change.owners)
        for owner, share in zip(change.owners, shares, strict=True):
            found[share.owner_ref] = (share.kind, share.name, vault.seal(owner.identity_number))
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        ends = following.effective if following and following.property_id == change.property_id else None
        periods.append((change.property_id, change.effective, ends, shares))
        events.append(OwnershipChanged(change.property_id, change.effective, shares))
    first: dict[str, date] = {}
    for change in ordered:
        first.setdefault(change.property_id, change.effective)
    uow.ownerships.put_owners(found)
    uow.ownerships.close_current(first)
    uow.ownerships.add_periods(periods)
    for event in events:
        uow.record(event)
    return events
