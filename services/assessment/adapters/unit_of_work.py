"""Assessment's unit of work over SQLAlchemy."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from services.assessment.adapters.orm import platform_tables
from services.assessment.adapters.ownership_repository import OwnershipRepository
from services.assessment.adapters.proto_mapping import event_to_proto
from services.assessment.adapters.repository import (
    HousingValueRepository,
    PropertyRepository,
    ValuationRepository,
)
from services.assessment.adapters.tax_repository import (
    DecisionRepository,
    LevyJobRepository,
    TaxBaseRepository,
)
from services.assessment.adapters.zone_repository import ZoneRepository
from services.platform.clock import Clock, utc_now
from services.platform.unit_of_work import UnitOfWork

SERVICE = "assessment"
TOPIC = "propertytax.assessment.v1"


class SqlAssessmentUnitOfWork(UnitOfWork):
    properties: PropertyRepository
    valuations: ValuationRepository
    housing_values: HousingValueRepository
    zones: ZoneRepository
    decisions: DecisionRepository
    tax_bases: TaxBaseRepository
    levy_jobs: LevyJobRepository
    ownerships: OwnershipRepository

    def __init__(self, sessions: Callable[[], Session], clock: Clock = utc_now) -> None:
        super().__init__(
            sessions,
            platform_tables.outbox,
            source=SERVICE,
            topic=TOPIC,
            event_mapper=event_to_proto,
            clock=clock,
        )

    def _opened(self) -> None:
        session = self.session
        self.properties = PropertyRepository(session)
        self.valuations = ValuationRepository(session)
        self.housing_values = HousingValueRepository(session)
        self.zones = ZoneRepository(session)
        self.decisions = DecisionRepository(session)
        self.tax_bases = TaxBaseRepository(session)
        self.levy_jobs = LevyJobRepository(session)
        self.ownerships = OwnershipRepository(session)
