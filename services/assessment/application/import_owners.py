"""Command: an owners file's ownership changes, recorded all together or not at all. The owner columns of a
property file are recorded the same way, in the property import's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from services.assessment.adapters.identity_vault import IdentityVault
from services.assessment.adapters.owner_files import OwnershipChangeRows
from services.assessment.adapters.unit_of_work import SqlAssessmentUnitOfWork
from services.assessment.application.record_ownership_change import later_than_current, record_in
from services.platform.errors import InvalidInput, Violations


@dataclass(frozen=True)
class OwnersImport:
    rows: int
    changes: int  # recorded now
    properties: int  # whose owners changed now
    owners: int  # distinct owners in the file
    unchanged: int  # recorded already


def import_owners(
    uow: SqlAssessmentUnitOfWork, vault: IdentityVault, changes: list[OwnershipChangeRows]
) -> OwnersImport:
    if not changes:
        raise InvalidInput.single("content", "the file has no owners (only a header row?)")
    with uow:
        result = record_changes(uow, vault, changes)
        uow.commit()
    return result


def record_changes(
    uow: SqlAssessmentUnitOfWork, vault: IdentityVault, changes: list[OwnershipChangeRows], unit: str = "line"
) -> OwnersImport:
    """Inside the caller's open transaction: records each change as RecordOwnershipChange does (owners
    sealed, OwnershipChanged through the outbox), oldest first per property; a change recorded already
    (the same owners and shares from the same day) is left as it is. Refuses them all, naming the line,
    when a property is not in the register or a new change is not later than the owners it would follow."""
    problems = Violations()
    known = uow.properties.existing_ids(sorted({c.property_id for c in changes}))
    for change in changes:
        if change.property_id not in known:
            problems.add(
                f"{unit} {change.line}", f"property_id: no property {change.property_id} in the register"
            )
    problems.raise_if_any()
    todo = [
        c
        for c in sorted(changes, key=lambda c: (c.property_id, c.from_date))
        if uow.ownerships.shares_from(c.property_id, c.from_date) != _shares(vault, c)
    ]
    previous: str | None = None
    for change in todo:
        if change.property_id != previous:  # later changes in the file follow the earlier ones
            latest = uow.ownerships.latest_start(change.property_id)
            if latest is not None and change.from_date <= latest:
                problems.add(
                    f"{unit} {change.line}", f"from_date: {later_than_current(change.property_id, latest)}"
                )
        previous = change.property_id
    problems.raise_if_any()
    for change in todo:
        record_in(uow, vault, change.property_id, change.from_date, change.owners)
    return OwnersImport(
        rows=sum(len(c.rows) for c in changes),
        changes=len(todo),
        properties=len({c.property_id for c in todo}),
        owners=len({(r.owner.kind, r.owner.identity_number) for c in changes for r in c.rows}),
        unchanged=len(changes) - len(todo),
    )


def _shares(vault: IdentityVault, change: OwnershipChangeRows) -> set[tuple[str, Fraction]]:
    return {
        (vault.reference(o.kind.value, o.identity_number), o.share)
        for o in change.owners
        if o.kind is not None
    }
