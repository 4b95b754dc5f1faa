"""Field results get ids of their own: an inspection of a property valued from the tax authority's housing
value proposes no valuation, so a result cannot be keyed by the valuation it gave. inspection_results'
key valuation_id becomes result_id (the ids stored so far are kept, each the id of its proposal), and a
nullable valuation_id names the proposal, filled from the key for the results stored before.

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
    with op.batch_alter_table("inspection_results") as batch:
        batch.alter_column("valuation_id", new_column_name="result_id", existing_type=sa.String(36))
    op.add_column("inspection_results", sa.Column("valuation_id", sa.String(36), nullable=True))
    op.execute("UPDATE inspection_results SET valuation_id = result_id")


def downgrade() -> None:
    with op.batch_alter_table("inspection_results") as batch:
        batch.drop_column("valuation_id")
        batch.alter_column("result_id", new_column_name="valuation_id", existing_type=sa.String(36))
