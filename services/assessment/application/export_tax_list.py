"""Query: the year's public tax list or exempt list as a document."""

from __future__ import annotations

from services.assessment.adapters.tax_list_documents import TaxListRow, tax_list_csv, tax_list_pdf
from services.assessment.adapters.unit_of_work import SqlAssessmentUnitOfWork
from services.assessment.domain.tax import TaxStatus
from services.platform.errors import FailedPrecondition, InvalidInput

PUBLIC = (TaxStatus.TAXED, TaxStatus.BELOW_MINIMUM)
EXEMPT = (TaxStatus.EXEMPT,)


def export_tax_list(uow: SqlAssessmentUnitOfWork, year: int, exempt: bool, pdf: bool) -> bytes:
    if not 1900 <= year <= 2200:
        raise InvalidInput.single("tax_year", "must be a year")
    with uow:
        if uow.levy_jobs.latest_for_year(year) is None:
            raise FailedPrecondition(f"no levy for {year} yet")
        rows = [
            TaxListRow(
                property_id=stored.base.property_id,
                cadastral_id=row.cadastral_id or "",
                address=row.address,
                value_nok=stored.base.value.nok,
                reduction=stored.base.reduction,
                deduction_nok=stored.base.deduction.nok,
                tax_base_nok=stored.base.tax_base.nok,
                rate_per_mille=stored.base.rate_per_mille,
                tax_nok=stored.base.tax.nok,
                exemption_code=stored.base.exemption_code,
            )
            for row, stored in uow.tax_bases.list_rows(year, EXEMPT if exempt else PUBLIC)
            # A tax base levied on a value of 0 kr (before 0 kr stopped counting as a valuation) is
            # no valued property: it stays off the public list.
            if exempt or stored.base.value.ore > 0
        ]
    return tax_list_pdf(rows, exempt, year) if pdf else tax_list_csv(rows, exempt)
