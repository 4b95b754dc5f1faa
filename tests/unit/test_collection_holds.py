"""Objections and appeal cases hold reminders on the disputed amount; the rest is still reminded."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

import pytest

from propertytax.appeals.v1 import events_pb2 as appeals_events
from propertytax.platform.v1 import envelope_pb2
from services.billing.adapters.collection_rules_file import load_collection_rules
from services.billing.application.collection_holds import (
    appeal_closed,
    appeal_registered,
    holds_of,
    register_objection,
    settle_objection,
)
from services.billing.application.run_reminders import preview_reminders, reminder_chunk, start_reminder_run
from services.billing.domain.collection_events import ReminderIssued
from services.billing.domain.collection_holds import HoldSource
from services.billing.domain.reminders import NotReminded, RunState
from services.billing.entrypoints.event_handlers import BillingEventHandlers
from services.platform.errors import FailedPrecondition, InvalidInput, NotFound
from services.platform.events import ReceivedEvent
from services.platform.money import Money
from tests.collection_scene import DUE, issue, recipient
from tests.fakes.billing import FakeBillingUnitOfWork

pytestmark = pytest.mark.unit

NORWAY = load_collection_rules()
RUN_ON = date(2025, 12, 4)


def scene() -> FakeBillingUnitOfWork:
    uow = FakeBillingUnitOfWork()
    issue(uow, recipient("A1"), 1, [("p1", "property_tax", "1000"), ("p1", "waste", "400")])
    issue(uow, recipient("A2"), 2, [("p1", "property_tax", "600")])  # a co-owner's share of p1's tax
    issue(uow, recipient("A3"), 3, [("p9", "property_tax", "900")])
    return uow


def reminded(uow: FakeBillingUnitOfWork, on: date = RUN_ON) -> dict[int, Money]:
    run = start_reminder_run(uow, on)
    while reminder_chunk(uow, run.run_id, NORWAY, 10).state == RunState.RUNNING:
        pass
    return {e.invoice_number: e.open_amount for e in uow.events if isinstance(e, ReminderIssued)}


def test_an_objection_on_part_holds_that_part_and_the_rest_is_reminded() -> None:
    uow = scene()
    hold = register_objection(uow, 1, disputed=Money.of(400), reason="Renovasjon er ikke levert", on=DUE)
    assert hold.source == HoldSource.OBJECTION and hold.account_id == "A1"
    amounts = reminded(uow)
    # the undisputed 1 000 kr, and interest on all 1 400 kr: 1400 × 13 × 12.5 % / 365 = 6.233 → 6,23
    assert amounts[1] == Money.of("1006.23")


def test_an_objection_on_the_whole_holds_the_invoice_until_settled() -> None:
    uow = scene()
    hold = register_objection(uow, 3, disputed=None, reason="Ikke min eiendom", on=DUE)
    assert preview_reminders(uow, NORWAY, RUN_ON).not_reminded == {NotReminded.HELD: 1}
    settled = settle_objection(uow, hold.hold_id, date(2025, 12, 1))
    assert settled.until_date == date(2025, 12, 1)
    assert 3 in reminded(uow)
    with pytest.raises(FailedPrecondition, match="settled"):
        settle_objection(uow, hold.hold_id, date(2025, 12, 2))
    assert [h.hold_id for h in holds_of(uow, "A3")] == [hold.hold_id]


def test_a_bad_objection_is_refused_and_stores_nothing() -> None:
    uow = scene()
    with pytest.raises(InvalidInput) as raised:
        register_objection(uow, 1, disputed=Money(-1), reason=" ", on=DUE)
    assert [v.field for v in raised.value.violations] == ["reason", "disputed"]
    with pytest.raises(InvalidInput, match="disputed: 1 500,00 kr is more than the 1 400,00 kr open"):
        register_objection(uow, 1, disputed=Money.of(1500), reason="x", on=DUE)
    with pytest.raises(NotFound):
        register_objection(uow, 99, disputed=None, reason="x", on=DUE)
    with pytest.raises(InvalidInput) as carried:  # kept and listed: never an identity number
        register_objection(uow, 1, disputed=None, reason="Eier 150385 12363 er død", on=DUE)
    assert [v.field for v in carried.value.violations] == ["reason"] and "12363" not in str(carried.value)
    assert not uow.collection.holds


def test_an_appeal_holds_the_propertys_tax_of_the_year_on_each_invoice_until_closed() -> None:
    uow = scene()
    with uow:
        holds = appeal_registered(uow, "case-7", "p1", 2025, "Klage på takst", DUE)
    assert sorted((h.document_number, h.disputed) for h in holds) == [(1, Money.of(1000)), (2, Money.of(600))]
    with uow:
        assert appeal_registered(uow, "case-7", "p1", 2025, "again", DUE) == []  # delivered twice
    assert appeal_registered(uow, "case-8", "p1", 2024, "another year", DUE) == []
    amounts = reminded(uow)
    assert amounts[1] == Money.of("406.23")  # the waste, and interest on all
    assert 2 not in amounts and 3 in amounts
    assert appeal_closed(uow, "case-7", date(2025, 12, 10)) == 2
    assert appeal_closed(uow, "case-7", date(2025, 12, 11)) == 0
    with uow:
        assert all(
            h.until_date == date(2025, 12, 10)
            for h in uow.collection.holds_by_reference(HoldSource.APPEAL, "case-7")
        )


def test_appeals_events_hold_and_release_through_the_handlers() -> None:
    uow = scene()
    handlers = BillingEventHandlers(lambda _session: uow).handlers()
    session = cast(Any, None)  # the fake unit of work joins no session
    registered = appeals_events.AppealRegistered(
        case_id="c1", property_id="p1", tax_year=2025, received_on="2025-11-21"
    )
    outside = appeals_events.AppealRegistered(
        case_id="c2", property_id="p9", tax_year=2025, received_on="2025-11-21", outside_committees=True
    )
    for payload in (registered, outside):
        handlers[payload.DESCRIPTOR.full_name](session, ReceivedEvent(envelope_pb2.EventEnvelope(), payload))
    assert sorted(h.document_number for h in uow.collection.holds.values()) == [1, 2]
    closed = appeals_events.AppealClosed(
        case_id="c1", property_id="p1", tax_year=2025, closed_on="2026-02-01"
    )
    handlers[closed.DESCRIPTOR.full_name](session, ReceivedEvent(envelope_pb2.EventEnvelope(), closed))
    assert {h.until_date for h in uow.collection.holds.values()} == {date(2026, 2, 1)}
