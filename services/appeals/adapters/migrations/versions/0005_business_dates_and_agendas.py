"""Business dates and agendas as planned.

- first_invoices: the issue date of the first invoice that carried a property's tax for a year (billing's
  InvoiceIssued), the dispatch of that year's bill from which the complaint deadline runs.
- appeal_cases.dispatch_basis: which date bill_dispatched_on is. Back-fill: a corrected bill's case
  'correction'; a levy's bill dated by the recorded dispatch day (a date other than the levy's)
  'calendar'; the rest 'levy'.
- appeal_cases.acknowledged_on: the day the acknowledgement is dated. Left empty for earlier cases, whose
  acknowledgement stays dated the day they were registered, as it was issued.
- meeting_agenda: every case put on a meeting's agenda, kept whatever happens to the case later.
  Back-fill: the cases on a meeting now and the cases decided at a meeting (each was on its agenda).

Revision ID: 0005
Revises: 0004
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "first_invoices",
        sa.Column("property_id", sa.String(100), primary_key=True),
        sa.Column("tax_year", sa.Integer, primary_key=True),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("source_event_id", sa.String(36), nullable=False),
    )
    op.add_column(
        "appeal_cases", sa.Column("dispatch_basis", sa.String(20), nullable=False, server_default="levy")
    )
    op.add_column("appeal_cases", sa.Column("acknowledged_on", sa.Date, nullable=True))
    cases = sa.table(
        "appeal_cases",
        sa.column("case_id"),
        sa.column("meeting_id"),
        sa.column("notice_from_levy", sa.Boolean),
        sa.column("notice_dispatched_on", sa.Date),
        sa.column("bill_dispatched_on", sa.Date),
        sa.column("dispatch_basis"),
    )
    bind = op.get_bind()
    bind.execute(
        cases.update().where(cases.c.notice_from_levy.is_(False)).values(dispatch_basis="correction")
    )
    bind.execute(
        cases.update()
        .where(cases.c.notice_from_levy.is_(True), cases.c.bill_dispatched_on != cases.c.notice_dispatched_on)
        .values(dispatch_basis="calendar")
    )
    agenda = op.create_table(
        "meeting_agenda",
        sa.Column("meeting_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("scheduled_on", sa.Date, nullable=True),
        sa.Column("moved_on", sa.Date, nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_meeting_agenda_case_id", "meeting_agenda", ["case_id"])
    at = sa.literal(datetime.now(UTC), sa.DateTime(timezone=True))
    decisions = sa.table("appeal_decisions", sa.column("case_id"), sa.column("meeting_id"))
    columns = ["meeting_id", "case_id", "recorded_at"]
    bind.execute(
        agenda.insert().from_select(
            columns,
            sa.select(decisions.c.meeting_id, decisions.c.case_id, at).distinct(),
        )
    )
    bind.execute(
        agenda.insert().from_select(
            columns, sa.select(cases.c.meeting_id, cases.c.case_id, at).where(cases.c.meeting_id != "")
        )
    )


def downgrade() -> None:
    op.drop_index("ix_meeting_agenda_case_id", table_name="meeting_agenda")
    op.drop_table("meeting_agenda")
    with op.batch_alter_table("appeal_cases") as batch:
        batch.drop_column("acknowledged_on")
        batch.drop_column("dispatch_basis")
    op.drop_table("first_invoices")
