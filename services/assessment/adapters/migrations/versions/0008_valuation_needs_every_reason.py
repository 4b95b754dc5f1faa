"""Valuation needs: every reason a property has, one row each (primary key property_id and reason), so
that a property without a location that gets a housing value of 0 kr is listed with both, and curing one
cause leaves the other listed. The table is rebuilt (SQLite cannot change a primary key in place); its
rows keep their one reason each.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _create(name: str, *primary_key: str) -> None:
    op.create_table(
        name,
        sa.Column("property_id", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(30), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("noted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(*primary_key, name=f"pk_{name}"),
    )


def upgrade() -> None:
    _create("valuation_needs_0008", "property_id", "reason")
    op.execute(
        "INSERT INTO valuation_needs_0008 (property_id, reason, detail, noted_at) "
        "SELECT property_id, reason, detail, noted_at FROM valuation_needs"
    )
    op.drop_table("valuation_needs")
    op.rename_table("valuation_needs_0008", "valuation_needs")


def downgrade() -> None:
    # One reason per property again: the first in reason order (the others are dropped).
    _create("valuation_needs_0007", "property_id")
    op.execute(
        "INSERT INTO valuation_needs_0007 (property_id, reason, detail, noted_at) "
        "SELECT n.property_id, n.reason, n.detail, n.noted_at FROM valuation_needs n "
        "WHERE n.reason = (SELECT MIN(m.reason) FROM valuation_needs m WHERE m.property_id = n.property_id)"
    )
    op.drop_table("valuation_needs")
    op.rename_table("valuation_needs_0007", "valuation_needs")
