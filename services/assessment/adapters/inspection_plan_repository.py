"""Inspection plans over SQL (implements application/ports.py InspectionPlanRepository): each version
stored whole as its JSON document, owners' wishes one row per property, owners' letters as issued: notices
and cancellations in one table (inspection_notices), told apart by their body's kind; a cancellation's
day is the cancelled visit's, its replaces the cancelled notice's id."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Select, Subquery, delete, func, insert, select
from sqlalchemy.orm import Session

from services.assessment.adapters.inspection_plan_json import (
    CANCELLATION,
    NOTICE,
    cancellation_from_json,
    cancellation_to_json,
    letter_from_json,
    letter_kind,
    notice_from_json,
    notice_to_json,
    plan_counts,
    plan_from_json,
    plan_to_json,
    visited_days,
)
from services.assessment.adapters.orm import inspection_notices, inspection_plans, inspection_requests
from services.assessment.adapters.repository import chunks
from services.assessment.application.ports import PlanOverlap, PlanSummary
from services.assessment.domain.field_results import has_visit
from services.assessment.domain.inspection_planning import (
    InspectionCancellation,
    InspectionNotice,
    InspectionPlan,
    OwnerLetter,
    OwnerRequest,
)


def _hours(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


def _time(text: str | None) -> time | None:
    return time.fromisoformat(text) if text else None


class InspectionPlanRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def next_version(self, plan_id: str) -> int:
        latest = self.session.execute(
            select(func.max(inspection_plans.c.version)).where(inspection_plans.c.plan_id == plan_id)
        ).scalar_one()
        return int(latest or 0) + 1

    def add(self, plan: InspectionPlan, at: datetime) -> None:
        self.session.execute(
            insert(inspection_plans).values(
                plan_id=plan.plan_id,
                version=plan.version,
                first_day=plan.first_day,
                last_day=plan.last_day,
                made_on=plan.made_on,
                cause=plan.cause,
                body=plan_to_json(plan),
                created_at=at,
            )
        )

    def get(self, plan_id: str, version: int = 0) -> InspectionPlan | None:
        """A version (0: the latest) of a plan."""
        query = select(inspection_plans.c.body).where(inspection_plans.c.plan_id == plan_id)
        if version:
            query = query.where(inspection_plans.c.version == version)
        else:
            query = query.order_by(inspection_plans.c.version.desc()).limit(1)
        body = self.session.execute(query).scalar_one_or_none()
        return plan_from_json(body) if body is not None else None

    def latest_plan_id(self) -> str | None:
        """The plan whose first version was made last (on the latest business date, then stored last)."""
        row = self.session.execute(
            select(inspection_plans.c.plan_id)
            .where(inspection_plans.c.version == 1)
            .order_by(inspection_plans.c.made_on.desc(), inspection_plans.c.created_at.desc())
            .limit(1)
        ).scalar_one_or_none()
        return str(row) if row is not None else None

    def _latest(self, last_day_from: date | None = None) -> Subquery:
        """(plan_id, version) of each plan's latest version (whose period ends on or after the day)."""
        query = select(inspection_plans.c.plan_id, func.max(inspection_plans.c.version).label("version"))
        if last_day_from is not None:
            # A re-plan keeps its plan's period, so every version of a plan has the same last day.
            query = query.where(inspection_plans.c.last_day >= last_day_from)
        return query.group_by(inspection_plans.c.plan_id).subquery()

    def _latest_rows(self, latest: Subquery) -> Select[Any]:
        return select(inspection_plans).join(
            latest,
            (inspection_plans.c.plan_id == latest.c.plan_id)
            & (inspection_plans.c.version == latest.c.version),
        )

    def planned_property_ids(self, on: date) -> set[str]:
        """Properties with a visit on or after `on` in the latest version of any plan."""
        return set(self.visit_days(on))

    def visit_days(self, on: date) -> dict[str, date]:
        """The last day each property is visited on or after `on` in the latest version of any plan."""
        found: dict[str, date] = {}
        for row in self.session.execute(self._latest_rows(self._latest(on))):
            for property_id, day in visited_days(row.body).items():
                if day >= on:
                    found[property_id] = max(day, found.get(property_id, day))
        return found

    def summaries(self, from_day: date | None) -> list[PlanSummary]:
        """The latest version of each plan ending on or after `from_day`, newest period first; the counts
        come from the latest versions' bodies (older versions are not read)."""
        rows = self.session.execute(
            self._latest_rows(self._latest(from_day)).order_by(
                inspection_plans.c.first_day.desc(),
                inspection_plans.c.last_day.desc(),
                inspection_plans.c.plan_id.desc(),
            )
        )
        found = []
        for row in rows:
            visits, unplanned, assessor_ids = plan_counts(row.body)
            found.append(
                PlanSummary(
                    plan_id=row.plan_id,
                    version=row.version,
                    first_day=row.first_day,
                    last_day=row.last_day,
                    made_on=row.made_on,
                    cause=row.cause,
                    visits=visits,
                    unplanned=unplanned,
                    assessor_ids=assessor_ids,
                )
            )
        return found

    def put_request(self, request: OwnerRequest) -> None:
        self.session.execute(
            delete(inspection_requests).where(inspection_requests.c.property_id == request.property_id)
        )
        self.session.execute(
            insert(inspection_requests).values(
                property_id=request.property_id,
                asked_on=request.asked_on,
                notify=request.notify,
                day=request.day,
                from_time=_hours(request.from_time),
                until_time=_hours(request.until_time),
                note=request.note,
                notice_name=request.notice_name,
                notice_lines="\n".join(request.notice_lines),
            )
        )

    def requests(self, property_ids: Collection[str]) -> dict[str, OwnerRequest]:
        found = {}
        for part in chunks(sorted(property_ids)):
            for r in self.session.execute(
                select(inspection_requests).where(inspection_requests.c.property_id.in_(part))
            ):
                found[r.property_id] = OwnerRequest(
                    r.property_id,
                    r.asked_on,
                    r.notify,
                    r.day,
                    _time(r.from_time),
                    _time(r.until_time),
                    r.note,
                    r.notice_name,
                    tuple(r.notice_lines.split("\n")) if r.notice_lines else (),
                )
        return found

    def overlapping_plans(
        self, first_day: date, last_day: date, assessor_ids: Collection[str]
    ) -> list[PlanOverlap]:
        rows = self.session.execute(
            self._latest_rows(self._latest(first_day))
            .where(inspection_plans.c.first_day <= last_day, inspection_plans.c.last_day >= first_day)
            .order_by(inspection_plans.c.plan_id)
        )
        wanted = set(assessor_ids)
        found = []
        for row in rows:
            shared = tuple(a for a in plan_counts(row.body)[2] if a in wanted)
            if shared:
                found.append(PlanOverlap(row.plan_id, row.first_day, row.last_day, shared))
        return found

    def add_cancellations(self, cancellations: Sequence[InspectionCancellation], at: datetime) -> None:
        if not cancellations:
            return
        self.session.execute(
            insert(inspection_notices),
            [
                {
                    "notice_id": c.notice_id,
                    "plan_id": c.plan_id,
                    "plan_version": c.plan_version,
                    "property_id": c.property_id,
                    "day": c.cancelled_day,
                    "issued_on": c.issued_on,
                    "replaces": c.replaces,
                    "body": cancellation_to_json(c),
                    "issued_at": at,
                }
                for c in cancellations
            ],
        )

    def add_notices(self, notices: Sequence[InspectionNotice], at: datetime) -> None:
        if not notices:
            return
        self.session.execute(
            insert(inspection_notices),
            [
                {
                    "notice_id": n.notice_id,
                    "plan_id": n.plan_id,
                    "plan_version": n.plan_version,
                    "property_id": n.property_id,
                    "day": n.day,
                    "issued_on": n.issued_on,
                    "replaces": n.replaces,
                    "body": notice_to_json(n),
                    "issued_at": at,
                }
                for n in notices
            ],
        )

    def latest_notices(self, property_ids: Collection[str]) -> dict[str, OwnerLetter]:
        """The last letter issued for each property (by business date, then plan version, then when): a
        notice, or a cancellation."""
        found: dict[str, OwnerLetter] = {}
        for part in chunks(sorted(property_ids)):
            rows = self.session.execute(
                select(inspection_notices.c.property_id, inspection_notices.c.body)
                .where(inspection_notices.c.property_id.in_(part))
                .order_by(
                    inspection_notices.c.issued_on,
                    inspection_notices.c.plan_version,
                    inspection_notices.c.issued_at,
                )
            )
            for property_id, body in rows:
                found[property_id] = letter_from_json(body)  # later rows replace earlier ones
        return found

    def _bodies_of(self, plan_id: str, version: int, kind: str) -> list[str]:
        bodies = self.session.execute(
            select(inspection_notices.c.body)
            .where(inspection_notices.c.plan_id == plan_id, inspection_notices.c.plan_version == version)
            .order_by(inspection_notices.c.property_id)
        ).scalars()
        return [body for body in bodies if letter_kind(body) == kind]

    def notices_of(self, plan_id: str, version: int) -> list[InspectionNotice]:
        return [notice_from_json(body) for body in self._bodies_of(plan_id, version, NOTICE)]

    def cancellations_of(self, plan_id: str, version: int) -> list[InspectionCancellation]:
        return [cancellation_from_json(body) for body in self._bodies_of(plan_id, version, CANCELLATION)]

    def visits_of(self, property_id: str) -> list[InspectionPlan]:
        """The latest versions of the plans whose latest version visits the property or left its visit
        unplanned, newest period first. Only the bodies that hold the id as a JSON string are read (the
        body is text, not JSON, on SQLite and PostgreSQL alike); has_visit then keeps those whose routes
        or unplanned visits hold it (the body names the property elsewhere too: its visits and needs)."""
        quoted = json.dumps(property_id, ensure_ascii=False)  # as plan_to_json writes it
        rows = self.session.execute(
            self._latest_rows(self._latest())
            .where(inspection_plans.c.body.contains(quoted, autoescape=True))
            .order_by(
                inspection_plans.c.first_day.desc(),
                inspection_plans.c.last_day.desc(),
                inspection_plans.c.plan_id.desc(),
            )
        )
        plans = (plan_from_json(row.body) for row in rows)
        return [plan for plan in plans if has_visit(plan, property_id)]
