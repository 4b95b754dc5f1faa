"""Each service's migrations on SQLite and on PostgreSQL: up to head, down to nothing, up again; the rows
the newest revisions rewrite come through them; and the migrated database is what the ORM describes.

The ORM tables (services/<svc>/adapters/orm.py with the platform tables) are the schema's one source.
alembic's compare_metadata sees tables, columns, types, nullability, server defaults, indexes, unique and
foreign key constraints; it does not look at primary keys or at which column a sequence numbers, so those
are compared here beside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import (
    Column,
    Connection,
    DefaultClause,
    Index,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
    inspect,
    select,
)

from services.appeals.adapters import orm as appeals_orm
from services.assessment.adapters import orm as assessment_orm
from services.billing.adapters import orm as billing_orm
from services.platform.db import create_db_engine
from services.platform.migrations import alembic_config, upgrade_to_head

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class ServiceSchema:
    name: str
    metadata: MetaData
    migrations: Path


def _schema(name: str, orm: ModuleType) -> ServiceSchema:
    metadata = orm.metadata
    assert isinstance(metadata, MetaData)
    return ServiceSchema(name, metadata, Path(orm.__file__ or "").parent / "migrations")


SCHEMAS = [
    _schema("assessment", assessment_orm),
    _schema("billing", billing_orm),
    _schema("appeals", appeals_orm),
]


def _sqlite_literal(default: str) -> str:
    """The text of a string default as SQLite reports it: "''", "('')" or "'levy'" are '' and levy."""
    default = re.sub(r"^\((.*)\)$", r"\1", default)
    quoted = re.fullmatch(r"'(.*)'", default)
    return quoted.group(1).replace("''", "'") if quoted else default


def _server_defaults_differ(
    context: MigrationContext,
    inspected_column: Column[Any],
    metadata_column: Column[Any],
    inspected_default: str | None,
    metadata_default: Any,
    rendered_metadata_default: str | None,
) -> bool | None:
    # alembic's SQLite comparison unquotes '…' but not an empty '' (its pattern wants one character at
    # least), so server_default="" would always differ there; anything else is alembic's own call.
    if context.dialect.name == "sqlite" and rendered_metadata_default == "":
        return inspected_default is None or _sqlite_literal(inspected_default) != ""
    return None


def _flattened(diffs: Iterable[Any]) -> Iterable[tuple[Any, ...]]:
    # compare_metadata groups the modify_* changes of one column in a list.
    for diff in diffs:
        if isinstance(diff, list):
            yield from diff
        else:
            yield diff


def _shown(value: Any) -> str:
    """A type, a nullability or a server default (DefaultClause around a text or a string) as SQL shows it."""
    if isinstance(value, DefaultClause):
        return repr(str(getattr(value.arg, "text", value.arg)))
    return repr(value)


def _describe(diff: tuple[Any, ...]) -> str:
    """One line per difference: which table and column, what the database has, what the ORM says."""
    kind = diff[0]
    where = "in the ORM, missing from the database" if kind.startswith("add") else "in the database only"
    if kind in ("add_table", "remove_table"):
        return f"table {diff[1].name}: {where}"
    if kind in ("add_column", "remove_column"):
        return f"{diff[2]}.{diff[3].name} ({diff[3].type}): {where}"
    if kind in ("add_index", "remove_index"):
        index: Index = diff[1]
        columns = ", ".join(str(getattr(c, "name", c)) for c in index.expressions)
        unique = "unique " if index.unique else ""
        table = index.table.name if index.table is not None else "?"
        return f"{table}: {unique}index {index.name} ({columns}): {where}"
    if kind in ("add_constraint", "remove_constraint", "add_fk", "remove_fk"):
        constraint = diff[1]
        columns = ", ".join(c.name for c in constraint.columns)
        what = type(constraint).__name__
        return f"{constraint.table.name}: {what} {constraint.name} ({columns}): {where}"
    if kind.startswith("modify_"):
        _, _, table, column, _, in_database, in_orm = diff
        what = kind[len("modify_") :]
        return (
            f"{table}.{column}: {what} is {_shown(in_database)} in the database, {_shown(in_orm)} in the ORM"
        )
    return repr(diff)


def _primary_key_differences(connection: Connection, metadata: MetaData) -> list[str]:
    inspector = inspect(connection)
    found = []
    for table in metadata.sorted_tables:
        reflected = inspector.get_pk_constraint(table.name)
        in_database = reflected["constrained_columns"]
        in_orm = [c.name for c in table.primary_key.columns]
        if in_database != in_orm:
            found.append(
                f"{table.name}: primary key is ({', '.join(in_database)}) in the database, "
                f"({', '.join(in_orm)}) in the ORM"
            )
        # An unnamed key is named by the database: <table>_pkey on PostgreSQL, nothing on SQLite.
        default_name = f"{table.name}_pkey" if connection.dialect.name == "postgresql" else None
        name = table.primary_key.name or default_name
        if reflected["name"] != name:
            named = reflected["name"]
            found.append(f"{table.name}: primary key is named {named!r} in the database, {name!r} by the ORM")
        if connection.dialect.name == "postgresql":  # SQLite numbers any INTEGER PRIMARY KEY by itself
            numbered = [c["name"] for c in inspector.get_columns(table.name) if c.get("autoincrement")]
            auto = table.autoincrement_column
            if numbered != ([auto.name] if auto is not None else []):
                found.append(
                    f"{table.name}: numbered by a sequence is {numbered} in the database, "
                    f"{auto.name if auto is not None else 'none'} in the ORM"
                )
    return found


def schema_differences(connection: Connection, metadata: MetaData) -> list[str]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": _server_defaults_differ}
    )
    differences = [_describe(diff) for diff in _flattened(compare_metadata(context, metadata))]
    return differences + _primary_key_differences(connection, metadata)


def _differences_after_migrating(schema: ServiceSchema, url: str, metadata: MetaData) -> list[str]:
    upgrade_to_head(schema.migrations, url)
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            return schema_differences(connection, metadata)
    finally:
        engine.dispose()


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: s.name)
def test_migrations_apply_and_reverse(schema: ServiceSchema, database_url: str) -> None:
    every_table = set(schema.metadata.tables) | {"alembic_version"}
    upgrade_to_head(schema.migrations, database_url)
    engine = create_db_engine(database_url)
    try:
        assert set(inspect(engine).get_table_names()) == every_table
        command.downgrade(alembic_config(schema.migrations, database_url), "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade_to_head(schema.migrations, database_url)  # and once more, idempotently
        upgrade_to_head(schema.migrations, database_url)
        assert set(inspect(engine).get_table_names()) == every_table
    finally:
        engine.dispose()


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: s.name)
def test_migrated_database_is_what_the_orm_describes(schema: ServiceSchema, database_url: str) -> None:
    differences = _differences_after_migrating(schema, database_url, schema.metadata)
    assert not differences, f"{schema.name}: the migrations and orm.py differ:\n" + "\n".join(differences)


def _altered_copy(metadata: MetaData) -> MetaData:
    """Assessment's tables with one of each kind of difference the comparison must report."""
    altered = MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(altered)
    properties = altered.tables["properties"]
    properties.c.address.type = String(100)  # a type
    properties.c.build_year.nullable = False  # nullability
    properties.c.exemption_code.server_default = None  # a server default
    Index("ix_properties_address", properties.c.address)  # an index
    levy_jobs = altered.tables["levy_jobs"]
    levy_jobs.indexes = {i for i in levy_jobs.indexes if i.name != "ix_levy_jobs_tax_year"}  # and one less
    zones = altered.tables["zones"]
    zones.append_constraint(UniqueConstraint("name", name="uq_zones_name"))  # a unique constraint
    decisions = altered.tables["tax_year_decisions"]
    decisions.c.year.autoincrement = False  # a sequence (PostgreSQL's; SQLite numbers keys by itself)
    owners = altered.tables["owners"]
    owners.c.kind.primary_key = True  # a primary key
    owners.append_constraint(PrimaryKeyConstraint("owner_ref", "kind"))
    return altered


