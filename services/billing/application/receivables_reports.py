"""Reports over all receivables: the ageing (domain/ageing.py) and the share paid by year end
(domain/year_end_share.py), from aggregate queries over the ledger (a handful of rows for the ageing, one
row per invoice and code for the year)."""

from __future__ import annotations

from datetime import date

from services.billing.application.ports import BillingUnitOfWork
from services.billing.domain.ageing import Ageing, age
from services.billing.domain.year_end_share import InvoiceOfYear, YearEndShare, year_end_share
from services.platform.errors import InvalidInput

_YEARS = range(2000, 2201)


def ageing(uow: BillingUnitOfWork, as_of: date) -> Ageing:
    """What was open on invoices on `as_of` (issued and posted up to that day), by days past due."""
    with uow:
        groups = uow.ledger.open_by_due_date(as_of)
    return age(as_of, ((g.due_date, g.count, g.open) for g in groups))


def paid_by_year_end(uow: BillingUnitOfWork, year: int) -> YearEndShare:
    """Of the invoices issued in `year` less what credit notes took off them, the share paid by 31 December
    (payments and overpayments set off, see domain/year_end_share.py), overall and per charge code. Raises
    InvalidInput (year) outside 2000–2200."""
    if year not in _YEARS:
        raise InvalidInput.single("year", f"{year} is not a year from {_YEARS[0]} to {_YEARS[-1]}")
    with uow:
        invoices = uow.ledger.year_end_invoices(year)
    return year_end_share(year, (InvoiceOfYear(i.by_code, i.paid, i.credited) for i in invoices))
