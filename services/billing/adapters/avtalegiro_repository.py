"""AvtaleGiro agreements in SQL (application/avtalegiro_ports.py)."""

from __future__ import annotations

from sqlalchemy.orm import Session


class AgreementRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
