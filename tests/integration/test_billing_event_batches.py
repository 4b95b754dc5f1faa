"""Billing takes a levy's and an import's events many at a time, to the same end as one at a time."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.billing.adapters.orm import billing_properties, property_taxes
from services.billing.adapters.repository import BillingPropertyRepository, PropertyTaxRepository
from services.billing.application.record_property import record_properties
from services.billing.application.record_property_tax import record_property_taxes
from services.billing.domain.billing_property import BillingProperty
from services.billing.domain.property_tax import PropertyTax
from services.billing.service import SPEC
from services.platform.db import create_db_engine, session_factory
from services.platform.migrations import upgrade_to_head
from services.platform.money import Money


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    upgrade_to_head(SPEC.migrations_dir, database_url)
    engine = create_db_engine(database_url)
    with session_factory(engine)() as opened:
        yield opened
    engine.dispose()


def _tax(property_id: str, version: int, nok: int, year: int = 2024) -> PropertyTax:
    return PropertyTax(
        property_id, year, version, "TAX_STATUS_TAXED", Money.of(nok), Money(0), 4, f"e{version}"
    )


def test_the_last_new_version_of_a_year_is_current_and_each_version_is_stored_once(session: Session) -> None:
    store = PropertyTaxRepository(session)
    assert record_property_taxes(store, [_tax("p1", 1, 1000), _tax("p2", 1, 2000)])
    new = record_property_taxes(
        store,
        [_tax("p1", 2, 900), _tax("p1", 1, 1000), _tax("p1", 3, 800), _tax("p3", 1, 10), _tax("p3", 1, 10)],
    )
    assert [(t.property_id, t.version) for t in new] == [("p1", 2), ("p1", 3), ("p3", 1)]
    rows = session.execute(
        select(property_taxes.c.property_id, property_taxes.c.version, property_taxes.c.is_current).order_by(
            property_taxes.c.property_id, property_taxes.c.version
        )
    ).all()
    assert [tuple(r) for r in rows] == [
        ("p1", 1, False),
        ("p1", 2, False),
        ("p1", 3, True),
        ("p2", 1, True),
        ("p3", 1, True),
    ]
    assert record_property_taxes(store, [_tax("p2", 1, 2000)]) == []  # a redelivery changes nothing


def test_properties_billing_knows_are_left_as_they_are(session: Session) -> None:
    store = BillingPropertyRepository(session)
    first = BillingProperty("p1", "0301-1/1", "Gate 1", "PROPERTY_CATEGORY_HOUSING", 1, "e1")
    assert record_properties(store, [first]) == 1
    again = BillingProperty("p1", "0301-1/1", "Gate 1 B", "PROPERTY_CATEGORY_HOUSING", 2, "e2")
    other = BillingProperty("p2", "0301-1/2", "Gate 2", "PROPERTY_CATEGORY_HOUSING", 1, "e3")
    assert record_properties(store, [again, other, other]) == 1
    rows = session.execute(
        select(billing_properties.c.property_id, billing_properties.c.address).order_by(
            billing_properties.c.property_id
        )
    ).all()
    assert [tuple(r) for r in rows] == [("p1", "Gate 1"), ("p2", "Gate 2")]
