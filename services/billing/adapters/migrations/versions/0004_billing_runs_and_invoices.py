"""Billing runs, the invoice number series, invoices and their lines.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from services.platform.db_types import DecimalText

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "billing_runs",
        sa.Column("run_id", sa.String(36), primary_key=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("month", sa.Integer, nullable=False),
        sa.Column("issue_date", sa.Date, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("cursor", sa.String(40), nullable=False),
        sa.Column("invoices", sa.Integer, nullable=False),
        sa.Column("below_minimum", sa.Integer, nullable=False),
        sa.Column("total_ore", sa.BigInteger, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("year", "month", name="uq_billing_runs_month"),
    )
    op.create_table(
        "invoice_series",
        sa.Column("series", sa.String(20), primary_key=True),
        sa.Column("next_number", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "invoices",
        sa.Column("invoice_number", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("account_id", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("kid", sa.String(25), nullable=False, unique=True),
        sa.Column("issue_date", sa.Date, nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("net_ore", sa.BigInteger, nullable=False),
        sa.Column("vat_ore", sa.BigInteger, nullable=False),
        sa.Column("total_ore", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("run_id", "account_id", name="uq_invoices_run_account"),
    )
    op.create_index("ix_invoices_account", "invoices", ["account_id"])
    op.create_table(
        "invoice_lines",
        sa.Column("invoice_number", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("line_no", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("account_id", sa.String(40), nullable=False),
        sa.Column("property_id", sa.String(64), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("amount_ore", sa.BigInteger, nullable=False),
        sa.Column("vat_rate", DecimalText, nullable=False),
    )
    op.create_index("ix_invoice_lines_account_property", "invoice_lines", ["account_id", "property_id"])


def downgrade() -> None:
    for table in ("invoice_lines", "invoices", "invoice_series", "billing_runs"):
        op.drop_table(table)
