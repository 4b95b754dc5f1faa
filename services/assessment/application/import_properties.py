"""Command: import properties from a file; every row is good and stored, or nothing is."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from services.assessment.application.config import AssessmentConfig
from services.assessment.application.import_owners import record_changes
from services.assessment.application.import_rows import MAX_REPORTED, PropertyRow
from services.assessment.application.ports import AssessmentUnitOfWork, IdentityVault
from services.assessment.application.valuing import value_and_propose
from services.assessment.domain.coordinates import coordinate_problems
from services.assessment.domain.property import Property, PropertyChanged, PropertyRegistered, check_facts
from services.assessment.domain.valuation import WHOLE_PROPERTY, ValuationNeed
from services.platform.errors import Violations


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int
    updated: int
    valuations_proposed: int
    # Properties that cannot be valued (never valued at 0 kr), with the reason and their line or feature.
    not_valued: list[tuple[int, ValuationNeed]] = field(default_factory=list)
    ownership_changes: int = 0  # recorded from the file's owner columns


def _validated(rows: list[PropertyRow], unit: str) -> list[Property]:
    problems = Violations()
    props: list[Property] = []
    seen_cadastral: dict[str, int] = {}
    for row in rows:
        row_problems = Violations()
        prop = check_facts(row.property_id, row.facts, row_problems, cadastral_required=False)
        for violation in row_problems.items:
            problems.add(f"{unit} {row.line}", f"{violation.field}: {violation.description}")
        if prop is not None and prop.cadastral_id is not None:
            key = str(prop.cadastral_id)
            if key in seen_cadastral:
                problems.add(
                    f"{unit} {row.line}", f"cadastral_id: {key} is also on {unit} {seen_cadastral[key]}"
                )
            seen_cadastral.setdefault(key, row.line)
        if prop is not None:
            props.append(prop)
    problems.raise_if_any()
    return props


def import_properties(
    uow: AssessmentUnitOfWork,
    rows: list[PropertyRow],
    housing_year: int,
    config: AssessmentConfig,
    unit: str = "line",
    vault: IdentityVault | None = None,
) -> ImportResult:
    """Stores every row's property (new or replaced), proposes valuations, and records the owners the rows
    name (needs `vault`), all in one transaction."""
    props = _validated(rows, unit)
    owner_changes = [r.owners for r in rows if r.owners is not None]
    if owner_changes and vault is None:
        raise TypeError("a file with owners needs the identity vault")
    line_of = {r.property_id: r.line for r in rows}
    wkt = {r.property_id: r.geometry_wkt for r in rows if r.geometry_wkt}
    with uow:
        ids = [p.property_id for p in props]
        existing = uow.properties.existing_ids(ids)
        holders = uow.properties.cadastral_holders([str(p.cadastral_id) for p in props if p.cadastral_id])
        problems = Violations()
        for prop in props:
            holder = holders.get(str(prop.cadastral_id)) if prop.cadastral_id else None
            if holder is not None and holder != prop.property_id:
                problems.add(
                    f"{unit} {line_of[prop.property_id]}",
                    f"cadastral_id: {prop.cadastral_id} is registered for property {holder}",
                )
        problems.raise_if_any()
        zones = uow.zones.index()
        located = [p for p in props if p.location is not None]
        lons = [p.location.lon for p in located if p.location]
        lats = [p.location.lat for p in located if p.location]
        surroundings = zones.surroundings()
        if surroundings is not None:  # a point far outside the municipality is misplaced, not just unzoned
            far = coordinate_problems(np.asarray(lons), np.asarray(lats), np.arange(len(lons)), surroundings)
            for i, problem in sorted(far.items())[:MAX_REPORTED]:
                problems.add(f"{unit} {line_of[located[i].property_id]}", f"lon/lat: {problem}")
            if len(far) > MAX_REPORTED:
                problems.add(
                    "content", f"… and {len(far) - MAX_REPORTED} more points far outside the municipality"
                )
            problems.raise_if_any()
        found = zones.locate(lons, lats)
        zone_of = {p.property_id: (z.zone_id if z else None) for p, z in zip(located, found, strict=True)}
        props = [replace(p, zone_id=zone_of.get(p.property_id)) for p in props]
        new = [p for p in props if p.property_id not in existing]
        changed = [p for p in props if p.property_id in existing]
        uow.properties.add_many(new, uow.now(), wkt)
        if changed:
            uow.properties.replace_many(changed, wkt)
        housing = {r.property_id: r.housing_value for r in rows if r.housing_value is not None}
        if housing:
            # A register's housing_value is the property's value as a whole: the tax authority's values
            # per dwelling unit (import housing-values) replace it instead of adding to it.
            uow.housing_values.replace_many(
                [(pid, WHOLE_PROPERTY, housing_year, value) for pid, value in housing.items()]
            )
        outcome = value_and_propose(uow, props, housing_year, config, zones)
        for prop in new:
            uow.record(PropertyRegistered(prop))
        for prop in changed:
            uow.record(PropertyChanged(prop))
        recorded = 0
        if owner_changes and vault is not None:  # after the properties: their events come first
            recorded = record_changes(uow, vault, owner_changes, unit).changes
        uow.commit()
    return ImportResult(
        rows=len(rows),
        created=len(new),
        updated=len(changed),
        valuations_proposed=outcome.proposed,
        not_valued=[(line_of[n.property_id], n) for n in outcome.needs],
        ownership_changes=recorded,
    )
