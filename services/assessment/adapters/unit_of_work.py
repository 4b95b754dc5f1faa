"""Assessment's unit of work over SQLAlchemy."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from services.assessment.adapters.orm import platform_tables
from services.assessment.adapters.proto_mapping import event_to_proto
from services.assessment.adapters.repository import PropertyRepository
from services.platform.clock import Clock, utc_now
from services.platform.unit_of_work import UnitOfWork

SERVICE = "assessment"
TOPIC = "propertytax.assessment.v1"


class SqlAssessmentUnitOfWork(UnitOfWork):
    properties: PropertyRepository

    def __init__(self, sessions: sessionmaker[Session], clock: Clock = utc_now) -> None:
        super().__init__(
            sessions,
            platform_tables.outbox,
            source=SERVICE,
            topic=TOPIC,
            event_mapper=event_to_proto,
            clock=clock,
        )

    def _opened(self) -> None:
        self.properties = PropertyRepository(self.session)
