"""Postings without a charge code: ledger_postings.charge_code was never anything but "" (invoices post
their net, and what a claim is for is read from its invoice's lines), so the column is dropped.

Revision ID: 0026
Revises: 0025
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledger_postings") as table:
        table.drop_column("charge_code")


def downgrade() -> None:
    with op.batch_alter_table("ledger_postings") as table:
        table.add_column(sa.Column("charge_code", sa.String(40), nullable=False, server_default=""))
