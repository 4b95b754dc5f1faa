"""Appeals' tables."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Date, Index, Integer, String, Table, Text

from services.platform.columns import BigId, Moment, key, optional, required
from services.platform.tables import PlatformTables

platform_tables = PlatformTables()
metadata = platform_tables.metadata

# One row per complaint: the complaint as received, where the case stands, and the dates the oversight
# lists filter on. Grounds and attachments are small lists kept as JSON text.
appeal_cases = Table(
    "appeal_cases",
    metadata,
    key("case_id", String(36)),
    required("property_id", String(100), index=True),
    required("tax_year", Integer),
    required("state", String(40)),
    required("registered_at", Moment),
    required("case_number", String(20), unique=True),
    required("complainant_kind", String(20)),
    required("complainant_name", String(200)),
    required("complainant_address", Text),  # lines joined by newlines
    required("complainant_owner_ref", String(100)),
    required("complainant_represents", String(200)),
    required("received_on", Date),
    required("channel", String(20)),
    optional("postmarked_on", Date),
    required("grounds", Text),
    required("attachments", Text),
    required("tax_base_version", Integer),
    required("valuation_version", Integer),
    required("disputed_value_ore", BigInteger),
    required("notice_dispatched_on", Date),
    required("notice_from_levy", Boolean),
    required("list_announced_on", Date),
    required("bill_dispatched_on", Date),
    required("deadline", Date),
    required("late", Boolean),
    required("late_admission", Text),
    required("preliminary_answer_due", Date),
    optional("preliminary_answer_sent_on", Date),
    required("preliminary_answer_reason", Text),
    optional("expected_decision_on", Date),
    optional("inspection_requested_on", Date),
    required("inspection_note", Text),
    optional("inspection_completed_on", Date),
    required("inspection_findings", Text),
    optional("prepared_on", Date),
    required("recommendation", Text),
    required("case_officer", String(200)),
    required("committee_id", String(36)),
    required("appeals_committee_id", String(36)),
    required("meeting_id", String(36)),
    optional("forwarded_on", Date),
    optional("outcome", String(40)),
    optional("closed_on", Date),
    required("closing_reason", Text),
    # Where bill_dispatched_on comes from (deadlines.DispatchBasis); 0005 back-fills older cases.
    required("dispatch_basis", String(20)),
    # The day the acknowledgement is dated; NULL for cases registered before 0005 (dated on registration).
    optional("acknowledged_on", Date),
    Index("ix_appeal_cases_year_state", "tax_year", "state"),
    Index("ix_appeal_cases_meeting", "meeting_id"),
    Index("ix_appeal_cases_answer_due", "preliminary_answer_due"),
)

# The year's running case numbers: one row per tax year, locked while a number is taken.
appeal_case_numbers = Table(
    "appeal_case_numbers",
    metadata,
    key("tax_year", Integer),
    required("last_number", Integer),
)

# Every step of every case: who, when, what, why (the audit log records the RPC; this the case's story).
appeal_case_history = Table(
    "appeal_case_history",
    metadata,
    key("id", BigId, autoincrement=True),
    required("case_id", String(36), index=True),
    required("action", String(40)),
    optional("from_state", String(40)),
    required("to_state", String(40)),
    required("on_date", Date),
    required("actor", String(200)),
    required("note", Text),
    required("recorded_at", Moment),
)

appeal_decisions = Table(
    "appeal_decisions",
    metadata,
    key("case_id", String(36)),
    key("instance", String(40)),
    required("meeting_id", String(36), index=True),
    required("decided_on", Date),
    required("outcome", String(40)),
    optional("new_value_ore", BigInteger),
    required("reasons", Text),
    required("participant_ids", Text),  # JSON list
    optional("appeal_by", Date),
    required("recorded_at", Moment),
)

# The latest bill per property and year, from assessment's TaxBaseDetermined / TaxBaseCorrected.
tax_notices = Table(
    "tax_notices",
    metadata,
    key("property_id", String(100)),
    key("tax_year", Integer),
    required("tax_base_version", Integer),
    required("valuation_version", Integer),
    required("value_ore", BigInteger),
    required("dispatched_on", Date),
    required("from_levy", Boolean),
    required("source_event_id", String(36)),
)

# The issue date of the first invoice that carried a property's tax for a year (billing's InvoiceIssued):
# the dispatch of that year's bill (eigedomsskattelova § 19). Only ever moved earlier.
first_invoices = Table(
    "first_invoices",
    metadata,
    key("property_id", String(100)),
    key("tax_year", Integer),
    required("issued_on", Date),
    required("source_event_id", String(36)),
)

tax_year_calendars = Table(
    "tax_year_calendars",
    metadata,
    key("tax_year", Integer),
    required("list_announced_on", Date),
    optional("bills_dispatched_on", Date),
)

committees = Table(
    "committees",
    metadata,
    key("committee_id", String(36)),
    required("name", String(200)),
    required("kind", String(20)),
)

committee_members = Table(
    "committee_members",
    metadata,
    key("member_id", String(36)),
    required("committee_id", String(36), index=True),
    required("name", String(200)),
    required("role", String(20)),
    required("term_start", Date),
    required("term_end", Date),
    required("executive_board", Boolean),
)

meetings = Table(
    "meetings",
    metadata,
    key("meeting_id", String(36)),
    required("committee_id", String(36), index=True),
    required("meets_on", Date),
    required("location", String(200)),
)

# Every case put on a meeting's agenda, kept whatever happens to the case later (decided, withdrawn): the
# agenda as planned. moved_on is set when the case was moved to another meeting before this one decided it.
meeting_agenda = Table(
    "meeting_agenda",
    metadata,
    key("meeting_id", String(36)),
    key("case_id", String(36), index=True),
    optional("scheduled_on", Date),  # NULL for cases scheduled before 0005
    optional("moved_on", Date),
    required("recorded_at", Moment),
)

disqualifications = Table(
    "disqualifications",
    metadata,
    key("case_id", String(36)),
    key("member_id", String(36)),
    required("reason", Text),
    required("recorded_at", Moment),
)

# What each issued letter shows besides the case, as it stood at the act that issued it (domain/letters.py):
# one row per (case, letter, instance), instance '' except for decision letters. Written in the act's
# transaction and never changed; letters are rendered from it, not from appeals.yaml or the committees.
appeal_letter_inputs = Table(
    "appeal_letter_inputs",
    metadata,
    key("case_id", String(36)),
    key("letter", String(40)),
    key("instance", String(40)),
    required("office", Text),  # JSON: name, unit, address_lines, contact, tax_authority
    optional("complaint_weeks", Integer),  # the period the acknowledgement quotes
    optional("committee_id", String(36)),  # decision letters: the committee as named then
    optional("committee_name", String(200)),
    optional("committee_kind", String(20)),
    required("recorded_at", Moment),
    # Decision letters: the property's value when the committee decided (0006; NULL in earlier letters).
    optional("value_before_ore", BigInteger),
    # The page layout the letter was issued in (0007; 1 for every letter issued before).
    required("layout", Integer, server_default="1"),
)
