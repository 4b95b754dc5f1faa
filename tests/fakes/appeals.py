"""Appeals' unit of work in memory: the repositories of services/appeals/application/ports.py over plain
dicts and lists, answering as the SQL ones do (case by id or number, decisions never changed once stored,
filters and orders of the oversight lists, the agenda as planned), for handler unit tests.

Rows survive across transactions (one `FakeAppealsUnitOfWork` is the whole database) and are not undone
on rollback (see tests/fakes/unit_of_work.py); locks are no-ops, as one test runs one transaction at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from services.appeals.application.ports import CaseFilter, MeetingPapers, Rendered, StoredHistory
from services.appeals.domain.cases import AppealCase, CaseState, Decision, HistoryEntry, Instance
from services.appeals.domain.committees import Committee, Disqualification, Meeting, Member, MemberRole
from services.appeals.domain.deadlines import TaxNotice, TaxYearCalendar
from services.appeals.domain.letters import IssuedLetter, LetterKind
from services.appeals.domain.policy import Office
from tests.fakes.unit_of_work import FIXED_NOW, FakeUnitOfWork

_ROLE_ORDER = {MemberRole.CHAIR: 0, MemberRole.DEPUTY_CHAIR: 1, MemberRole.MEMBER: 2, MemberRole.DEPUTY: 3}
_INSTANCE_ORDER = {Instance.VALUATION_COMMITTEE: 0, Instance.APPEALS_COMMITTEE: 1}


class DuplicateRow(Exception):
    """What the database's unique keys refuse (the SQL repositories raise IntegrityError)."""


@dataclass
class _AgendaEntry:
    scheduled_on: date
    moved_on: date | None = None


class FakeCommittees:
    def __init__(self) -> None:
        self.rows: dict[str, Committee] = {}
        self.member_rows: dict[str, Member] = {}
        self.meeting_rows: dict[str, Meeting] = {}
        self.agenda: dict[tuple[str, str], _AgendaEntry] = {}  # (meeting id, case id) → entry
        self.disqualification_rows: list[Disqualification] = []

    def add(self, committee: Committee) -> None:
        if committee.committee_id in self.rows:
            raise DuplicateRow(committee.committee_id)
        self.rows[committee.committee_id] = committee

    def get(self, committee_id: str) -> Committee | None:
        return self.rows.get(committee_id)

    def all(self) -> list[Committee]:
        return sorted(self.rows.values(), key=lambda c: (c.kind.value, c.name))

    def add_member(self, member: Member) -> None:
        if member.member_id in self.member_rows:
            raise DuplicateRow(member.member_id)
        self.member_rows[member.member_id] = member

    def members(self, committee_id: str) -> list[Member]:
        return sorted(
            (m for m in self.member_rows.values() if m.committee_id == committee_id),
            key=lambda m: (_ROLE_ORDER[m.role], m.term_start, m.name),
        )

    def member(self, member_id: str) -> Member | None:
        return self.member_rows.get(member_id)

    def add_meeting(self, meeting: Meeting) -> None:
        if meeting.meeting_id in self.meeting_rows:
            raise DuplicateRow(meeting.meeting_id)
        self.meeting_rows[meeting.meeting_id] = meeting

    def meeting(self, meeting_id: str) -> Meeting | None:
        return self.meeting_rows.get(meeting_id)

    def meetings(
        self, committee_id: str = "", start: date | None = None, end: date | None = None
    ) -> list[Meeting]:
        return sorted(
            (
                m
                for m in self.meeting_rows.values()
                if (not committee_id or m.committee_id == committee_id)
                and (start is None or m.meets_on >= start)
                and (end is None or m.meets_on <= end)
            ),
            key=lambda m: (m.meets_on, m.meeting_id),
        )

    def put_on_agenda(self, meeting_id: str, case_id: str, on: date, moved_from: str, at: datetime) -> None:
        if moved_from and (moved_from, case_id) in self.agenda:
            self.agenda[(moved_from, case_id)].moved_on = on
        self.agenda[(meeting_id, case_id)] = _AgendaEntry(on)

    def on_agenda(self, meeting_id: str) -> set[str]:
        """The case ids on the meeting's agenda and not moved from it."""
        return {c for (m, c), entry in self.agenda.items() if m == meeting_id and entry.moved_on is None}

    def disqualify(self, item: Disqualification, at: datetime) -> None:
        if any(
            (d.case_id, d.member_id) == (item.case_id, item.member_id) for d in self.disqualification_rows
        ):
            raise DuplicateRow(f"{item.case_id}/{item.member_id}")
        self.disqualification_rows.append(item)

    def disqualifications(self, case_id: str) -> list[Disqualification]:
        return [d for d in self.disqualification_rows if d.case_id == case_id]


