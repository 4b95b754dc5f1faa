"""Assessment's unit of work over SQLAlchemy: its repositories on one session, its events in its outbox."""

from __future__ import annotations

from collections.abc import Callable

from services.assessment.adapters.event_payloads import event_to_proto
from services.assessment.adapters.inspection_need_repository import InspectionNeedRepository
from services.assessment.adapters.inspection_plan_repository import InspectionPlanRepository
from services.assessment.adapters.orm import platform_tables
from services.assessment.adapters.ownership_repository import OwnershipRepository
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
from services.platform.unit_of_work import EventMapper, UnitOfWork


class SqlAssessmentUnitOfWork(UnitOfWork):
    """Implements application/ports.py AssessmentUnitOfWork."""

    OUTBOX = platform_tables.outbox
    SOURCE = "assessment"
    TOPIC = "propertytax.assessment.v1"
    EVENT_MAPPER: EventMapper | None = event_to_proto

    properties: PropertyRepository
    valuations: ValuationRepository
    housing_values: HousingValueRepository
    zones: ZoneRepository
    decisions: DecisionRepository
    tax_bases: TaxBaseRepository
    levy_jobs: LevyJobRepository
    ownerships: OwnershipRepository
    inspection_needs: InspectionNeedRepository
    inspection_plans: InspectionPlanRepository

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
        self.inspection_needs = InspectionNeedRepository(session)
        self.inspection_plans = InspectionPlanRepository(session)


# For callers that use the SQL session as well as the repositories (tests reading rows directly).
SqlUnitOfWorkFactory = Callable[[], SqlAssessmentUnitOfWork]
