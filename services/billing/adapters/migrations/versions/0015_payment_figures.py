"""Payments: an imported file keeps the figures its import reported (so that the same file given again
answers with them, even after its unmatched payments were allocated), and a payment keeps the payer's name
when the file gives one (camt.054 Dbtr/Nm), for the unmatched queue.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payment_files") as batch:
        batch.add_column(sa.Column("figures", sa.Text, nullable=False, server_default=""))
    with op.batch_alter_table("payments") as batch:
        batch.add_column(sa.Column("payer_name", sa.Text, nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("payments") as batch:
        batch.drop_column("payer_name")
    with op.batch_alter_table("payment_files") as batch:
        batch.drop_column("figures")
