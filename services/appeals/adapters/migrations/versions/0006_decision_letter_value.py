"""A decision letter keeps the value it starts from.

- appeal_letter_inputs.value_before_ore: for a decision letter, the property's value when the committee
  decided (the bill's, or what a decision in any of the property's cases set since); the letter states the
  value in force after the decision from it. Left empty for letters issued before, which keep stating the
  value from their own case, as they were issued.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("appeal_letter_inputs", sa.Column("value_before_ore", sa.BigInteger, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("appeal_letter_inputs") as batch:
        batch.drop_column("value_before_ore")
