"""What appeals' handlers need from outside, whatever provides it: the unit of work with its repositories
and the renderer of letters and meeting documents.

The service implements them over SQL and ReportLab, its service.py injects them, and tests/fakes/appeals.py
keeps the repositories in memory. A repository lists only what a handler calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from services.appeals.domain.cases import AppealCase, CaseState, Decision, HistoryEntry, Instance
from services.appeals.domain.committees import Committee, Disqualification, Meeting, Member
from services.appeals.domain.deadlines import TaxNotice, TaxYearCalendar
from services.appeals.domain.letters import IssuedLetter, LetterKind
from services.appeals.domain.policy import Office
from services.platform.ports import TransactionalWork


@dataclass(frozen=True)
class CaseFilter:
    """Oversight filters; empty ones are left out."""

    states: tuple[CaseState, ...] = ()
    tax_year: int = 0
    property_id: str = ""
    committee_id: str = ""
    meeting_id: str = ""
    preliminary_answer_overdue_on: date | None = None
    late_only: bool = False
    order: str = ""  # "" (newest first), "preliminary_answer_due", "deadline" or "number"


@dataclass(frozen=True)
class StoredHistory:
    """A history entry with the moment it was recorded (UTC)."""

    entry: HistoryEntry
    recorded_at: datetime


@dataclass(frozen=True)
class Rendered:
    """A document ready to hand out: its file name and its bytes."""

    file_name: str
    content: bytes


@dataclass(frozen=True)
class MeetingPapers:
    """What a meeting's agenda and minutes are made of: the meeting, its committee with every member, the
    cases on it (as planned and held) and the members disqualified in each (ids, by case id)."""

    meeting: Meeting
    committee: Committee
    members: tuple[Member, ...]
    cases: tuple[AppealCase, ...]
    disqualified: Mapping[str, tuple[str, ...]]

    def disqualified_names(self) -> dict[str, list[str]]:
        """The members disqualified in each case by name (an id no member has, as it is)."""
        names = {m.member_id: m.name for m in self.members}
        return {case_id: [names.get(m, m) for m in ids] for case_id, ids in self.disqualified.items()}


class CaseRepository(Protocol):
    def next_number(self, tax_year: int) -> str:
        """The year's next case number, "2024-00001"; never the same twice."""
        ...

    def add(self, case: AppealCase, at: datetime) -> None: ...

    def save(self, case: AppealCase, at: datetime) -> None:
        """Stores the case's changed state; its decisions recorded before are never changed."""
        ...

    def get(self, case_id: str, *, lock: bool = False) -> AppealCase | None:
        """The case with this id or this case number."""
        ...

    def decisions_of_property(self, property_id: str, tax_year: int) -> list[Decision]:
        """The decisions in all the property's cases for the year, in the order they were recorded."""
        ...

    def find(self, filters: CaseFilter, offset: int, limit: int) -> list[AppealCase]: ...

    def count(self, filters: CaseFilter) -> int: ...

    def of_year(self, tax_year: int) -> list[AppealCase]:
        """The year's cases by case number."""
        ...

    def awaiting_inspection(self, property_id: str) -> list[AppealCase]:
        """The property's cases waiting for an inspection, locked."""
        ...

    def on_meeting(self, meeting_id: str) -> list[AppealCase]:
        """The meeting's cases as planned and held: every case put on its agenda (and not moved to
        another meeting), whatever happened to it later, and every case decided at it, by case number."""
        ...

    def add_history(self, case_id: str, entries: Iterable[HistoryEntry], at: datetime) -> None: ...

    def histories(self, case_ids: Sequence[str]) -> dict[str, list[HistoryEntry]]:
        """The history of each of these cases, in the order it was recorded."""
        ...

    def history(self, case_id: str) -> list[StoredHistory]:
        """The case's history in the order it was recorded."""
        ...


class TaxNoticeRepository(Protocol):
    def get(self, property_id: str, tax_year: int) -> TaxNotice | None: ...

    def known(self, property_id: str) -> bool:
        """Whether a bill of any year for this property has reached appeals."""
        ...

    def versions(self, property_ids: Sequence[str]) -> dict[tuple[str, int], int]:
        """The stored tax base version per (property, year) of these properties."""
        ...

    def put(self, notices: Sequence[tuple[TaxNotice, str]]) -> None:
        """Replaces the stored notices of these (property, year) keys, each with its event's id."""
        ...

    def first_invoice_on(self, property_id: str, tax_year: int) -> date | None:
        """The issue date of the first invoice known to carry the property's tax for the year."""
        ...

    def record_first_invoices(self, issued_on: date, keys: Sequence[tuple[str, int]], event_id: str) -> int:
        """Stores `issued_on` for each (property, tax year) without a date or with a later one; returns
        how many were stored."""
        ...


class CalendarRepository(Protocol):
    def get(self, tax_year: int) -> TaxYearCalendar | None: ...

    def put(self, calendar: TaxYearCalendar) -> None:
        """Replaces the year's calendar."""
        ...


class CommitteeRepository(Protocol):
    def add(self, committee: Committee) -> None: ...

    def get(self, committee_id: str) -> Committee | None: ...

    def all(self) -> list[Committee]:
        """Every committee, by kind and name."""
        ...

    def add_member(self, member: Member) -> None: ...

    def members(self, committee_id: str) -> list[Member]:
        """The committee's members by role (chair first), term start and name."""
        ...

    def member(self, member_id: str) -> Member | None: ...

    def add_meeting(self, meeting: Meeting) -> None: ...

    def meeting(self, meeting_id: str) -> Meeting | None: ...

    def meetings(
        self, committee_id: str = "", start: date | None = None, end: date | None = None
    ) -> list[Meeting]:
        """Meetings (of one committee, between two days, both included) by day and id."""
        ...

    def put_on_agenda(self, meeting_id: str, case_id: str, on: date, moved_from: str, at: datetime) -> None:
        """The case goes on the meeting's agenda on `on`, and is marked moved from `moved_from` (if any)."""
        ...

    def disqualify(self, item: Disqualification, at: datetime) -> None: ...

    def disqualifications(self, case_id: str) -> list[Disqualification]: ...


class IssuedLetterRepository(Protocol):
    def add(self, letter: IssuedLetter, at: datetime) -> None:
        """Records a letter as issued; a second letter of the same key is refused."""
        ...

    def get(
        self, case_id: str, kind: LetterKind, instance: Instance | None = None
    ) -> IssuedLetter | None: ...


class AppealsUnitOfWork(TransactionalWork, Protocol):
    """Appeals' repositories in one transaction, there inside its `with` block (read-only members, so
    that an implementation may type them as its own classes)."""

    @property
    def cases(self) -> CaseRepository: ...

    @property
    def notices(self) -> TaxNoticeRepository: ...

    @property
    def calendars(self) -> CalendarRepository: ...

    @property
    def committees(self) -> CommitteeRepository: ...

    @property
    def letters(self) -> IssuedLetterRepository: ...


class DocumentRenderer(Protocol):
    """Renders letters from the case and what was kept when they were issued, and meeting documents."""

    def acknowledgement(self, case: AppealCase, issued: IssuedLetter, dated: date) -> Rendered: ...

    def preliminary_answer(self, case: AppealCase, issued: IssuedLetter) -> Rendered: ...

    def decision_letter(self, case: AppealCase, issued: IssuedLetter) -> Rendered: ...

    def agenda(self, papers: MeetingPapers, office: Office) -> Rendered: ...

    def minutes(self, papers: MeetingPapers, office: Office) -> Rendered: ...
