"""Fee schedules, per-property fee facts and meter readings, pending corrections, credit notes.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from services.platform.db_types import DecimalText

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("billing_properties", sa.Column("bra_m2", DecimalText, nullable=False, server_default="0"))
    op.create_table(
        "fee_schedules",
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "fee_facts",
        sa.Column("property_id", sa.String(64), primary_key=True),
        sa.Column("chimneys", sa.Integer, nullable=False),
        sa.Column("connected_to_water", sa.Boolean, nullable=False),
        sa.Column("summer_only", sa.Boolean, nullable=False),
        sa.Column("no_wc", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "meter_readings",
        sa.Column("property_id", sa.String(64), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("m3", DecimalText, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "pending_corrections",
        sa.Column("account_id", sa.String(40), primary_key=True),
        sa.Column("tax_year", sa.Integer, primary_key=True),
        sa.Column("flagged_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.add_column("billing_runs", sa.Column("credit_notes", sa.Integer, nullable=False, server_default="0"))
    with op.batch_alter_table("invoices") as batch:
        batch.add_column(sa.Column("corrects_invoice_number", sa.BigInteger, nullable=True))
        batch.drop_constraint("uq_invoices_run_account", type_="unique")
        batch.create_unique_constraint("uq_invoices_run_account_kind", ["run_id", "account_id", "kind"])
    # Officers find invoices by property, run and issue date.
    op.create_index("ix_invoice_lines_property", "invoice_lines", ["property_id"])
    op.create_index("ix_invoices_issue_date", "invoices", ["issue_date"])


def downgrade() -> None:
    op.drop_index("ix_invoices_issue_date", "invoices")
    op.drop_index("ix_invoice_lines_property", "invoice_lines")
    with op.batch_alter_table("invoices") as batch:
        batch.drop_constraint("uq_invoices_run_account_kind", type_="unique")
        batch.create_unique_constraint("uq_invoices_run_account", ["run_id", "account_id"])
        batch.drop_column("corrects_invoice_number")
    op.drop_column("billing_runs", "credit_notes")
    op.drop_table("pending_corrections")
    op.drop_table("meter_readings")
    op.drop_table("fee_facts")
    op.drop_table("fee_schedules")
    op.drop_column("billing_properties", "bra_m2")
