"""Appeals' tables."""

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
)

from services.platform.tables import BigId, PlatformTables

metadata = MetaData()
platform_tables = PlatformTables(metadata)

# One row per complaint: the complaint as received, where the case stands, and the dates the oversight
# lists filter on. Grounds and attachments are small lists kept as JSON text.
appeal_cases = Table(
    "appeal_cases",
    metadata,
    Column("case_id", String(36), primary_key=True),
    Column("property_id", String(100), nullable=False, index=True),
    Column("tax_year", Integer, nullable=False),
    Column("state", String(40), nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False),
    Column("case_number", String(20), nullable=False, unique=True),
    Column("complainant_kind", String(20), nullable=False),
    Column("complainant_name", String(200), nullable=False),
    Column("complainant_address", Text, nullable=False),  # lines joined by newlines
    Column("complainant_owner_ref", String(100), nullable=False),
    Column("complainant_represents", String(200), nullable=False),
    Column("received_on", Date, nullable=False),
    Column("channel", String(20), nullable=False),
    Column("postmarked_on", Date, nullable=True),
    Column("grounds", Text, nullable=False),
    Column("attachments", Text, nullable=False),
    Column("tax_base_version", Integer, nullable=False),
    Column("valuation_version", Integer, nullable=False),
    Column("disputed_value_ore", BigInteger, nullable=False),
    Column("notice_dispatched_on", Date, nullable=False),
    Column("notice_from_levy", Boolean, nullable=False),
    Column("list_announced_on", Date, nullable=False),
    Column("bill_dispatched_on", Date, nullable=False),
    Column("deadline", Date, nullable=False),
    Column("late", Boolean, nullable=False),
    Column("late_admission", Text, nullable=False),
    Column("preliminary_answer_due", Date, nullable=False),
    Column("preliminary_answer_sent_on", Date, nullable=True),
    Column("preliminary_answer_reason", Text, nullable=False),
    Column("expected_decision_on", Date, nullable=True),
    Column("inspection_requested_on", Date, nullable=True),
    Column("inspection_note", Text, nullable=False),
    Column("inspection_completed_on", Date, nullable=True),
    Column("inspection_findings", Text, nullable=False),
    Column("prepared_on", Date, nullable=True),
    Column("recommendation", Text, nullable=False),
    Column("case_officer", String(200), nullable=False),
    Column("committee_id", String(36), nullable=False),
    Column("appeals_committee_id", String(36), nullable=False),
    Column("meeting_id", String(36), nullable=False),
    Column("forwarded_on", Date, nullable=True),
    Column("outcome", String(40), nullable=True),
    Column("closed_on", Date, nullable=True),
    Column("closing_reason", Text, nullable=False),
    # Where bill_dispatched_on comes from (deadlines.DispatchBasis); 0005 back-fills older cases.
    Column("dispatch_basis", String(20), nullable=False),
    # The day the acknowledgement is dated; NULL for cases registered before 0005 (dated on registration).
    Column("acknowledged_on", Date, nullable=True),
    Index("ix_appeal_cases_year_state", "tax_year", "state"),
    Index("ix_appeal_cases_meeting", "meeting_id"),
    Index("ix_appeal_cases_answer_due", "preliminary_answer_due"),
)

# The year's running case numbers: one row per tax year, locked while a number is taken.
appeal_case_numbers = Table(
    "appeal_case_numbers",
    metadata,
    Column("tax_year", Integer, primary_key=True),
    Column("last_number", Integer, nullable=False),
)

