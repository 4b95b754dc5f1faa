"""Stores complaints' cases with their decisions and history, and the tax notices and calendars their
deadlines come from."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from services.appeals.adapters.orm import (
    appeal_case_history,
    appeal_case_numbers,
    appeal_cases,
    appeal_decisions,
    first_invoices,
    meeting_agenda,
    tax_notices,
    tax_year_calendars,
)
from services.appeals.application.ports import CaseFilter, StoredHistory
from services.appeals.domain.cases import (
    Action,
    AppealCase,
    CaseState,
    Decision,
    HistoryEntry,
    Inspection,
    Instance,
    Outcome,
    PreliminaryAnswer,
)
from services.appeals.domain.complaint import (
    Attachment,
    Channel,
    Complainant,
    ComplainantKind,
    Complaint,
    Ground,
    GroundKind,
)
from services.appeals.domain.deadlines import ComplaintDeadline, DispatchBasis, TaxNotice, TaxYearCalendar
from services.platform.bulk import bulk_insert
from services.platform.money import Money


def _case_row(case: AppealCase) -> dict[str, Any]:
    c = case.complaint
    answer, inspection = case.preliminary_answer, case.inspection
    return {
        "case_id": case.case_id,
        "property_id": c.property_id,
        "tax_year": c.tax_year,
        "state": case.state.value,
        "case_number": case.case_number,
        "complainant_kind": c.complainant.kind.value,
        "complainant_name": c.complainant.name,
        "complainant_address": "\n".join(c.complainant.address_lines),
        "complainant_owner_ref": c.complainant.owner_ref,
        "complainant_represents": c.complainant.represents,
        "received_on": c.received_on,
        "channel": c.channel.value,
        "postmarked_on": c.postmarked_on,
        "grounds": json.dumps([[g.kind.value, g.text] for g in c.grounds], ensure_ascii=False),
        "attachments": json.dumps([[a.reference, a.title] for a in c.attachments], ensure_ascii=False),
        "tax_base_version": case.notice.tax_base_version,
        "valuation_version": case.notice.valuation_version,
        "disputed_value_ore": case.notice.value.ore,
        "notice_dispatched_on": case.notice.dispatched_on,
        "notice_from_levy": case.notice.from_levy,
        "list_announced_on": case.deadline.announced_on,
        "bill_dispatched_on": case.deadline.dispatched_on,
        "deadline": case.deadline.deadline,
        "late": case.late,
        "late_admission": case.late_admission,
        "preliminary_answer_due": case.preliminary_answer_due,
        "preliminary_answer_sent_on": answer.sent_on if answer else None,
        "preliminary_answer_reason": answer.reason if answer else "",
        "expected_decision_on": answer.expected_on if answer else None,
        "inspection_requested_on": inspection.requested_on if inspection else None,
        "inspection_note": inspection.note if inspection else "",
        "inspection_completed_on": inspection.completed_on if inspection else None,
        "inspection_findings": inspection.findings if inspection else "",
        "prepared_on": case.prepared_on,
        "recommendation": case.recommendation,
        "case_officer": case.case_officer,
        "committee_id": case.committee_id,
        "appeals_committee_id": case.appeals_committee_id,
        "meeting_id": case.meeting_id,
        "forwarded_on": case.forwarded_on,
        "outcome": case.outcome.value if case.outcome else None,
        "closed_on": case.closed_on,
        "closing_reason": case.closing_reason,
        "dispatch_basis": case.deadline.basis.value,
        "acknowledged_on": case.acknowledged_on,
    }


def _decision(row: Any) -> Decision:
    return Decision(
        instance=Instance(row.instance),
        meeting_id=row.meeting_id,
        decided_on=row.decided_on,
        outcome=Outcome(row.outcome),
        new_value=None if row.new_value_ore is None else Money(row.new_value_ore),
        reasons=row.reasons,
        participant_ids=tuple(json.loads(row.participant_ids)),
        appeal_by=row.appeal_by,
    )


def _case(row: Any, decisions: Sequence[Decision], last_step_on: date | None) -> AppealCase:
    complaint = Complaint(
        property_id=row.property_id,
        tax_year=row.tax_year,
        complainant=Complainant(
            ComplainantKind(row.complainant_kind),
            row.complainant_name,
            tuple(row.complainant_address.split("\n")) if row.complainant_address else (),
            row.complainant_owner_ref,
            row.complainant_represents,
        ),
        received_on=row.received_on,
        channel=Channel(row.channel),
        grounds=tuple(Ground(GroundKind(kind), text) for kind, text in json.loads(row.grounds)),
        attachments=tuple(Attachment(ref, title) for ref, title in json.loads(row.attachments)),
        postmarked_on=row.postmarked_on,
    )
    answer = (
        PreliminaryAnswer(
            row.preliminary_answer_sent_on, row.preliminary_answer_reason, row.expected_decision_on
        )
        if row.preliminary_answer_sent_on is not None
        else None
    )
    inspection = (
        Inspection(
            row.inspection_requested_on,
            row.inspection_note,
            row.inspection_completed_on,
            row.inspection_findings,
        )
        if row.inspection_requested_on is not None
        else None
    )
    order = {Instance.VALUATION_COMMITTEE: 0, Instance.APPEALS_COMMITTEE: 1}
    return AppealCase(
        case_id=row.case_id,
        case_number=row.case_number,
        complaint=complaint,
        state=CaseState(row.state),
        notice=TaxNotice(
            row.property_id,
            row.tax_year,
            row.tax_base_version,
            row.valuation_version,
            Money(row.disputed_value_ore),
            row.notice_dispatched_on,
            row.notice_from_levy,
        ),
        deadline=ComplaintDeadline(
            row.list_announced_on, row.bill_dispatched_on, row.deadline, DispatchBasis(row.dispatch_basis)
        ),
        late=row.late,
        preliminary_answer_due=row.preliminary_answer_due,
        late_admission=row.late_admission,
        preliminary_answer=answer,
        inspection=inspection,
        prepared_on=row.prepared_on,
        recommendation=row.recommendation,
        case_officer=row.case_officer,
        committee_id=row.committee_id,
        appeals_committee_id=row.appeals_committee_id,
        meeting_id=row.meeting_id,
        decisions=tuple(sorted(decisions, key=lambda d: order[d.instance])),
        forwarded_on=row.forwarded_on,
        outcome=Outcome(row.outcome) if row.outcome else None,
        closed_on=row.closed_on,
        closing_reason=row.closing_reason,
        last_step_on=last_step_on,
        acknowledged_on=row.acknowledged_on,
    )


def _preliminary_answer_overdue_on(day: date) -> ColumnElement[bool]:
    """The one rule for an overdue preliminary answer (forvaltningsloven § 11 a), as it stood on `day`:
    the case was waiting for the first instance (not decided, closed or withdrawn by then), the answer
    was due before that day and had not been sent by then. On today it is the cases open before the first
    instance with no answer sent."""
    c, d = appeal_cases.c, appeal_decisions.c
    decided = select(d.case_id).where(d.instance == Instance.VALUATION_COMMITTEE.value, d.decided_on <= day)
    return and_(
        c.preliminary_answer_due < day,
        or_(c.preliminary_answer_sent_on.is_(None), c.preliminary_answer_sent_on > day),
        or_(c.closed_on.is_(None), c.closed_on > day),
        c.case_id.not_in(decided),
    )


def _history_entry(row: Any) -> HistoryEntry:
    return HistoryEntry(
        Action(row.action),
        CaseState(row.from_state) if row.from_state else None,
        CaseState(row.to_state),
        row.on_date,
        row.actor,
        row.note,
    )


class AppealCaseRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def next_number(self, tax_year: int) -> str:
        """The year's next case number. The year's row is made if missing (ON CONFLICT DO NOTHING, so
        two first complaints of a year cannot collide), then locked while the number is taken."""
        dialect = self._session.get_bind().dialect.name
        make = postgresql_insert if dialect == "postgresql" else sqlite_insert
        self._session.execute(
            make(appeal_case_numbers).values(tax_year=tax_year, last_number=0).on_conflict_do_nothing()
        )
        row = appeal_case_numbers.c.tax_year == tax_year
        last = self._session.execute(
            select(appeal_case_numbers.c.last_number).where(row).with_for_update()
        ).one()
        number = int(last.last_number) + 1
        self._session.execute(update(appeal_case_numbers).where(row).values(last_number=number))
        return f"{tax_year}-{number:05d}"

    def add(self, case: AppealCase, at: datetime) -> None:
        self._session.execute(insert(appeal_cases).values(**_case_row(case), registered_at=at))
        self._save_decisions(case, at)

    def save(self, case: AppealCase, at: datetime) -> None:
        self._session.execute(
            update(appeal_cases).where(appeal_cases.c.case_id == case.case_id).values(**_case_row(case))
        )
        self._save_decisions(case, at)

    def _save_decisions(self, case: AppealCase, at: datetime) -> None:
        # A decision is never changed once recorded: only new ones are written.
        stored = set(
            self._session.scalars(
                select(appeal_decisions.c.instance).where(appeal_decisions.c.case_id == case.case_id)
            )
        )
        for d in case.decisions:
            if d.instance.value in stored:
                continue
            self._session.execute(
                insert(appeal_decisions).values(
                    case_id=case.case_id,
                    instance=d.instance.value,
                    meeting_id=d.meeting_id,
                    decided_on=d.decided_on,
                    outcome=d.outcome.value,
                    new_value_ore=None if d.new_value is None else d.new_value.ore,
                    reasons=d.reasons,
                    participant_ids=json.dumps(list(d.participant_ids)),
                    appeal_by=d.appeal_by,
                    recorded_at=at,
                )
            )

    def get(self, case_id: str, *, lock: bool = False) -> AppealCase | None:
        """The case with this id or this case number: people know a case by the number on its letters
        ("2024-00001"), programs by its id; the two never collide (a number is year-dash-five digits)."""
        c = appeal_cases.c
        query = select(appeal_cases).where(or_(c.case_id == case_id, c.case_number == case_id))
        if lock:
            query = query.with_for_update()
        row = self._session.execute(query).first()
        return None if row is None else self._with_decisions([row])[0]

    def _with_decisions(self, rows: Sequence[Any]) -> list[AppealCase]:
        """The cases of these rows with their decisions and the latest date of their history."""
        ids = [r.case_id for r in rows]
        found: dict[str, list[Decision]] = {i: [] for i in ids}
        last: dict[str, date] = {}
        if ids:
            for d in self._session.execute(
                select(appeal_decisions).where(appeal_decisions.c.case_id.in_(ids))
            ):
                found[d.case_id].append(_decision(d))
            h = appeal_case_history.c
            latest = select(h.case_id, func.max(h.on_date).label("on_date"))
            for r in self._session.execute(latest.where(h.case_id.in_(ids)).group_by(h.case_id)):
                last[r.case_id] = r.on_date
        return [_case(r, found[r.case_id], last.get(r.case_id)) for r in rows]

    def decisions_of_property(self, property_id: str, tax_year: int) -> list[Decision]:
        """The decisions in all the property's cases for the year, in the order they were recorded."""
        d, c = appeal_decisions.c, appeal_cases.c
        rows = self._session.execute(
            select(appeal_decisions)
            .join(appeal_cases, c.case_id == d.case_id)
            .where(c.property_id == property_id, c.tax_year == tax_year)
            .order_by(d.recorded_at, d.case_id, d.instance)
        )
        return [_decision(r) for r in rows]

    def _filtered(self, filters: CaseFilter) -> Select[Any]:
        c = appeal_cases.c
        query = select(appeal_cases)
        if filters.states:
            query = query.where(c.state.in_([s.value for s in filters.states]))
        if filters.tax_year:
            query = query.where(c.tax_year == filters.tax_year)
        if filters.property_id:
            query = query.where(c.property_id == filters.property_id)
        if filters.committee_id:
            query = query.where(
                or_(c.committee_id == filters.committee_id, c.appeals_committee_id == filters.committee_id)
            )
        if filters.meeting_id:
            decided_there = select(appeal_decisions.c.case_id).where(
                appeal_decisions.c.meeting_id == filters.meeting_id
            )
            a = meeting_agenda.c
            on_agenda = select(a.case_id).where(a.meeting_id == filters.meeting_id, a.moved_on.is_(None))
            query = query.where(
                or_(
                    c.meeting_id == filters.meeting_id,
                    c.case_id.in_(decided_there),
                    c.case_id.in_(on_agenda),
                )
            )
        if filters.preliminary_answer_overdue_on is not None:
            query = query.where(_preliminary_answer_overdue_on(filters.preliminary_answer_overdue_on))
        if filters.late_only:
            query = query.where(c.late.is_(True))
        return query

    def find(self, filters: CaseFilter, offset: int, limit: int) -> list[AppealCase]:
        c = appeal_cases.c
        order: tuple[Any, ...] = (c.registered_at.desc(), c.case_id)
        if filters.order == "preliminary_answer_due":
            order = (c.preliminary_answer_due, c.case_number)
        elif filters.order == "deadline":
            order = (c.deadline, c.case_number)
        elif filters.order == "number":
            order = (c.case_number,)
        rows = self._session.execute(
            self._filtered(filters).order_by(*order).offset(offset).limit(limit)
        ).all()
        return self._with_decisions(rows)

    def count(self, filters: CaseFilter) -> int:
        return int(
            self._session.execute(
                select(func.count()).select_from(self._filtered(filters).subquery())
            ).scalar_one()
        )

    def of_year(self, tax_year: int) -> list[AppealCase]:
        rows = self._session.execute(
            select(appeal_cases)
            .where(appeal_cases.c.tax_year == tax_year)
            .order_by(appeal_cases.c.case_number)
        ).all()
        return self._with_decisions(rows)

    def awaiting_inspection(self, property_id: str) -> list[AppealCase]:
        rows = self._session.execute(
            select(appeal_cases)
            .where(
                appeal_cases.c.property_id == property_id,
                appeal_cases.c.state == CaseState.INSPECTION_REQUESTED.value,
            )
            .with_for_update()
        ).all()
        return self._with_decisions(rows)

    def on_meeting(self, meeting_id: str) -> list[AppealCase]:
        """The meeting's cases as planned and held: every case put on its agenda (and not moved to another
        meeting), whatever happened to it later, and every case decided at it, by case number."""
        return self.find(CaseFilter(meeting_id=meeting_id, order="number"), 0, 10_000)

    def add_history(self, case_id: str, entries: Iterable[HistoryEntry], at: datetime) -> None:
        rows = [
            {
                "case_id": case_id,
                "action": e.action.value,
                "from_state": e.from_state.value if e.from_state else None,
                "to_state": e.to_state.value,
                "on_date": e.on,
                "actor": e.actor,
                "note": e.note,
                "recorded_at": at,
            }
            for e in entries
        ]
        if rows:
            self._session.execute(insert(appeal_case_history), rows)

    def histories(self, case_ids: Sequence[str]) -> dict[str, list[HistoryEntry]]:
        """The history of each of these cases, in the order it was recorded."""
        h = appeal_case_history.c
        found: dict[str, list[HistoryEntry]] = {i: [] for i in case_ids}
        for start in range(0, len(case_ids), 1000):  # bounded IN lists
            rows = self._session.execute(
                select(appeal_case_history)
                .where(h.case_id.in_(case_ids[start : start + 1000]))
                .order_by(h.id)
            )
            for r in rows:
                found[r.case_id].append(_history_entry(r))
        return found

    def history(self, case_id: str) -> list[StoredHistory]:
        h = appeal_case_history.c
        rows = self._session.execute(
            select(appeal_case_history).where(h.case_id == case_id).order_by(h.id)
        ).all()
        return [
            StoredHistory(
                _history_entry(r),
                # SQLite hands back stored UTC instants without their zone.
                r.recorded_at if r.recorded_at.tzinfo else r.recorded_at.replace(tzinfo=UTC),
            )
            for r in rows
        ]


class TaxNoticeRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, property_id: str, tax_year: int) -> TaxNotice | None:
        row = self._session.execute(
            select(tax_notices).where(
                tax_notices.c.property_id == property_id, tax_notices.c.tax_year == tax_year
            )
        ).first()
        if row is None:
            return None
        return TaxNotice(
            row.property_id,
            row.tax_year,
            row.tax_base_version,
            row.valuation_version,
            Money(row.value_ore),
            row.dispatched_on,
            row.from_levy,
        )

    def known(self, property_id: str) -> bool:
        """Whether a bill of any year for this property has reached appeals."""
        query = select(tax_notices.c.property_id).where(tax_notices.c.property_id == property_id).limit(1)
        return self._session.execute(query).first() is not None

    def versions(self, property_ids: Sequence[str]) -> dict[tuple[str, int], int]:
        """The stored tax base version per (property, year) of these properties."""
        found: dict[tuple[str, int], int] = {}
        for start in range(0, len(property_ids), 1000):  # bounded IN lists
            chunk = property_ids[start : start + 1000]
            rows = self._session.execute(
                select(
                    tax_notices.c.property_id, tax_notices.c.tax_year, tax_notices.c.tax_base_version
                ).where(tax_notices.c.property_id.in_(chunk))
            )
            found.update({(r.property_id, r.tax_year): r.tax_base_version for r in rows})
        return found

    def put(self, notices: Sequence[tuple[TaxNotice, str]]) -> None:
        """Replaces the stored notices of these (property, year) keys, each with the id of the event it
        came from: one delete per key, one insert."""
        for notice, _ in notices:
            self._session.execute(
                delete(tax_notices).where(
                    tax_notices.c.property_id == notice.property_id, tax_notices.c.tax_year == notice.tax_year
                )
            )
        bulk_insert(
            self._session,
            tax_notices,
            [
                {
                    "property_id": n.property_id,
                    "tax_year": n.tax_year,
                    "tax_base_version": n.tax_base_version,
                    "valuation_version": n.valuation_version,
                    "value_ore": n.value.ore,
                    "dispatched_on": n.dispatched_on,
                    "from_levy": n.from_levy,
                    "source_event_id": event_id,
                }
                for n, event_id in notices
            ],
        )

    def first_invoice_on(self, property_id: str, tax_year: int) -> date | None:
        """The issue date of the first invoice known to carry the property's tax for the year."""
        f = first_invoices.c
        found: date | None = self._session.execute(
            select(f.issued_on).where(f.property_id == property_id, f.tax_year == tax_year)
        ).scalar_one_or_none()
        return found

    def record_first_invoices(self, issued_on: date, keys: Sequence[tuple[str, int]], event_id: str) -> int:
        """Stores `issued_on` for each (property, tax year) without a date or with a later one; returns how
        many were stored."""
        f = first_invoices.c
        stored = 0
        for property_id, tax_year in keys:
            known = self.first_invoice_on(property_id, tax_year)
            if known is None:
                self._session.execute(
                    insert(first_invoices).values(
                        property_id=property_id,
                        tax_year=tax_year,
                        issued_on=issued_on,
                        source_event_id=event_id,
                    )
                )
            elif issued_on < known:
                self._session.execute(
                    update(first_invoices)
                    .where(f.property_id == property_id, f.tax_year == tax_year)
                    .values(issued_on=issued_on, source_event_id=event_id)
                )
            else:
                continue
            stored += 1
        return stored


class CalendarRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, tax_year: int) -> TaxYearCalendar | None:
        row = self._session.execute(
            select(tax_year_calendars).where(tax_year_calendars.c.tax_year == tax_year)
        ).first()
        return (
            None
            if row is None
            else TaxYearCalendar(row.tax_year, row.list_announced_on, row.bills_dispatched_on)
        )

    def put(self, calendar: TaxYearCalendar) -> None:
        self._session.execute(
            delete(tax_year_calendars).where(tax_year_calendars.c.tax_year == calendar.tax_year)
        )
        self._session.execute(
            insert(tax_year_calendars).values(
                tax_year=calendar.tax_year,
                list_announced_on=calendar.list_announced_on,
                bills_dispatched_on=calendar.bills_dispatched_on,
            )
        )
