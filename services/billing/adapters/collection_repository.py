"""Collection runs and steps, interest charged, holds and payment plans in SQL
(application/collection_ports.py)."""

from __future__ import annotations

from sqlalchemy.orm import Session


class CollectionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
