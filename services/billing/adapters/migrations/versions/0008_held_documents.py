"""Documents held because they cannot be delivered through the recipient's channel (paper without a
complete postal address, EHF without an organisation number): one row per run and recipient, released by
the first run after the recipient's details are complete, and the count on the run.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("billing_runs") as batch:
        batch.add_column(sa.Column("held", sa.Integer, nullable=False, server_default="0"))
    op.create_table(
        "held_documents",
        sa.Column("run_id", sa.String(36), primary_key=True),
        sa.Column("account_id", sa.String(40), primary_key=True),
        sa.Column("tax_year", sa.Integer, nullable=False),
        sa.Column("period_start", sa.Date, nullable=True),
        sa.Column("period_end", sa.Date, nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("documents", sa.Integer, nullable=False),
        sa.Column("total_ore", sa.BigInteger, nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_run_id", sa.String(36), nullable=True),
    )
    op.create_index("ix_held_documents_account", "held_documents", ["account_id", "released_run_id"])


def downgrade() -> None:
    op.drop_index("ix_held_documents_account", table_name="held_documents")
    op.drop_table("held_documents")
    with op.batch_alter_table("billing_runs") as batch:
        batch.drop_column("held")
