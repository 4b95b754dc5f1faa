"""The bank's transmission of each AvtaleGiro agreements file read (avtalegiro_files.transmission: data
transmitter and transmission number, from its transmission start record), unique: a bank never sends the
same transmission twice, so another file carrying one already read is a copy (edited, or saved with other
line ends) and is refused, as payment files are.

Files read before this revision have none: the check starts with the next file.

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("avtalegiro_files") as batch:
        batch.add_column(sa.Column("transmission", sa.String(40), nullable=True))
        batch.create_index("ux_avtalegiro_files_transmission", ["transmission"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("avtalegiro_files") as batch:
        batch.drop_index("ux_avtalegiro_files_transmission")
        batch.drop_column("transmission")
