"""Command: the valuation committee adopts proposed valuations (in batch)."""

from __future__ import annotations

from services.assessment.application.ports import AssessmentUnitOfWork
from services.platform.errors import InvalidInput, Violations
from services.platform.identity import NAME_LENGTH, check_free_text


def adopt_valuations(uow: AssessmentUnitOfWork, property_ids: list[str] | None, reference: str) -> int:
    if not reference.strip():
        raise InvalidInput.single("adoption_reference", "name the committee's decision, e.g. 'sak 12/2024'")
    problems = Violations()
    check_free_text(problems, "adoption_reference", reference, NAME_LENGTH)
    problems.raise_if_any()
    with uow:
        adopted = uow.valuations.adopt(property_ids or None, reference.strip(), uow.now())
        uow.commit()
    return adopted
