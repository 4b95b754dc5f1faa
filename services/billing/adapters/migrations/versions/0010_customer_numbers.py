"""Customer numbers (kundenummer): a short, stable number per invoice recipient that people can say on
the phone and find again, instead of assessment's opaque owner reference.

- accounts.customer_number: unique, never changed once given. Existing recipients are numbered 1, 2, …
  in the order billing created them (created_at, then account_id for those created in the same instant),
  so the backfill gives the same numbers on every copy of the database.
- customer_number_counter: one row holding the last number given. New recipients take the next one by
  updating that row, which serialises concurrent transactions on it (PostgreSQL locks the row; SQLite
  has one writer), so no two recipients ever get the same number and none is skipped by a race.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("customer_number", sa.Integer, nullable=True))
    op.execute(
        "UPDATE accounts SET customer_number = numbered.n FROM ("
        "SELECT account_id, ROW_NUMBER() OVER (ORDER BY created_at, account_id) AS n FROM accounts"
        ") AS numbered WHERE accounts.account_id = numbered.account_id"
    )
    with op.batch_alter_table("accounts") as batch:
        batch.alter_column("customer_number", existing_type=sa.Integer, nullable=False)
        batch.create_unique_constraint("uq_accounts_customer_number", ["customer_number"])
    op.create_table(
        "customer_number_counter",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("last_number", sa.Integer, nullable=False),
    )
    op.execute(
        "INSERT INTO customer_number_counter (id, last_number) "
        "SELECT 1, COALESCE(MAX(customer_number), 0) FROM accounts"
    )


def downgrade() -> None:
    op.drop_table("customer_number_counter")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_constraint("uq_accounts_customer_number", type_="unique")
        batch.drop_column("customer_number")
