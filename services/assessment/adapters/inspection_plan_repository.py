"""Inspection plans over SQL (implements application/ports.py InspectionPlanRepository)."""

from __future__ import annotations

from sqlalchemy.orm import Session


class InspectionPlanRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
