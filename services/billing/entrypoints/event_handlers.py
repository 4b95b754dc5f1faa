"""Billing's Kafka consumer: event → application handler, nothing more."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import TypeVar

from sqlalchemy.orm import Session

from propertytax.assessment.v1 import events_pb2 as assessment_events
from propertytax.assessment.v1 import property_pb2, tax_pb2
from services.billing.adapters.account_repository import AccountRepository, HoldingRepository
from services.billing.adapters.correction_repository import CorrectionFlags
from services.billing.adapters.repository import BillingPropertyRepository, PropertyTaxRepository
from services.billing.application.flag_corrections import flag_holders
from services.billing.application.record_property import record_properties, record_property, update_property
from services.billing.application.record_property_tax import record_property_tax, record_property_taxes
from services.billing.application.take_over_property import NewHolder, take_over_property
from services.billing.domain.account import Channel, RecipientKind
from services.billing.domain.billing_property import BillingProperty
from services.billing.domain.intervals import InvoiceInterval
from services.billing.domain.property_tax import PropertyTax
from services.platform.clock import oslo_today, utc_now
from services.platform.events import ReceivedEvent
from services.platform.messaging.inbox_processor import BatchHandler, EventHandler
from services.platform.money import Money


def _billing_property(prop: property_pb2.Property, event: ReceivedEvent) -> BillingProperty:
    if not prop.property_id:
        raise ValueError(f"{type(event.payload).__name__} without property_id")
    return BillingProperty(
        property_id=prop.property_id,
        cadastral_id=prop.cadastral_id,
        address=prop.address,
        category=property_pb2.PropertyCategory.Name(prop.category),
        dwelling_units=prop.dwelling_units,
        source_event_id=event.event_id,
        bra_m2=sum((Decimal(f.bra_m2 or "0") for f in prop.floors), Decimal(0)),
    )


def on_property_registered(session: Session, event: ReceivedEvent) -> None:
    payload = event.payload
    assert isinstance(payload, assessment_events.PropertyRegistered)
    record_property(BillingPropertyRepository(session), _billing_property(payload.property, event))


def on_properties_registered(session: Session, events: list[ReceivedEvent]) -> None:
    props = []
    for event in events:
        assert isinstance(event.payload, assessment_events.PropertyRegistered)
        props.append(_billing_property(event.payload.property, event))
    record_properties(BillingPropertyRepository(session), props)


def on_property_changed(session: Session, event: ReceivedEvent) -> None:
    payload = event.payload
    assert isinstance(payload, assessment_events.PropertyChanged)
    update_property(BillingPropertyRepository(session), _billing_property(payload.property, event))


def _property_tax(base: tax_pb2.TaxBase, event: ReceivedEvent) -> PropertyTax:
    if not base.property_id or base.tax_year <= 0 or base.version <= 0:
        raise ValueError("tax base without property_id, tax_year or version")
    return PropertyTax(
        property_id=base.property_id,
        tax_year=base.tax_year,
        version=base.version,
        status=tax_pb2.TaxStatus.Name(base.status),
        tax=Money(base.tax.ore),
        tax_base=Money(base.tax_base.ore),
        terms=base.terms,
        source_event_id=event.event_id,
    )


def on_tax_base_determined(session: Session, event: ReceivedEvent) -> None:
    payload = event.payload
    assert isinstance(payload, assessment_events.TaxBaseDetermined)
    record_property_tax(PropertyTaxRepository(session), _property_tax(payload.tax_base, event))


def on_tax_bases_determined(session: Session, events: list[ReceivedEvent]) -> None:
    taxes = []
    for event in events:
        assert isinstance(event.payload, assessment_events.TaxBaseDetermined)
        taxes.append(_property_tax(event.payload.tax_base, event))
    record_property_taxes(PropertyTaxRepository(session), taxes)


def on_tax_base_corrected(session: Session, event: ReceivedEvent) -> None:
    payload = event.payload
    assert isinstance(payload, assessment_events.TaxBaseCorrected)
    tax = _property_tax(payload.current, event)
    if payload.corrected_on:  # empty only in events written before assessment carried it
        tax = replace(tax, decided_on=date.fromisoformat(payload.corrected_on))
    if record_property_tax(PropertyTaxRepository(session), tax):
        flag_holders(CorrectionFlags(session), tax.property_id, [tax.tax_year], utc_now())


_Word = TypeVar("_Word", bound=StrEnum)


def _known(words: type[_Word], word: str) -> _Word | None:
    """The enum member a word from another service names; None for none or one billing does not know (the
    sender checked it; a newer word is left to billing's defaults rather than failing the event)."""
    return next((member for member in words if member.value == word), None)


def on_ownership_changed(session: Session, event: ReceivedEvent) -> None:
    payload = event.payload
    assert isinstance(payload, assessment_events.OwnershipChanged)
    kinds = {
        property_pb2.OWNER_KIND_PERSON: RecipientKind.PERSON,
        property_pb2.OWNER_KIND_ORGANISATION: RecipientKind.ORGANISATION,
    }
    holders = [
        NewHolder(
            account_id=o.owner_ref,
            kind=kinds[o.kind],
            name=o.name,
            organisation_number=o.organisation_number,
            share=Fraction(o.share_numerator, o.share_denominator),
            address_line=", ".join(line for line in o.postal_address.address_lines if line),
            postcode=o.postal_address.postcode,
            city=o.postal_address.city,
            # Words assessment checked; one this billing does not know is left to the defaults.
            channel=_known(Channel, o.billing_channel),
            interval=_known(InvoiceInterval, o.invoice_interval),
        )
        for o in payload.owners
    ]
    effective = date.fromisoformat(payload.effective_date)
    now = utc_now()
    if take_over_property(
        AccountRepository(session), HoldingRepository(session), payload.property_id, effective, holders, now
    ):
        years = range(effective.year, max(effective.year, oslo_today().year) + 1)
        flag_holders(CorrectionFlags(session), payload.property_id, years, now)


HANDLERS: dict[str, EventHandler] = {
    assessment_events.OwnershipChanged.DESCRIPTOR.full_name: on_ownership_changed,
    assessment_events.PropertyRegistered.DESCRIPTOR.full_name: on_property_registered,
    assessment_events.PropertyChanged.DESCRIPTOR.full_name: on_property_changed,
    assessment_events.TaxBaseDetermined.DESCRIPTOR.full_name: on_tax_base_determined,
    assessment_events.TaxBaseCorrected.DESCRIPTOR.full_name: on_tax_base_corrected,
}

# The levy and register imports send these by the hundred thousand: taken a poll's run at a time.
BATCH_HANDLERS: dict[str, BatchHandler] = {
    assessment_events.PropertyRegistered.DESCRIPTOR.full_name: on_properties_registered,
    assessment_events.TaxBaseDetermined.DESCRIPTOR.full_name: on_tax_bases_determined,
}
