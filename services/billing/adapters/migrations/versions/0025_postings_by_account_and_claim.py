"""Postings by recipient, claim and amount (ix_ledger_postings_account on account_id, ledger_account, claim,
with component and amount_ore carried in the index on PostgreSQL): a reminder run finds its next chunk of
recipients with something overdue by reading the index in recipient order and stopping when the chunk is
full, instead of summing every posting after its cursor once per chunk; a chunk's balances are read from
the index alone.

Revision ID: 0025
Revises: 0024
"""

from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_ledger_postings_account", table_name="ledger_postings")
    op.create_index(
        "ix_ledger_postings_account",
        "ledger_postings",
        ["account_id", "ledger_account", "claim"],
        postgresql_include=["component", "amount_ore"],
    )


def downgrade() -> None:
    op.drop_index("ix_ledger_postings_account", table_name="ledger_postings")
    op.create_index("ix_ledger_postings_account", "ledger_postings", ["account_id", "ledger_account"])
