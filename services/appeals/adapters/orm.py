"""Appeals' tables."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table

from services.platform.tables import PlatformTables

metadata = MetaData()
platform_tables = PlatformTables(metadata)

appeal_cases = Table(
    "appeal_cases",
    metadata,
    Column("case_id", String(36), primary_key=True),
    Column("property_id", String(36), nullable=False, index=True),
    Column("tax_year", Integer, nullable=False),
    Column("state", String(40), nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False),
)
