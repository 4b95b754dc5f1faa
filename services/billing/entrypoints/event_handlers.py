"""Billing's Kafka consumer: event → application handler, nothing more.

Each handler works in the consumer's transaction (the processor's Session: the inbox row and the state
change commit together) through a unit of work that joins it, built by `join` (service.py injects it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import TypeVar

from sqlalchemy.orm import Session

from propertytax.appeals.v1 import events_pb2 as appeals_events
from propertytax.assessment.v1 import events_pb2 as assessment_events
from propertytax.assessment.v1 import property_pb2, tax_pb2
from services.billing.application.collection_holds import appeal_closed, appeal_registered
from services.billing.application.ports import BillingUnitOfWork
from services.billing.application.record_property import properties_registered, property_changed
from services.billing.application.record_property_tax import tax_corrected, taxes_determined
from services.billing.application.take_over_property import NewHolder, ownership_changed
from services.billing.domain.account import Channel, RecipientKind
from services.billing.domain.billing_property import BillingProperty
from services.billing.domain.intervals import InvoiceInterval
from services.billing.domain.property_tax import PropertyTax
from services.platform.events import ReceivedEvent
from services.platform.messaging.inbox_processor import BatchHandler, EventHandler
from services.platform.money import Money

# A unit of work inside a transaction someone else owns (the consumer's): it commits nothing itself.
JoinUnitOfWork = Callable[[Session], BillingUnitOfWork]


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


_Word = TypeVar("_Word", bound=StrEnum)


def _known(words: type[_Word], word: str) -> _Word | None:
    """The enum member a word from another service names; None for none or one billing does not know (the
    sender checked it; a newer word is left to billing's defaults rather than failing the event)."""
    return next((member for member in words if member.value == word), None)


def _holders(payload: assessment_events.OwnershipChanged) -> list[NewHolder]:
    kinds = {
        property_pb2.OWNER_KIND_PERSON: RecipientKind.PERSON,
        property_pb2.OWNER_KIND_ORGANISATION: RecipientKind.ORGANISATION,
    }
    return [
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


class BillingEventHandlers:
    """The handlers of the assessment events billing consumes, each in the consumer's transaction."""

    def __init__(self, join: JoinUnitOfWork) -> None:
        self._join = join

    def on_property_registered(self, session: Session, event: ReceivedEvent) -> None:
        payload = event.payload
        assert isinstance(payload, assessment_events.PropertyRegistered)
        properties_registered(self._join(session), [_billing_property(payload.property, event)])

    def on_properties_registered(self, session: Session, events: list[ReceivedEvent]) -> None:
        props = []
        for event in events:
            assert isinstance(event.payload, assessment_events.PropertyRegistered)
            props.append(_billing_property(event.payload.property, event))
        properties_registered(self._join(session), props)

    def on_property_changed(self, session: Session, event: ReceivedEvent) -> None:
        payload = event.payload
        assert isinstance(payload, assessment_events.PropertyChanged)
        property_changed(self._join(session), _billing_property(payload.property, event))

    def on_tax_base_determined(self, session: Session, event: ReceivedEvent) -> None:
        payload = event.payload
        assert isinstance(payload, assessment_events.TaxBaseDetermined)
        taxes_determined(self._join(session), [_property_tax(payload.tax_base, event)])

    def on_tax_bases_determined(self, session: Session, events: list[ReceivedEvent]) -> None:
        taxes = []
        for event in events:
            assert isinstance(event.payload, assessment_events.TaxBaseDetermined)
            taxes.append(_property_tax(event.payload.tax_base, event))
        taxes_determined(self._join(session), taxes)

    def on_tax_base_corrected(self, session: Session, event: ReceivedEvent) -> None:
        payload = event.payload
        assert isinstance(payload, assessment_events.TaxBaseCorrected)
        tax = _property_tax(payload.current, event)
        if payload.corrected_on:  # empty only in events written before assessment carried it
            tax = replace(tax, decided_on=date.fromisoformat(payload.corrected_on))
        tax_corrected(self._join(session), tax)

    def on_ownership_changed(self, session: Session, event: ReceivedEvent) -> None:
        payload = event.payload
        assert isinstance(payload, assessment_events.OwnershipChanged)
        holders = _holders(payload)
        effective = date.fromisoformat(payload.effective_date)
        ownership_changed(self._join(session), payload.property_id, effective, holders)

    def on_appeal_registered(self, session: Session, event: ReceivedEvent) -> None:
        """An appeal on a property's tax of a year holds reminders on that tax (collection holds) from the
        day the complaint was received until the case closes; one outside the committees is closed at
        once and holds nothing."""
        payload = event.payload
        assert isinstance(payload, appeals_events.AppealRegistered)
        if payload.outside_committees or not payload.case_id or not payload.property_id:
            return
        appeal_registered(
            self._join(session),
            payload.case_id,
            payload.property_id,
            payload.tax_year,
            f"Klage på eiendomsskatt {payload.tax_year}",
            date.fromisoformat(payload.received_on),
        )

    def on_appeal_closed(self, session: Session, event: ReceivedEvent) -> None:
        payload = event.payload
        assert isinstance(payload, appeals_events.AppealClosed)
        appeal_closed(self._join(session), payload.case_id, date.fromisoformat(payload.closed_on))

    def handlers(self) -> dict[str, EventHandler]:
        return {
            appeals_events.AppealRegistered.DESCRIPTOR.full_name: self.on_appeal_registered,
            appeals_events.AppealClosed.DESCRIPTOR.full_name: self.on_appeal_closed,
            assessment_events.OwnershipChanged.DESCRIPTOR.full_name: self.on_ownership_changed,
            assessment_events.PropertyRegistered.DESCRIPTOR.full_name: self.on_property_registered,
            assessment_events.PropertyChanged.DESCRIPTOR.full_name: self.on_property_changed,
            assessment_events.TaxBaseDetermined.DESCRIPTOR.full_name: self.on_tax_base_determined,
            assessment_events.TaxBaseCorrected.DESCRIPTOR.full_name: self.on_tax_base_corrected,
        }

    def batch_handlers(self) -> dict[str, BatchHandler]:
        """The levy and register imports send these by the hundred thousand: taken a poll's run at a time."""
        return {
            assessment_events.PropertyRegistered.DESCRIPTOR.full_name: self.on_properties_registered,
            assessment_events.TaxBaseDetermined.DESCRIPTOR.full_name: self.on_tax_bases_determined,
        }
