"""Command: import the tax authority's housing values for a year; all rows or none."""

from __future__ import annotations

from dataclasses import dataclass

from services.assessment.adapters.housing_value_files import HousingValueRow
from services.assessment.adapters.unit_of_work import SqlAssessmentUnitOfWork
from services.assessment.application.config import AssessmentConfig
from services.assessment.application.valuing import propose_valuations
from services.platform.errors import Violations


@dataclass(frozen=True)
class HousingValueImport:
    rows: int
    properties_valued: int


def import_housing_values(
    uow: SqlAssessmentUnitOfWork, rows: list[HousingValueRow], config: AssessmentConfig
) -> HousingValueImport:
    with uow:
        ids = sorted({r.property_id for r in rows})
        props = uow.properties.get_many(ids)
        problems = Violations()
        for row in rows:
            if row.property_id not in props:
                problems.add(
                    f"line {row.line}", f"property_id: no property {row.property_id} in the register"
                )
        problems.raise_if_any()
        uow.housing_values.replace_many([(r.property_id, r.unit, r.year, r.value) for r in rows])
        valued = 0
        for year in sorted({r.year for r in rows}):
            year_ids = sorted({r.property_id for r in rows if r.year == year})
            by_unit = uow.housing_values.by_unit(year_ids, year)
            valued += propose_valuations(uow, [props[i] for i in year_ids], by_unit, year, config)
        uow.commit()
    return HousingValueImport(rows=len(rows), properties_valued=valued)
