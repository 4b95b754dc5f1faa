"""The yearly property tax per property, from assessment's tax bases.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("billing_properties") as batch:
        batch.alter_column("property_id", type_=sa.String(64), existing_nullable=False)
    op.create_table(
        "property_taxes",
        sa.Column("property_id", sa.String(64), primary_key=True),
        sa.Column("tax_year", sa.Integer, primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("tax_ore", sa.BigInteger, nullable=False),
        sa.Column("tax_base_ore", sa.BigInteger, nullable=False),
        sa.Column("terms", sa.Integer, nullable=False),
        sa.Column("is_current", sa.Boolean, nullable=False),
        sa.Column("source_event_id", sa.String(36), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("property_taxes")
    with op.batch_alter_table("billing_properties") as batch:
        batch.alter_column("property_id", type_=sa.String(36), existing_nullable=False)
