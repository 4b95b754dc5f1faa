"""Property facts, zones, housing values, valuations, decisions, tax bases and levy jobs.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from services.platform.db_types import DecimalText

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("properties") as batch:
        batch.alter_column("property_id", type_=sa.String(64), existing_nullable=False)
        batch.alter_column("cadastral_id", existing_type=sa.String(40), nullable=True)
        batch.add_column(sa.Column("floors", sa.Text, nullable=False, server_default="[]"))
        batch.add_column(sa.Column("plot_m2", DecimalText, nullable=False, server_default="0"))
        batch.add_column(sa.Column("build_year", sa.Integer, nullable=True))
        batch.add_column(sa.Column("exemption_code", sa.String(10), nullable=False, server_default=""))
        batch.add_column(sa.Column("zone_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("geometry_wkt", sa.Text, nullable=True))
        batch.create_index("ix_properties_zone_id", ["zone_id"])
    op.create_table(
        "zones",
        sa.Column("zone_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("factor", DecimalText, nullable=False),
        sa.Column("built_up", sa.Boolean, nullable=False),
        sa.Column("geometry_wkt", sa.Text, nullable=False),
    )
    op.create_table(
        "housing_values",
        sa.Column("property_id", sa.String(64), primary_key=True),
        sa.Column("unit", sa.String(40), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("value_ore", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "valuations",
        sa.Column("valuation_id", sa.String(36), primary_key=True),
        sa.Column("property_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("route", sa.String(20), nullable=False),
        sa.Column("value_ore", sa.BigInteger, nullable=False),
        sa.Column("trace", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("adopted", sa.Boolean, nullable=False),
        sa.Column("adoption_reference", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("adopted_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("property_id", "version", name="uq_valuations_property_version"),
    )
    op.create_index("ix_valuations_adopted", "valuations", ["adopted", "property_id"])
    op.create_table(
        "tax_year_decisions",
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("decision_yaml", sa.Text, nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "tax_bases",
        sa.Column("property_id", sa.String(64), primary_key=True),
        sa.Column("tax_year", sa.Integer, primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("category", sa.String(30), nullable=False),
        sa.Column("dwelling_units", sa.Integer, nullable=False),
        sa.Column("value_ore", sa.BigInteger, nullable=False),
        sa.Column("reduction", DecimalText, nullable=False),
        sa.Column("deduction_ore", sa.BigInteger, nullable=False),
        sa.Column("tax_base_ore", sa.BigInteger, nullable=False),
        sa.Column("rate_per_mille", DecimalText, nullable=False),
        sa.Column("tax_ore", sa.BigInteger, nullable=False),
        sa.Column("valuation_version", sa.Integer, nullable=False),
        sa.Column("exemption_code", sa.String(10), nullable=False),
        sa.Column("trace", sa.Text, nullable=False),
        sa.Column("terms", sa.Integer, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("is_current", sa.Boolean, nullable=False),
        sa.Column("determined_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_tax_bases_year_current", "tax_bases", ["tax_year", "is_current"])
    op.create_table(
        "levy_jobs",
        sa.Column("job_id", sa.String(36), primary_key=True),
        sa.Column("tax_year", sa.Integer, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("cursor", sa.String(64), nullable=False),
        sa.Column("processed", sa.Integer, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("taxed", sa.Integer, nullable=False),
        sa.Column("exempt", sa.Integer, nullable=False),
        sa.Column("not_valued", sa.Integer, nullable=False),
        sa.Column("total_tax_ore", sa.BigInteger, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_levy_jobs_tax_year", "levy_jobs", ["tax_year"])


def downgrade() -> None:
    for table in ("levy_jobs", "tax_bases", "tax_year_decisions", "valuations", "housing_values", "zones"):
        op.drop_table(table)
    with op.batch_alter_table("properties") as batch:
        batch.drop_index("ix_properties_zone_id")
        for column in ("geometry_wkt", "zone_id", "exemption_code", "build_year", "plot_m2", "floors"):
            batch.drop_column(column)
        batch.alter_column("cadastral_id", existing_type=sa.String(40), nullable=False)
        batch.alter_column("property_id", type_=sa.String(36), existing_nullable=False)
