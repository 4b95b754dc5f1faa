"""Billing's tables."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, Integer, MetaData, String, Table

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
