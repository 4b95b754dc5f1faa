"""Command: record what an assessor found on site (DOMAIN.md § 1) → a standard-rate valuation proposal with
its full trace, for the committee to adopt as any other (`propertytax assessment adopt`) → InspectionCompleted
for the appeal cases the inspection answers.

A dwelling valued from the tax authority's housing value gets no standard-rate proposal. DOMAIN.md § 1: when
the tax authority's value is used (§ 8 C-1) the base is that value, and the municipality values a property
itself ("usually by standard rates after an inspection") only *without* a tax-authority value; § 2: a
complaint about the housing value goes to the tax authority, not the municipality. A standard-rate proposal
beside the housing value would compete with it: the next `assessment adopt` would replace 8 300 000 kr by
the formula's 4 612 500 kr, on a route the law does not give that dwelling. So when the property's stored
housing values can value it (each unit above 0 kr) and it has a housing-value valuation, the inspection
records its findings (the field result, the history, the appeal needs it answers, InspectionCompleted with
the findings) and proposes nothing; it answers with that valuation and a warning naming the housing value
and what the formula would have given. A property that cannot use the housing value (none stored, or a
unit at 0 kr) is valued by the formula as any other, with a warning when its standing value is still a
housing value: the proposal replaces it only if adopted.

The register's floors and plot are not overwritten with the measured ones: the register follows the
cadastre (its imports replace them), which the office corrects at its source; the measurements are kept in
the field result and in the proposal's trace, where a complaint will look for them. So the trace and the
proposal's reason say of each area whether it was measured on site or taken from the register, and name the
register's figures a measurement replaced."""

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
    area_sources,
    check_field_result,
    factor_source,
    findings,
    housing_value_kept,
    housing_value_replaced,
    inspection_trace,
    plan_of_visit,
    planning_warnings,
    proposal_reason,
)
from services.assessment.domain.inspection_needs import HistoryEvent
from services.assessment.domain.property import Property
from services.assessment.domain.valuation import (
    NeedReason,
    Valuation,
    ValuationResult,
    ValuationRoute,
    housing_value_need,
    housing_values_in_force,
    standard_rate_valuation,
    why_not_valued,
)
from services.platform.errors import FailedPrecondition, InvalidInput, NotFound, Violations
from services.platform.ids import new_id


@dataclass(frozen=True)
class InspectionRecorded:
    valuation: Valuation  # the proposal, not adopted; not `proposed`: the housing-value valuation standing
    appeal_case_ids: tuple[str, ...]  # the appeal cases the inspection answered
    warnings: tuple[str, ...]  # for the office to look at; recorded all the same
    proposed: bool = True  # False: valued from the tax authority's housing value, no proposal made


