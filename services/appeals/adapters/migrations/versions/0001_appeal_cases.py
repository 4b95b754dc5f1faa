"""Complaints and the platform tables.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from services.platform.migrations import create_platform_tables, drop_platform_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables(op.get_bind())
    op.create_table(
        "appeal_cases",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("property_id", sa.String(36), nullable=False, index=True),
        sa.Column("tax_year", sa.Integer, nullable=False),
        sa.Column("state", sa.String(40), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("appeal_cases")
    drop_platform_tables(op.get_bind())
