"""Payment plans: the business day a plan ended (ended_on), completed, broken or cancelled. Before, only a
broken plan kept its day (broken_on); a cancelled plan kept none, so an officer could not tell when the
recipient's invoices were put back to reminders.

Plans broken before this revision get their broken_on as ended_on; completed and cancelled ones stay NULL
(their day was not kept).

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payment_plans") as batch:
        batch.add_column(sa.Column("ended_on", sa.Date, nullable=True))
    op.execute("UPDATE payment_plans SET ended_on = broken_on WHERE broken_on IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("payment_plans") as batch:
        batch.drop_column("ended_on")
