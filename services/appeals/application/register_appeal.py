"""Command: register a complaint as received. Its deadline comes from the year's calendar (display
announcement) and the property's bill as assessment announced it (TaxBaseDetermined/TaxBaseCorrected).
Registering issues the acknowledgement: what it shows from the configuration is kept with the case."""

from __future__ import annotations

from datetime import date

from services.appeals.application.case_flow import store
from services.appeals.application.config import AppealsConfig
from services.appeals.application.ports import AppealsUnitOfWork
from services.appeals.application.tax_notices import unknown_property
from services.appeals.domain import cases as flow
from services.appeals.domain import letters
from services.appeals.domain.cases import AppealCase
from services.appeals.domain.complaint import Complaint, check_complaint
from services.platform.errors import FailedPrecondition, NotFound, Violations
from services.platform.ids import new_id


def register_appeal(
    uow: AppealsUnitOfWork,
    complaint: Complaint,
    config: AppealsConfig,
    today: date,
    actor: str,
    problems: Violations | None = None,
    acknowledged_on: date | None = None,
) -> AppealCase:
    """Registers the complaint as received and issues the acknowledgement dated `acknowledged_on` (by
    default the day received). `problems` may carry what the caller found while reading the request, so
    that one answer names every bad field."""
    problems = problems or Violations()
    check_complaint(complaint, today, problems)
    problems.raise_if_any()
    with uow:
        notice = uow.notices.get(complaint.property_id, complaint.tax_year)
        if notice is None and not uow.notices.known(complaint.property_id):
            raise NotFound(unknown_property(complaint.property_id))
        if notice is None:
            raise FailedPrecondition(
                f"no bill for property {complaint.property_id} in {complaint.tax_year} has reached appeals "
                "yet (it comes from the levy); the deadline cannot be computed before it"
            )
        calendar = uow.calendars.get(complaint.tax_year)
        if calendar is None:
            raise FailedPrecondition(
                f"the tax list's display announcement for {complaint.tax_year} is not recorded; record the "
                f"year's calendar first (propertytax appeals calendar {complaint.tax_year} --announced DATE)"
            )
        first_invoice_on = uow.notices.first_invoice_on(complaint.property_id, complaint.tax_year)
        number = uow.cases.next_number(complaint.tax_year)
        policy = config.policy
        change = flow.register(
            new_id(),
            number,
            complaint,
            notice,
            calendar,
            policy,
            actor,
            first_invoice_on=first_invoice_on,
            acknowledged_on=acknowledged_on,
            today=today,
        )
        case = store(uow, change, new=True)
        uow.letters.add(letters.acknowledgement(case, config.office, policy), uow.now())
        uow.commit()
    return case
