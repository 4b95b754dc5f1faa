"""Assessment's tables."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Float, Integer, MetaData, String, Table

from services.platform.tables import PlatformTables

metadata = MetaData()
platform_tables = PlatformTables(metadata)

properties = Table(
    "properties",
    metadata,
    Column("property_id", String(36), primary_key=True),
    Column("cadastral_id", String(40), nullable=False, unique=True),
    Column("address", String(200), nullable=False),
    Column("category", String(30), nullable=False),
    Column("dwelling_units", Integer, nullable=False),
    Column("lon", Float, nullable=True),
    Column("lat", Float, nullable=True),
    Column("registered_at", DateTime(timezone=True), nullable=False),
)
