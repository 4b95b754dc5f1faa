"""Reminder runs in lanes: a run goes through its recipients in ranges of account ids (lanes), each with
its own cursor, so that several processes can take a run's chunks at once, and how many recipients each held
when it was done. The run's single cursor moves into one lane per existing run (done for a run past its
chunks; its count of recipients not known).

Revision ID: 0027
Revises: 0026
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "collection_run_lanes",
        sa.Column("run_id", sa.String(36), primary_key=True),
        sa.Column("lane", sa.Integer, primary_key=True),
        sa.Column("after", sa.String(40), nullable=False),
        sa.Column("through", sa.String(40), nullable=True),
        sa.Column("cursor", sa.String(40), nullable=False),
        sa.Column("done", sa.Boolean, nullable=False),
        # How many recipients the lane held when it was done: a run's count stays what it went through.
        sa.Column("recipients", sa.Integer, nullable=True),
    )
    op.execute(
        "INSERT INTO collection_run_lanes (run_id, lane, after, through, cursor, done) "
        "SELECT run_id, 0, '', NULL, cursor, state IN ('written', 'completed') FROM collection_runs"
    )
    with op.batch_alter_table("collection_runs") as table:
        table.drop_column("cursor")


def downgrade() -> None:
    with op.batch_alter_table("collection_runs") as table:
        table.add_column(sa.Column("cursor", sa.String(40), nullable=False, server_default=""))
    # A run's cursor is where its lanes have come to together only when it has one lane.
    op.execute(
        "UPDATE collection_runs SET cursor = (SELECT MAX(cursor) FROM collection_run_lanes l "
        "WHERE l.run_id = collection_runs.run_id)"
    )
    op.drop_table("collection_run_lanes")
