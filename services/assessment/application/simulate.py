"""Query: the revenue a decision would give over today's register; changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from services.assessment.application.config import AssessmentConfig
from services.assessment.application.levy import taxable
from services.assessment.application.ports import AssessmentUnitOfWork
from services.assessment.application.set_decision import decision_of
from services.assessment.domain.decision import TaxYearDecision
from services.assessment.domain.simulation import Summary, summarise
from services.assessment.domain.tax import TaxBase, determine_tax
from services.assessment.domain.valuation import ValuationNeed


@dataclass(frozen=True)
class Simulation:
    decision: TaxYearDecision
    summary: Summary
    current: Summary | None
    bases: list[TaxBase]


def simulate(uow: AssessmentUnitOfWork, decision_yaml: str, config: AssessmentConfig) -> Simulation:
    with uow:  # read only: the block ends without commit, so nothing can change
        decision = decision_of(uow.decisions, decision_yaml, config)
        props = uow.properties.all()
        values = uow.valuations.simulation_values()
        needs: dict[str, list[ValuationNeed]] = {}
        for need in uow.valuations.needs():
            needs.setdefault(need.property_id, []).append(need)
        built_up = {z.zone_id: z.built_up for z in uow.zones.index().zones}
        current_yaml = uow.decisions.get_yaml(decision.year)
        current_decision = (
            decision_of(uow.decisions, current_yaml, config) if current_yaml is not None else None
        )
    items = [(taxable(p, built_up), values.get(p.property_id), needs.get(p.property_id, [])) for p in props]
    bases = [determine_tax(t, v, decision, config.limits, why) for t, v, why in items]
    current = None
    if current_decision is not None:
        current = summarise(determine_tax(t, v, current_decision, config.limits, why) for t, v, why in items)
    return Simulation(decision, summarise(bases), current, bases)
