"""Issued letters are frozen: each keeps what it shows besides the case (the office's letterhead, the
complaint period it quotes, the deciding committee's name and kind) as it stood at the act that issued it.

Back-fill: letters issued before this revision were rendered on request from the configuration and the
committees of the day they were asked for, so there is no record of what they first showed. They get the
configuration file as it is on the day of the upgrade (PROPERTYTAX_APPEALS_CONFIG_FILE, else
services/appeals/appeals.yaml, as the service reads it) and the committees as they are named then; from
then on they no longer follow either.

Revision ID: 0004
Revises: 0003
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from services.appeals.adapters.config_file import load_config
from services.appeals.adapters.letter_repository import office_json
from services.platform.settings import Settings

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    letters = op.create_table(
        "appeal_letter_inputs",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("letter", sa.String(40), primary_key=True),
        sa.Column("instance", sa.String(40), primary_key=True),
        sa.Column("office", sa.Text, nullable=False),
        sa.Column("complaint_weeks", sa.Integer, nullable=True),
        sa.Column("committee_id", sa.String(36), nullable=True),
        sa.Column("committee_name", sa.String(200), nullable=True),
        sa.Column("committee_kind", sa.String(20), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    bind = op.get_bind()
    cases = sa.table("appeal_cases", sa.column("case_id"), sa.column("preliminary_answer_sent_on"))
    if bind.execute(sa.select(sa.func.count()).select_from(cases)).scalar_one() == 0:
        return  # a new database: no letter issued yet, and no configuration to read
    config = load_config(Settings().appeals_config_file)  # the file of the upgrade day, see above
    office = sa.literal(office_json(config.office), sa.Text)
    at = sa.literal(datetime.now(UTC), sa.DateTime(timezone=True))
    common = ["case_id", "letter", "instance", "office", "recorded_at"]

    # Every case was acknowledged at registration, quoting the complaint period.
    bind.execute(
        letters.insert().from_select(
            [*common, "complaint_weeks"],
            sa.select(
                cases.c.case_id,
                sa.literal("acknowledgement", sa.String(40)),
                sa.literal("", sa.String(40)),
                office,
                at,
                sa.literal(config.policy.complaint_weeks, sa.Integer),
            ),
        )
    )
    bind.execute(
        letters.insert().from_select(
            common,
            sa.select(
                cases.c.case_id,
                sa.literal("preliminary_answer", sa.String(40)),
                sa.literal("", sa.String(40)),
                office,
                at,
            ).where(cases.c.preliminary_answer_sent_on.is_not(None)),
        )
    )
    # One decision letter per decision, naming the committee whose meeting decided.
    decisions = sa.table(
        "appeal_decisions", sa.column("case_id"), sa.column("instance"), sa.column("meeting_id")
    )
    meetings = sa.table("meetings", sa.column("meeting_id"), sa.column("committee_id"))
    committees = sa.table("committees", sa.column("committee_id"), sa.column("name"), sa.column("kind"))
    bind.execute(
        letters.insert().from_select(
            [*common, "committee_id", "committee_name", "committee_kind"],
            sa.select(
                decisions.c.case_id,
                sa.literal("decision", sa.String(40)),
                decisions.c.instance,
                office,
                at,
                committees.c.committee_id,
                committees.c.name,
                committees.c.kind,
            )
            .join(meetings, meetings.c.meeting_id == decisions.c.meeting_id)
            .join(committees, committees.c.committee_id == meetings.c.committee_id),
        )
    )


def downgrade() -> None:
    op.drop_table("appeal_letter_inputs")
