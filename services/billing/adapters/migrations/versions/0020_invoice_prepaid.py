"""What the recipient's credits paid of an invoice when it was issued (invoice_prepaid): a billing chunk
sets credit notes and overpayments off against the invoices it issues, and the documents (EHF
PrepaidAmount, a line on the PDF) show it and ask for the rest.

Invoices issued before this revision get no row: their documents were rendered with the whole total to
pay, and an issued document renders as it was issued.

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invoice_prepaid",
        sa.Column("invoice_number", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("amount_ore", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("invoice_prepaid")