def _overdue_on(case: AppealCase, day: date) -> bool:
    """The SQL repository's rule for a preliminary answer overdue on `day` (forvaltningsloven § 11 a)."""
    answer = case.preliminary_answer
    decided = any(d.instance == Instance.VALUATION_COMMITTEE and d.decided_on <= day for d in case.decisions)
    return (
        case.preliminary_answer_due < day
        and (answer is None or answer.sent_on > day)
        and (case.closed_on is None or case.closed_on > day)
        and not decided
    )


class FakeCases:
    def __init__(self, committees: FakeCommittees) -> None:
        self.rows: dict[str, AppealCase] = {}
        self.registered_at: dict[str, datetime] = {}
        self.numbers: dict[int, int] = {}
        self.decision_log: list[tuple[str, Decision]] = []  # (case id, decision) in the order recorded
        self.history_rows: dict[str, list[StoredHistory]] = {}
        self._committees = committees

    def next_number(self, tax_year: int) -> str:
        self.numbers[tax_year] = self.numbers.get(tax_year, 0) + 1
        return f"{tax_year}-{self.numbers[tax_year]:05d}"

    def add(self, case: AppealCase, at: datetime) -> None:
        if case.case_id in self.rows or any(c.case_number == case.case_number for c in self.rows.values()):
            raise DuplicateRow(case.case_id)
        self.registered_at[case.case_id] = at
        self.rows[case.case_id] = replace(case, decisions=())
        self._save_decisions(case)

    def save(self, case: AppealCase, at: datetime) -> None:
        if case.case_id not in self.rows:
            return  # an UPDATE of no row changes nothing
        self.rows[case.case_id] = replace(case, decisions=())
        self._save_decisions(case)

    def _save_decisions(self, case: AppealCase) -> None:
        # A decision is never changed once recorded: only new ones are written.
        stored = {d.instance for c, d in self.decision_log if c == case.case_id}
        self.decision_log.extend((case.case_id, d) for d in case.decisions if d.instance not in stored)

    def _loaded(self, case: AppealCase) -> AppealCase:
        """The case as the SQL repository reads it: its stored decisions, and its latest history date."""
        decisions = sorted(
            (d for c, d in self.decision_log if c == case.case_id), key=lambda d: _INSTANCE_ORDER[d.instance]
        )
        days = [h.entry.on for h in self.history_rows.get(case.case_id, [])]
        return replace(case, decisions=tuple(decisions), last_step_on=max(days) if days else None)

    def get(self, case_id: str, *, lock: bool = False) -> AppealCase | None:
        found = next((c for c in self.rows.values() if case_id in (c.case_id, c.case_number)), None)
        return None if found is None else self._loaded(found)

    def decisions_of_property(self, property_id: str, tax_year: int) -> list[Decision]:
        return [
            d
            for c, d in self.decision_log
            if self.rows[c].property_id == property_id and self.rows[c].tax_year == tax_year
        ]

    def _matches(self, case: AppealCase, filters: CaseFilter) -> bool:
        if filters.states and case.state not in filters.states:
            return False
        if filters.tax_year and case.tax_year != filters.tax_year:
            return False
        if filters.property_id and case.property_id != filters.property_id:
            return False
        if filters.committee_id and filters.committee_id not in (
            case.committee_id,
            case.appeals_committee_id,
        ):
            return False
        if filters.meeting_id and not (
            case.meeting_id == filters.meeting_id
            or any(d.meeting_id == filters.meeting_id for d in case.decisions)
            or case.case_id in self._committees.on_agenda(filters.meeting_id)
        ):
            return False
        overdue = filters.preliminary_answer_overdue_on
        if overdue is not None and not _overdue_on(case, overdue):
            return False
        return not (filters.late_only and not case.late)

    def _filtered(self, filters: CaseFilter) -> list[AppealCase]:
        return [c for c in map(self._loaded, self.rows.values()) if self._matches(c, filters)]

    def find(self, filters: CaseFilter, offset: int, limit: int) -> list[AppealCase]:
        found = self._filtered(filters)
        if filters.order == "preliminary_answer_due":
            found.sort(key=lambda c: (c.preliminary_answer_due, c.case_number))
        elif filters.order == "deadline":
            found.sort(key=lambda c: (c.deadline.deadline, c.case_number))
        elif filters.order == "number":
            found.sort(key=lambda c: c.case_number)
        else:  # newest first
            found.sort(key=lambda c: c.case_id)
            found.sort(key=lambda c: self.registered_at[c.case_id], reverse=True)
        return found[offset : offset + limit]

    def count(self, filters: CaseFilter) -> int:
        return len(self._filtered(filters))

    def of_year(self, tax_year: int) -> list[AppealCase]:
        return self.find(CaseFilter(tax_year=tax_year, order="number"), 0, len(self.rows))

    def awaiting_inspection(self, property_id: str) -> list[AppealCase]:
        return [
            c
            for c in map(self._loaded, self.rows.values())
            if c.property_id == property_id and c.state == CaseState.INSPECTION_REQUESTED
        ]

    def on_meeting(self, meeting_id: str) -> list[AppealCase]:
        return self.find(CaseFilter(meeting_id=meeting_id, order="number"), 0, 10_000)

    def add_history(self, case_id: str, entries: Iterable[HistoryEntry], at: datetime) -> None:
        self.history_rows.setdefault(case_id, []).extend(StoredHistory(e, at) for e in entries)

    def histories(self, case_ids: Sequence[str]) -> dict[str, list[HistoryEntry]]:
        return {i: [h.entry for h in self.history_rows.get(i, [])] for i in case_ids}

    def history(self, case_id: str) -> list[StoredHistory]:
        return list(self.history_rows.get(case_id, []))


