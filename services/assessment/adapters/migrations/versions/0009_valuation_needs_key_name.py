"""valuation_needs' primary key gets the name the ORM gives it (none: the database's own), as every other
table's has. 0008 rebuilt the table under a temporary name and named the key after it
(pk_valuation_needs_0008), which a later migration would otherwise have to know. The rows stay as they are:
PostgreSQL renames the constraint (valuation_needs_pkey); SQLite, which names a key only in the table's
definition, gets the table rebuilt with an unnamed key and its rows copied over.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_COLUMNS = "property_id, reason, detail, noted_at"  # fixed column names, no input


def _rebuild_on_sqlite(key_name: str | None) -> None:
    op.create_table(
        "valuation_needs_0009",
        sa.Column("property_id", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(30), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("noted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("property_id", "reason", name=key_name),
    )
    op.execute(f"INSERT INTO valuation_needs_0009 ({_COLUMNS}) SELECT {_COLUMNS} FROM valuation_needs")  # noqa: S608
    op.drop_table("valuation_needs")
    op.rename_table("valuation_needs_0009", "valuation_needs")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE valuation_needs RENAME CONSTRAINT pk_valuation_needs_0008 TO valuation_needs_pkey"
        )
    else:
        _rebuild_on_sqlite(None)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE valuation_needs RENAME CONSTRAINT valuation_needs_pkey TO pk_valuation_needs_0008"
        )
    else:
        _rebuild_on_sqlite("pk_valuation_needs_0008")
