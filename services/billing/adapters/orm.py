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

# What the recipient's credits (credit notes, overpayments) paid of an invoice when it was issued: set off
# in the issuing transaction, so the document shows it and asks for the rest (EHF PrepaidAmount). Only
# invoices issued with a set-off have a row; later set-offs are payments, not part of the document.
invoice_prepaid = Table(
    "invoice_prepaid",
    metadata,
    key("invoice_number", BigInteger, autoincrement=False),
    required("amount_ore", BigInteger),
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

# --- Collection (issue 16): payments in, the receivables ledger, reminders, interest, plans -------------

# A bank file imported once: its content hash recognises the same file given again.
payment_files = Table(
    "payment_files",
    metadata,
    key("file_id", String(36)),
    required("sha256", String(64), unique=True),
    required("format", String(20)),
    required("file_name", Text),
    required("file_reference", Text),  # OCR: data transmitter/transmission number; camt: message id
    required("created_on", Date),  # the file's own date
    required("payments", Integer),
    required("total_ore", BigInteger),
    required("imported_at", Moment),
    required("figures", Text, server_default=""),  # JSON: what its import reported (migration 0015)
    # A bank never sends the same transmission (message) twice: one file per identity (migration 0017).
    UniqueConstraint("format", "file_reference", name="uq_payment_files_identity"),
)

# Each credited payment of a file, and what became of it (matched, unmatched, allocated, returned).
payments = Table(
    "payments",
    metadata,
    key("payment_id", String(36)),
    required("file_id", String(36)),
    required("line", Integer),
    required("kid", String(40)),
    required("amount_ore", BigInteger),
    required("paid_on", Date),
    required("reference", String(64)),
    required("payer_account", String(20)),
    required("state", String(20)),
    required("account_id", String(40)),  # "" while not identified
    optional("document_number", BigInteger),  # the invoice its KID (or an officer) named
    required("received_at", Moment),
    required("payer_name", Text, server_default=""),  # as the file gives it (migration 0015)
    Index("ix_payments_kid", "kid"),
    Index("ix_payments_state", "state"),
    Index("ix_payments_account", "account_id"),
)

# The receivables ledger: entries (one business event each) and their postings, never updated or deleted.
ledger_entries = Table(
    "ledger_entries",
    metadata,
    key("entry_id", String(36)),
    required("kind", String(30)),
    required("posted_on", Date),
    required("account_id", String(40)),
    required("reference", Text),
    required("description", Text),
    required("recorded_at", Moment),
    Index("ix_ledger_entries_account", "account_id", "posted_on"),
)

ledger_postings = Table(
    "ledger_postings",
    metadata,
    key("entry_id", String(36)),
    key("line", Integer, autoincrement=False),
    required("ledger_account", String(30)),
    required("account_id", String(40)),
    required("claim", String(40)),
    required("component", String(20)),
    required("amount_ore", BigInteger),
    required("posted_on", Date),  # the entry's business date, here too for reports by date
    optional("value_on", Date),  # the day it took effect when earlier than posted_on; NULL: posted_on
    Index("ix_ledger_postings_claim", "claim"),
    # In recipient and claim order with what a balance sums (migration 0025): a reminder run reads its
    # next chunk's overdue claims from the index and stops when the chunk is full.
    Index(
        "ix_ledger_postings_account",
        "account_id",
        "ledger_account",
        "claim",
        postgresql_include=["component", "amount_ore"],
    ),
)

# Interest charged on an invoice for a stretch of days, so that no day is charged twice.
interest_charges = Table(
    "interest_charges",
    metadata,
    key("document_number", BigInteger, autoincrement=False),
    key("period_start", Date),
    required("period_end", Date),  # exclusive
    required("amount_ore", BigInteger),
    required("entry_id", String(36)),
)

# A reminder run (or a collection run) over all recipients, a job like a billing run.
collection_runs = Table(
    "collection_runs",
    metadata,
    key("run_id", String(36)),
    required("run_on", Date),  # the business date of its letters
    required("state", String(20)),
    required("reminders", Integer),
    required("notices", Integer),
    required("handed_over", Integer),
    required("fees_ore", BigInteger),
    required("interest_ore", BigInteger),
    required("error", Text),
    required("started_at", Moment),
    optional("finished_at", Moment),
    UniqueConstraint("run_on", name="uq_collection_runs_run_on"),  # one run per date (migration 0016)
)

# A run's lanes: ranges of account ids (after < id <= through; through NULL: to the last), each gone through
# on its own from its cursor, so that several processes take a run's chunks at once (migration 0027).
collection_run_lanes = Table(
    "collection_run_lanes",
    metadata,
    key("run_id", String(36)),
    key("lane", Integer),
    required("after", String(40)),
    optional("through", String(40)),
    required("cursor", String(40)),
    required("done", Boolean),
    optional("recipients", Integer),  # how many recipients the lane held when done (NULL before)
)

# Each collection step taken on an invoice: a reminder, a notice of enforced collection, the hand-over.
collection_steps = Table(
    "collection_steps",
    metadata,
    key("step_id", String(36)),
    required("run_id", String(36)),
    required("account_id", String(40)),
    required("document_number", BigInteger),
    required("step", String(30)),
    required("sequence", Integer),  # 1 for the first reminder, 2 for the second, …
    required("issued_on", Date),
    required("due_on", Date),
    required("claim_ore", BigInteger),  # what was open on the invoice when the step was taken
    required("fee_ore", BigInteger),
    required("secured_by_lien", Boolean),
    required("letter", Text),  # the letter's file name under the run's folder ("" for a hand-over)
    # JSON: what the letter shows, fixed when the step was taken (domain/reminders.py ReminderLetter;
    # migration 0016), so that it renders the same forever; "" for a hand-over.
    required("letter_data", Text, server_default=""),
    UniqueConstraint("document_number", "step", "sequence", name="uq_collection_steps_step"),
    Index("ix_collection_steps_account", "account_id"),
    Index("ix_collection_steps_run", "run_id", "account_id", "document_number"),  # migration 0016
)

# What holds reminders on an invoice's disputed amount: an objection (innsigelse) or an appeal case.
collection_holds = Table(
    "collection_holds",
    metadata,
    key("hold_id", String(36)),
    required("account_id", String(40)),
    optional("document_number", BigInteger),  # None: every invoice carrying the property's tax of the year
    required("property_id", String(64)),
    required("tax_year", Integer),
    required("source", String(20)),  # objection | appeal
    required("reference", String(64)),  # the appeal case id, or "" for an objection
    required("disputed_ore", BigInteger),  # 0: the whole open amount
    required("reason", Text),
    required("from_date", Date),
    optional("until_date", Date),  # when the objection was settled or the case decided
    Index("ix_collection_holds_account", "account_id"),
    Index("ix_collection_holds_document", "document_number"),  # migration 0016
    Index("ix_collection_holds_reference", "source", "reference"),  # migration 0016
)

# Deferrals and instalment plans a recipient asked for.
payment_plans = Table(
    "payment_plans",
    metadata,
    key("plan_id", String(36)),
    required("account_id", String(40)),
    required("kind", String(20)),  # deferral | instalments
    required("requested_on", Date),
    required("state", String(20)),  # active | completed | broken | cancelled
    required("interest_continues", Boolean),
    required("documents", Text),  # JSON list of the invoice numbers it covers
    required("total_ore", BigInteger),
    optional("broken_on", Date),
    optional("ended_on", Date),  # the business day it completed, broke or was cancelled (migration 0019)
    required("created_at", Moment),
    Index("ix_payment_plans_account", "account_id"),
)

plan_instalments = Table(
    "plan_instalments",
    metadata,
    key("plan_id", String(36)),
    key("number", Integer, autoincrement=False),
    required("due_on", Date),
    required("amount_ore", BigInteger),
)

# AvtaleGiro: recipients' direct-debit agreements as the bank's agreements file reports them.
avtalegiro_agreements = Table(
    "avtalegiro_agreements",
    metadata,
    key("kid", String(25)),
    required("account_id", String(40)),
    required("active", Boolean),
    required("notify", Boolean),  # the payer wants the bank to notify each claim
    required("registered_on", Date),
    required("updated_at", Moment),
    # The day it last became active, kept once it ends (registered_on is then the day it ended); NULL for
    # an agreement that ended before migration 0023 kept it.
    optional("active_since", Date),
    # Why it ended (domain EndedBy: payer, full_list); NULL while active, or ended before migration 0024.
    optional("ended_by", String(20)),
    Index("ix_avtalegiro_account", "account_id"),
)

# The agreements files read (migration 0021): the same bytes again change nothing, and a file the bank sent
# before the last one read is refused (it would undo what a later one changed).
avtalegiro_files = Table(
    "avtalegiro_files",
    metadata,
    key("sha256", String(64)),
    optional("sent_on", Date),  # the file's own date (its transmission end record)
    required("received_on", Date),  # the business date it was imported as of
    required("recorded_at", Moment),
    # "data transmitter/transmission number" of its transmission start record (migration 0022)
    optional("transmission", String(40)),
    Index("ux_avtalegiro_files_transmission", "transmission", unique=True),
)
