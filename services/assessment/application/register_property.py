"""Commands: add a property to the register, or change its facts; either proposes a new valuation when
the facts give a new value."""

from __future__ import annotations

from dataclasses import replace

from services.assessment.application.config import AssessmentConfig
from services.assessment.application.ports import AssessmentUnitOfWork
from services.assessment.application.valuing import propose_valuations
from services.assessment.domain.property import (
    Property,
    PropertyChanged,
    PropertyFacts,
    PropertyRegistered,
    check_in_surroundings,
    new_property,
)
from services.assessment.domain.valuation import ValuationRoute
from services.platform.errors import AlreadyExists, NotFound
from services.platform.ids import new_id


def _with_zone(uow: AssessmentUnitOfWork, prop: Property) -> Property:
    if prop.location is None:
        return replace(prop, zone_id=None)
    zones = uow.zones.index()
    check_in_surroundings(prop.location, zones.surroundings())
    zone = zones.locate([prop.location.lon], [prop.location.lat])[0]
    return replace(prop, zone_id=zone.zone_id if zone else None)


def register_property(uow: AssessmentUnitOfWork, facts: PropertyFacts, config: AssessmentConfig) -> Property:
    prop = new_property(new_id(), facts)
    with uow:
        if prop.cadastral_id is not None and uow.properties.exists_cadastral(prop.cadastral_id):
            raise AlreadyExists(f"property {prop.cadastral_id} is already registered")
        prop = _with_zone(uow, prop)
        uow.properties.add(prop, registered_at=uow.now())
        propose_valuations(uow, [prop], {}, 0, config)
        uow.record(PropertyRegistered(prop))
        uow.commit()
    return prop


def update_property(
    uow: AssessmentUnitOfWork, property_id: str, facts: PropertyFacts, config: AssessmentConfig
) -> Property:
    prop = new_property(property_id, facts)
    with uow:
        if uow.properties.get(property_id) is None:
            raise NotFound(f"no property {property_id}")
        if prop.cadastral_id is not None and uow.properties.exists_cadastral(
            prop.cadastral_id, excluding=property_id
        ):
            raise AlreadyExists(f"property {prop.cadastral_id} is registered under another id")
        prop = _with_zone(uow, prop)
        uow.properties.replace_many([prop])
        newest = uow.valuations.newest([property_id])
        if not newest or newest[0].route == ValuationRoute.STANDARD_RATE:
            propose_valuations(uow, [prop], {}, 0, config)
        uow.record(PropertyChanged(prop))
        uow.commit()
    return prop
