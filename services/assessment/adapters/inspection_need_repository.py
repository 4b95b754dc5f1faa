"""Inspection needs over SQL (implements application/ports.py InspectionNeedRepository)."""

from __future__ import annotations

from sqlalchemy.orm import Session


class InspectionNeedRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
