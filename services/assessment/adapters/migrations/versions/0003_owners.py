"""Owners (identity numbers sealed) and ownerships over time.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "owners",
        sa.Column("owner_ref", sa.String(40), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("identity_sealed", sa.Text, nullable=False),
    )
    op.create_table(
        "ownerships",
        sa.Column("property_id", sa.String(64), primary_key=True),
        sa.Column("owner_ref", sa.String(40), primary_key=True),
        sa.Column("valid_from", sa.Date, primary_key=True),
        sa.Column("valid_to", sa.Date, nullable=True),
        sa.Column("share_numerator", sa.Integer, nullable=False),
        sa.Column("share_denominator", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ownerships")
    op.drop_table("owners")
