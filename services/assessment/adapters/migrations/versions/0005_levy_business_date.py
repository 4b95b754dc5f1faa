"""The levy's business date: a levy job carries the day its tax bases are determined (StartLevy's
levied_on, today only when none is given), and its TaxBaseDetermined events carry that date rather than
the moment they were written.

Back-fill: a job started before this revision was dated by the day it started (Europe/Oslo), which is
what its events said (their occurred_at), so its date stays what consumers were told.

Revision ID: 0005
Revises: 0004
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from services.platform.clock import oslo_date

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("levy_jobs", sa.Column("levied_on", sa.Date, nullable=True))
    jobs = sa.table(
        "levy_jobs",
        sa.column("job_id"),
        sa.column("started_at", sa.DateTime),
        sa.column("levied_on", sa.Date),
    )
    bind = op.get_bind()
    for job_id, started_at in bind.execute(sa.select(jobs.c.job_id, jobs.c.started_at)).all():
        if isinstance(started_at, str):  # SQLite without type information
            started_at = datetime.fromisoformat(started_at)
        at = started_at if started_at.tzinfo else started_at.replace(tzinfo=UTC)
        bind.execute(jobs.update().where(jobs.c.job_id == job_id).values(levied_on=oslo_date(at)))


def downgrade() -> None:
    with op.batch_alter_table("levy_jobs") as batch:
        batch.drop_column("levied_on")
