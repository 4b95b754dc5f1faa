"""Command: add a property to the register and announce it."""

from __future__ import annotations

from dataclasses import dataclass

from services.assessment.application.ports import AssessmentUnitOfWork
from services.assessment.domain.property import (
    Location,
    Property,
    PropertyCategory,
    PropertyRegistered,
    new_property,
)
from services.platform.errors import AlreadyExists
from services.platform.ids import new_id


@dataclass(frozen=True)
class RegisterProperty:
    cadastral_id: str
    address: str
    category: PropertyCategory | None
    dwelling_units: int
    location: Location | None = None


def register_property(uow: AssessmentUnitOfWork, command: RegisterProperty) -> Property:
    prop = new_property(
        property_id=new_id(),
        cadastral_id=command.cadastral_id,
        address=command.address,
        category=command.category,
        dwelling_units=command.dwelling_units,
        location=command.location,
    )
    with uow:
        if uow.properties.exists_cadastral(prop.cadastral_id):
            raise AlreadyExists(f"property {prop.cadastral_id} is already registered")
        uow.properties.add(prop, registered_at=uow.now())
        uow.record(PropertyRegistered(prop))
        uow.commit()
    return prop
