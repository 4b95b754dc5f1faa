"""The dates a complaint deadline is computed from: the bill per property and year (from assessment's
events) and the year's display announcement (recorded by the secretariat)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from services.appeals.application.ports import AppealsUnitOfWork
from services.appeals.domain.deadlines import (
    ComplaintDeadline,
    TaxNotice,
    TaxYearCalendar,
    deadline_for,
)
from services.appeals.domain.policy import AppealsPolicy
from services.platform.errors import FailedPrecondition, InvalidInput, NotFound, Violations


def record_tax_notices(uow: AppealsUnitOfWork, notices: Sequence[tuple[TaxNotice, str]]) -> int:
    """Keeps the newest bill per property and year: events of one property arrive in order, but a
    replayed older version must not win. Takes a levy's events many at once (in order), a single event
    as a batch of one. Returns how many notices were stored."""
    with uow:
        known = uow.notices.versions(sorted({n.property_id for n, _ in notices}))
        newest: dict[tuple[str, int], tuple[TaxNotice, str]] = {}
        for notice, event_id in notices:
            key = (notice.property_id, notice.tax_year)
            if notice.tax_base_version > known.get(key, 0):
                known[key] = notice.tax_base_version
                newest[key] = (notice, event_id)
        uow.notices.put(list(newest.values()))
        uow.commit()
    return len(newest)


def set_calendar(uow: AppealsUnitOfWork, calendar: TaxYearCalendar) -> TaxYearCalendar:
    problems = Violations()
    if not 1900 <= calendar.tax_year <= 2200:
        problems.add("calendar.tax_year", "must be a year, e.g. 2024")
    if calendar.list_announced_on.year not in (calendar.tax_year, calendar.tax_year + 1):
        problems.add("calendar.list_announced_on", "must be in the tax year (or early the year after)")
    sent = calendar.bills_dispatched_on
    if sent is not None and sent.year not in (calendar.tax_year, calendar.tax_year + 1):
        problems.add("calendar.bills_dispatched_on", "must be in the tax year (or early the year after)")
    problems.raise_if_any()
    with uow:
        uow.calendars.put(calendar)
        uow.commit()
    return calendar


@dataclass(frozen=True)
class DeadlineAnswer:
    deadline: ComplaintDeadline
    notice: TaxNotice


def unknown_property(property_id: str) -> str:
    """What appeals says of a property it has no bill of in any year: a mistyped id, most likely."""
    return f"no property {property_id} is known to appeals (no tax for it has been levied)"


def get_deadline(
    uow: AppealsUnitOfWork, property_id: str, tax_year: int, policy: AppealsPolicy
) -> DeadlineAnswer:
    if not property_id:
        raise InvalidInput.single("property_id", "is required")
    with uow:
        notice = uow.notices.get(property_id, tax_year)
        calendar = uow.calendars.get(tax_year)
        first_invoice_on = uow.notices.first_invoice_on(property_id, tax_year)
        known = notice is not None or uow.notices.known(property_id)
    if not known:
        raise NotFound(unknown_property(property_id))
    if notice is None:
        raise NotFound(f"no bill for property {property_id} in {tax_year} has reached appeals")
    if calendar is None:
        raise FailedPrecondition(f"the display announcement for {tax_year} is not recorded")
    return DeadlineAnswer(deadline_for(notice, calendar, policy.complaint_weeks, first_invoice_on), notice)


def record_first_invoices(
    uow: AppealsUnitOfWork, issued_on: date, taxes: Sequence[tuple[str, int]], event_id: str
) -> int:
    """Billing issued an invoice on `issued_on` carrying these (property, tax year) taxes: the first such
    invoice's issue date is the dispatch of that year's bill. Keeps the earliest issue date per key, so
    that invoices arriving out of order (other recipients' keys, replays) never move it later. Returns
    how many keys got an earlier date."""
    with uow:
        moved = uow.notices.record_first_invoices(issued_on, sorted(set(taxes)), event_id)
        uow.commit()
    return moved
