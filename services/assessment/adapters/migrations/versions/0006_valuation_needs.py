"""Valuation needs: the properties the register cannot value (no BRA for a dwelling, a point outside every
zone, a value of 0 kr), with the reason, instead of a valuation of 0 kr.

A housing value without a dwelling unit was stored under the unit "1"; it is the value of the property as
a whole, whose key is now "*" (services/assessment/domain/valuation.py WHOLE_PROPERTY), so that the tax
authority's value of a unit (H0101) replaces it rather than being added to it.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "valuation_needs",
        sa.Column("property_id", sa.String(64), primary_key=True),
        sa.Column("reason", sa.String(30), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("noted_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.execute("UPDATE housing_values SET unit = '*' WHERE unit = '1'")


def downgrade() -> None:
    op.execute("UPDATE housing_values SET unit = '1' WHERE unit = '*'")
    op.drop_table("valuation_needs")
