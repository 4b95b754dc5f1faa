"""Query: the year's public tax list or exempt list as a document."""

from __future__ import annotations

from services.assessment.application.ports import (
    AssessmentUnitOfWork,
    DecisionRepository,
    ListedTaxBase,
    TaxListDocuments,
)
from services.assessment.application.tax_list import TaxListHeading, TaxListRow
from services.assessment.domain.decision import TaxListDisplay
from services.assessment.domain.decision_parsing import parse_tax_list_display
from services.assessment.domain.tax import TaxStatus
from services.platform.errors import FailedPrecondition, InvalidInput, Violations
from services.platform.money import Money

PUBLIC = (TaxStatus.TAXED, TaxStatus.BELOW_MINIMUM)
EXEMPT = (TaxStatus.EXEMPT,)


def _display(decisions: DecisionRepository, decision_yaml: str | None) -> TaxListDisplay | None:
    """The display period the year's decision gives (it was checked when the decision was set)."""
    if decision_yaml is None:
        return None
    raw = decisions.read(decision_yaml)
    stated = raw.get("tax_list_display") if isinstance(raw, dict) else None
    return parse_tax_list_display(stated, Violations())


def _row(listed: ListedTaxBase) -> TaxListRow:
    base = listed.levied.base
    return TaxListRow(
        cadastral_id=listed.cadastral_id or base.property_id,
        address=listed.address,
        # The value after the reduction, rounded as the tax computation does (domain/tax.py).
        tax_value_nok=Money.rounded(base.value.nok * (1 - base.reduction)).nok,
        deduction_nok=base.deduction.nok,
        rate_per_mille=base.rate_per_mille,
        tax_nok=base.tax.nok,
        exemption_code=base.exemption_code,
    )


def export_tax_list(
    uow: AssessmentUnitOfWork, year: int, exempt: bool, pdf: bool, documents: TaxListDocuments
) -> bytes:
    if not 1900 <= year <= 2200:
        raise InvalidInput.single("tax_year", "must be a year")
    with uow:
        job = uow.levy_jobs.latest_for_year(year)
        if job is None:
            raise FailedPrecondition(f"no levy for {year} yet")
        display = _display(uow.decisions, uow.decisions.get_yaml(year))
        rows = [
            _row(listed)
            for listed in uow.tax_bases.list_rows(year, EXEMPT if exempt else PUBLIC)
            # A tax base levied on a value of 0 kr (before 0 kr stopped counting as a valuation) is
            # no valued property: it stays off the public list.
            if exempt or listed.levied.base.value.ore > 0
        ]
    if not pdf:
        return documents.csv(rows, exempt)
    heading = TaxListHeading(documents.municipality(), year, display, dated=job.levied_on)
    return documents.pdf(rows, exempt, heading)
