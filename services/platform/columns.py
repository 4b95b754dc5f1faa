"""The words each service's orm.py (and the platform tables) describe columns in, so that a table reads as
its columns: which are its key, which must be given, which may be empty, and of what kind."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Column, Date, DateTime, Integer
from sqlalchemy.types import TypeEngine

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")

# An instant, kept with its offset (the services write UTC).
Moment = DateTime(timezone=True)

ColumnType = TypeEngine[Any] | type[TypeEngine[Any]]


def key(name: str, type_: ColumnType, **options: Any) -> Column[Any]:
    """A column of the table's primary key."""
    return Column(name, type_, primary_key=True, **options)


def required(name: str, type_: ColumnType, **options: Any) -> Column[Any]:
    """A column every row has a value in (NOT NULL)."""
    return Column(name, type_, nullable=False, **options)


def optional(name: str, type_: ColumnType, **options: Any) -> Column[Any]:
    """A column a row may leave empty (NULL)."""
    return Column(name, type_, nullable=True, **options)


def share_held_over_time() -> tuple[Column[Any], ...]:
    """A share of a property held from a day (part of the key) until a day, exclusive (NULL while current):
    assessment's ownerships and billing's holdings."""
    return (
        key("valid_from", Date),
        optional("valid_to", Date),
        required("share_numerator", Integer),
        required("share_denominator", Integer),
    )
