"""Deadlines of the complaint procedure: the complainant's (complaint, further appeal) and the office's
(preliminary answer).

How the complaint deadline is read (sources):
- DOMAIN.md § 2 / eigedomsskattelova § 19: six weeks from the LATER of (a) the announcement that the tax
  list is on display and (b) the dispatch of the bill; a corrected bill gets its own six weeks.
- A deadline in weeks ends on the same weekday as the day it runs from (domstolloven § 148 second
  paragraph), i.e. start + 42 days.
- The property tax sources (DOMAIN.md § 2) do not say what happens when that day is a Saturday,
  Sunday or holiday. The general rule for statutory deadlines (domstolloven § 149, which
  forvaltningsloven § 30 builds on) extends such a deadline to the next business day; Saturdays,
  Sundays, public holidays and 1 and 17 May count as holidays. We apply it, with the holiday
  calendar billing uses for due dates.
- A complaint is in time when it reached the office, or was posted, on or before the deadline
  (forvaltningsloven § 30 first paragraph: posted before the deadline is in time).

The preliminary answer is the office's own duty (forvaltningsloven § 11 a), not a party's deadline: it
is due exactly the configured period after receipt and is not extended over weekends.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from services.appeals.domain.policy import Period
from services.platform.business_days import on_or_after_business_day
from services.platform.money import Money


@dataclass(frozen=True)
class TaxNotice:
    """What the bill for one property and year said, as assessment announced it (TaxBaseDetermined for
    the levy, TaxBaseCorrected for a corrected bill): the complaint disputes this valuation."""

    property_id: str
    tax_year: int
    tax_base_version: int
    valuation_version: int
    value: Money
    # A levy's bill: the levy's business date (TaxBaseDetermined.levied_on); a corrected bill: the
    # correction's business date (TaxBaseCorrected.corrected_on).
    dispatched_on: date
    from_levy: bool = True  # the annual levy's bill; False for a corrected bill


@dataclass(frozen=True)
class TaxYearCalendar:
    """The year's dates the secretariat records: when the display of the tax list was announced, and,
    when the levy's bills went out later than the levy itself, the day they were sent."""

    tax_year: int
    list_announced_on: date
    bills_dispatched_on: date | None = None


class DispatchBasis(StrEnum):
    """Which date a deadline takes as the dispatch of the bill."""

    FIRST_INVOICE = "first_invoice"  # the issue date of the first invoice carrying the year's tax
    CALENDAR = "calendar"  # no invoice known yet: the bills' dispatch day recorded for the year
    LEVY = "levy"  # neither known: the levy's business date
    CORRECTION = "correction"  # a corrected bill: its correction's business date


def bill_dispatched_on(
    notice: TaxNotice, calendar: TaxYearCalendar, first_invoice_on: date | None = None
) -> tuple[date, DispatchBasis]:
    """The bill's dispatch and where it comes from. The bill that carried the year's tax went out with the
    first invoice that carried it (eigedomsskattelova § 19; billing's InvoiceIssued says when): its issue
    date, whenever that is known. Until then a levy's bill goes by the later of the recorded dispatch day
    (when there is one) and the levy's business date, since a levy run again later in the year for added
    properties sends those bills later than the year's. A corrected bill is dispatched on the day of its
    correction (it gets its own six weeks, DOMAIN.md § 2)."""
    if not notice.from_levy:
        return notice.dispatched_on, DispatchBasis.CORRECTION
    if first_invoice_on is not None:
        return first_invoice_on, DispatchBasis.FIRST_INVOICE
    recorded = calendar.bills_dispatched_on
    if recorded is not None and recorded >= notice.dispatched_on:
        return recorded, DispatchBasis.CALENDAR
    return notice.dispatched_on, DispatchBasis.LEVY


@dataclass(frozen=True)
class ComplaintDeadline:
    announced_on: date  # the tax list's display announcement for the year
    dispatched_on: date  # the bill (tax notice) for this property was sent
    deadline: date
    basis: DispatchBasis = DispatchBasis.LEVY  # where dispatched_on comes from

    @property
    def runs_from(self) -> date:
        return max(self.announced_on, self.dispatched_on)


def complaint_deadline(
    announced_on: date, dispatched_on: date, weeks: int, basis: DispatchBasis = DispatchBasis.LEVY
) -> ComplaintDeadline:
    start = max(announced_on, dispatched_on)
    return ComplaintDeadline(
        announced_on, dispatched_on, on_or_after_business_day(start + timedelta(weeks=weeks)), basis
    )


def deadline_for(
    notice: TaxNotice, calendar: TaxYearCalendar, weeks: int, first_invoice_on: date | None = None
) -> ComplaintDeadline:
    """The complaint deadline against this bill in the year's calendar, given the issue date of the first
    invoice that carried the property's tax for the year (None while billing has issued none)."""
    dispatched, basis = bill_dispatched_on(notice, calendar, first_invoice_on)
    return complaint_deadline(calendar.list_announced_on, dispatched, weeks, basis)


def in_time(deadline: date, received_on: date, postmarked_on: date | None = None) -> bool:
    """Posted on or before the deadline, or received by then."""
    sent = postmarked_on if postmarked_on is not None and postmarked_on <= received_on else received_on
    return sent <= deadline


def add_period(day: date, period: Period) -> date:
    if period.months:
        month_index = day.month - 1 + period.months
        year, month = day.year + month_index // 12, month_index % 12 + 1
        # 31 January + one month is the last day of February, not an error.
        return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
    return day + timedelta(weeks=period.weeks)


def preliminary_answer_due(received_on: date, period: Period) -> date:
    return add_period(received_on, period)


def further_appeal_deadline(decided_on: date, weeks: int) -> date:
    """The last day to ask for the expert appeals committee: counted from the day of the decision (the
    decision letter carries that date), extended over holidays like any party's deadline."""
    return on_or_after_business_day(decided_on + timedelta(weeks=weeks))
