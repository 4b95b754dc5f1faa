"""Reads complaints."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.appeals.adapters.orm import appeal_cases
from services.appeals.domain.appeal_case import AppealCase, AppealCaseState


class AppealCaseRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def list(self, offset: int, limit: int) -> list[AppealCase]:
        rows = self._session.execute(
            select(appeal_cases)
            .order_by(appeal_cases.c.registered_at.desc(), appeal_cases.c.case_id)
            .offset(offset)
            .limit(limit)
        ).all()
        return [
            AppealCase(
                case_id=r.case_id,
                property_id=r.property_id,
                tax_year=r.tax_year,
                state=AppealCaseState(r.state),
            )
            for r in rows
        ]
