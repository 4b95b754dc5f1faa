"""The recipients a reminder run goes through, found in SQL (SQLite and PostgreSQL): those with an invoice
open and due before the run's date, in account order after the run's cursor, at most a chunk of them; paid,
not yet due and credited-only recipients are passed over."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from services.billing.adapters.unit_of_work import SqlUnitOfWorkFactory as UowFactory
from tests.collection_scene import DUE, issue, pay, recipient
from tests.integration.billing_units import sql_billing_units

RUN_ON = DUE + timedelta(days=14)


@pytest.fixture
def make(database_url: str) -> Iterator[UowFactory]:
    with sql_billing_units(database_url) as units:
        yield units


def test_the_overdue_are_found_in_account_order_after_the_cursor_a_chunk_at_a_time(make: UowFactory) -> None:
    overdue = ["A01", "A03", "A04", "A07"]
    for n, account in enumerate(overdue, start=1):
        issue(make(), recipient(account), n, [(f"p{n}", "property_tax", "1000")])
    partly = issue(make(), recipient("A05"), 11, [("p11", "waste", "600")])
    pay(make(), partly, "100", DUE)  # 500 kr still open
    overdue = sorted([*overdue, "A05"])
    paid = issue(make(), recipient("A02"), 12, [("p12", "property_tax", "700")])
    pay(make(), paid, "700", DUE)
    overpaid = issue(make(), recipient("A06"), 13, [("p13", "property_tax", "700")])
    pay(make(), overpaid, "900", DUE)  # a credit, nothing open
    issue(make(), recipient("A08"), 14, [("p14", "water", "300")], due=RUN_ON)  # due on the run's day

    with make() as uow:
        assert uow.ledger.accounts_with_overdue("", RUN_ON, 100) == overdue
        assert uow.ledger.accounts_with_overdue("", RUN_ON, 2) == ["A01", "A03"]
        assert uow.ledger.accounts_with_overdue("A03", RUN_ON, 2) == ["A04", "A05"]
        assert uow.ledger.accounts_with_overdue("A05", RUN_ON, 2) == ["A07"]
        assert uow.ledger.accounts_with_overdue("A07", RUN_ON, 2) == []
        assert uow.ledger.accounts_with_overdue("", DUE, 100) == []  # nothing is overdue on its due date
        assert uow.ledger.accounts_with_overdue("", RUN_ON + timedelta(days=1), 100) == sorted(
            [*overdue, "A08"]
        )