# Every step of every case: who, when, what, why (the audit log records the RPC; this the case's story).
appeal_case_history = Table(
    "appeal_case_history",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("case_id", String(36), nullable=False, index=True),
    Column("action", String(40), nullable=False),
    Column("from_state", String(40), nullable=True),
    Column("to_state", String(40), nullable=False),
    Column("on_date", Date, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("note", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

appeal_decisions = Table(
    "appeal_decisions",
    metadata,
    Column("case_id", String(36), primary_key=True),
    Column("instance", String(40), primary_key=True),
    Column("meeting_id", String(36), nullable=False, index=True),
    Column("decided_on", Date, nullable=False),
    Column("outcome", String(40), nullable=False),
    Column("new_value_ore", BigInteger, nullable=True),
    Column("reasons", Text, nullable=False),
    Column("participant_ids", Text, nullable=False),  # JSON list
    Column("appeal_by", Date, nullable=True),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

# The latest bill per property and year, from assessment's TaxBaseDetermined / TaxBaseCorrected.
tax_notices = Table(
    "tax_notices",
    metadata,
    Column("property_id", String(100), primary_key=True),
    Column("tax_year", Integer, primary_key=True),
    Column("tax_base_version", Integer, nullable=False),
    Column("valuation_version", Integer, nullable=False),
    Column("value_ore", BigInteger, nullable=False),
    Column("dispatched_on", Date, nullable=False),
    Column("from_levy", Boolean, nullable=False),
    Column("source_event_id", String(36), nullable=False),
)

# The issue date of the first invoice that carried a property's tax for a year (billing's InvoiceIssued):
# the dispatch of that year's bill (eigedomsskattelova § 19). Only ever moved earlier.
first_invoices = Table(
    "first_invoices",
    metadata,
    Column("property_id", String(100), primary_key=True),
    Column("tax_year", Integer, primary_key=True),
    Column("issued_on", Date, nullable=False),
    Column("source_event_id", String(36), nullable=False),
)

tax_year_calendars = Table(
    "tax_year_calendars",
    metadata,
    Column("tax_year", Integer, primary_key=True),
    Column("list_announced_on", Date, nullable=False),
    Column("bills_dispatched_on", Date, nullable=True),
)

committees = Table(
    "committees",
    metadata,
    Column("committee_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
)

committee_members = Table(
    "committee_members",
    metadata,
    Column("member_id", String(36), primary_key=True),
    Column("committee_id", String(36), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("term_start", Date, nullable=False),
    Column("term_end", Date, nullable=False),
    Column("executive_board", Boolean, nullable=False),
)

meetings = Table(
    "meetings",
    metadata,
    Column("meeting_id", String(36), primary_key=True),
    Column("committee_id", String(36), nullable=False, index=True),
    Column("meets_on", Date, nullable=False),
    Column("location", String(200), nullable=False),
)

# Every case put on a meeting's agenda, kept whatever happens to the case later (decided, withdrawn): the
# agenda as planned. moved_on is set when the case was moved to another meeting before this one decided it.
meeting_agenda = Table(
    "meeting_agenda",
    metadata,
    Column("meeting_id", String(36), primary_key=True),
    Column("case_id", String(36), primary_key=True, index=True),
    Column("scheduled_on", Date, nullable=True),  # NULL for cases scheduled before 0005
    Column("moved_on", Date, nullable=True),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

disqualifications = Table(
    "disqualifications",
    metadata,
    Column("case_id", String(36), primary_key=True),
    Column("member_id", String(36), primary_key=True),
    Column("reason", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

# What each issued letter shows besides the case, as it stood at the act that issued it (domain/letters.py):
# one row per (case, letter, instance), instance '' except for decision letters. Written in the act's
# transaction and never changed; letters are rendered from it, not from appeals.yaml or the committees.
appeal_letter_inputs = Table(
    "appeal_letter_inputs",
    metadata,
    Column("case_id", String(36), primary_key=True),
    Column("letter", String(40), primary_key=True),
    Column("instance", String(40), primary_key=True),
    Column("office", Text, nullable=False),  # JSON: name, unit, address_lines, contact, tax_authority
    Column("complaint_weeks", Integer, nullable=True),  # the period the acknowledgement quotes
    Column("committee_id", String(36), nullable=True),  # decision letters: the committee as named then
    Column("committee_name", String(200), nullable=True),
    Column("committee_kind", String(20), nullable=True),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    # Decision letters: the property's value when the committee decided (0006; NULL in earlier letters).
    Column("value_before_ore", BigInteger, nullable=True),
    # The page layout the letter was issued in (0007; 1 for every letter issued before).
    Column("layout", Integer, nullable=False, server_default="1"),
)
