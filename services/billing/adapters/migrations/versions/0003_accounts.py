"""Invoice recipients, their invoice intervals, and which properties they hold when.

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
        "accounts",
        sa.Column("account_id", sa.String(40), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("organisation_number", sa.String(9), nullable=False),
        sa.Column("address_line", sa.String(200), nullable=False),
        sa.Column("postcode", sa.String(10), nullable=False),
        sa.Column("city", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "account_intervals",
        sa.Column("account_id", sa.String(40), primary_key=True),
        sa.Column("valid_from", sa.Date, primary_key=True),
        sa.Column("interval", sa.String(20), nullable=False),
    )
    op.create_table(
        "holdings",
        sa.Column("property_id", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.String(40), primary_key=True),
        sa.Column("valid_from", sa.Date, primary_key=True),
        sa.Column("valid_to", sa.Date, nullable=True),
        sa.Column("share_numerator", sa.Integer, nullable=False),
        sa.Column("share_denominator", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("holdings")
    op.drop_table("account_intervals")
    op.drop_table("accounts")
