"""Assessment's tables."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Date, Float, Index, Integer, String, Table, Text, UniqueConstraint

from services.platform.columns import Moment, key, optional, required, share_held_over_time
from services.platform.db_types import DecimalText
from services.platform.tables import PlatformTables

platform_tables = PlatformTables()
metadata = platform_tables.metadata

properties = Table(
    "properties",
    metadata,
    key("property_id", String(64)),
    optional("cadastral_id", String(40), unique=True),
    required("address", String(200)),
    required("category", String(30)),
    required("dwelling_units", Integer),
    optional("lon", Float),
    optional("lat", Float),
    required("registered_at", Moment),
    required("floors", Text, server_default="[]"),
    required("plot_m2", DecimalText, server_default="0"),
    optional("build_year", Integer),
    required("exemption_code", String(10), server_default=""),
    optional("zone_id", String(64), index=True),
    optional("geometry_wkt", Text),
    # The address and the property id case-folded for search (platform/search_text.py), kept on write.
    required("search_text", Text, server_default=""),
)

zones = Table(
    "zones",
    metadata,
    key("zone_id", String(64)),
    required("name", String(200)),
    required("factor", DecimalText),
    required("built_up", Boolean),
    required("geometry_wkt", Text),
)

housing_values = Table(
    "housing_values",
    metadata,
    key("property_id", String(64)),
    key("unit", String(40)),
    key("year", Integer),
    required("value_ore", BigInteger),
)

valuations = Table(
    "valuations",
    metadata,
    key("valuation_id", String(36)),
    required("property_id", String(64)),
    required("version", Integer),
    required("route", String(20)),
    required("value_ore", BigInteger),
    required("trace", Text),
    required("reason", Text),
    required("adopted", Boolean),
    optional("adoption_reference", String(200)),
    required("created_at", Moment),
    optional("adopted_at", Moment),
    UniqueConstraint("property_id", "version", name="uq_valuations_property_version"),
    Index("ix_valuations_adopted", "adopted", "property_id"),
)

valuation_needs = Table(
    "valuation_needs",
    metadata,
    # One row per reason: a property can need a valuation for several (0008).
    key("property_id", String(64)),
    key("reason", String(30)),
    required("detail", Text),
    required("noted_at", Moment),
)

decisions = Table(
    "tax_year_decisions",
    metadata,
    key("year", Integer),
    required("decision_yaml", Text),
    required("set_at", Moment),
)

tax_bases = Table(
    "tax_bases",
    metadata,
    key("property_id", String(64)),
    key("tax_year", Integer),
    key("version", Integer),
    required("status", String(20)),
    required("category", String(30)),
    required("dwelling_units", Integer),
    required("value_ore", BigInteger),
    required("reduction", DecimalText),
    required("deduction_ore", BigInteger),
    required("tax_base_ore", BigInteger),
    required("rate_per_mille", DecimalText),
    required("tax_ore", BigInteger),
    required("valuation_version", Integer),
    required("exemption_code", String(10)),
    required("trace", Text),
    required("terms", Integer),
    required("reason", Text),
    required("is_current", Boolean),
    required("determined_at", Moment),
    Index("ix_tax_bases_year_current", "tax_year", "is_current"),
)

levy_jobs = Table(
    "levy_jobs",
    metadata,
    key("job_id", String(36)),
    required("tax_year", Integer, index=True),
    required("state", String(20)),
    required("cursor", String(64)),
    required("processed", Integer),
    required("total", Integer),
    required("taxed", Integer),
    required("exempt", Integer),
    required("not_valued", Integer),
    required("total_tax_ore", BigInteger),
    required("error", Text),
    required("started_at", Moment),
    optional("finished_at", Moment),
    optional("levied_on", Date),  # the levy's business date (0005 back-fills old jobs)
)

owners = Table(
    "owners",
    metadata,
    key("owner_ref", String(40)),
    required("kind", String(20)),
    required("name", String(200)),
    required("identity_sealed", Text),  # Fernet token; never logged or sent
)

ownerships = Table(
    "ownerships",
    metadata,
    key("property_id", String(64)),
    key("owner_ref", String(40)),
    *share_held_over_time(),
)

# Inspections (DOMAIN.md § 1). A plan's version is stored whole, as the JSON document it was made as
# (adapters/inspection_plan_repository.py), since a version never changes; notices likewise.
inspection_history = Table(
    "inspection_history",
    metadata,
    key("property_id", String(64)),
    key("event", String(20)),  # inspected, new_building, division, sectioning, fire, demolition
    key("day", Date),
    required("recorded_at", Moment),
)

inspection_appeal_needs = Table(
    "inspection_appeal_needs",
    metadata,
    key("case_id", String(64)),
    required("property_id", String(64), index=True),
    required("since", Date),
    optional("needed_by", Date),
    required("note", Text),
    required("status", String(10)),  # open, done
    optional("done_on", Date),
    required("noted_at", Moment),
)

inspection_results = Table(
    "inspection_results",
    metadata,
    key("result_id", String(36)),
    optional("valuation_id", String(36)),  # the proposal it gave; none where a housing value stands
    required("property_id", String(64), index=True),
    required("inspected_on", Date),
    required("assessor_id", String(64)),
    required("body", Text),  # JSON: floors, plot, factors with reasons, notes, photo references
    required("recorded_at", Moment),
)

inspection_plans = Table(
    "inspection_plans",
    metadata,
    key("plan_id", String(36)),
    key("version", Integer),
    required("first_day", Date),
    required("last_day", Date),
    required("made_on", Date),
    required("cause", Text),
    required("body", Text),  # JSON: assessors, absences, days with stops, unplanned, visits, distances
    required("created_at", Moment),
)

inspection_requests = Table(
    "inspection_requests",
    metadata,
    key("property_id", String(64)),
    required("asked_on", Date),
    required("notify", Boolean),
    optional("day", Date),
    optional("from_time", String(5)),
    optional("until_time", String(5)),
    required("note", Text),
    # Whom the notice goes to and its address lines (newline-joined), when not the owners at the property.
    required("notice_name", Text, server_default=""),
    required("notice_lines", Text, server_default=""),
)

inspection_notices = Table(
    "inspection_notices",
    metadata,
    key("notice_id", String(36)),
    required("plan_id", String(36)),
    required("plan_version", Integer),
    required("property_id", String(64), index=True),
    required("day", Date),
    required("issued_on", Date),
    required("replaces", String(36)),
    # JSON: the letter as issued, its kind "notice" (window, recipient, purpose) or "cancellation"
    required("body", Text),
    required("issued_at", Moment),
    Index("ix_inspection_notices_plan", "plan_id", "plan_version"),
)
