"""An index on inbox.processed_at, so that pruning old inbox ids (services/platform/messaging/retention.py)
finds them without reading the whole table.

A database created at this revision or later already has it from 0001, which creates the platform tables
as services/platform/tables.py defines them now: hence IF (NOT) EXISTS.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_inbox_processed_at", "inbox", ["processed_at"], if_not_exists=True)


def downgrade() -> None:
    op.drop_index("ix_inbox_processed_at", table_name="inbox", if_exists=True)
