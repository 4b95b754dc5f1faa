"""Query: the year's public tax list or exempt list as a document."""

from __future__ import annotations

from services.assessment.adapters.config_files import load_municipality, parse_decision_yaml
from services.assessment.adapters.tax_list_documents import (
    TaxListHeading,
    TaxListRow,
    tax_list_csv,
    tax_list_pdf,
)
from services.assessment.adapters.unit_of_work import SqlAssessmentUnitOfWork
from services.assessment.domain.decision import TaxListDisplay
from services.assessment.domain.decision_parsing import parse_tax_list_display
from services.assessment.domain.municipality import Municipality
from services.assessment.domain.tax import TaxStatus
from services.platform.errors import FailedPrecondition, InvalidInput, Violations
from services.platform.money import Money

PUBLIC = (TaxStatus.TAXED, TaxStatus.BELOW_MINIMUM)
EXEMPT = (TaxStatus.EXEMPT,)


def _display(decision_yaml: str | None) -> TaxListDisplay | None:
    """The display period the year's decision gives (it was checked when the decision was set)."""
    if decision_yaml is None:
        return None
    raw = parse_decision_yaml(decision_yaml)
    stated = raw.get("tax_list_display") if isinstance(raw, dict) else None
    return parse_tax_list_display(stated, Violations())


def export_tax_list(
    uow: SqlAssessmentUnitOfWork,
    year: int,
    exempt: bool,
    pdf: bool,
    municipality: Municipality | None = None,
) -> bytes:
    if not 1900 <= year <= 2200:
        raise InvalidInput.single("tax_year", "must be a year")
    with uow:
        job = uow.levy_jobs.latest_for_year(year)
        if job is None:
            raise FailedPrecondition(f"no levy for {year} yet")
        display = _display(uow.decisions.get_yaml(year))
        rows = [
            TaxListRow(
                cadastral_id=row.cadastral_id or stored.base.property_id,
                address=row.address,
                # The value after the reduction, rounded as the tax computation does (domain/tax.py).
                tax_value_nok=Money.rounded(stored.base.value.nok * (1 - stored.base.reduction)).nok,
                deduction_nok=stored.base.deduction.nok,
                rate_per_mille=stored.base.rate_per_mille,
                tax_nok=stored.base.tax.nok,
                exemption_code=stored.base.exemption_code,
            )
            for row, stored in uow.tax_bases.list_rows(year, EXEMPT if exempt else PUBLIC)
            # A tax base levied on a value of 0 kr (before 0 kr stopped counting as a valuation) is
            # no valued property: it stays off the public list.
            if exempt or stored.base.value.ore > 0
        ]
    if not pdf:
        return tax_list_csv(rows, exempt)
    heading = TaxListHeading(municipality or load_municipality(), year, display, dated=job.levied_on)
    return tax_list_pdf(rows, exempt, heading)
