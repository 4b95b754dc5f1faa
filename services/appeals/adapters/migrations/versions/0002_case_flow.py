"""Complaints with their case flow, case history, decisions, committees and meetings, tax notices.

0001 had no way to register a complaint, so its appeal_cases table is empty: it is rebuilt with the
complaint's columns (and the upgrade refuses to run over rows, rather than lose them).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT COUNT(*) FROM appeal_cases")).scalar_one():
        raise RuntimeError("appeal_cases has rows; 0002 rebuilds the table and would lose them")
    op.drop_table("appeal_cases")
    op.create_table(
        "appeal_cases",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("property_id", sa.String(100), nullable=False, index=True),
        sa.Column("tax_year", sa.Integer, nullable=False),
        sa.Column("state", sa.String(40), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("case_number", sa.String(20), nullable=False, unique=True),
        sa.Column("complainant_kind", sa.String(20), nullable=False),
        sa.Column("complainant_name", sa.String(200), nullable=False),
        sa.Column("complainant_address", sa.Text, nullable=False),
        sa.Column("complainant_owner_ref", sa.String(100), nullable=False),
        sa.Column("complainant_represents", sa.String(200), nullable=False),
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("postmarked_on", sa.Date, nullable=True),
        sa.Column("grounds", sa.Text, nullable=False),
        sa.Column("attachments", sa.Text, nullable=False),
        sa.Column("tax_base_version", sa.Integer, nullable=False),
        sa.Column("valuation_version", sa.Integer, nullable=False),
        sa.Column("disputed_value_ore", sa.BigInteger, nullable=False),
        sa.Column("notice_dispatched_on", sa.Date, nullable=False),
        sa.Column("notice_from_levy", sa.Boolean, nullable=False),
        sa.Column("list_announced_on", sa.Date, nullable=False),
        sa.Column("bill_dispatched_on", sa.Date, nullable=False),
        sa.Column("deadline", sa.Date, nullable=False),
        sa.Column("late", sa.Boolean, nullable=False),
        sa.Column("late_admission", sa.Text, nullable=False),
        sa.Column("preliminary_answer_due", sa.Date, nullable=False),
        sa.Column("preliminary_answer_sent_on", sa.Date, nullable=True),
        sa.Column("preliminary_answer_reason", sa.Text, nullable=False),
        sa.Column("expected_decision_on", sa.Date, nullable=True),
        sa.Column("inspection_requested_on", sa.Date, nullable=True),
        sa.Column("inspection_note", sa.Text, nullable=False),
        sa.Column("inspection_completed_on", sa.Date, nullable=True),
        sa.Column("inspection_findings", sa.Text, nullable=False),
        sa.Column("prepared_on", sa.Date, nullable=True),
        sa.Column("recommendation", sa.Text, nullable=False),
        sa.Column("case_officer", sa.String(200), nullable=False),
        sa.Column("committee_id", sa.String(36), nullable=False),
        sa.Column("appeals_committee_id", sa.String(36), nullable=False),
        sa.Column("meeting_id", sa.String(36), nullable=False),
        sa.Column("forwarded_on", sa.Date, nullable=True),
        sa.Column("outcome", sa.String(40), nullable=True),
        sa.Column("closed_on", sa.Date, nullable=True),
        sa.Column("closing_reason", sa.Text, nullable=False),
        sa.Index("ix_appeal_cases_year_state", "tax_year", "state"),
        sa.Index("ix_appeal_cases_meeting", "meeting_id"),
        sa.Index("ix_appeal_cases_answer_due", "preliminary_answer_due"),
    )
    op.create_table(
        "appeal_case_numbers",
        sa.Column("tax_year", sa.Integer, primary_key=True),
        sa.Column("last_number", sa.Integer, nullable=False),
    )
    op.create_table(
        "appeal_case_history",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(36), nullable=False, index=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("from_state", sa.String(40), nullable=True),
        sa.Column("to_state", sa.String(40), nullable=False),
        sa.Column("on_date", sa.Date, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "appeal_decisions",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("instance", sa.String(40), primary_key=True),
        sa.Column("meeting_id", sa.String(36), nullable=False, index=True),
        sa.Column("decided_on", sa.Date, nullable=False),
        sa.Column("outcome", sa.String(40), nullable=False),
        sa.Column("new_value_ore", sa.BigInteger, nullable=True),
        sa.Column("reasons", sa.Text, nullable=False),
        sa.Column("participant_ids", sa.Text, nullable=False),
        sa.Column("appeal_by", sa.Date, nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "tax_notices",
        sa.Column("property_id", sa.String(100), primary_key=True),
        sa.Column("tax_year", sa.Integer, primary_key=True),
        sa.Column("tax_base_version", sa.Integer, nullable=False),
        sa.Column("valuation_version", sa.Integer, nullable=False),
        sa.Column("value_ore", sa.BigInteger, nullable=False),
        sa.Column("dispatched_on", sa.Date, nullable=False),
        sa.Column("from_levy", sa.Boolean, nullable=False),
        sa.Column("source_event_id", sa.String(36), nullable=False),
    )
    op.create_table(
        "tax_year_calendars",
        sa.Column("tax_year", sa.Integer, primary_key=True),
        sa.Column("list_announced_on", sa.Date, nullable=False),
        sa.Column("bills_dispatched_on", sa.Date, nullable=True),
    )
    op.create_table(
        "committees",
        sa.Column("committee_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
    )
    op.create_table(
        "committee_members",
        sa.Column("member_id", sa.String(36), primary_key=True),
        sa.Column("committee_id", sa.String(36), nullable=False, index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("term_start", sa.Date, nullable=False),
        sa.Column("term_end", sa.Date, nullable=False),
        sa.Column("executive_board", sa.Boolean, nullable=False),
    )
    op.create_table(
        "meetings",
        sa.Column("meeting_id", sa.String(36), primary_key=True),
        sa.Column("committee_id", sa.String(36), nullable=False, index=True),
        sa.Column("meets_on", sa.Date, nullable=False),
        sa.Column("location", sa.String(200), nullable=False),
    )
    op.create_table(
        "disqualifications",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("member_id", sa.String(36), primary_key=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "disqualifications",
        "meetings",
        "committee_members",
        "committees",
        "tax_year_calendars",
        "tax_notices",
        "appeal_decisions",
        "appeal_case_history",
        "appeal_case_numbers",
        "appeal_cases",
    ):
        op.drop_table(table)
    op.create_table(
        "appeal_cases",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("property_id", sa.String(36), nullable=False, index=True),
        sa.Column("tax_year", sa.Integer, nullable=False),
        sa.Column("state", sa.String(40), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
    )
