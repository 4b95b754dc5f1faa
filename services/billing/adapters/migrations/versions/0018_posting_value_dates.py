"""Ledger postings: a value date (value_on), the day a movement took effect when it is booked later: a
payment allocated by hand after the day it was paid, a credit set off after the day it arose. Late-payment
interest is reckoned by it, so a late allocation or set-off no longer charges interest for days the money
or credit was already there.

NULL means the entry's posted_on: every posting stored before this revision keeps its meaning, and a
posting booked the day it took effect needs nothing.

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledger_postings") as batch:
        batch.add_column(sa.Column("value_on", sa.Date, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ledger_postings") as batch:
        batch.drop_column("value_on")
