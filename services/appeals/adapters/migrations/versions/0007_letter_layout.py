"""A letter keeps the layout it was issued in.

- appeal_letter_inputs.layout: 1 for every letter issued before (date and reference on one line, the PDF
  dated 01.01.2000), so they render as they were sent; letters issued from now on are stored with 2 (date
  and reference on lines of their own, the PDF dated the letter's date).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("appeal_letter_inputs", sa.Column("layout", sa.Integer, nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("appeal_letter_inputs") as batch:
        batch.drop_column("layout")
