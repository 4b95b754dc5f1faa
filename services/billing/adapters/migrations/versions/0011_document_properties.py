"""What an issued invoice's document shows besides its recipient's address, frozen at issue like it:

- invoice_parties.recipient_customer_number: the recipient's kundenummer (accounts.customer_number).
- invoice_parties.document_properties: JSON list of the invoice's properties as the document names them
  (address, cadastral id) with the recipient's share of each.

Both are NULL for invoices issued before this revision: their documents render as they always did.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invoice_parties") as batch:
        batch.add_column(sa.Column("recipient_customer_number", sa.Integer, nullable=True))
        batch.add_column(sa.Column("document_properties", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invoice_parties") as batch:
        batch.drop_column("document_properties")
        batch.drop_column("recipient_customer_number")
