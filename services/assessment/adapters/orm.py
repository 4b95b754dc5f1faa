"""Assessment's tables."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
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

properties = Table(
    "properties",
    metadata,
    Column("property_id", String(64), primary_key=True),
    Column("cadastral_id", String(40), nullable=True, unique=True),
    Column("address", String(200), nullable=False),
    Column("category", String(30), nullable=False),
    Column("dwelling_units", Integer, nullable=False),
    Column("lon", Float, nullable=True),
    Column("lat", Float, nullable=True),
    Column("registered_at", DateTime(timezone=True), nullable=False),
    Column("floors", Text, nullable=False, server_default="[]"),
    Column("plot_m2", DecimalText, nullable=False, server_default="0"),
    Column("build_year", Integer, nullable=True),
    Column("exemption_code", String(10), nullable=False, server_default=""),
    Column("zone_id", String(64), nullable=True, index=True),
    Column("geometry_wkt", Text, nullable=True),
    # The address and the property id case-folded for search (platform/search_text.py), kept on write.
    Column("search_text", Text, nullable=False, server_default=""),
)

zones = Table(
    "zones",
    metadata,
    Column("zone_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("factor", DecimalText, nullable=False),
    Column("built_up", Boolean, nullable=False),
    Column("geometry_wkt", Text, nullable=False),
)

housing_values = Table(
    "housing_values",
    metadata,
    Column("property_id", String(64), primary_key=True),
    Column("unit", String(40), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("value_ore", BigInteger, nullable=False),
)

valuations = Table(
    "valuations",
    metadata,
    Column("valuation_id", String(36), primary_key=True),
    Column("property_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("route", String(20), nullable=False),
    Column("value_ore", BigInteger, nullable=False),
    Column("trace", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("adopted", Boolean, nullable=False),
    Column("adoption_reference", String(200), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("adopted_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("property_id", "version", name="uq_valuations_property_version"),
    Index("ix_valuations_adopted", "adopted", "property_id"),
)

valuation_needs = Table(
    "valuation_needs",
    metadata,
    # One row per reason: a property can need a valuation for several (0008).
    Column("property_id", String(64), primary_key=True),
    Column("reason", String(30), primary_key=True),
    Column("detail", Text, nullable=False),
    Column("noted_at", DateTime(timezone=True), nullable=False),
)

decisions = Table(
    "tax_year_decisions",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("decision_yaml", Text, nullable=False),
    Column("set_at", DateTime(timezone=True), nullable=False),
)

tax_bases = Table(
    "tax_bases",
    metadata,
    Column("property_id", String(64), primary_key=True),
    Column("tax_year", Integer, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("status", String(20), nullable=False),
    Column("category", String(30), nullable=False),
    Column("dwelling_units", Integer, nullable=False),
    Column("value_ore", BigInteger, nullable=False),
    Column("reduction", DecimalText, nullable=False),
    Column("deduction_ore", BigInteger, nullable=False),
    Column("tax_base_ore", BigInteger, nullable=False),
    Column("rate_per_mille", DecimalText, nullable=False),
    Column("tax_ore", BigInteger, nullable=False),
    Column("valuation_version", Integer, nullable=False),
    Column("exemption_code", String(10), nullable=False),
    Column("trace", Text, nullable=False),
    Column("terms", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("is_current", Boolean, nullable=False),
    Column("determined_at", DateTime(timezone=True), nullable=False),
    Index("ix_tax_bases_year_current", "tax_year", "is_current"),
)

levy_jobs = Table(
    "levy_jobs",
    metadata,
    Column("job_id", String(36), primary_key=True),
    Column("tax_year", Integer, nullable=False, index=True),
    Column("state", String(20), nullable=False),
    Column("cursor", String(64), nullable=False),
    Column("processed", Integer, nullable=False),
    Column("total", Integer, nullable=False),
    Column("taxed", Integer, nullable=False),
    Column("exempt", Integer, nullable=False),
    Column("not_valued", Integer, nullable=False),
    Column("total_tax_ore", BigInteger, nullable=False),
    Column("error", Text, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("levied_on", Date, nullable=True),  # the levy's business date (0005 back-fills old jobs)
)

owners = Table(
    "owners",
    metadata,
    Column("owner_ref", String(40), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("name", String(200), nullable=False),
    Column("identity_sealed", Text, nullable=False),  # Fernet token; never logged or sent
)

ownerships = Table(
    "ownerships",
    metadata,
    Column("property_id", String(64), primary_key=True),
    Column("owner_ref", String(40), primary_key=True),
    Column("valid_from", Date, primary_key=True),
    Column("valid_to", Date, nullable=True),  # exclusive; NULL while current
    Column("share_numerator", Integer, nullable=False),
    Column("share_denominator", Integer, nullable=False),
)
