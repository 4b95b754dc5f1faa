"""Query: complaints, newest first, a page at a time."""

from __future__ import annotations

from typing import Protocol

from services.appeals.domain.appeal_case import AppealCase
from services.platform.paging import encode_token, parse_page


class AppealCaseStore(Protocol):
    def list(self, offset: int, limit: int) -> list[AppealCase]: ...


def list_appeal_cases(
    cases: AppealCaseStore, page_size: int, page_token: str
) -> tuple[list[AppealCase], str]:
    page = parse_page(page_size, page_token)
    found = cases.list(page.offset, page.size + 1)
    more = len(found) > page.size
    next_token = encode_token(page.offset + page.size) if more else ""
    return found[: page.size], next_token
