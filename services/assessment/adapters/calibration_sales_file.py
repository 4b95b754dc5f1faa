"""The sales file of a calibration: one sale a row with the facts the standard-rate model values by."""

from __future__ import annotations

from datetime import date

from services.assessment.adapters.file_rows import RowErrors, csv_rows, read_number
from services.assessment.adapters.ratio_sales_file import SALES_FILE
from services.assessment.domain.calibration import CalibrationSale
from services.assessment.domain.property import PropertyCategory
from services.platform.errors import InvalidInput
from services.platform.numbers import NOK, Bounds, bounds

REQUIRED = {"sale_price", "sale_date", "bra_m2", "plot_m2", "lon", "lat", "build_year", "condition"}
AREA = bounds(0, 10_000_000, 2, "142,5")
LONGITUDE = bounds(-180, 180, 9, "10,7522")
LATITUDE = bounds(-90, 90, 9, "59,9139")
BUILD_YEAR = bounds(1000, 2100, 0, "1962")
CONDITION = bounds(1, 5, 0, "3")
STANDARD = bounds(1, 20, 0, "7")
OUTER = bounds(0, 9, 0, "0")
SALE_ID_CHARS = 100


def _number(
    values: dict[str, str], line: int, errors: RowErrors, column: str, limits: Bounds, required: bool
) -> float | None:
    found = read_number(values, column, line, errors, limits)
    if found is None and required and not values.get(column):
        errors.add(line, column, "is required")
    return None if found is None else float(found)


def read_calibration_sales(content: bytes) -> list[CalibrationSale]:
    """Columns sale_price (may be empty or 0: such a sale is excluded by a rule, not refused), sale_date
    (YYYY-MM-DD), bra_m2 and plot_m2 (m², may be empty), lon and lat (WGS 84), build_year, condition (1–5);
    optional: sale_id (the property, for the resale rule), category (housing unless given), standard (1–20,
    the building's standard or grade) and outer (0–9, an outer-factor class such as view or waterfront).
    Comma or semicolon, UTF-8 or Windows-1252. All or nothing: every bad cell named by line and column."""
    errors = RowErrors("line")
    _, rows = csv_rows(content, REQUIRED, SALES_FILE, errors=errors)
    categories = ", ".join(c.value for c in PropertyCategory)
    sales: list[CalibrationSale] = []
    for line, values in rows:
        before = errors.total

        price = read_number(values, "sale_price", line, errors, NOK)
        bra = read_number(values, "bra_m2", line, errors, AREA)
        plot = read_number(values, "plot_m2", line, errors, AREA)
        lon, lat = (
            _number(values, line, errors, "lon", LONGITUDE, True),
            _number(values, line, errors, "lat", LATITUDE, True),
        )
        build_year = _number(values, line, errors, "build_year", BUILD_YEAR, True)
        condition = _number(values, line, errors, "condition", CONDITION, True)
        standard = _number(values, line, errors, "standard", STANDARD, False)
        outer = _number(values, line, errors, "outer", OUTER, False)
        sale_date: date | None = None
        text = values.get("sale_date", "")
        try:
            sale_date = date.fromisoformat(text)
        except ValueError:
            errors.add(
                line, "sale_date", "is required" if not text else f"{text[:40]!r} is no date YYYY-MM-DD"
            )
        category = PropertyCategory.HOUSING
        if values.get("category"):
            try:
                category = PropertyCategory(values["category"])
            except ValueError:
                errors.add(line, "category", f"is one of {categories}")
        sale_id = values.get("sale_id", "")
        if len(sale_id) > SALE_ID_CHARS:
            errors.add(line, "sale_id", f"is longer than {SALE_ID_CHARS} characters")
        if (
            errors.total > before
            or sale_date is None
            or lon is None
            or lat is None
            or build_year is None
            or condition is None
        ):
            continue
        sales.append(
            CalibrationSale(
                line=line,
                sale_id=sale_id,
                sale_date=sale_date,
                sale_price=price,
                bra_m2=bra,
                plot_m2=plot,
                lon=lon,
                lat=lat,
                build_year=int(build_year),
                condition=int(condition),
                category=category,
                standard=None if standard is None else int(standard),
                outer=None if outer is None else int(outer),
            )
        )
    errors.raise_if_any()
    if len(sales) < 30:
        raise InvalidInput.single(
            "sales", f"the file has {len(sales)} sales; a calibration needs at least 30"
        )
    return sales
