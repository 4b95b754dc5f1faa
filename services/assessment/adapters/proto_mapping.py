"""Domain ⇄ protobuf for assessment's API and events."""

from __future__ import annotations

from google.protobuf.message import Message
from propertytax.assessment.v1 import events_pb2, property_pb2

from services.assessment.domain.property import Location, Property, PropertyCategory, PropertyRegistered

_CATEGORY_TO_PROTO = {
    PropertyCategory.HOUSING: property_pb2.PROPERTY_CATEGORY_HOUSING,
    PropertyCategory.HOLIDAY_HOME: property_pb2.PROPERTY_CATEGORY_HOLIDAY_HOME,
    PropertyCategory.COMMERCIAL: property_pb2.PROPERTY_CATEGORY_COMMERCIAL,
    PropertyCategory.POWER: property_pb2.PROPERTY_CATEGORY_POWER,
    PropertyCategory.UNDEVELOPED: property_pb2.PROPERTY_CATEGORY_UNDEVELOPED,
    PropertyCategory.AGRICULTURE: property_pb2.PROPERTY_CATEGORY_AGRICULTURE,
}
_CATEGORY_FROM_PROTO: dict[int, PropertyCategory] = {int(v): k for k, v in _CATEGORY_TO_PROTO.items()}


def category_from_proto(value: int) -> PropertyCategory | None:
    return _CATEGORY_FROM_PROTO.get(value)


def location_from_proto(message: property_pb2.Location, present: bool) -> Location | None:
    return Location(lon=message.lon, lat=message.lat) if present else None


def property_to_proto(prop: Property) -> property_pb2.Property:
    message = property_pb2.Property(
        property_id=prop.property_id,
        cadastral_id=str(prop.cadastral_id),
        address=prop.address,
        category=_CATEGORY_TO_PROTO[prop.category],
        dwelling_units=prop.dwelling_units,
    )
    if prop.location is not None:
        message.location.lon = prop.location.lon
        message.location.lat = prop.location.lat
    return message


def event_to_proto(event: object) -> tuple[str, Message]:
    """A domain event as (subject, protobuf payload)."""
    if isinstance(event, PropertyRegistered):
        return event.property.property_id, events_pb2.PropertyRegistered(
            property=property_to_proto(event.property)
        )
    raise TypeError(f"no event mapping for {type(event).__name__}")
