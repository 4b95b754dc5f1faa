"""property_taxes.decided_on: the business date of a corrected tax base version (the § 17 correction's
day or the appeals committee's decision), so that a billing run issued on a day bills the tax base as it
stood on that day and leaves a later-dated correction to a later run.

NULL for versions determined by a levy and for corrections received before this revision: in force from
the start.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("property_taxes") as batch:
        batch.add_column(sa.Column("decided_on", sa.Date, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("property_taxes") as batch:
        batch.drop_column("decided_on")
