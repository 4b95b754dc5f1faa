"""Command: a property changes hands (in whole or in shares) from a date; billing prorates by day."""

from __future__ import annotations

from datetime import date

from services.assessment.adapters.identity_vault import IdentityVault
from services.assessment.adapters.unit_of_work import SqlAssessmentUnitOfWork
from services.assessment.domain.ownership import (
    NewOwner,
    OwnerKind,
    OwnerShare,
    OwnershipChanged,
    check_owners,
)
from services.platform.errors import FailedPrecondition, NotFound


def record_ownership_change(
    uow: SqlAssessmentUnitOfWork,
    vault: IdentityVault,
    property_id: str,
    effective: date,
    new_owners: list[NewOwner],
) -> OwnershipChanged:
    check_owners(new_owners)
    with uow:
        event = record_in(uow, vault, property_id, effective, new_owners)
        uow.commit()
    return event


def later_than_current(property_id: str, latest: date) -> str:
    return f"the current owners of {property_id} own it from {latest:%Y-%m-%d}; a change must come later"


def record_in(
    uow: SqlAssessmentUnitOfWork,
    vault: IdentityVault,
    property_id: str,
    effective: date,
    new_owners: list[NewOwner],
) -> OwnershipChanged:
    """Records checked owners inside the caller's open transaction, with the event through the outbox;
    the caller commits (one change, or an owners file's changes all together)."""
    shares = tuple(
        OwnerShare(
            vault.reference(o.kind.value, o.identity_number),
            o.kind,
            o.name.strip(),
            o.share,
            o.identity_number if o.kind == OwnerKind.ORGANISATION else "",
            o.delivery,
        )
        for o in new_owners
        if o.kind is not None
    )
    if uow.properties.get(property_id) is None:
        raise NotFound(f"no property {property_id}")
    latest = uow.ownerships.latest_start(property_id)
    if latest is not None and effective <= latest:
        raise FailedPrecondition(later_than_current(property_id, latest))
    for owner, share in zip(new_owners, shares, strict=True):
        uow.ownerships.put_owner(share.owner_ref, share.kind, share.name, vault.seal(owner.identity_number))
    uow.ownerships.close_current(property_id, effective)
    uow.ownerships.add_shares(property_id, effective, shares)
    event = OwnershipChanged(property_id, effective, shares)
    uow.record(event)
    return event
