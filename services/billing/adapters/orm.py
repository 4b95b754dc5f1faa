"""Billing's tables."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from services.platform.db_types import DecimalText
from services.platform.tables import PlatformTables

metadata = MetaData()
platform_tables = PlatformTables(metadata)

billing_properties = Table(
    "billing_properties",
    metadata,
    Column("property_id", String(64), primary_key=True),
    Column("cadastral_id", String(40), nullable=False),
    Column("address", String(200), nullable=False),
    Column("category", String(40), nullable=False),
    Column("dwelling_units", Integer, nullable=False),
    Column("source_event_id", String(36), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("bra_m2", DecimalText, nullable=False, server_default="0"),  # sum of the floors' BRA
)

property_taxes = Table(
    "property_taxes",
    metadata,
    Column("property_id", String(64), primary_key=True),
    Column("tax_year", Integer, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("status", String(30), nullable=False),
    Column("tax_ore", BigInteger, nullable=False),
    Column("tax_base_ore", BigInteger, nullable=False),
    Column("terms", Integer, nullable=False),
    Column("is_current", Boolean, nullable=False),
    Column("source_event_id", String(36), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    # A correction's business date; NULL for a levy's version (in force from the start).
    Column("decided_on", Date, nullable=True),
)

accounts = Table(
    "accounts",
    metadata,
    Column("account_id", String(40), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("name", String(200), nullable=False),
    Column("organisation_number", String(9), nullable=False),
    Column("address_line", String(200), nullable=False),
    Column("postcode", String(10), nullable=False),
    Column("city", String(100), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("customer_number", Integer, nullable=False),  # kundenummer, given once, never changed
    Column("name_search", Text, nullable=False, server_default=""),  # name as search_fold folds it
    UniqueConstraint("customer_number", name="uq_accounts_customer_number"),
)

# The last customer number given (one row, id 1): the next recipient takes last_number + 1.
customer_number_counter = Table(
    "customer_number_counter",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("last_number", Integer, nullable=False),
)

account_intervals = Table(
    "account_intervals",
    metadata,
    Column("account_id", String(40), primary_key=True),
    Column("valid_from", Date, primary_key=True),
    Column("interval", String(20), nullable=False),
)

holdings = Table(
    "holdings",
    metadata,
    Column("property_id", String(64), primary_key=True),
    Column("account_id", String(40), primary_key=True),
    Column("valid_from", Date, primary_key=True),
    Column("valid_to", Date, nullable=True),  # exclusive; NULL while current
    Column("share_numerator", Integer, nullable=False),
    Column("share_denominator", Integer, nullable=False),
)

billing_runs = Table(
    "billing_runs",
    metadata,
    Column("run_id", String(36), primary_key=True),
    Column("year", Integer, nullable=False),
    Column("month", Integer, nullable=False),
    Column("issue_date", Date, nullable=False),
    Column("state", String(20), nullable=False),
    Column("cursor", String(40), nullable=False),
    Column("invoices", Integer, nullable=False),
    Column("below_minimum", Integer, nullable=False),
    Column("credit_notes", Integer, nullable=False, server_default="0"),
    Column("total_ore", BigInteger, nullable=False),
    Column("error", Text, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("held", Integer, nullable=False, server_default="0"),  # recipients whose documents were held
    Column("due", Integer, nullable=False, server_default="0"),  # recipients whose period starts that month
    Column("nothing_issued", Text, nullable=False, server_default=""),  # why it issued nothing, if it did not
    UniqueConstraint("year", "month", name="uq_billing_runs_month"),
)

# Documents a run could not deliver through the recipient's channel: not issued (no number, no event),
# held with the reason until a run after the recipient's details are complete issues what is owed then.
# One row per run, recipient and tax year: the period is what the held amounts of that year cover.
held_documents = Table(
    "held_documents",
    metadata,
    Column("run_id", String(36), primary_key=True),
    Column("account_id", String(40), primary_key=True),
    Column("tax_year", Integer, primary_key=True),
    Column("period_start", Date, nullable=True),  # the lines' first day
    Column("period_end", Date, nullable=True),  # the day after the lines' last day
    Column("due_end", Date, nullable=True),  # the due period's end it was held for (None: corrections only)
    Column("reason", Text, nullable=False),
    Column("documents", Integer, nullable=False),
    Column("total_ore", BigInteger, nullable=False),
    Column("held_at", DateTime(timezone=True), nullable=False),
    Column("released_run_id", String(36), nullable=True),  # the run that issued (or settled) them
    Index("ix_held_documents_account", "account_id", "released_run_id"),
)

# One row per number series: numbers are taken in the same transaction as the invoices, so a rolled-back
# chunk gives its numbers back and the series never has a gap (a database sequence would leave gaps).
invoice_series = Table(
    "invoice_series",
    metadata,
    Column("series", String(20), primary_key=True),
    Column("next_number", BigInteger, nullable=False),
)

invoices = Table(
    "invoices",
    metadata,
    Column("invoice_number", BigInteger, primary_key=True, autoincrement=False),
    Column("kind", String(20), nullable=False),
    Column("run_id", String(36), nullable=False),
    Column("account_id", String(40), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("kid", String(25), nullable=False, unique=True),
    Column("issue_date", Date, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("net_ore", BigInteger, nullable=False),
    Column("vat_ore", BigInteger, nullable=False),
    Column("total_ore", BigInteger, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("corrects_invoice_number", BigInteger, nullable=True),  # credit notes and supplements
    UniqueConstraint("run_id", "account_id", "kind", name="uq_invoices_run_account_kind"),
    Index("ix_invoices_account", "account_id"),
    Index("ix_invoices_issue_date", "issue_date"),
)

invoice_lines = Table(
    "invoice_lines",
    metadata,
    Column("invoice_number", BigInteger, primary_key=True, autoincrement=False),
    Column("line_no", Integer, primary_key=True, autoincrement=False),
    Column("account_id", String(40), nullable=False),
    Column("property_id", String(64), nullable=False),
    Column("code", String(40), nullable=False),
    Column("description", String(200), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("amount_ore", BigInteger, nullable=False),
    Column("vat_rate", DecimalText, nullable=False),
    Index("ix_invoice_lines_account_property", "account_id", "property_id"),
    Index("ix_invoice_lines_property", "property_id"),
)

# What each invoice's document shows of its recipient, copied from the account when it was issued, and
# which issuer it names: documents rendered again show the address and bank account of their day.
invoice_parties = Table(
    "invoice_parties",
    metadata,
    Column("invoice_number", BigInteger, primary_key=True, autoincrement=False),
    Column("recipient_name", String(200), nullable=False),
    Column("recipient_organisation_number", String(9), nullable=False),
    Column("recipient_address_line", String(200), nullable=False),
    Column("recipient_postcode", String(10), nullable=False),
    Column("recipient_city", String(100), nullable=False),
    Column("seller_id", String(64), nullable=False),
    # Migration 0011; NULL on invoices issued before it (their documents render without these parts).
    Column("recipient_customer_number", Integer, nullable=True),
    Column("document_properties", Text, nullable=True),  # JSON: the properties as the document names them
)

# The issuer (seller.yaml) as it stood, once per distinct content: seller_id is a hash of the fields, so
# 135,000 invoices of one run share one row and a changed file adds a row instead of changing one.
sellers = Table(
    "sellers",
    metadata,
    Column("seller_id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("organisation_number", Text, nullable=False),
    Column("vat_number", Text, nullable=False),
    Column("street", Text, nullable=False),
    Column("postcode", Text, nullable=False),
    Column("city", Text, nullable=False),
    Column("bank_account", Text, nullable=False),
    Column("complaints_to", Text, nullable=False),
)

# The council's fee schedule per year, as the file it adopted; a new version replaces the current one.
fee_schedules = Table(
    "fee_schedules",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("document", Text, nullable=False),
    Column("stored_at", DateTime(timezone=True), nullable=False),
)

# What the fees depend on beyond the register: billing's own facts per property (absent: the defaults).
fee_facts = Table(
    "fee_facts",
    metadata,
    Column("property_id", String(64), primary_key=True),
    Column("chimneys", Integer, nullable=False),
    Column("connected_to_water", Boolean, nullable=False),
    Column("summer_only", Boolean, nullable=False),
    Column("no_wc", Boolean, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

meter_readings = Table(
    "meter_readings",
    metadata,
    Column("property_id", String(64), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("m3", DecimalText, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

# Recipients whose past invoices of a year may be wrong (a corrected tax base, a change of owner): the
# next billing run settles them with a credit note or a supplementary invoice, due or not.
pending_corrections = Table(
    "pending_corrections",
    metadata,
    Column("account_id", String(40), primary_key=True),
    Column("tax_year", Integer, primary_key=True),
    Column("flagged_at", DateTime(timezone=True), nullable=False),
)