def test_the_comparison_reports_each_kind_of_difference(database_url: str) -> None:
    assessment = SCHEMAS[0]
    differences = _differences_after_migrating(assessment, database_url, _altered_copy(assessment.metadata))
    report = "\n".join(differences)
    assert "properties.address: type is VARCHAR(length=200) in the database, String(length=100)" in report
    assert "properties.build_year: nullable is True in the database, False in the ORM" in report
    assert "properties.exemption_code: default is" in report
    assert (
        "properties: index ix_properties_address (address): in the ORM, missing from the database" in report
    )
    assert "levy_jobs: index ix_levy_jobs_tax_year (tax_year): in the database only" in report
    assert "zones: UniqueConstraint uq_zones_name (name): in the ORM, missing from the database" in report
    assert "owners: primary key is (owner_ref) in the database, (owner_ref, kind) in the ORM" in report
    on_postgres = database_url.startswith("postgresql")
    if on_postgres:
        assert "tax_year_decisions: numbered by a sequence is ['year'] in the database, none in" in report
    assert len(differences) == (8 if on_postgres else 7), report


# The revisions that brought the schema to the ORM (assessment 0009, billing 0013, appeals 0008) change
# tables that may hold rows: (the revision before, the table). Each row must come through them unchanged.
BROUGHT_TO_THE_ORM = {
    "assessment": ("0008", "valuation_needs"),
    "billing": ("0012", "held_documents"),
    "appeals": ("0007", "appeal_cases"),
}


def _value_for(column: Column[Any], n: int) -> Any:
    python_type = column.type.python_type
    if python_type is bool:
        return n % 2 == 0
    if python_type is int:
        return 1000 + n
    if python_type is Decimal:
        return Decimal(f"{n}.25")
    if python_type is datetime:
        return datetime(2025, 3, 4, 5, 6, n, tzinfo=UTC)
    if python_type is date:
        return date(2025, 3, 1 + n)
    if python_type is str:
        return f"{column.name[:10]}-{n}"
    raise AssertionError(f"no sample value for {column.table.name}.{column.name} ({column.type})")


def _sample_rows(table: Table, count: int) -> list[dict[str, Any]]:
    return [{c.name: _value_for(c, n) for c in table.columns} for n in range(count)]


def _as_stored(row: Any) -> dict[str, Any]:
    # SQLite keeps a moment without its offset: compare moments as UTC without one.
    return {
        key: value.astimezone(UTC).replace(tzinfo=None)
        if isinstance(value, datetime) and value.tzinfo
        else value
        for key, value in dict(row).items()
    }


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: s.name)
def test_rows_survive_the_revisions_that_match_the_orm(schema: ServiceSchema, database_url: str) -> None:
    before, table_name = BROUGHT_TO_THE_ORM[schema.name]
    table = schema.metadata.tables[table_name]
    rows = _sample_rows(table, 3)
    command.upgrade(alembic_config(schema.migrations, database_url), before)
    engine = create_db_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(table.insert(), rows)
        upgrade_to_head(schema.migrations, database_url)
        with engine.connect() as connection:
            kept = connection.execute(select(table).order_by(*table.primary_key.columns)).mappings().all()
        assert [_as_stored(row) for row in kept] == [_as_stored(row) for row in rows]
    finally:
        engine.dispose()
