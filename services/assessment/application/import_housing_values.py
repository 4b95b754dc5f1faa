"""Command: import the tax authority's housing values for a year; all rows or none."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.assessment.application.config import AssessmentConfig
from services.assessment.application.import_rows import HousingValueRow
from services.assessment.application.ports import AssessmentUnitOfWork
from services.assessment.application.valuing import value_and_propose
from services.assessment.domain.property import Property
from services.assessment.domain.valuation import (
    WHOLE_PROPERTY,
    ValuationNeed,
    unit_key,
    units_beyond_register,
    whole_property_ceiling,
)
from services.platform.errors import Violations


@dataclass(frozen=True)
class HousingValueImport:
    rows: int
    properties_valued: int
    # Properties the values cannot value (a value of 0 kr), with the reason, and the file line.
    not_valued: list[tuple[int, ValuationNeed]] = field(default_factory=list)


def import_housing_values(
    uow: AssessmentUnitOfWork, rows: list[HousingValueRow], config: AssessmentConfig
) -> HousingValueImport:
    """Stores each dwelling unit's value (a unit's value replaces what any file brought for that unit
    and year), then proposes a valuation for each property whose values give a new value: importing the
    same file again proposes nothing."""
    problems = Violations()
    first_line: dict[tuple[str, str, int], int] = {}
    for row in rows:
        key = (row.property_id, unit_key(row.unit), row.year)
        if key in first_line:
            problems.add(
                f"line {row.line}",
                f"unit: {row.property_id} unit {key[1]} has a value for {row.year} on line {first_line[key]}",
            )
        first_line.setdefault(key, row.line)
    problems.raise_if_any()
    with uow:
        ids = sorted({r.property_id for r in rows})
        props = uow.properties.get_many(ids)
        for row in rows:
            if row.property_id not in props:
                problems.add(
                    f"line {row.line}", f"property_id: no property {row.property_id} in the register"
                )
        problems.raise_if_any()
        _check_against_register(uow, rows, props, problems)
        problems.raise_if_any()
        uow.housing_values.replace_many([(r.property_id, unit_key(r.unit), r.year, r.value) for r in rows])
        valued = 0
        not_valued: list[tuple[int, ValuationNeed]] = []
        line_of = {(r.property_id, r.year): r.line for r in reversed(rows)}
        for year in sorted({r.year for r in rows}):
            year_ids = sorted({r.property_id for r in rows if r.year == year})
            outcome = value_and_propose(uow, [props[i] for i in year_ids], year, config)
            valued += outcome.proposed
            not_valued += [(line_of[(n.property_id, year)], n) for n in outcome.needs]
        uow.commit()
    return HousingValueImport(rows=len(rows), properties_valued=valued, not_valued=not_valued)


def _check_against_register(
    uow: AssessmentUnitOfWork,
    rows: list[HousingValueRow],
    props: dict[str, Property],
    problems: Violations,
) -> None:
    """A property gets values for no more dwelling units a year than the register says it has (counting
    the units that have one already), and a value for the property as a whole is at most the per-unit
    ceiling for each of its units."""
    for year in sorted({r.year for r in rows}):
        year_rows = [r for r in rows if r.year == year]
        stored = uow.housing_values.by_unit(sorted({r.property_id for r in year_rows}), year)
        new_units: dict[str, list[tuple[int, str]]] = {}
        for row in year_rows:
            prop = props[row.property_id]
            key = unit_key(row.unit)
            if key != WHOLE_PROPERTY:
                new_units.setdefault(row.property_id, []).append((row.line, key))
                continue
            ceiling = whole_property_ceiling(prop.dwelling_units)
            if row.value > ceiling:
                problems.add(
                    f"line {row.line}",
                    f"value_nok: more than {ceiling.nok:.0f} kr for a property of "
                    f"{max(prop.dwelling_units, 1)} dwelling unit(s) in the register",
                )
        for property_id, units in sorted(new_units.items()):
            already = list(stored.get(property_id, {}))
            for line, message in units_beyond_register(
                property_id, props[property_id].dwelling_units, already, units
            ):
                problems.add(f"line {line}", f"unit: {message}")
