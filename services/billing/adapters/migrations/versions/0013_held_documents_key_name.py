"""held_documents' primary key gets the name the ORM gives it (none: the database's own, held_documents_pkey
on PostgreSQL), as every other table's has. 0009 rebuilt the table as held_documents_new and PostgreSQL
named the key after that (held_documents_new_pkey), which a later migration would otherwise have to know.
Renaming the constraint leaves the rows as they are. SQLite keeps no name for it: nothing to do there.

Revision ID: 0013
Revises: 0012
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE held_documents RENAME CONSTRAINT held_documents_new_pkey TO held_documents_pkey"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE held_documents RENAME CONSTRAINT held_documents_pkey TO held_documents_new_pkey"
        )
