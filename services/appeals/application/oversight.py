"""Queries for the secretariat: one case with its history, lists by state, year, committee, meeting or
overdue preliminary answer, and the year's figures."""

from __future__ import annotations

from datetime import date

from services.appeals.application import lookups
from services.appeals.application.ports import AppealsUnitOfWork, CaseFilter, StoredHistory
from services.appeals.domain.cases import AppealCase
from services.appeals.domain.statistics import YearFigures, year_figures
from services.platform.errors import InvalidInput
from services.platform.paging import encode_token, parse_page


def get_case(uow: AppealsUnitOfWork, case_id: str) -> tuple[AppealCase, list[StoredHistory]]:
    with uow:
        case = lookups.case(uow, case_id)
        return case, uow.cases.history(case.case_id)


def list_cases(
    uow: AppealsUnitOfWork, filters: CaseFilter, page_size: int, page_token: str
) -> tuple[list[AppealCase], str]:
    page = parse_page(page_size, page_token)
    with uow:
        found = uow.cases.find(filters, page.offset, page.size + 1)
    more = len(found) > page.size
    return found[: page.size], encode_token(page.offset + page.size) if more else ""


def statistics(uow: AppealsUnitOfWork, tax_year: int, as_of: date) -> YearFigures:
    if not 1900 <= tax_year <= 2200:
        raise InvalidInput.single("tax_year", "must be a year, e.g. 2024")
    with uow:
        cases = uow.cases.of_year(tax_year)
        histories = uow.cases.histories([c.case_id for c in cases])
        overdue = uow.cases.count(CaseFilter(tax_year=tax_year, preliminary_answer_overdue_on=as_of))
    return year_figures([(c, histories[c.case_id]) for c in cases], tax_year, as_of, overdue)
