"""Command: correct a levied tax base with a new value (§ 17, or a committee's decision on a complaint)."""

from __future__ import annotations

from datetime import date

from services.assessment.application.config import AssessmentConfig
from services.assessment.application.levy import taxable
from services.assessment.application.ports import AssessmentUnitOfWork
from services.assessment.application.set_decision import decision_of
from services.assessment.domain.levy import LeviedTaxBase, TaxBaseCorrected
from services.assessment.domain.tax import AdoptedValue, determine_tax
from services.assessment.domain.valuation import TraceItem, Valuation, ValuationRoute
from services.platform.clock import oslo_today
from services.platform.errors import FailedPrecondition, InvalidInput, NotFound, Violations
from services.platform.identity import REASON_LENGTH, check_free_text
from services.platform.ids import new_id
from services.platform.money import Money


def correction_deadline(tax_year: int) -> date:
    """§ 17: a correction against the taxpayer is allowed only until 1 March of the following year."""
    return date(tax_year + 1, 3, 1)


def correct_tax_base(
    uow: AssessmentUnitOfWork,
    property_id: str,
    tax_year: int,
    value: Money,
    reason: str,
    config: AssessmentConfig,
    *,
    route: ValuationRoute = ValuationRoute.MANUAL,
    appeal_case_id: str = "",
    corrected_on: date | None = None,
    today: date | None = None,
) -> LeviedTaxBase:
    """Corrects the year's tax base on `corrected_on`, the correction's business date (a committee's
    decision: the day decided; `today` only when none is given). The § 17 time limit is checked against
    that date, not the day the command happens to run, and TaxBaseCorrected carries it: the corrected bill
    is dated by it and gets its own complaint deadline from it. `today` (Europe/Oslo unless given) only
    bounds the date: a correction is not dated in the future. Raises InvalidInput (reason, value,
    corrected_on), NotFound, FailedPrecondition (nothing to correct, no decision, § 17 time limit)."""
    today = today or oslo_today()
    on = corrected_on or today
    problems = Violations()
    if not reason.strip():
        problems.add("reason", "a correction needs a reason")
    else:
        check_free_text(problems, "reason", reason, REASON_LENGTH)
    if value.ore < 0:
        problems.add("value", "must not be negative")
    elif value.ore == 0 and route == ValuationRoute.MANUAL:
        problems.add("value", "must be above zero: a value of 0 kr is no valuation")
    if route == ValuationRoute.MANUAL and on > today:  # a committee's decision is checked by appeals
        problems.add("corrected_on", "cannot be in the future")
    problems.raise_if_any()
    with uow:
        prop = uow.properties.get(property_id)
        if prop is None:
            raise NotFound(f"no property {property_id}")
        current = uow.tax_bases.current(property_id, tax_year)
        if current is None:
            raise FailedPrecondition(f"property {property_id} has no tax base for {tax_year} to correct")
        levy = uow.levy_jobs.latest_for_year(tax_year)
        levied_on = levy.levied_on if levy is not None else None
        # A committee's decision is taken as dated (refusing it here would lose the decided value).
        if route == ValuationRoute.MANUAL and levied_on is not None and on < levied_on:
            raise InvalidInput.single(
                "corrected_on",
                f"cannot be before the levy for {tax_year} on {levied_on.isoformat()}: "
                "a correction corrects a levied tax base",
            )
        decision_yaml = uow.decisions.get_yaml(tax_year)
        if decision_yaml is None:
            raise FailedPrecondition(f"no decision for {tax_year}")
        decision = decision_of(uow.decisions, decision_yaml, config)
        version = uow.valuations.latest_versions([property_id]).get(property_id, 0) + 1
        source = f"appeal case {appeal_case_id}" if appeal_case_id else "correction (§ 17)"
        uow.valuations.add_many(
            [
                Valuation(
                    valuation_id=new_id(),
                    property_id=property_id,
                    version=version,
                    route=route,
                    value=value,
                    trace=(TraceItem("value", str(value.nok), f"{source}: {reason.strip()}"),),
                    reason=reason.strip(),
                    adopted=True,
                )
            ],
            uow.now(),
            adoption_reference=source,
        )
        uow.valuations.clear_need(property_id)  # valued now, by the correction
        built_up = {z.zone_id: z.built_up for z in uow.zones.index().zones}
        base = determine_tax(taxable(prop, built_up), AdoptedValue(value, version), decision, config.limits)
        deadline = correction_deadline(tax_year)
        if route == ValuationRoute.MANUAL and base.tax > current.base.tax and on > deadline:
            raise FailedPrecondition(
                f"§ 17: a correction that raises the tax for {tax_year} "
                f"was possible only until {deadline:%d.%m.%Y} (this one is dated {on:%d.%m.%Y})"
            )
        uow.tax_bases.retire(property_id, tax_year)
        corrected = LeviedTaxBase(base, current.version + 1, current.terms, reason.strip())
        uow.tax_bases.add_many([corrected], uow.now())
        uow.record(TaxBaseCorrected(current, corrected, reason.strip(), on, appeal_case_id))
        uow.commit()
    return corrected


__all__ = ["correct_tax_base", "correction_deadline"]
