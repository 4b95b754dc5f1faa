"""Payment files: one file per identity the bank gives it (format and file_reference: an OCR giro file's
data transmitter and transmission number, a camt.054 MsgId). A bank never sends the same transmission
twice, so a second file with the same identity but other bytes (a CRLF copy, one KID changed) is refused
by the import; this constraint makes it so even for two imports at the same moment.

Two rows with the same identity already are files booked twice: the upgrade stops and names them, for an
officer to reverse one import by hand, rather than keep a constraint that hides them.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    rows = op.get_bind().execute(
        sa.text("SELECT format, file_reference, file_name FROM payment_files ORDER BY imported_at")
    )
    names: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        names.setdefault((row.format, row.file_reference), []).append(row.file_name)
    twice = {identity: files for identity, files in names.items() if len(files) > 1}
    if twice:
        listed = "; ".join(f"{fmt} {ref}: {', '.join(files)}" for (fmt, ref), files in twice.items())
        raise RuntimeError(
            f"payment files imported twice (the same bank identity, different bytes): {listed}. "
            "Their payments are booked twice; reverse one import of each before upgrading."
        )
    with op.batch_alter_table("payment_files") as batch:
        batch.create_unique_constraint("uq_payment_files_identity", ["format", "file_reference"])


def downgrade() -> None:
    with op.batch_alter_table("payment_files") as batch:
        batch.drop_constraint("uq_payment_files_identity", type_="unique")
