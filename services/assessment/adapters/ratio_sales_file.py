"""The sales file of a ratio study: one sale a row with the value it was assessed at."""

from __future__ import annotations

import csv

from services.assessment.adapters.file_rows import (
    MIB,
    FileLimits,
    RowErrors,
    csv_rows,
    decode_text,
    read_number,
)
from services.assessment.domain.ratio_study import DEFAULT_STANDARDS, RatioSale, UnsoldProperty
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
    errors = RowErrors("line")
    delimiter, rows = csv_rows(content, {"assessed_value", "sale_price"}, SALES_FILE, errors=errors)
    if group_by:
        _check_group_column(content, delimiter, group_by)
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
    least = DEFAULT_STANDARDS.min_sales
    if len(sales) < least:
        raise InvalidInput.single(
            "content",
            f"the file has {len(sales)} {'sale' if len(sales) == 1 else 'sales'}; a ratio study needs at "
            f"least {least} (and each group at least {least} after trimming, else the group has no figures)",
        )
    return sales


def _check_group_column(content: bytes, delimiter: str, group_by: str) -> None:
    """The group column is in the header: else a refusal of group_by naming the columns there are."""
    header = next(csv.reader([decode_text(content).split("\n", 1)[0]], delimiter=delimiter), [])
    columns = [h.strip().lstrip("\ufeff") for h in header]
    if group_by not in columns:
        raise InvalidInput.single(
            "group_by", f"{group_by}: no such column in the sales file (columns: {', '.join(columns)})"
        )


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
