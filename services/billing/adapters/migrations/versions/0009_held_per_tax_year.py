"""Held documents per tax year, with the period their amounts cover; a run's due count and why it issued
nothing.

- held_documents: one row per run, recipient and tax year (a later run that holds an earlier year's amounts
  again keeps that year); period_start/period_end now cover the lines that would have been issued, and
  due_end keeps the end of the period the recipient was due to be invoiced up to (what the next run plans
  again; empty when only corrections were held). Rows written before keep their period, which was the due
  period, as both.
- billing_runs: due (recipients whose interval starts a period in the run's month) and nothing_issued (why
  a run issued nothing, in words; empty when it issued something).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_COPIED = (
    "run_id, account_id, tax_year, period_start, period_end, reason, documents, total_ore, held_at, "
    "released_run_id"
)  # fixed column names, no input


def _held_table(name: str, per_year: bool) -> None:
    op.create_table(
        name,
        sa.Column("run_id", sa.String(36), primary_key=True),
        sa.Column("account_id", sa.String(40), primary_key=True),
        sa.Column("tax_year", sa.Integer, primary_key=per_year, nullable=False),
        sa.Column("period_start", sa.Date, nullable=True),
        sa.Column("period_end", sa.Date, nullable=True),
        *([sa.Column("due_end", sa.Date, nullable=True)] if per_year else []),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("documents", sa.Integer, nullable=False),
        sa.Column("total_ore", sa.BigInteger, nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_run_id", sa.String(36), nullable=True),
    )


def upgrade() -> None:
    with op.batch_alter_table("billing_runs") as batch:
        batch.add_column(sa.Column("due", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("nothing_issued", sa.Text, nullable=False, server_default=""))
    _held_table("held_documents_new", per_year=True)
    op.execute(
        f"INSERT INTO held_documents_new ({_COPIED}, due_end) "  # noqa: S608
        f"SELECT {_COPIED}, period_end FROM held_documents"
    )
    op.drop_index("ix_held_documents_account", table_name="held_documents")
    op.drop_table("held_documents")
    op.rename_table("held_documents_new", "held_documents")
    op.create_index("ix_held_documents_account", "held_documents", ["account_id", "released_run_id"])


def downgrade() -> None:
    _held_table("held_documents_old", per_year=False)
    # One row per run and recipient again: the earliest tax year's row stands for the recipient.
    op.execute(
        f"INSERT INTO held_documents_old ({_COPIED}) SELECT {_COPIED} FROM held_documents h "  # noqa: S608
        "WHERE h.tax_year = (SELECT MIN(o.tax_year) FROM held_documents o "
        "WHERE o.run_id = h.run_id AND o.account_id = h.account_id)"
    )
    op.drop_index("ix_held_documents_account", table_name="held_documents")
    op.drop_table("held_documents")
    op.rename_table("held_documents_old", "held_documents")
    op.create_index("ix_held_documents_account", "held_documents", ["account_id", "released_run_id"])
    with op.batch_alter_table("billing_runs") as batch:
        batch.drop_column("nothing_issued")
        batch.drop_column("due")
