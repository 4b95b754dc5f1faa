"""Query: one property."""

from __future__ import annotations

from services.assessment.application.ports import AssessmentUnitOfWork
from services.assessment.domain.property import Property
from services.platform.errors import InvalidInput, NotFound
from services.platform.ids import is_uuid


def get_property(uow: AssessmentUnitOfWork, property_id: str) -> Property:
    if not is_uuid(property_id):
        raise InvalidInput.single("property_id", "must be a UUID")
    with uow:
        prop = uow.properties.get(property_id)
    if prop is None:
        raise NotFound(f"no property {property_id}")
    return prop
