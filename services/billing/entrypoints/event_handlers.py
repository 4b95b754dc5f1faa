"""Billing's Kafka consumer: event → application handler, nothing more."""

from __future__ import annotations

from propertytax.assessment.v1 import events_pb2 as assessment_events
from propertytax.assessment.v1 import property_pb2
from sqlalchemy.orm import Session

from services.billing.adapters.repository import BillingPropertyRepository
from services.billing.application.record_property import record_property
from services.billing.domain.billing_property import BillingProperty
from services.platform.event_consumer import EventHandler
from services.platform.events import ReceivedEvent


def on_property_registered(session: Session, event: ReceivedEvent) -> None:
    payload = event.payload
    assert isinstance(payload, assessment_events.PropertyRegistered)
    prop = payload.property
    if not prop.property_id:
        raise ValueError("PropertyRegistered without property_id")
    record_property(
        BillingPropertyRepository(session),
        BillingProperty(
            property_id=prop.property_id,
            cadastral_id=prop.cadastral_id,
            address=prop.address,
            category=property_pb2.PropertyCategory.Name(prop.category),
            dwelling_units=prop.dwelling_units,
            source_event_id=event.event_id,
        ),
    )


HANDLERS: dict[str, EventHandler] = {
    assessment_events.PropertyRegistered.DESCRIPTOR.full_name: on_property_registered,
}
