"""Command: store the council's tax-year decision once it is within the legal limits."""

from __future__ import annotations

from services.assessment.adapters.config_files import parse_decision_yaml
from services.assessment.adapters.unit_of_work import SqlAssessmentUnitOfWork
from services.assessment.application.config import AssessmentConfig
from services.assessment.domain.decision import TaxYearDecision
from services.assessment.domain.decision_parsing import parse_decision
from services.platform.errors import FailedPrecondition, NotFound


def read_decision(decision_yaml: str, config: AssessmentConfig) -> TaxYearDecision:
    return parse_decision(parse_decision_yaml(decision_yaml), config.limits)


def set_decision(
    uow: SqlAssessmentUnitOfWork, decision_yaml: str, config: AssessmentConfig
) -> TaxYearDecision:
    decision = read_decision(decision_yaml, config)
    with uow:
        job = uow.levy_jobs.latest_for_year(decision.year)
        if job is not None:
            raise FailedPrecondition(
                f"the levy for {decision.year} has started; its decision can no longer change "
                "(correct single tax bases instead)"
            )
        uow.decisions.put(decision.year, decision_yaml, uow.now())
        uow.commit()
    return decision


def stored_decision(uow: SqlAssessmentUnitOfWork, year: int, config: AssessmentConfig) -> TaxYearDecision:
    with uow:
        text = uow.decisions.get_yaml(year)
    if text is None:
        raise NotFound(f"no tax-year decision for {year}; set one first")
    return read_decision(text, config)
