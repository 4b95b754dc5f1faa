"""Inspections: the inspection history and registered changes, appeal cases' re-inspection needs, field
results, plan versions, owners' requests and the notices issued to them.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "inspection_history",
        sa.Column("property_id", sa.String(64), primary_key=True),
        sa.Column("event", sa.String(20), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("recorded_at", _MOMENT, nullable=False),
    )
    op.create_table(
        "inspection_appeal_needs",
        sa.Column("case_id", sa.String(64), primary_key=True),
        sa.Column("property_id", sa.String(64), nullable=False),
        sa.Column("since", sa.Date, nullable=False),
        sa.Column("needed_by", sa.Date, nullable=True),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("done_on", sa.Date, nullable=True),
        sa.Column("noted_at", _MOMENT, nullable=False),
    )
    op.create_index("ix_inspection_appeal_needs_property_id", "inspection_appeal_needs", ["property_id"])
    op.create_table(
        "inspection_results",
        sa.Column("valuation_id", sa.String(36), primary_key=True),
        sa.Column("property_id", sa.String(64), nullable=False),
        sa.Column("inspected_on", sa.Date, nullable=False),
        sa.Column("assessor_id", sa.String(64), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("recorded_at", _MOMENT, nullable=False),
    )
    op.create_index("ix_inspection_results_property_id", "inspection_results", ["property_id"])
    op.create_table(
        "inspection_plans",
        sa.Column("plan_id", sa.String(36), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("first_day", sa.Date, nullable=False),
        sa.Column("last_day", sa.Date, nullable=False),
        sa.Column("made_on", sa.Date, nullable=False),
        sa.Column("cause", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", _MOMENT, nullable=False),
    )
    op.create_table(
        "inspection_requests",
        sa.Column("property_id", sa.String(64), primary_key=True),
        sa.Column("asked_on", sa.Date, nullable=False),
        sa.Column("notify", sa.Boolean, nullable=False),
        sa.Column("day", sa.Date, nullable=True),
        sa.Column("from_time", sa.String(5), nullable=True),
        sa.Column("until_time", sa.String(5), nullable=True),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_table(
        "inspection_notices",
        sa.Column("notice_id", sa.String(36), primary_key=True),
        sa.Column("plan_id", sa.String(36), nullable=False),
        sa.Column("plan_version", sa.Integer, nullable=False),
        sa.Column("property_id", sa.String(64), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("replaces", sa.String(36), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("issued_at", _MOMENT, nullable=False),
    )
    op.create_index("ix_inspection_notices_property_id", "inspection_notices", ["property_id"])
    op.create_index("ix_inspection_notices_plan", "inspection_notices", ["plan_id", "plan_version"])


def downgrade() -> None:
    for table in (
        "inspection_notices",
        "inspection_requests",
        "inspection_plans",
        "inspection_results",
        "inspection_appeal_needs",
        "inspection_history",
    ):
        op.drop_table(table)
