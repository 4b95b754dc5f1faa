"""The AvtaleGiro agreements files read (avtalegiro_files): the same bytes again change nothing, and a file
the bank sent before the last one read is refused, so an old list cannot bring back an agreement a payer
has since deleted.

Files read before this revision have no row: the check starts with the next file.

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "avtalegiro_files",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("sent_on", sa.Date, nullable=True),
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("avtalegiro_files")
