"""Issue 12, item 1, billing's side (SQLite and PostgreSQL): OwnershipChanged with the owner's postal address,
channel and interval, through billing's own handler. A new invoice recipient gets all three (the interval
from the month the ownership starts); an existing one keeps what it has (what an officer set with `billing
account update` wins over the register) and only gets an address it lacks; a channel the recipient's kind
cannot be invoiced by leaves the default."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import pytest

from propertytax.assessment.v1 import events_pb2 as assessment_events
from propertytax.assessment.v1 import property_pb2
from services.billing.adapters.unit_of_work import SqlBillingUnitOfWork
from services.billing.application.accounts import AccountChange, update_account
from services.billing.domain.account import Account, Channel, RecipientKind
from services.billing.domain.intervals import IntervalChoice, InvoiceInterval
from services.billing.service import SPEC, on_ownership_changed
from services.platform.db import create_db_engine, session_factory
from services.platform.events import ReceivedEvent, wrap
from services.platform.migrations import upgrade_to_head

UowFactory = Callable[[], SqlBillingUnitOfWork]
NOW = datetime(2024, 5, 20, tzinfo=UTC)
TODAY = date(2024, 5, 20)


@pytest.fixture
def make(database_url: str) -> Iterator[UowFactory]:
    upgrade_to_head(SPEC.migrations_dir, database_url)
    engine = create_db_engine(database_url)
    sessions = session_factory(engine)
    yield lambda: SqlBillingUnitOfWork(sessions)
    engine.dispose()


def _owner(
    ref: str,
    *,
    kind: property_pb2.OwnerKind.ValueType = property_pb2.OWNER_KIND_PERSON,
    address: tuple[str, str, str] | None = ("Storgata 1", "0155", "Oslo"),
    channel: str = "",
    interval: str = "",
    share: tuple[int, int] = (1, 1),
) -> property_pb2.OwnerShare:
    owner = property_pb2.OwnerShare(
        owner_ref=ref,
        kind=kind,
        name=f"Eier {ref}",
        share_numerator=share[0],
        share_denominator=share[1],
        organisation_number="974760673" if kind == property_pb2.OWNER_KIND_ORGANISATION else "",
        billing_channel=channel,
        invoice_interval=interval,
    )
    if address is not None:
        owner.postal_address.CopyFrom(
            property_pb2.PostalAddress(address_lines=[address[0]], postcode=address[1], city=address[2])
        )
    return owner


def _changed(make: UowFactory, pid: str, on: date, *owners: property_pb2.OwnerShare) -> None:
    event = assessment_events.OwnershipChanged(property_id=pid, effective_date=on.isoformat(), owners=owners)
    uow = make()
    with uow:
        on_ownership_changed(
            uow.session, ReceivedEvent(wrap(event, source="assessment", subject=pid, occurred_at=NOW), event)
        )
        uow.commit()


def _account(make: UowFactory, ref: str) -> tuple[Account | None, list[IntervalChoice]]:
    uow = make()
    with uow:
        return uow.accounts.get(ref), uow.accounts.intervals([ref]).get(ref, [])


def test_a_new_recipient_gets_the_register_s_address_channel_and_interval(make: UowFactory) -> None:
    _changed(
        make,
        "p1",
        date(2024, 5, 15),
        _owner("kari", channel="efaktura", interval="monthly", share=(1, 2)),
        _owner(
            "firm", kind=property_pb2.OWNER_KIND_ORGANISATION, address=None, channel="print", share=(1, 2)
        ),
    )
    kari, kari_intervals = _account(make, "kari")
    assert kari is not None
    assert (kari.address_line, kari.postcode, kari.city, kari.channel) == (
        "Storgata 1",
        "0155",
        "Oslo",
        Channel.EFAKTURA,
    )
    assert kari_intervals == [IntervalChoice(InvoiceInterval.MONTHLY, date(2024, 5, 1))]
    firm, firm_intervals = _account(make, "firm")
    assert firm is not None and firm.kind == RecipientKind.ORGANISATION
    assert (firm.channel, firm.address_line, firm_intervals) == (Channel.EHF, "", [])  # print: not for firms


def test_an_existing_recipient_keeps_what_an_officer_set_and_only_gets_a_missing_address(
    make: UowFactory,
) -> None:
    _changed(
        make,
        "p1",
        date(2024, 1, 1),
        _owner("kari", address=None, share=(1, 2)),
        _owner("ola", address=None, share=(1, 2)),
    )
    uow = make()
    change = AccountChange(
        address_line="Postboks 7",
        postcode="0101",
        city="Oslo",
        interval=InvoiceInterval.YEARLY,
        interval_from=date(2024, 1, 1),
    )
    update_account(uow, "kari", change, TODAY)

    _changed(
        make,
        "p2",
        date(2024, 5, 15),
        _owner("kari", channel="efaktura", interval="monthly", share=(1, 2)),
        _owner("ola", address=("Kirkeveien 3", "0368", "Oslo"), interval="monthly", share=(1, 2)),
    )
    kari, kari_intervals = _account(make, "kari")
    assert kari is not None
    assert (kari.address_line, kari.postcode, kari.channel) == ("Postboks 7", "0101", Channel.PRINT)
    assert kari_intervals == [IntervalChoice(InvoiceInterval.YEARLY, date(2024, 1, 1))]
    ola, ola_intervals = _account(make, "ola")
    assert ola is not None
    assert (ola.address_line, ola.postcode, ola.city) == ("Kirkeveien 3", "0368", "Oslo")
    assert ola_intervals == []  # an existing recipient's interval is the officer's to change
