"""Collection: bank files and their payments, the receivables ledger (entries and postings, never updated),
interest charged per invoice and stretch of days, reminder runs and their steps, holds on disputed amounts,
deferrals and instalment plans, and AvtaleGiro agreements.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payment_files",
        sa.Column("file_id", sa.String(36), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("file_reference", sa.Text, nullable=False),
        sa.Column("created_on", sa.Date, nullable=False),
        sa.Column("payments", sa.Integer, nullable=False),
        sa.Column("total_ore", sa.BigInteger, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "payments",
        sa.Column("payment_id", sa.String(36), primary_key=True),
        sa.Column("file_id", sa.String(36), nullable=False),
        sa.Column("line", sa.Integer, nullable=False),
        sa.Column("kid", sa.String(40), nullable=False),
        sa.Column("amount_ore", sa.BigInteger, nullable=False),
        sa.Column("paid_on", sa.Date, nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("payer_account", sa.String(20), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("account_id", sa.String(40), nullable=False),
        sa.Column("document_number", sa.BigInteger, nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_payments_account", "payments", ["account_id"])
    op.create_index("ix_payments_kid", "payments", ["kid"])
    op.create_index("ix_payments_state", "payments", ["state"])
    op.create_table(
        "ledger_entries",
        sa.Column("entry_id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("posted_on", sa.Date, nullable=False),
        sa.Column("account_id", sa.String(40), nullable=False),
        sa.Column("reference", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_ledger_entries_account", "ledger_entries", ["account_id", "posted_on"])
    op.create_table(
        "ledger_postings",
        sa.Column("entry_id", sa.String(36), primary_key=True),
        sa.Column("line", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("ledger_account", sa.String(30), nullable=False),
        sa.Column("account_id", sa.String(40), nullable=False),
        sa.Column("claim", sa.String(40), nullable=False),
        sa.Column("component", sa.String(20), nullable=False),
        sa.Column("charge_code", sa.String(40), nullable=False),
        sa.Column("amount_ore", sa.BigInteger, nullable=False),
        sa.Column("posted_on", sa.Date, nullable=False),
    )
    op.create_index("ix_ledger_postings_account", "ledger_postings", ["account_id", "ledger_account"])
    op.create_index("ix_ledger_postings_claim", "ledger_postings", ["claim"])
    op.create_table(
        "interest_charges",
        sa.Column("document_number", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("period_start", sa.Date, primary_key=True),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("amount_ore", sa.BigInteger, nullable=False),
        sa.Column("entry_id", sa.String(36), nullable=False),
    )
    op.create_table(
        "collection_runs",
        sa.Column("run_id", sa.String(36), primary_key=True),
        sa.Column("run_on", sa.Date, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("cursor", sa.String(40), nullable=False),
        sa.Column("reminders", sa.Integer, nullable=False),
        sa.Column("notices", sa.Integer, nullable=False),
        sa.Column("handed_over", sa.Integer, nullable=False),
        sa.Column("fees_ore", sa.BigInteger, nullable=False),
        sa.Column("interest_ore", sa.BigInteger, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "collection_steps",
        sa.Column("step_id", sa.String(36), primary_key=True),
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("account_id", sa.String(40), nullable=False),
        sa.Column("document_number", sa.BigInteger, nullable=False),
        sa.Column("step", sa.String(30), nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("claim_ore", sa.BigInteger, nullable=False),
        sa.Column("fee_ore", sa.BigInteger, nullable=False),
        sa.Column("secured_by_lien", sa.Boolean, nullable=False),
        sa.Column("letter", sa.Text, nullable=False),
        sa.UniqueConstraint("document_number", "step", "sequence", name="uq_collection_steps_step"),
    )
    op.create_index("ix_collection_steps_account", "collection_steps", ["account_id"])
    op.create_table(
        "collection_holds",
        sa.Column("hold_id", sa.String(36), primary_key=True),
        sa.Column("account_id", sa.String(40), nullable=False),
        sa.Column("document_number", sa.BigInteger, nullable=True),
        sa.Column("property_id", sa.String(64), nullable=False),
        sa.Column("tax_year", sa.Integer, nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("disputed_ore", sa.BigInteger, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("from_date", sa.Date, nullable=False),
        sa.Column("until_date", sa.Date, nullable=True),
    )
    op.create_index("ix_collection_holds_account", "collection_holds", ["account_id"])
    op.create_table(
        "payment_plans",
        sa.Column("plan_id", sa.String(36), primary_key=True),
        sa.Column("account_id", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("requested_on", sa.Date, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("interest_continues", sa.Boolean, nullable=False),
        sa.Column("documents", sa.Text, nullable=False),
        sa.Column("total_ore", sa.BigInteger, nullable=False),
        sa.Column("broken_on", sa.Date, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_payment_plans_account", "payment_plans", ["account_id"])
    op.create_table(
        "plan_instalments",
        sa.Column("plan_id", sa.String(36), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("amount_ore", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "avtalegiro_agreements",
        sa.Column("kid", sa.String(25), primary_key=True),
        sa.Column("account_id", sa.String(40), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("notify", sa.Boolean, nullable=False),
        sa.Column("registered_on", sa.Date, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_avtalegiro_account", "avtalegiro_agreements", ["account_id"])


def downgrade() -> None:
    op.drop_table("avtalegiro_agreements")
    op.drop_table("plan_instalments")
    op.drop_table("payment_plans")
    op.drop_table("collection_holds")
    op.drop_table("collection_steps")
    op.drop_table("collection_runs")
    op.drop_table("interest_charges")
    op.drop_table("ledger_postings")
    op.drop_table("ledger_entries")
    op.drop_table("payments")
    op.drop_table("payment_files")
