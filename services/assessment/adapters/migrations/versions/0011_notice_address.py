"""Owners' wishes may name whom the inspection notice goes to and its postal address lines (an heir, a
guardian, the owner's postal address): inspection_requests gets notice_name and notice_lines (the lines
newline-joined), both empty for the wishes stored before (the owners at the property's address).
Cancellation letters need no table: they are stored in inspection_notices, their body's kind saying so.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("inspection_requests", sa.Column("notice_name", sa.Text, nullable=False, server_default=""))
    op.add_column(
        "inspection_requests", sa.Column("notice_lines", sa.Text, nullable=False, server_default="")
    )


def downgrade() -> None:
    with op.batch_alter_table("inspection_requests") as batch:
        batch.drop_column("notice_lines")
        batch.drop_column("notice_name")
