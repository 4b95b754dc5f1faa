"""Command: record what an assessor found on site (DOMAIN.md § 1) → a standard-rate valuation proposal with
its full trace, for the committee to adopt as any other (`propertytax assessment adopt`) → InspectionCompleted
for the appeal cases the inspection answers.

The register's floors and plot are not overwritten with the measured ones: the register follows the
cadastre (its imports replace them), which the office corrects at its source; the measurements are kept in
the field result and in the proposal's trace, where a complaint will look for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.assessment.application.config import AssessmentConfig
from services.assessment.application.ports import AssessmentUnitOfWork
from services.assessment.application.valuing import zone_factor
from services.assessment.domain.field_results import (
    FieldResult,
    InspectionCompleted,
    check_field_result,
    factor_source,
    findings,
    inspection_trace,
)
from services.assessment.domain.inspection_needs import HistoryEvent
from services.assessment.domain.valuation import (
    NeedReason,
    Valuation,
    standard_rate_valuation,
    why_not_valued,
)
from services.platform.errors import FailedPrecondition, InvalidInput, NotFound, Violations
from services.platform.ids import new_id


@dataclass(frozen=True)
class InspectionRecorded:
    valuation: Valuation  # the proposal, not adopted
    appeal_case_ids: tuple[str, ...]  # the appeal cases the inspection answered


def record_inspection(
    uow: AssessmentUnitOfWork, config: AssessmentConfig, result: FieldResult, today: date
) -> InspectionRecorded:
    """Values the property by standard rates with what was measured (the register's floors or plot where
    nothing was), the property's zone factor and the assessor's inner and outer factors, and stores in one
    transaction: the proposal (the property's next version, not adopted), the field result, an `inspected`
    history row on inspected_on (the business date), the property's valuation need cleared, its appeal
    needs requested on or before inspected_on closed, and InspectionCompleted, one per appeal case closed
    (one without a case when none was).

    InvalidInput naming each bad field (check_field_result; floors when what was measured gives no value);
    NotFound for an unknown property; FailedPrecondition when the property has no zone factor (no
    location, or outside every zone: the register must place it first)."""
    problems = Violations()
    check_field_result(result, today, problems)
    problems.raise_if_any()
    with uow:
        prop = uow.properties.get(result.property_id)
        if prop is None:
            raise NotFound(f"no property {result.property_id}")
        floors = result.floors or prop.floors
        plot = prop.plot_m2 if result.plot_m2 is None else result.plot_m2
        zones = uow.zones.index()
        zone = zones.by_id(prop.zone_id)
        causes = why_not_valued(
            property_id=prop.property_id,
            category=prop.category,
            floors=floors,
            plot_m2=plot,
            location=prop.location,
            in_zone=zone is not None,
            zones_exist=bool(zones.zones),
            rates=config.rates,
        )
        unplaced = [c for c in causes if c.reason in (NeedReason.NO_LOCATION, NeedReason.OUTSIDE_ZONES)]
        if unplaced:
            raise FailedPrecondition(f"{prop.property_id} has no zone factor: {unplaced[0].detail}")
        if causes:
            raise InvalidInput.single("floors", f"what was measured cannot value it: {causes[0].detail}")
        factor, source = zone_factor(zone)
        valued = standard_rate_valuation(
            category=prop.category,
            floors=floors,
            plot_m2=plot,
            rates=config.rates,
            zone_factor=factor,
            zone_source=source,
            inner_factor=result.inner_factor,
            outer_factor=result.outer_factor,
            factor_source=factor_source(result, result.inner_reason),
            outer_factor_source=factor_source(result, result.outer_reason),
        )
        if valued.value.ore <= 0:
            raise InvalidInput.single("floors", "what was measured gives a value of 0 kr")
        version = uow.valuations.latest_versions([prop.property_id]).get(prop.property_id, 0) + 1
        valuation = Valuation(
            valuation_id=new_id(),
            property_id=prop.property_id,
            version=version,
            route=valued.route,
            value=valued.value,
            trace=(*inspection_trace(result), *valued.trace),
            reason=f"inspection {result.inspected_on.isoformat()}",
            adopted=False,
        )
        uow.valuations.add_many([valuation], uow.now())
        uow.valuations.clear_need(prop.property_id)  # an assessor has valued it on site
        uow.inspection_needs.add_result(result, valuation.valuation_id, uow.now())
        uow.inspection_needs.add_history([(prop.property_id, HistoryEvent.INSPECTED, result.inspected_on)])
        closed = uow.inspection_needs.mark_done(prop.property_id, result.inspected_on)
        answered = tuple(n.appeal_case_id for n in closed)
        found = findings(result, sum((f.bra_m2 for f in floors), Decimal(0)), valuation.value)
        for case_id in answered or ("",):
            uow.record(
                InspectionCompleted(
                    property_id=prop.property_id,
                    inspected_on=result.inspected_on,
                    findings=found,
                    appeal_case_id=case_id,
                    valuation_id=valuation.valuation_id,
                )
            )
        uow.commit()
    return InspectionRecorded(valuation, answered)
