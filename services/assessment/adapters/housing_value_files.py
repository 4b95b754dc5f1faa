"""The tax authority's housing values: one row per dwelling unit or condominium section and year."""

from __future__ import annotations

from services.assessment.adapters.file_rows import HOUSING_VALUES_FILE, RowErrors, csv_rows, read_number
from services.assessment.application.import_rows import HousingValueRow
from services.assessment.domain.valuation import HOUSING_VALUE_PER_UNIT, WHOLE_PROPERTY, check_unit_number
from services.platform.money import Money
from services.platform.numbers import NOK, YEAR


def read_housing_values(content: bytes, default_year: int) -> list[HousingValueRow]:
    """Columns property_id, value_nok; optional unit (the dwelling unit's bruksenhetsnummer, e.g. H0101:
    H, K, L or U and four digits, in either case, stored upper case; empty: the property as a whole) and
    year (default: the request's). A unit's value is at most HOUSING_VALUE_PER_UNIT (0 kr is read: the
    property then needs a valuation); a whole property's is checked against its units at import."""
    errors = RowErrors("line")
    _, rows = csv_rows(content, {"property_id", "value_nok"}, HOUSING_VALUES_FILE, errors=errors)
    parsed: list[HousingValueRow] = []
    seen: set[tuple[str, str, int]] = set()
    for line, values in rows:
        before = errors.total
        property_id = values.get("property_id", "")
        if not property_id:
            errors.add(line, "property_id", "is required")
        unit = ""
        try:
            checked = check_unit_number(values.get("unit", ""))
            unit = "" if checked == WHOLE_PROPERTY else checked
        except ValueError as exc:
            errors.add(line, "unit", str(exc))
        year = default_year
        if values.get("year"):
            year = int(read_number(values, "year", line, errors, YEAR) or 0)
        elif not YEAR.minimum <= year <= YEAR.maximum:
            errors.add(line, "year", "must be a year, in the column or the request")
        value = read_number(values, "value_nok", line, errors, HOUSING_VALUE_PER_UNIT if unit else NOK)
        if value is None and not values.get("value_nok"):
            errors.add(line, "value_nok", "is required")
        key = (property_id, unit, year)
        if key in seen:
            errors.add(line, "unit", f"{property_id} unit {unit} has a value for {year} already in this file")
        seen.add(key)
        if errors.total == before:
            parsed.append(HousingValueRow(line, property_id, unit, year, Money.of(value or 0)))
    errors.raise_if_any()
    return parsed
