"""Inspection plans and owners' letters as the JSON documents they are stored as (a version and a letter
never change, so each is kept whole): dates ISO, times YYYY-MM-DDTHH:MM, distances and speeds as decimal
text. A letter's body says its kind: "notice" (a body without a kind is one: stored before cancellations
were) or "cancellation"."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from services.assessment.domain.inspection_needs import InspectionNeed, InspectionReason, NeedStatus
from services.assessment.domain.inspection_planning import (
    Absence,
    Assessor,
    DayRoute,
    InspectionCancellation,
    InspectionNotice,
    InspectionPlan,
    OwnerLetter,
    PlanningSolution,
    Stop,
    Transport,
    Unplanned,
    Visit,
    Window,
)
from services.assessment.domain.property import Location


def _moment(value: datetime) -> str:
    return value.isoformat(timespec="minutes")


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _window(window: Window | None) -> list[str] | None:
    return None if window is None else [_moment(window.start), _moment(window.end)]


def _window_from(raw: list[str] | None) -> Window | None:
    return None if raw is None else Window(datetime.fromisoformat(raw[0]), datetime.fromisoformat(raw[1]))


def _need(need: InspectionNeed) -> dict[str, Any]:
    return {
        "property_id": need.property_id,
        "reason": need.reason.value,
        "detail": need.detail,
        "since": need.since.isoformat(),
        "needed_by": need.needed_by.isoformat() if need.needed_by else None,
        "appeal_case_id": need.appeal_case_id,
        "address": need.address,
        "status": need.status.value,
    }


def _need_from(raw: dict[str, Any]) -> InspectionNeed:
    return InspectionNeed(
        property_id=raw["property_id"],
        reason=InspectionReason(raw["reason"]),
        detail=raw["detail"],
        since=date.fromisoformat(raw["since"]),
        needed_by=_day(raw["needed_by"]),
        appeal_case_id=raw["appeal_case_id"],
        address=raw["address"],
        status=NeedStatus(raw["status"]),
    )


def _visit(visit: Visit) -> dict[str, Any]:
    return {
        "need": _need(visit.need),
        "lon": visit.location.lon,
        "lat": visit.location.lat,
        "minutes": visit.minutes,
        "windows": [_window(w) for w in visit.windows],
        "latest_day": visit.latest_day.isoformat() if visit.latest_day else None,
        "notify": visit.notify,
        "promised": _window(visit.promised),
    }


def _visit_from(raw: dict[str, Any]) -> Visit:
    return Visit(
        need=_need_from(raw["need"]),
        location=Location(raw["lon"], raw["lat"]),
        minutes=raw["minutes"],
        windows=tuple(w for w in (_window_from(x) for x in raw["windows"]) if w is not None),
        latest_day=_day(raw["latest_day"]),
        notify=raw["notify"],
        promised=_window_from(raw["promised"]),
    )


def _route(route: DayRoute) -> dict[str, Any]:
    return {
        "assessor_id": route.assessor_id,
        "day": route.day.isoformat(),
        "stops": [
            [s.property_id, _moment(s.arrive), _moment(s.leave), *(_window(s.window) or [])]
            for s in route.stops
        ],
        "distance_km": str(route.distance_km),
        "travel_minutes": route.travel_minutes,
    }


def _route_from(raw: dict[str, Any]) -> DayRoute:
    return DayRoute(
        assessor_id=raw["assessor_id"],
        day=date.fromisoformat(raw["day"]),
        stops=tuple(
            Stop(
                pid,
                datetime.fromisoformat(arrive),
                datetime.fromisoformat(leave),
                Window(datetime.fromisoformat(start), datetime.fromisoformat(end)),
            )
            for pid, arrive, leave, start, end in raw["stops"]
        ),
        distance_km=Decimal(raw["distance_km"]),
        travel_minutes=raw["travel_minutes"],
    )


def plan_to_json(plan: InspectionPlan) -> str:
    """The plan's body (its id, version and dates are columns of their own as well)."""
    solution = plan.solution
    return json.dumps(
        {
            "plan_id": plan.plan_id,
            "version": plan.version,
            "first_day": plan.first_day.isoformat(),
            "last_day": plan.last_day.isoformat(),
            "made_on": plan.made_on.isoformat(),
            "cause": plan.cause,
            "needs": plan.needs,
            "assessors": [
                {
                    "assessor_id": a.assessor_id,
                    "name": a.name,
                    "transport": a.transport.value,
                    "lon": a.start.lon,
                    "lat": a.start.lat,
                    "minutes_per_day": a.minutes_per_day,
                }
                for a in plan.assessors
            ],
            "absences": [
                [a.assessor_id, a.first_day.isoformat(), a.last_day.isoformat()] for a in plan.absences
            ],
            "days": [_route(r) for r in solution.days],
            "unplanned": [[u.property_id, u.reason] for u in solution.unplanned],
            "total_distance_km": str(solution.total_distance_km),
            "naive_distance_km": str(solution.naive_distance_km),
            "visits": [_visit(v) for _, v in sorted(plan.visits.items())],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def plan_from_json(text: str) -> InspectionPlan:
    raw = json.loads(text)
    return InspectionPlan(
        plan_id=raw["plan_id"],
        version=raw["version"],
        first_day=date.fromisoformat(raw["first_day"]),
        last_day=date.fromisoformat(raw["last_day"]),
        made_on=date.fromisoformat(raw["made_on"]),
        cause=raw["cause"],
        assessors=tuple(
            Assessor(
                a["assessor_id"],
                a["name"],
                Transport(a["transport"]),
                Location(a["lon"], a["lat"]),
                a["minutes_per_day"],
            )
            for a in raw["assessors"]
        ),
        absences=tuple(
            Absence(a, date.fromisoformat(f), date.fromisoformat(t)) for a, f, t in raw["absences"]
        ),
        solution=PlanningSolution(
            days=tuple(_route_from(r) for r in raw["days"]),
            unplanned=tuple(Unplanned(pid, reason) for pid, reason in raw["unplanned"]),
            total_distance_km=Decimal(raw["total_distance_km"]),
            naive_distance_km=Decimal(raw["naive_distance_km"]),
        ),
        needs=raw["needs"],
        visits={v.property_id: v for v in (_visit_from(x) for x in raw["visits"])},
    )


def plan_counts(text: str) -> tuple[int, int, tuple[str, ...]]:
    """(visits planned, needs unplanned, assessor ids) of a plan's body, without building the plan."""
    raw = json.loads(text)
    visits = sum(len(route["stops"]) for route in raw["days"])
    return visits, len(raw["unplanned"]), tuple(a["assessor_id"] for a in raw["assessors"])


def visited_days(text: str) -> dict[str, date]:
    """The last day a plan's body visits each property."""
    found: dict[str, date] = {}
    for route in json.loads(text)["days"]:
        day = date.fromisoformat(route["day"])
        for stop in route["stops"]:
            found[stop[0]] = max(day, found.get(stop[0], day))
    return found


NOTICE = "notice"
CANCELLATION = "cancellation"


def notice_to_json(notice: InspectionNotice) -> str:
    return json.dumps(
        {
            "kind": NOTICE,
            "notice_id": notice.notice_id,
            "plan_id": notice.plan_id,
            "plan_version": notice.plan_version,
            "property_id": notice.property_id,
            "address": notice.address,
            "day": notice.day.isoformat(),
            "window": _window(notice.window),
            "issued_on": notice.issued_on.isoformat(),
            "recipient_name": notice.recipient_name,
            "recipient_lines": list(notice.recipient_lines),
            "purpose": notice.purpose,
            "replaces": notice.replaces,
            "visit_minutes": notice.visit_minutes,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def notice_from_json(text: str) -> InspectionNotice:
    raw = json.loads(text)
    window = _window_from(raw["window"])
    assert window is not None
    return InspectionNotice(
        notice_id=raw["notice_id"],
        plan_id=raw["plan_id"],
        plan_version=raw["plan_version"],
        property_id=raw["property_id"],
        address=raw["address"],
        day=date.fromisoformat(raw["day"]),
        window=window,
        issued_on=date.fromisoformat(raw["issued_on"]),
        recipient_name=raw["recipient_name"],
        recipient_lines=tuple(raw["recipient_lines"]),
        purpose=raw["purpose"],
        replaces=raw["replaces"],
        visit_minutes=raw.get("visit_minutes", 0),  # a notice issued before it was kept: 0
    )


def cancellation_to_json(cancellation: InspectionCancellation) -> str:
    return json.dumps(
        {
            "kind": CANCELLATION,
            "notice_id": cancellation.notice_id,
            "plan_id": cancellation.plan_id,
            "plan_version": cancellation.plan_version,
            "property_id": cancellation.property_id,
            "address": cancellation.address,
            "replaces": cancellation.replaces,
            "cancelled_day": cancellation.cancelled_day.isoformat(),
            "cancelled_window": _window(cancellation.cancelled_window),
            "issued_on": cancellation.issued_on.isoformat(),
            "recipient_name": cancellation.recipient_name,
            "recipient_lines": list(cancellation.recipient_lines),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def cancellation_from_json(text: str) -> InspectionCancellation:
    raw = json.loads(text)
    window = _window_from(raw["cancelled_window"])
    assert window is not None
    return InspectionCancellation(
        notice_id=raw["notice_id"],
        plan_id=raw["plan_id"],
        plan_version=raw["plan_version"],
        property_id=raw["property_id"],
        address=raw["address"],
        replaces=raw["replaces"],
        cancelled_day=date.fromisoformat(raw["cancelled_day"]),
        cancelled_window=window,
        issued_on=date.fromisoformat(raw["issued_on"]),
        recipient_name=raw["recipient_name"],
        recipient_lines=tuple(raw["recipient_lines"]),
    )


def letter_kind(text: str) -> str:
    """NOTICE or CANCELLATION."""
    return str(json.loads(text).get("kind", NOTICE))


def letter_from_json(text: str) -> OwnerLetter:
    """A stored letter of either kind."""
    return cancellation_from_json(text) if letter_kind(text) == CANCELLATION else notice_from_json(text)
