"""Owners files: who owns which property from which day, a row per owner. Rows with the same property and
first day are one ownership change with co-owners. Every bad row is named by line and column; a national
identity number is never echoed."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from services.assessment.adapters.file_rows import OWNERS_FILE, RowErrors, csv_rows
from services.assessment.application.import_rows import OwnerRow, OwnershipChangeRows
from services.assessment.domain.ownership import (
    Delivery,
    NewOwner,
    OwnerKind,
    PostalAddress,
    owner_problems,
)
from services.platform.dates import read_day
from services.platform.errors import InvalidInput, Violations
from services.platform.shares import read_share

REQUIRED_COLUMNS = {"property_id", "from_date", "share", "owner_name", "address", "postcode", "city"}
NATIONAL_ID, ORGANISATION_NUMBER = "national_id", "organisation_number"
# The file's column for each field the domain names an owner's problem by.
_COLUMN_OF = {
    "name": "owner_name",
    "share": "share",
    "postal_address.address_lines": "address",
    "postal_address.postcode": "postcode",
    "postal_address.city": "city",
    "billing_channel": "channel",
    "invoice_interval": "interval",
}
_NOT_A_NATIONAL_ID = "not a valid national identity number (11 digits with two check digits)"


def _identity(values: dict[str, str], line: int, errors: RowErrors) -> tuple[OwnerKind | None, str, str]:
    """(kind, number, its column) from exactly one of national_id and organisation_number; spaces, as
    people group digits, are left out."""
    national = "".join(values.get(NATIONAL_ID, "").split())
    organisation = "".join(values.get(ORGANISATION_NUMBER, "").split())
    if national and organisation:
        errors.add(line, NATIONAL_ID, f"give either {NATIONAL_ID} or {ORGANISATION_NUMBER}, not both")
        return None, "", NATIONAL_ID
    if national:
        return OwnerKind.PERSON, national, NATIONAL_ID
    if organisation:
        return OwnerKind.ORGANISATION, organisation, ORGANISATION_NUMBER
    errors.add(line, NATIONAL_ID, f"give {NATIONAL_ID} (a person) or {ORGANISATION_NUMBER} (an organisation)")
    return None, "", NATIONAL_ID


def _row(
    line: int, values: dict[str, str], errors: RowErrors, address_column: str = "address"
) -> OwnerRow | None:
    before = errors.total
    property_id = values.get("property_id", "")
    if not property_id:
        errors.add(line, "property_id", "is required")
    from_date = date.min
    try:
        from_date = read_day(values.get("from_date", ""))
    except ValueError as exc:
        errors.add(line, "from_date", str(exc) if values.get("from_date") else "is required")
    share = Fraction(0)
    try:
        share = read_share(values.get("share", ""))
    except ValueError as exc:
        errors.add(line, "share", str(exc))
    kind, number, identity_column = _identity(values, line, errors)
    owner = NewOwner(
        kind,
        number,
        values.get("owner_name", ""),
        share,
        Delivery(
            PostalAddress(
                (values.get(address_column, ""),), values.get("postcode", ""), values.get("city", "")
            ),
            values.get("channel", "").lower(),
            values.get("interval", "").lower().replace("-", "_"),
        ),
    )
    if kind is not None and share > 0:
        problems = Violations()
        owner_problems(owner, problems)
        for problem in problems.items:
            if problem.field == "identity_number":
                message = _NOT_A_NATIONAL_ID if kind == OwnerKind.PERSON else problem.description
                errors.add(line, identity_column, message)
            elif problem.field == "postal_address.address_lines":
                errors.add(line, address_column, problem.description)
            elif problem.field != "share":  # read above
                errors.add(line, _COLUMN_OF.get(problem.field, problem.field), problem.description)
    if errors.total != before:
        return None
    return OwnerRow(line, property_id, from_date, owner)


def read_owners(content: bytes) -> list[OwnershipChangeRows]:
    """The file's ownership changes in the file's order, each with its co-owners. Raises InvalidInput
    naming every bad row by line and column: a row that cannot be read, the same owner twice in one change,
    co-owners' shares that do not add up to exactly 1 (named on the change's first line)."""
    errors = RowErrors("line")
    _, rows = csv_rows(content, REQUIRED_COLUMNS, OWNERS_FILE, errors=errors)
    changes: dict[tuple[str, date], list[OwnerRow]] = {}
    refused: set[tuple[str, str]] = set()  # (property, first day as written) of rows with errors
    for line, values in rows:
        if NATIONAL_ID not in values and ORGANISATION_NUMBER not in values:
            raise _missing_identity_columns()
        row = _row(line, values, errors)
        if row is None:
            refused.add((values.get("property_id", ""), values.get("from_date", "")))
        else:
            changes.setdefault((row.property_id, row.from_date), []).append(row)
    grouped = [OwnershipChangeRows(pid, day, tuple(found)) for (pid, day), found in changes.items()]
    for change in grouped:
        # A change with a refused row is not added up: the sum would mislead until the row is put right.
        if not any(_same_change(change, written) for written in refused):
            _check_change(change, errors)
    errors.raise_if_any()
    return grouped


# A property file may name each property's owner in these columns (and from_date, share, owner_address,
# postcode, city, channel, interval); a row with none of them names no owner.
PROPERTY_FILE_OWNER_COLUMNS = ("owner_name", NATIONAL_ID, ORGANISATION_NUMBER)


def property_row_owner(line: int, values: dict[str, str], errors: RowErrors) -> OwnershipChangeRows | None:
    """The ownership change a property file's row names in its owner columns, under the owners file's
    rules (one owner a row: its share, 1 when not given, must be the whole); its postal address is
    owner_address, else the property's own address. None when the row names no owner."""
    if not any(values.get(column) for column in PROPERTY_FILE_OWNER_COLUMNS):
        return None
    owner_values = {**values, "share": values.get("share") or "1"}
    row = _row(line, owner_values, errors, "owner_address" if values.get("owner_address") else "address")
    if row is None:
        return None
    change = OwnershipChangeRows(row.property_id, row.from_date, (row,))
    before = errors.total
    _check_change(change, errors)
    return change if errors.total == before else None


