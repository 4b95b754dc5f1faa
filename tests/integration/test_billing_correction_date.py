"""Billing keeps a corrected tax base's business date (TaxBaseCorrected.corrected_on), so that a run
issued before it bills the tax base as it stood then (issue 12, the credit note dated before the
committee's decision)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from propertytax.assessment.v1 import events_pb2 as assessment_events
from propertytax.assessment.v1 import tax_pb2
from propertytax.platform.v1 import money_pb2
from services.billing.adapters.repository import current_taxes, later_corrections
from services.billing.service import HANDLERS, SPEC
from services.platform.db import create_db_engine, session_factory
from services.platform.events import ReceivedEvent, wrap
from services.platform.migrations import upgrade_to_head
from services.platform.money import Money


def _base(version: int, tax_kr: int) -> tax_pb2.TaxBase:
    return tax_pb2.TaxBase(
        property_id="p1",
        tax_year=2024,
        version=version,
        status=tax_pb2.TAX_STATUS_TAXED,
        tax=money_pb2.Money(ore=tax_kr * 100),
        tax_base=money_pb2.Money(ore=tax_kr * 100_000),
        terms=4,
    )


def _deliver(session: Session, payload: Any) -> None:
    envelope = wrap(
        payload, source="assessment", subject="p1", occurred_at=datetime(2026, 11, 30, tzinfo=UTC)
    )
    HANDLERS[type(payload).DESCRIPTOR.full_name](session, ReceivedEvent(envelope, payload))


def test_a_corrected_tax_base_is_in_force_from_its_business_date(database_url: str) -> None:
    upgrade_to_head(SPEC.migrations_dir, database_url)
    sessions = session_factory(create_db_engine(database_url))
    with sessions() as session:
        _deliver(session, assessment_events.TaxBaseDetermined(tax_base=_base(1, 4480)))
        _deliver(
            session,
            assessment_events.TaxBaseCorrected(
                previous=_base(1, 4480), current=_base(2, 2520), reason="klage", corrected_on="2024-06-12"
            ),
        )
        session.commit()
        before, on = date(2024, 6, 11), date(2024, 6, 12)
        assert current_taxes(session, ["p1"], 2024, before)["p1"].tax == Money.of(4480)
        assert current_taxes(session, ["p1"], 2024, on)["p1"].tax == Money.of(2520)
        assert current_taxes(session, ["p1"], 2024)["p1"].tax == Money.of(2520)  # the newest
        assert later_corrections(session, ["p1"], 2024, before) == {"p1": on}
        assert later_corrections(session, ["p1"], 2024, on) == {}
