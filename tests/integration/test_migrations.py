"""Each service's migrations on SQLite and on PostgreSQL: up to head, down to nothing, up again."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect

from services.appeals.service import SPEC as APPEALS
from services.assessment.service import SPEC as ASSESSMENT
from services.billing.service import SPEC as BILLING
from services.platform.db import create_db_engine
from services.platform.migrations import alembic_config, upgrade_to_head
from services.platform.service_builder import ServiceSpec

OWN_TABLES = {
    "assessment": {
        "properties",
        "zones",
        "housing_values",
        "valuations",
        "tax_year_decisions",
        "tax_bases",
        "levy_jobs",
    },
    "billing": {
        "billing_properties",
        "property_taxes",
        "accounts",
        "account_intervals",
        "holdings",
        "billing_runs",
        "invoice_series",
        "invoices",
        "invoice_lines",
        "invoice_parties",
        "sellers",
    },
    "appeals": {
        "appeal_cases",
        "appeal_case_numbers",
        "appeal_case_history",
        "appeal_decisions",
        "tax_notices",
        "tax_year_calendars",
        "committees",
        "committee_members",
        "meetings",
        "disqualifications",
        "appeal_letter_inputs",
    },
}


@pytest.mark.parametrize("spec", [ASSESSMENT, BILLING, APPEALS], ids=lambda s: s.name)
def test_migrations_apply_and_reverse(spec: ServiceSpec, database_url: str) -> None:
    upgrade_to_head(spec.migrations_dir, database_url)
    engine = create_db_engine(database_url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert {"outbox", "inbox", "audit_log", "alembic_version"} | OWN_TABLES[spec.name] <= tables
        # The migrated schema matches what the code maps (no drift between orm.py and migrations).
        for table in spec.tables.outbox.metadata.sorted_tables:
            columns = {c["name"] for c in inspect(engine).get_columns(table.name)}
            assert columns == {c.name for c in table.columns}, table.name

        command.downgrade(alembic_config(spec.migrations_dir, database_url), "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade_to_head(spec.migrations_dir, database_url)  # and once more, idempotently
        upgrade_to_head(spec.migrations_dir, database_url)
        assert OWN_TABLES[spec.name] <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
