"""Command: an assessor proposes a value by hand, with a reason; the committee adopts it like any other."""

from __future__ import annotations

from services.assessment.application.ports import AssessmentUnitOfWork
from services.assessment.domain.valuation import Valuation, manual_valuation
from services.platform.errors import InvalidInput, NotFound, Violations
from services.platform.identity import REASON_LENGTH, check_free_text
from services.platform.ids import new_id
from services.platform.money import Money


def propose_manual_valuation(
    uow: AssessmentUnitOfWork, property_id: str, value: Money, reason: str
) -> Valuation:
    problems = Violations()
    if value.ore <= 0:
        problems.add("value", "must be above zero")
    if not reason.strip():
        problems.add("reason", "a manual value needs a reason")
    else:
        check_free_text(problems, "reason", reason, REASON_LENGTH)
    problems.raise_if_any()
    try:
        result = manual_valuation(value, reason.strip())
    except ValueError as exc:
        raise InvalidInput.single("reason", str(exc)) from exc
    with uow:
        if uow.properties.get(property_id) is None:
            raise NotFound(f"no property {property_id}")
        version = uow.valuations.latest_versions([property_id]).get(property_id, 0) + 1
        valuation = Valuation(
            valuation_id=new_id(),
            property_id=property_id,
            version=version,
            route=result.route,
            value=result.value,
            trace=result.trace,
            reason=result.reason,
            adopted=False,
        )
        uow.valuations.add_many([valuation], uow.now())
        uow.valuations.clear_need(property_id)  # an assessor has valued it
        uow.commit()
    return valuation
