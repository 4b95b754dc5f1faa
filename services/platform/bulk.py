"""Bulk inserts that stay fast at register scale: COPY on PostgreSQL, executemany elsewhere.

Both run inside the caller's transaction, so a bulk insert commits or rolls back with everything else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator


def bulk_insert(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "postgresql":
        session.execute(insert(table), list(rows))
        return
    columns = list(rows[0].keys())
    # COPY bypasses SQLAlchemy's type processing: apply the column types' own conversions here.
    converters = [
        table.c[name].type.process_bind_param if isinstance(table.c[name].type, TypeDecorator) else None  # type: ignore[attr-defined]
        for name in columns
    ]
    quoted = ", ".join(dialect.identifier_preparer.quote(name) for name in columns)
    driver = connection.connection.driver_connection
    assert driver is not None
    values = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
    # Only the few columns with a conversion are touched per row (an invoice line has one of ten).
    converted = [(index, convert) for index, convert in enumerate(converters) if convert is not None]
    with driver.cursor() as cursor, cursor.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
        if not converted:  # the common case: the values as they are, taken in one C call a row
            for row in rows:
                copy.write_row(values(row))
            return
        for row in rows:
            line = list(values(row))
            for index, convert in converted:
                line[index] = convert(line[index], dialect)
            copy.write_row(line)
