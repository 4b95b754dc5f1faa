"""Collection (reminders): one reminder run per date; each step keeps what its letter shows (JSON), so a
letter renders the same forever; indexes for a run's steps and for holds by invoice and by appeal case.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("collection_runs") as batch:
        batch.create_unique_constraint("uq_collection_runs_run_on", ["run_on"])
    with op.batch_alter_table("collection_steps") as batch:
        batch.add_column(sa.Column("letter_data", sa.Text, nullable=False, server_default=""))
    op.create_index(
        "ix_collection_steps_run", "collection_steps", ["run_id", "account_id", "document_number"]
    )
    op.create_index("ix_collection_holds_document", "collection_holds", ["document_number"])
    op.create_index("ix_collection_holds_reference", "collection_holds", ["source", "reference"])


def downgrade() -> None:
    op.drop_index("ix_collection_holds_reference", "collection_holds")
    op.drop_index("ix_collection_holds_document", "collection_holds")
    op.drop_index("ix_collection_steps_run", "collection_steps")
    with op.batch_alter_table("collection_steps") as batch:
        batch.drop_column("letter_data")
    with op.batch_alter_table("collection_runs") as batch:
        batch.drop_constraint("uq_collection_runs_run_on", type_="unique")
