"""Why an AvtaleGiro agreement ended (avtalegiro_agreements.ended_by: "payer", the payer deleted it in their
bank; "full_list", the bank's full list of active agreements left it out): what the officer tells a payer
who asks why the bank stopped paying. Agreements that ended before this revision have none.

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("avtalegiro_agreements") as batch:
        batch.add_column(sa.Column("ended_by", sa.String(20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("avtalegiro_agreements") as batch:
        batch.drop_column("ended_by")
