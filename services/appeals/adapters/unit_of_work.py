"""Appeals' unit of work over SQLAlchemy: its repositories on one session, its events in its outbox."""

from __future__ import annotations

from services.appeals.adapters.committee_repository import CommitteeRepository
from services.appeals.adapters.event_payloads import event_to_proto
from services.appeals.adapters.letter_repository import IssuedLetterRepository
from services.appeals.adapters.orm import platform_tables
from services.appeals.adapters.repository import AppealCaseRepository, CalendarRepository, TaxNoticeRepository
from services.platform.unit_of_work import EventMapper, UnitOfWork


class SqlAppealsUnitOfWork(UnitOfWork):
    """Implements application/ports.py AppealsUnitOfWork."""

    OUTBOX = platform_tables.outbox
    SOURCE = "appeals"
    TOPIC = "propertytax.appeals.v1"
    EVENT_MAPPER: EventMapper | None = event_to_proto

    cases: AppealCaseRepository
    notices: TaxNoticeRepository
    calendars: CalendarRepository
    committees: CommitteeRepository
    letters: IssuedLetterRepository

    def _opened(self) -> None:
        session = self.session
        self.cases = AppealCaseRepository(session)
        self.notices = TaxNoticeRepository(session)
        self.calendars = CalendarRepository(session)
        self.committees = CommitteeRepository(session)
        self.letters = IssuedLetterRepository(session)
