"""Case-insensitive search of Norwegian text the same on SQLite and PostgreSQL: properties get a stored
search_text, the address and the property id case-folded in Python (Unicode NFC, str.casefold), which the
repository keeps up to date on every write. SQLite's lower() folds only ASCII ("Øvre" stayed "Øvre") and
PostgreSQL's lower() depends on the cluster's locale, so neither is asked to fold.

Revision ID: 0007
Revises: 0006
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _fold(text: str) -> str:
    # As services/assessment/adapters/repository.py search_fold does at this revision.
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())


def upgrade() -> None:
    op.add_column("properties", sa.Column("search_text", sa.Text, nullable=False, server_default=""))
    properties = sa.table(
        "properties", sa.column("property_id"), sa.column("address"), sa.column("search_text")
    )
    bind = op.get_bind()
    after = ""
    while True:  # in chunks by key, so that a register of millions is not held in memory at once
        rows = bind.execute(
            sa.select(properties.c.property_id, properties.c.address)
            .where(properties.c.property_id > after)
            .order_by(properties.c.property_id)
            .limit(5000)
        ).all()
        if not rows:
            break
        bind.execute(
            properties.update()
            .where(properties.c.property_id == sa.bindparam("key"))
            .values(search_text=sa.bindparam("folded")),
            [{"key": r.property_id, "folded": _fold(f"{r.address}\n{r.property_id}")} for r in rows],
        )
        after = rows[-1].property_id


def downgrade() -> None:
    with op.batch_alter_table("properties") as batch:
        batch.drop_column("search_text")
