"""Billing's tables."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Date, Index, Integer, String, Table, Text, UniqueConstraint

from services.platform.columns import Moment, key, optional, required, share_held_over_time
from services.platform.db_types import DecimalText
from services.platform.tables import PlatformTables

platform_tables = PlatformTables()
metadata = platform_tables.metadata

billing_properties = Table(
    "billing_properties",
    metadata,
    key("property_id", String(64)),
    required("cadastral_id", String(40)),
    required("address", String(200)),
    required("category", String(40)),
    required("dwelling_units", Integer),
    required("source_event_id", String(36)),
    required("created_at", Moment),
    required("bra_m2", DecimalText, server_default="0"),  # sum of the floors' BRA
)

property_taxes = Table(
    "property_taxes",
    metadata,
    key("property_id", String(64)),
    key("tax_year", Integer),
    key("version", Integer),
    required("status", String(30)),
    required("tax_ore", BigInteger),
    required("tax_base_ore", BigInteger),
    required("terms", Integer),
    required("is_current", Boolean),
    required("source_event_id", String(36)),
    required("received_at", Moment),
    # A correction's business date; NULL for a levy's version (in force from the start).
    optional("decided_on", Date),
)

accounts = Table(
    "accounts",
    metadata,
    key("account_id", String(40)),
    required("kind", String(20)),
    required("name", String(200)),
    required("organisation_number", String(9)),
    required("address_line", String(200)),
    required("postcode", String(10)),
    required("city", String(100)),
    required("channel", String(20)),
    required("created_at", Moment),
    required("customer_number", Integer),  # kundenummer, given once, never changed
    required("name_search", Text, server_default=""),  # name as search_fold folds it
    UniqueConstraint("customer_number", name="uq_accounts_customer_number"),
)

# The last customer number given (one row, id 1): the next recipient takes last_number + 1.
customer_number_counter = Table(
    "customer_number_counter",
    metadata,
    key("id", Integer),
    required("last_number", Integer),
)

account_intervals = Table(
    "account_intervals",
    metadata,
    key("account_id", String(40)),
    key("valid_from", Date),
    required("interval", String(20)),
)

holdings = Table(
    "holdings",
    metadata,
    key("property_id", String(64)),
    key("account_id", String(40)),
    *share_held_over_time(),
)

billing_runs = Table(
    "billing_runs",
    metadata,
    key("run_id", String(36)),
    required("year", Integer),
    required("month", Integer),
    required("issue_date", Date),
    required("state", String(20)),
    required("cursor", String(40)),
    required("invoices", Integer),
    required("below_minimum", Integer),
    required("credit_notes", Integer, server_default="0"),
    required("total_ore", BigInteger),
    required("error", Text),
    required("started_at", Moment),
    optional("finished_at", Moment),
    required("held", Integer, server_default="0"),  # recipients whose documents were held
    required("due", Integer, server_default="0"),  # recipients whose period starts that month
    required("nothing_issued", Text, server_default=""),  # why it issued nothing, if it did not
    UniqueConstraint("year", "month", name="uq_billing_runs_month"),
)

# Documents a run could not deliver through the recipient's channel: not issued (no number, no event),
# held with the reason until a run after the recipient's details are complete issues what is owed then.
# One row per run, recipient and tax year: the period is what the held amounts of that year cover.
held_documents = Table(
    "held_documents",
    metadata,
    key("run_id", String(36)),
    key("account_id", String(40)),
    key("tax_year", Integer),
    optional("period_start", Date),  # the lines' first day
    optional("period_end", Date),  # the day after the lines' last day
    optional("due_end", Date),  # the due period's end it was held for (None: corrections only)
    required("reason", Text),
    required("documents", Integer),
    required("total_ore", BigInteger),
    required("held_at", Moment),
    optional("released_run_id", String(36)),  # the run that issued (or settled) them
    Index("ix_held_documents_account", "account_id", "released_run_id"),
)

# One row per number series: numbers are taken in the same transaction as the invoices, so a rolled-back
# chunk gives its numbers back and the series never has a gap (a database sequence would leave gaps).
invoice_series = Table(
    "invoice_series",
    metadata,
    key("series", String(20)),
    required("next_number", BigInteger),
)

invoices = Table(
    "invoices",
    metadata,
    key("invoice_number", BigInteger, autoincrement=False),
    required("kind", String(20)),
    required("run_id", String(36)),
    required("account_id", String(40)),
    required("channel", String(20)),
    required("kid", String(25), unique=True),
    required("issue_date", Date),
    required("due_date", Date),
    required("period_start", Date),
    required("period_end", Date),
    required("net_ore", BigInteger),
    required("vat_ore", BigInteger),
    required("total_ore", BigInteger),
    required("created_at", Moment),
    optional("corrects_invoice_number", BigInteger),  # credit notes and supplements
    UniqueConstraint("run_id", "account_id", "kind", name="uq_invoices_run_account_kind"),
    Index("ix_invoices_account", "account_id"),
    Index("ix_invoices_issue_date", "issue_date"),
)

invoice_lines = Table(
    "invoice_lines",
    metadata,
    key("invoice_number", BigInteger, autoincrement=False),
    key("line_no", Integer, autoincrement=False),
    required("account_id", String(40)),
    required("property_id", String(64)),
    required("code", String(40)),
    required("description", String(200)),
    required("period_start", Date),
    required("period_end", Date),
    required("amount_ore", BigInteger),
    required("vat_rate", DecimalText),
    Index("ix_invoice_lines_account_property", "account_id", "property_id"),
    Index("ix_invoice_lines_property", "property_id"),
)

# What each invoice's document shows of its recipient, copied from the account when it was issued, and
# which issuer it names: documents rendered again show the address and bank account of their day.
invoice_parties = Table(
    "invoice_parties",
    metadata,
    key("invoice_number", BigInteger, autoincrement=False),
    required("recipient_name", String(200)),
    required("recipient_organisation_number", String(9)),
    required("recipient_address_line", String(200)),
    required("recipient_postcode", String(10)),
    required("recipient_city", String(100)),
    required("seller_id", String(64)),
    # Migration 0011; NULL on invoices issued before it (their documents render without these parts).
    optional("recipient_customer_number", Integer),
    optional("document_properties", Text),  # JSON: the properties as the document names them
)

# The issuer (seller.yaml) as it stood, once per distinct content: seller_id is a hash of the fields, so
# 135,000 invoices of one run share one row and a changed file adds a row instead of changing one.
sellers = Table(
    "sellers",
    metadata,
    key("seller_id", String(64)),
    required("name", Text),
    required("organisation_number", Text),
    required("vat_number", Text),
    required("street", Text),
    required("postcode", Text),
    required("city", Text),
    required("bank_account", Text),
    required("complaints_to", Text),
)

# The council's fee schedule per year, as the file it adopted; a new version replaces the current one.
fee_schedules = Table(
    "fee_schedules",
    metadata,
    key("year", Integer),
    key("version", Integer),
    required("document", Text),
    required("stored_at", Moment),
)

# What the fees depend on beyond the register: billing's own facts per property (absent: the defaults).
fee_facts = Table(
    "fee_facts",
    metadata,
    key("property_id", String(64)),
    required("chimneys", Integer),
    required("connected_to_water", Boolean),
    required("summer_only", Boolean),
    required("no_wc", Boolean),
    required("updated_at", Moment),
)

meter_readings = Table(
    "meter_readings",
    metadata,
    key("property_id", String(64)),
    key("year", Integer),
    required("m3", DecimalText),
    required("recorded_at", Moment),
)

# Recipients whose past invoices of a year may be wrong (a corrected tax base, a change of owner): the
# next billing run settles them with a credit note or a supplementary invoice, due or not.
pending_corrections = Table(
    "pending_corrections",
    metadata,
    key("account_id", String(40)),
    key("tax_year", Integer),
    required("flagged_at", Moment),
)
