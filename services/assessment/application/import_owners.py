"""Command: an owners file's ownership changes, recorded all together or not at all. The owner columns of a
property file are recorded the same way, in the property import's transaction."""

from __future__ import annotations

from dataclasses import dataclass

from services.assessment.application.import_rows import OwnershipChangeRows
from services.assessment.application.ports import AssessmentUnitOfWork, IdentityVault
from services.assessment.application.record_ownership_change import (
    OwnershipChange,
    later_than_current,
    shares_of,
    store_changes,
)
from services.platform.errors import InvalidInput, Violations


@dataclass(frozen=True)
class OwnersImport:
    rows: int
    changes: int  # recorded now
    properties: int  # whose owners changed now
    owners: int  # distinct owners in the file
    unchanged: int  # recorded already


def import_owners(
    uow: AssessmentUnitOfWork, vault: IdentityVault, changes: list[OwnershipChangeRows]
) -> OwnersImport:
    if not changes:
        raise InvalidInput.single("content", "the file has no owners (only a header row?)")
    with uow:
        result = record_changes(uow, vault, changes)
        uow.commit()
    return result


def record_changes(
    uow: AssessmentUnitOfWork, vault: IdentityVault, changes: list[OwnershipChangeRows], unit: str = "line"
) -> OwnersImport:
    """Inside the caller's open transaction: records the file's changes as RecordOwnershipChange does
    (store_changes); a change recorded already (the same owners and shares from the same day) is left as
    it is. Refuses them all, naming the line, when a property is not in the register or a new change is not
    later than the owners it would follow."""
    problems = Violations()
    ids = sorted({c.property_id for c in changes})
    known = uow.properties.existing_ids(ids)
    for change in changes:
        if change.property_id not in known:
            problems.add(
                f"{unit} {change.line}", f"property_id: no property {change.property_id} in the register"
            )
    problems.raise_if_any()
    recorded = uow.ownerships.shares_by_start(ids)
    todo = [
        c
        for c in sorted(changes, key=lambda c: (c.property_id, c.from_date))
        if recorded.get((c.property_id, c.from_date))
        != {(s.owner_ref, s.share) for s in shares_of(vault, c.owners)}
    ]
    latest = uow.ownerships.latest_starts(ids)
    previous: str | None = None
    for change in todo:
        before = latest.get(change.property_id)
        # Only a property's first new change can clash: later ones in the file follow it.
        if change.property_id != previous and before is not None and change.from_date <= before:
            problems.add(
                f"{unit} {change.line}", f"from_date: {later_than_current(change.property_id, before)}"
            )
        previous = change.property_id
    problems.raise_if_any()
    store_changes(uow, vault, [OwnershipChange(c.property_id, c.from_date, c.owners) for c in todo])
    return OwnersImport(
        rows=sum(len(c.rows) for c in changes),
        changes=len(todo),
        properties=len({c.property_id for c in todo}),
        owners=len({(r.owner.kind, r.owner.identity_number) for c in changes for r in c.rows}),
        unchanged=len(changes) - len(todo),
    )
