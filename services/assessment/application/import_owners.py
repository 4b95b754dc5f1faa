"""Command: an owners file's ownership changes, recorded all together or not at all."""

from __future__ import annotations

from dataclasses import dataclass

from services.assessment.adapters.identity_vault import IdentityVault
from services.assessment.adapters.owner_files import OwnershipChangeRows
from services.assessment.adapters.unit_of_work import SqlAssessmentUnitOfWork
from services.assessment.application.record_ownership_change import later_than_current, record_in
from services.platform.errors import InvalidInput, Violations


@dataclass(frozen=True)
class OwnersImport:
    rows: int
    changes: int
    properties: int
    owners: int


def import_owners(
    uow: SqlAssessmentUnitOfWork, vault: IdentityVault, changes: list[OwnershipChangeRows]
) -> OwnersImport:
    """Records each change as RecordOwnershipChange does (owners sealed, OwnershipChanged through the
    outbox), oldest first per property, in one transaction. Refuses them all, naming the line, when a
    property is not in the register or a change is not later than the owners it would follow."""
    if not changes:
        raise InvalidInput.single("content", "the file has no owners (only a header row?)")
    problems = Violations()
    ordered = sorted(changes, key=lambda c: (c.property_id, c.from_date))
    with uow:
        known = uow.properties.existing_ids(sorted({c.property_id for c in changes}))
        for change in changes:
            if change.property_id not in known:
                problems.add(
                    f"line {change.line}", f"property_id: no property {change.property_id} in the register"
                )
        problems.raise_if_any()
        previous: str | None = None
        for change in ordered:
            if change.property_id != previous:  # later changes in the file follow the earlier ones
                latest = uow.ownerships.latest_start(change.property_id)
                if latest is not None and change.from_date <= latest:
                    problems.add(
                        f"line {change.line}", f"from_date: {later_than_current(change.property_id, latest)}"
                    )
            previous = change.property_id
        problems.raise_if_any()
        for change in ordered:
            record_in(uow, vault, change.property_id, change.from_date, change.owners)
        uow.commit()
    return OwnersImport(
        rows=sum(len(c.rows) for c in changes),
        changes=len(changes),
        properties=len({c.property_id for c in changes}),
        owners=len({(r.owner.kind, r.owner.identity_number) for c in changes for r in c.rows}),
    )
