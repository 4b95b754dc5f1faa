"""appeal_cases.dispatch_basis without a server default, as the ORM declares it: 0005 gave the column the
default 'levy' only to fill the cases registered before it (then set each case's own basis), and every case
registered since is written with its basis (adapters/repository.py). A row without one is now refused
rather than taken for a levy's bill. The rows stay as they are (SQLite copies them into the table rebuilt
without the default).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("appeal_cases") as batch:
        batch.alter_column(
            "dispatch_basis", existing_type=sa.String(20), existing_nullable=False, server_default=None
        )


def downgrade() -> None:
    with op.batch_alter_table("appeal_cases") as batch:
        batch.alter_column(
            "dispatch_basis", existing_type=sa.String(20), existing_nullable=False, server_default="levy"
        )