class FakeTaxNotices:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, int], tuple[TaxNotice, str]] = {}  # → (notice, source event id)
        self.first_invoices: dict[tuple[str, int], tuple[date, str]] = {}  # → (issued on, event id)

    def get(self, property_id: str, tax_year: int) -> TaxNotice | None:
        found = self.rows.get((property_id, tax_year))
        return None if found is None else found[0]

    def known(self, property_id: str) -> bool:
        return any(p == property_id for p, _ in self.rows)

    def versions(self, property_ids: Sequence[str]) -> dict[tuple[str, int], int]:
        wanted = set(property_ids)
        return {key: n.tax_base_version for key, (n, _) in self.rows.items() if key[0] in wanted}

    def put(self, notices: Sequence[tuple[TaxNotice, str]]) -> None:
        for notice, event_id in notices:
            self.rows[(notice.property_id, notice.tax_year)] = (notice, event_id)

    def first_invoice_on(self, property_id: str, tax_year: int) -> date | None:
        found = self.first_invoices.get((property_id, tax_year))
        return None if found is None else found[0]

    def record_first_invoices(self, issued_on: date, keys: Sequence[tuple[str, int]], event_id: str) -> int:
        stored = 0
        for key in keys:
            known = self.first_invoice_on(*key)
            if known is None or issued_on < known:
                self.first_invoices[key] = (issued_on, event_id)
                stored += 1
        return stored


class FakeCalendars:
    def __init__(self) -> None:
        self.rows: dict[int, TaxYearCalendar] = {}

    def get(self, tax_year: int) -> TaxYearCalendar | None:
        return self.rows.get(tax_year)

    def put(self, calendar: TaxYearCalendar) -> None:
        self.rows[calendar.tax_year] = calendar


class FakeLetters:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, LetterKind, str], IssuedLetter] = {}
        self.recorded_at: dict[tuple[str, LetterKind, str], datetime] = {}

    @staticmethod
    def _key(case_id: str, kind: LetterKind, instance: Instance | None) -> tuple[str, LetterKind, str]:
        return case_id, kind, instance.value if instance else ""

    def add(self, letter: IssuedLetter, at: datetime) -> None:
        key = self._key(letter.case_id, letter.kind, letter.instance)
        if key in self.rows:
            raise DuplicateRow(str(key))
        self.rows[key] = letter
        self.recorded_at[key] = at

    def get(self, case_id: str, kind: LetterKind, instance: Instance | None = None) -> IssuedLetter | None:
        return self.rows.get(self._key(case_id, kind, instance))


class FakeAppealsUnitOfWork(FakeUnitOfWork):
    """Implements AppealsUnitOfWork in memory."""

    def __init__(self, now: datetime = FIXED_NOW) -> None:
        super().__init__(now)
        self.committees = FakeCommittees()
        self.cases = FakeCases(self.committees)
        self.notices = FakeTaxNotices()
        self.calendars = FakeCalendars()
        self.letters = FakeLetters()


@dataclass(frozen=True)
class RenderCall:
    """What a handler asked the renderer for: the document's kind and the arguments it passed."""

    kind: str
    args: tuple[object, ...]


class RecordingDocuments:
    """Implements DocumentRenderer by recording each request; the content names the document's kind,
    so a test sees which one a handler chose and with what."""

    def __init__(self) -> None:
        self.calls: list[RenderCall] = []

    def _rendered(self, kind: str, *args: object) -> Rendered:
        self.calls.append(RenderCall(kind, args))
        return Rendered(f"{kind}.pdf", kind.encode())

    def acknowledgement(self, case: AppealCase, issued: IssuedLetter, dated: date) -> Rendered:
        return self._rendered("acknowledgement", case, issued, dated)

    def preliminary_answer(self, case: AppealCase, issued: IssuedLetter) -> Rendered:
        return self._rendered("preliminary_answer", case, issued)

    def decision_letter(self, case: AppealCase, issued: IssuedLetter) -> Rendered:
        return self._rendered("decision_letter", case, issued)

    def agenda(self, papers: MeetingPapers, office: Office) -> Rendered:
        return self._rendered("agenda", papers, office)

    def minutes(self, papers: MeetingPapers, office: Office) -> Rendered:
        return self._rendered("minutes", papers, office)
