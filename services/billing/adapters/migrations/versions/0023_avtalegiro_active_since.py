"""The day an AvtaleGiro agreement last became active, kept once it ends (avtalegiro_agreements.active_since):
registered_on then holds the day it ended, and the officer answering a payer asks both.

Agreements active now take it from registered_on (the day they became active); those that ended before this
revision have none (the day was not kept).

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("avtalegiro_agreements") as batch:
        batch.add_column(sa.Column("active_since", sa.Date(), nullable=True))
    op.execute("UPDATE avtalegiro_agreements SET active_since = registered_on WHERE active")


def downgrade() -> None:
    with op.batch_alter_table("avtalegiro_agreements") as batch:
        batch.drop_column("active_since")
