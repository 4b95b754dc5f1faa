"""Issued documents are frozen: each invoice keeps the recipient and the seller it was issued with.

Invoices issued before this revision are back-filled from the accounts and the seller file as they are
at the upgrade (the best record there is of what their documents showed); from then on they no longer
follow later changes.

Revision ID: 0006
Revises: 0005
"""

from dataclasses import asdict

import sqlalchemy as sa
from alembic import op

from services.billing.adapters.document_parties_store import seller_id
from services.billing.adapters.run_documents import load_seller
from services.platform.settings import Settings

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    parties = op.create_table(
        "invoice_parties",
        sa.Column("invoice_number", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("recipient_name", sa.String(200), nullable=False),
        sa.Column("recipient_organisation_number", sa.String(9), nullable=False),
        sa.Column("recipient_address_line", sa.String(200), nullable=False),
        sa.Column("recipient_postcode", sa.String(10), nullable=False),
        sa.Column("recipient_city", sa.String(100), nullable=False),
        sa.Column("seller_id", sa.String(64), nullable=False),
    )
    sellers = op.create_table(
        "sellers",
        sa.Column("seller_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("organisation_number", sa.Text, nullable=False),
        sa.Column("vat_number", sa.Text, nullable=False),
        sa.Column("street", sa.Text, nullable=False),
        sa.Column("postcode", sa.Text, nullable=False),
        sa.Column("city", sa.Text, nullable=False),
        sa.Column("bank_account", sa.Text, nullable=False),
        sa.Column("complaints_to", sa.Text, nullable=False),
    )
    bind = op.get_bind()
    invoices = sa.table("invoices", sa.column("invoice_number"), sa.column("account_id"))
    if bind.execute(sa.select(sa.func.count()).select_from(invoices)).scalar_one() == 0:
        return  # a new database: nothing issued yet, and no seller to record before the first run
    # The seller file the service itself reads (PROPERTYTAX_SELLER_FILE, else seller.yaml).
    seller = load_seller(Settings().seller_file)
    key = seller_id(seller)
    bind.execute(sa.insert(sellers).values(seller_id=key, **asdict(seller)))
    accounts = sa.table(
        "accounts",
        sa.column("account_id"),
        sa.column("name"),
        sa.column("organisation_number"),
        sa.column("address_line"),
        sa.column("postcode"),
        sa.column("city"),
    )
    bind.execute(
        sa.insert(parties).from_select(
            [c.name for c in parties.columns],
            sa.select(
                invoices.c.invoice_number,
                accounts.c.name,
                accounts.c.organisation_number,
                accounts.c.address_line,
                accounts.c.postcode,
                accounts.c.city,
                sa.literal(key, sa.String(64)),
            ).join(accounts, accounts.c.account_id == invoices.c.account_id),
        )
    )


def downgrade() -> None:
    op.drop_table("sellers")
    op.drop_table("invoice_parties")
