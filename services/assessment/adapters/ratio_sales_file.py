"""The sales file of a ratio study: one sale a row with the value it was assessed at."""

from __future__ import annotations

from services.assessment.adapters.file_rows import MIB, FileLimits, RowErrors, csv_rows, read_number
from services.assessment.domain.ratio_study import RatioSale, UnsoldProperty
from services.platform.errors import InvalidInput
from services.platform.numbers import NOK

# A few years of a large municipality's arm's-length sales: Oslo records some 25,000 a year.
SALES_FILE = FileLimits("a sales file", 64 * MIB, 500_000)
GROUP_CHARS = 100


def read_ratio_sales(content: bytes, group_by: str) -> list[RatioSale]:
    """Columns assessed_value and sale_price (NOK, above 0; decimal comma or point) and, when `group_by`
    is given, that column (not empty); previous_value (NOK, above 0, may be empty) if the file has it, for
    the comparison of sold and unsold value changes; other columns are ignored. Comma or semicolon, UTF-8 or
    Windows-1252. All or nothing: every bad cell named by line and column."""
    group_by = group_by.strip()
    required = {"assessed_value", "sale_price"} | ({group_by} if group_by else set())
    errors = RowErrors("line")
    _, rows = csv_rows(content, required, SALES_FILE, errors=errors)
    sales: list[RatioSale] = []
    for line, values in rows:
        before = errors.total
        amounts = {}
        for column in ("assessed_value", "sale_price"):
            amount = read_number(values, column, line, errors, NOK)
            if amount is None and errors.total == before and not values.get(column):
                errors.add(line, column, "is required")
            elif amount is not None and amount <= 0:
                errors.add(line, column, "must be above 0")
            amounts[column] = amount
        group = values.get(group_by, "") if group_by else ""
        if group_by and not group:
            errors.add(line, group_by, "is required (the group of the sale)")
        elif len(group) > GROUP_CHARS:
            errors.add(line, group_by, f"is longer than {GROUP_CHARS} characters")
        previous = read_number(values, "previous_value", line, errors, NOK)
        if previous is not None and previous <= 0:
            errors.add(line, "previous_value", "must be above 0")
        value, price = amounts["assessed_value"], amounts["sale_price"]
        if errors.total > before or value is None or price is None:
            continue
        sales.append(RatioSale(line, value, price, group, previous))
    errors.raise_if_any()
    if len(sales) < 3:
        raise InvalidInput.single(
            "content", f"the file has {len(sales)} sales; a ratio study needs at least 3"
        )
    return sales


def read_unsold(content: bytes, group_by: str) -> list[UnsoldProperty]:
    """The properties not sold: columns assessed_value and previous_value (NOK, above 0) and, when
    `group_by` is given, that column; all or nothing, every bad cell named by line and column."""
    group_by = group_by.strip()
    required = {"assessed_value", "previous_value"} | ({group_by} if group_by else set())
    errors = RowErrors("line")
    _, rows = csv_rows(content, required, SALES_FILE, errors=errors)
    found: list[UnsoldProperty] = []
    for line, values in rows:
        before = errors.total
        amounts = {}
        for column in ("assessed_value", "previous_value"):
            amount = read_number(values, column, line, errors, NOK)
            if amount is None and errors.total == before and not values.get(column):
                errors.add(line, column, "is required")
            elif amount is not None and amount <= 0:
                errors.add(line, column, "must be above 0")
            amounts[column] = amount
        group = values.get(group_by, "") if group_by else ""
        if group_by and not group:
            errors.add(line, group_by, "is required (the group of the property)")
        value, previous = amounts["assessed_value"], amounts["previous_value"]
        if errors.total > before or value is None or previous is None:
            continue
        found.append(UnsoldProperty(line, value, previous, group))
    errors.raise_if_any()
    return found
