"""Billing's tables."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table

from services.platform.tables import PlatformTables

metadata = MetaData()
platform_tables = PlatformTables(metadata)

billing_properties = Table(
    "billing_properties",
    metadata,
    Column("property_id", String(36), primary_key=True),
    Column("cadastral_id", String(40), nullable=False),
    Column("address", String(200), nullable=False),
    Column("category", String(40), nullable=False),
    Column("dwelling_units", Integer, nullable=False),
    Column("source_event_id", String(36), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
