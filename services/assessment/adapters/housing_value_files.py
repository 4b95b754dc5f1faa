"""The tax authority's housing values: one row per dwelling unit or condominium section and year."""

from __future__ import annotations

from dataclasses import dataclass

from services.assessment.adapters.file_rows import RowErrors, csv_rows, parse_nok
from services.platform.money import Money


@dataclass(frozen=True)
class HousingValueRow:
    line: int
    property_id: str
    unit: str
    year: int
    value: Money


def read_housing_values(content: bytes, default_year: int) -> list[HousingValueRow]:
    """Columns property_id, value_nok; optional unit (default "1") and year (default: the request's)."""
    delimiter, rows = csv_rows(content, {"property_id", "value_nok"})
    errors = RowErrors("line")
    parsed: list[HousingValueRow] = []
    seen: set[tuple[str, str, int]] = set()
    for line, values in rows:
        before = errors.total
        property_id = values.get("property_id", "")
        if not property_id:
            errors.add(line, "property_id", "is required")
        unit = values.get("unit", "") or "1"
        year = default_year
        if values.get("year"):
            try:
                year = int(values["year"])
            except ValueError:
                errors.add(line, "year", f"{values['year']!r} is not a year")
        if not 1900 <= year <= 2200:
            errors.add(line, "year", "must be a year, in the column or the request")
        value = Money(0)
        try:
            value = parse_nok(values.get("value_nok", ""), delimiter == ";")
        except ValueError as exc:
            errors.add(line, "value_nok", str(exc))
        key = (property_id, unit, year)
        if key in seen:
            errors.add(line, "unit", f"{property_id} unit {unit} has a value for {year} already in this file")
        seen.add(key)
        if errors.total == before:
            parsed.append(HousingValueRow(line, property_id, unit, year, value))
    errors.raise_if_any()
    return parsed