def record_inspection(
    uow: AssessmentUnitOfWork, config: AssessmentConfig, result: FieldResult, today: date
) -> InspectionRecorded:
    """Values the property by standard rates with what was measured (the register's floors or plot where
    nothing was), the property's zone factor and the assessor's inner and outer factors, and stores in one
    transaction: the proposal (the property's next version, not adopted), the field result, an `inspected`
    history row on inspected_on (the business date), the property's valuation need cleared, its appeal
    needs requested on or before inspected_on closed, and InspectionCompleted, one per appeal case closed
    (one without a case when none was).

    A property valued from the tax authority's housing value (its stored values can value it): the same,
    but no proposal and no need cleared; the answer's valuation is the housing-value one, `proposed`
    False, with a warning (see the module's docstring). Warns too, and records all the same, where the
    plan that visits the property (plan_of_visit: the one whose period is nearest the inspection day) has
    its visit and the inspection went otherwise (planning_warnings).

    InvalidInput naming each bad field (check_field_result; floors when what was measured gives no value);
    NotFound for an unknown property; FailedPrecondition when the property has no zone factor (no
    location, or outside every zone: the register must place it first). A property kept on its housing
    value is recorded without those two: nothing is valued by the formula."""
    problems = Violations()
    check_field_result(result, today, problems)
    problems.raise_if_any()
    with uow:
        prop = uow.properties.get(result.property_id)
        if prop is None:
            raise NotFound(f"no property {result.property_id}")
        floors = result.floors or prop.floors
        housing, why_not = _housing_value(uow, prop.property_id)
        valued = _formula(uow, config, prop, result)
        warnings: list[str] = []
        if housing is not None and not why_not:
            formula = None if isinstance(valued, Exception) else valued.value
            warnings.append(housing_value_kept(housing.value, formula))
            valuation, proposed = housing, False
        else:
            if isinstance(valued, Exception):
                raise valued
            valuation = Valuation(
                valuation_id=new_id(),
                property_id=prop.property_id,
                version=uow.valuations.latest_versions([prop.property_id]).get(prop.property_id, 0) + 1,
                route=valued.route,
                value=valued.value,
                trace=(*inspection_trace(result, prop.floors, prop.plot_m2), *valued.trace),
                reason=proposal_reason(result),
                adopted=False,
            )
            if housing is not None:
                warnings.append(housing_value_replaced(housing.value, valuation.value, why_not))
            proposed = True
            uow.valuations.add_many([valuation], uow.now())
            uow.valuations.clear_need(prop.property_id)  # an assessor has valued it on site
        # The plan that visits the property, not the latest one: a later period's plan would hide it.
        plans = uow.inspection_plans.visits_of(prop.property_id)
        warnings += planning_warnings(result, plan_of_visit(plans, result.inspected_on))
        uow.inspection_needs.add_result(
            result, new_id(), valuation.valuation_id if proposed else None, uow.now()
        )
        uow.inspection_needs.add_history([(prop.property_id, HistoryEvent.INSPECTED, result.inspected_on)])
        closed = uow.inspection_needs.mark_done(prop.property_id, result.inspected_on)
        answered = tuple(n.appeal_case_id for n in closed)
        bra = sum((f.bra_m2 for f in floors), Decimal(0))
        found = findings(result, bra, valuation.value, proposed)
        for case_id in answered or ("",):
            uow.record(
                InspectionCompleted(
                    property_id=prop.property_id,
                    inspected_on=result.inspected_on,
                    findings=found,
                    appeal_case_id=case_id,
                    valuation_id=valuation.valuation_id if proposed else "",
                )
            )
        uow.commit()
    return InspectionRecorded(valuation, answered, tuple(warnings), proposed)


def _housing_value(uow: AssessmentUnitOfWork, property_id: str) -> tuple[Valuation | None, str]:
    """(the property's standing housing-value valuation, why its stored housing values cannot value it
    now: empty when they can). The valuation: the newest by the housing-value route while the stored
    values can value the property; else its newest valuation when that is one by the housing-value route
    (the value a proposal would replace); else None."""
    values = uow.housing_values.newest_year_by_unit([property_id]).get(property_id, {})
    if not housing_values_in_force(values):
        why = "the tax authority has no housing value for it now"
    else:
        zero = housing_value_need(property_id, values)
        why = "" if zero is None else zero.detail
    valuations = uow.valuations.for_property(property_id)  # newest first
    if why:
        newest = valuations[0] if valuations else None
        return (newest if newest and newest.route == ValuationRoute.HOUSING_VALUE else None), why
    housing = next((v for v in valuations if v.route == ValuationRoute.HOUSING_VALUE), None)
    # Values stored but never valued by (no import valued them): the formula values it, as before.
    return housing, "" if housing is not None else "the tax authority's values have not valued it yet"


def _formula(
    uow: AssessmentUnitOfWork, config: AssessmentConfig, prop: Property, result: FieldResult
) -> ValuationResult | FailedPrecondition | InvalidInput:
    """The standard-rate valuation of what was measured (the register's floors or plot where nothing was),
    or why the formula cannot value it: FailedPrecondition without a zone factor, InvalidInput on floors
    when what was measured gives no value (returned, for the caller to raise when it proposes)."""
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
        return FailedPrecondition(f"{prop.property_id} has no zone factor: {unplaced[0].detail}")
    if causes:
        return InvalidInput.single("floors", f"what was measured cannot value it: {causes[0].detail}")
    factor, source = zone_factor(zone)
    floor_source, plot_source = area_sources(result)
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
        floor_source=floor_source,
        plot_source=plot_source,
    )
    if valued.value.ore <= 0:
        return InvalidInput.single("floors", "what was measured gives a value of 0 kr")
    return valued
