"""Command: store the council's tax-year decision once it is within the legal limits."""

from __future__ import annotations

from services.assessment.application.config import AssessmentConfig
from services.assessment.application.ports import AssessmentUnitOfWork, DecisionRepository
from services.assessment.domain.decision import TaxYearDecision
from services.assessment.domain.decision_parsing import parse_decision
from services.platform.errors import FailedPrecondition, NotFound


def decision_of(
    decisions: DecisionRepository, decision_yaml: str, config: AssessmentConfig
) -> TaxYearDecision:
    """A decision document read in the format decisions are kept in, checked against the legal limits."""
    return parse_decision(decisions.read(decision_yaml), config.limits)


def set_decision(uow: AssessmentUnitOfWork, decision_yaml: str, config: AssessmentConfig) -> TaxYearDecision:
    with uow:
        decision = decision_of(uow.decisions, decision_yaml, config)
        job = uow.levy_jobs.latest_for_year(decision.year)
        if job is not None:
            raise FailedPrecondition(
                f"the levy for {decision.year} has started; its decision can no longer change "
                "(correct single tax bases instead)"
            )
        uow.decisions.put(decision.year, decision_yaml, uow.now())
        uow.commit()
    return decision


def stored_decision(uow: AssessmentUnitOfWork, year: int, config: AssessmentConfig) -> TaxYearDecision:
    with uow:
        text = uow.decisions.get_yaml(year)
        if text is None:
            raise NotFound(f"no tax-year decision for {year}; set one first")
        return decision_of(uow.decisions, text, config)