def _same_change(change: OwnershipChangeRows, written: tuple[str, str]) -> bool:
    if written[0] != change.property_id:
        return False
    try:
        return read_day(written[1]) == change.from_date
    except ValueError:
        return True  # a row of this property without a readable day may belong to it


def _missing_identity_columns() -> InvalidInput:
    return InvalidInput.single("line 1", f"missing columns: {NATIONAL_ID} or {ORGANISATION_NUMBER}")


def _check_change(change: OwnershipChangeRows, errors: RowErrors) -> None:
    seen: dict[tuple[OwnerKind | None, str], int] = {}
    for row in change.rows:
        key = (row.owner.kind, row.owner.identity_number)
        if key in seen:
            column = NATIONAL_ID if row.owner.kind == OwnerKind.PERSON else ORGANISATION_NUMBER
            errors.add(row.line, column, f"the same owner as on line {seen[key]} for this change")
        seen.setdefault(key, row.line)
    total = sum((row.owner.share for row in change.rows), Fraction(0))
    if total != 1:
        errors.add(
            change.line,
            "share",
            f"the shares of {change.property_id} from {change.from_date:%d.%m.%Y} "
            f"({_lines([row.line for row in change.rows])}) add up to {total}, not 1",
        )


def _lines(numbers: list[int]) -> str:
    """ "line 2", "lines 2 and 3", "lines 2, 3 and 5"."""
    if len(numbers) == 1:
        return f"line {numbers[0]}"
    return f"lines {', '.join(map(str, numbers[:-1]))} and {numbers[-1]}"
