"""What reaches billing from assessment, on the in-memory unit of work: properties, the year's property
tax and its corrections, and ownership changes, through the application handlers and through the
consumer's event handlers (event → handler), without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from fractions import Fraction
from typing import cast

import pytest
from sqlalchemy.orm import Session

from propertytax.assessment.v1 import events_pb2 as assessment_events
from propertytax.assessment.v1 import property_pb2, tax_pb2
from propertytax.platform.v1 import money_pb2
from services.billing.application.ports import BillingUnitOfWork
from services.billing.application.record_property import properties_registered, property_changed
from services.billing.application.record_property_tax import tax_corrected, taxes_determined
from services.billing.application.take_over_property import NewHolder, ownership_changed
from services.billing.domain.account import Channel, RecipientKind
from services.billing.domain.billing_property import BillingProperty
from services.billing.domain.charges import Holding
from services.billing.domain.intervals import IntervalChoice, InvoiceInterval
from services.billing.domain.property_tax import PropertyTax
from services.billing.entrypoints.event_handlers import BillingEventHandlers
from services.platform.errors import InvalidInput
from services.platform.events import ReceivedEvent, wrap
from services.platform.money import Money
from tests.fakes.billing import FakeBillingUnitOfWork
from tests.fakes.unit_of_work import FIXED_NOW

pytestmark = pytest.mark.unit


def _tax(pid: str, annual: str, version: int = 1) -> PropertyTax:
    return PropertyTax(pid, 2024, version, "TAX_STATUS_TAXED", Money.of(annual), Money(0), 4, f"ev-{version}")


def _person(
    account_id: str,
    share: Fraction = Fraction(1),
    address: tuple[str, str, str] = ("", "", ""),
    channel: Channel | None = None,
    interval: InvoiceInterval | None = None,
) -> NewHolder:
    return NewHolder(
        account_id, RecipientKind.PERSON, f"Eier {account_id}", "", share, *address, channel, interval
    )


def test_a_levy_s_taxes_are_stored_once_and_the_last_version_of_a_year_is_the_current_one() -> None:
    uow = FakeBillingUnitOfWork()
    new = taxes_determined(uow, [_tax("p1", "1000.00"), _tax("p1", "1200.00", 2), _tax("p2", "500.00")])
    assert [(t.property_id, t.version) for t in new] == [("p1", 1), ("p1", 2), ("p2", 1)]
    assert uow.taxes.current_taxes(["p1", "p2"], 2024) == {"p1": new[1], "p2": new[2]}
    assert taxes_determined(uow, [_tax("p1", "1000.00")]) == []  # a redelivery changes nothing
    assert len(uow.taxes.rows) == 3 and uow.commits == 2


def test_a_corrected_tax_flags_everyone_who_held_the_property_in_its_year() -> None:
    uow = FakeBillingUnitOfWork()
    taxes_determined(uow, [_tax("p1", "1000.00")])
    with uow:
        uow.holdings.add("p1", "seller", date(2023, 1, 1), Fraction(1))
        uow.holdings.close_open("p1", date(2024, 6, 1))
        uow.holdings.add("p1", "buyer", date(2024, 6, 1), Fraction(1))
        uow.holdings.add("p9", "other", date(2024, 1, 1), Fraction(1))
    assert tax_corrected(uow, _tax("p1", "800.00", 2))
    assert uow.corrections.rows == {("seller", 2024): FIXED_NOW, ("buyer", 2024): FIXED_NOW}
    assert uow.taxes.current_taxes(["p1"], 2024)["p1"].version == 2
    uow.corrections.rows.clear()
    assert not tax_corrected(uow, _tax("p1", "800.00", 2))  # a redelivery flags no one again
    assert uow.corrections.rows == {}


def test_new_owners_become_recipients_hold_from_the_effective_date_and_the_years_since_are_flagged() -> None:
    uow = FakeBillingUnitOfWork(now=datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    with uow:
        uow.holdings.add("p1", "seller", date(2020, 1, 1), Fraction(1))
    holders = [
        _person("a", Fraction(1, 2), ("Storgata 1", "0155", "Oslo")),
        _person("b", Fraction(1, 2), channel=Channel.EHF, interval=InvoiceInterval.MONTHLY),
    ]
    assert ownership_changed(uow, "p1", date(2024, 7, 1), holders)
    a, b = uow.accounts.get("a"), uow.accounts.get("b")
    assert a is not None and b is not None
    assert (a.customer_number, a.address_line, a.channel) == (1, "Storgata 1", Channel.PRINT)
    assert b.channel == Channel.PRINT  # a person cannot be invoiced by EHF: the default
    assert uow.accounts.intervals(["a", "b"]) == {
        "b": [IntervalChoice(InvoiceInterval.MONTHLY, date(2024, 7, 1))]
    }
    assert uow.holdings.of_property("p1") == [
        ("seller", Holding(date(2020, 1, 1), date(2024, 7, 1), Fraction(1))),
        ("a", Holding(date(2024, 7, 1), date.max, Fraction(1, 2))),
        ("b", Holding(date(2024, 7, 1), date.max, Fraction(1, 2))),
    ]
    flagged = sorted(uow.corrections.rows)
    assert flagged == [(who, y) for who in ("a", "b") for y in (2024, 2025, 2026)] + [("seller", 2024)]


def test_an_ownership_change_older_than_billing_s_latest_or_with_bad_shares_changes_nothing() -> None:
    uow = FakeBillingUnitOfWork()
    assert ownership_changed(uow, "p1", date(2024, 7, 1), [_person("a")])
    before = list(uow.holdings.rows), dict(uow.corrections.rows)
    assert not ownership_changed(uow, "p1", date(2024, 7, 1), [_person("b")])  # late, superseded
    with pytest.raises(InvalidInput) as bad:
        ownership_changed(uow, "p1", date(2024, 9, 1), [_person("c", Fraction(1, 2))])
    assert [v.field for v in bad.value.violations] == ["owners"]
    assert (uow.holdings.rows, uow.corrections.rows) == before
    assert uow.accounts.get("b") is None and uow.accounts.get("c") is None


def test_an_existing_recipient_keeps_the_address_an_officer_gave_and_gets_one_it_lacks() -> None:
    uow = FakeBillingUnitOfWork()
    ownership_changed(uow, "p1", date(2024, 1, 1), [_person("a")])
    ownership_changed(uow, "p2", date(2024, 1, 1), [_person("a", address=("Vei 1", "0150", "Oslo"))])
    a = uow.accounts.get("a")
    assert a is not None and (a.address_line, a.postcode) == ("Vei 1", "0150")
    ownership_changed(uow, "p3", date(2024, 1, 1), [_person("a", address=("Annen 2", "5003", "Bergen"))])
    assert uow.accounts.get("a") == a  # the address it has stays


def test_registered_properties_are_stored_once_and_a_change_follows_assessment() -> None:
    uow = FakeBillingUnitOfWork()
    p1 = BillingProperty("p1", "0301-1/1", "Storgata 1", "PROPERTY_CATEGORY_HOUSING", 1, "ev-1")
    assert properties_registered(uow, [p1, p1]) == 1
    assert properties_registered(uow, [p1]) == 0
    bigger = BillingProperty("p1", "0301-1/1", "Storgata 1", "PROPERTY_CATEGORY_HOUSING", 3, "ev-2")
    property_changed(uow, bigger)
    property_changed(
        uow, BillingProperty("p2", "0301-1/2", "Storgata 2", "PROPERTY_CATEGORY_HOUSING", 1, "ev-3")
    )
    assert uow.properties.rows["p1"] == bigger and set(uow.properties.rows) == {"p1", "p2"}


def _received(
    payload: assessment_events.OwnershipChanged | assessment_events.TaxBaseCorrected,
) -> ReceivedEvent:
    return ReceivedEvent(wrap(payload, source="assessment", subject="p1", occurred_at=FIXED_NOW), payload)


def _handlers(uow: FakeBillingUnitOfWork, joined: list[Session]) -> BillingEventHandlers:
    def join(session: Session) -> BillingUnitOfWork:
        joined.append(session)
        return uow

    return BillingEventHandlers(join)


def test_the_consumer_s_ownership_event_reaches_the_handler_in_the_consumer_s_transaction() -> None:
    uow, joined = FakeBillingUnitOfWork(), list[Session]()
    session = cast(Session, object())
    sold = assessment_events.OwnershipChanged(
        property_id="p1",
        effective_date="2024-03-01",
        owners=[
            property_pb2.OwnerShare(
                owner_ref="org-1",
                kind=property_pb2.OWNER_KIND_ORGANISATION,
                name="Eier AS",
                organisation_number="974683520",
                share_numerator=1,
                share_denominator=1,
                billing_channel="ehf",
                invoice_interval="not-a-word-billing-knows",
            )
        ],
    )
    handlers = _handlers(uow, joined).handlers()
    handlers[assessment_events.OwnershipChanged.DESCRIPTOR.full_name](session, _received(sold))
    assert joined == [session]
    org = uow.accounts.get("org-1")
    assert org is not None and (org.kind, org.channel, org.organisation_number) == (
        RecipientKind.ORGANISATION,
        Channel.EHF,
        "974683520",
    )
    assert uow.accounts.intervals(["org-1"]) == {}  # an unknown word is left to billing's default
    assert uow.corrections.rows == {("org-1", 2024): FIXED_NOW}


def test_the_consumer_s_correction_event_stores_the_tax_as_of_its_business_date() -> None:
    uow, joined = FakeBillingUnitOfWork(), list[Session]()
    corrected = assessment_events.TaxBaseCorrected(
        current=tax_pb2.TaxBase(
            property_id="p1",
            tax_year=2024,
            version=2,
            status=tax_pb2.TAX_STATUS_TAXED,
            tax=money_pb2.Money(ore=80_000),
            tax_base=money_pb2.Money(ore=0),
            terms=4,
        ),
        corrected_on="2024-05-06",
    )
    handlers = _handlers(uow, joined)
    handlers.handlers()[assessment_events.TaxBaseCorrected.DESCRIPTOR.full_name](
        cast(Session, object()), _received(corrected)
    )
    [(tax, current)] = uow.taxes.rows
    assert current and (tax.version, tax.tax, tax.decided_on) == (2, Money(80_000), date(2024, 5, 6))
    assert set(handlers.batch_handlers()) == {
        assessment_events.PropertyRegistered.DESCRIPTOR.full_name,
        assessment_events.TaxBaseDetermined.DESCRIPTOR.full_name,
    }
