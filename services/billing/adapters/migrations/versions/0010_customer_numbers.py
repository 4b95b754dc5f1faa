"""Customer numbers (kundenummer): a short, stable number per invoice recipient that people can say on
the phone and find again, instead of assessment's opaque owner reference.

- accounts.customer_number: unique, never changed once given. Existing recipients are numbered 1, 2, …
  in the order billing created them (created_at, then account_id for those created in the same instant),
  so the backfill gives the same numbers on every copy of the database.
- accounts.name_search: the name case-folded in Python (services/platform/search_text.py), which the
  repository keeps up to date on every write, so that "ærlig" finds "ÆRLIG AS" on SQLite as on PostgreSQL.
- customer_number_counter: one row holding the last number given. New recipients take the next one by
  updating that row, which serialises concurrent transactions on it (PostgreSQL locks the row; SQLite
  has one writer), so no two recipients ever get the same number and none is skipped by a race.

Revision ID: 0010
Revises: 0009
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _fold(text: str) -> str:
    # As services/platform/search_text.py search_fold does at this revision.
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())


def _fold_names() -> None:
    accounts = sa.table("accounts", sa.column("account_id"), sa.column("name"), sa.column("name_search"))
    bind = op.get_bind()
    after = ""
    while True:  # in chunks by key, so that millions of recipients are not held in memory at once
        rows = bind.execute(
            sa.select(accounts.c.account_id, accounts.c.name)
            .where(accounts.c.account_id > after)
            .order_by(accounts.c.account_id)
            .limit(5000)
        ).all()
        if not rows:
            break
        bind.execute(
            accounts.update()
            .where(accounts.c.account_id == sa.bindparam("key"))
            .values(name_search=sa.bindparam("folded")),
            [{"key": r.account_id, "folded": _fold(r.name)} for r in rows],
        )
        after = rows[-1].account_id


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("customer_number", sa.Integer, nullable=True))
        batch.add_column(sa.Column("name_search", sa.Text, nullable=False, server_default=""))
    _fold_names()
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
        batch.drop_column("name_search")
        batch.drop_column("customer_number")
