"""Appeals' unit of work over SQLAlchemy."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from services.appeals.adapters.committee_repository import CommitteeRepository
from services.appeals.adapters.letter_repository import IssuedLetterRepository
from services.appeals.adapters.orm import platform_tables
from services.appeals.adapters.proto_mapping import event_to_proto
from services.appeals.adapters.repository import AppealCaseRepository, CalendarRepository, TaxNoticeRepository
from services.platform.clock import Clock, utc_now
from services.platform.unit_of_work import UnitOfWork

SERVICE = "appeals"
TOPIC = "propertytax.appeals.v1"


class SqlAppealsUnitOfWork(UnitOfWork):
    cases: AppealCaseRepository
    notices: TaxNoticeRepository
    calendars: CalendarRepository
    committees: CommitteeRepository
    letters: IssuedLetterRepository

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
        self.cases = AppealCaseRepository(session)
        self.notices = TaxNoticeRepository(session)
        self.calendars = CalendarRepository(session)
        self.committees = CommitteeRepository(session)
        self.letters = IssuedLetterRepository(session)
