"""What `propertytax assessment inspections plan|show|replan` show of a plan: the plan JSON (--json OUT,
the contract in docs: distances as numbers in km with 3 decimals, times YYYY-MM-DDTHH:MM), the summary a
person reads, and the days as table rows."""

from __future__ import annotations

from collections import Counter
from typing import Any

from services.cli.output import counted, number


def _km(text: str) -> float:
    return round(float(text or 0), 3)


def planned_count(plan: Any) -> int:
    return sum(len(day.stops) for day in plan.days)


def plan_json(plan: Any) -> dict[str, Any]:
    """The plan as the --json file has it."""
    planned = planned_count(plan)
    return {
        "plan_id": plan.plan_id,
        "version": plan.version,
        "first_day": plan.first_day,
        "last_day": plan.last_day,
        "made_on": plan.made_on,
        "cause": plan.cause,
        "days": [
            {
                "assessor_id": day.assessor_id,
                "date": day.date,
                "stops": [
                    {
                        "property_id": stop.property_id,
                        "arrive": stop.arrive,
                        "leave": stop.leave,
                        "window_start": stop.window_start,
                        "window_end": stop.window_end,
                        "address": stop.address,
                        "reason": stop.reason,
                    }
                    for stop in day.stops
                ],
                "distance_km": _km(day.distance_km),
                "travel_minutes": day.travel_minutes,
            }
            for day in plan.days
        ],
        "unplanned": [{"property_id": u.property_id, "reason": u.reason} for u in plan.unplanned],
        "total_distance_km": _km(plan.total_distance_km),
        "naive_distance_km": _km(plan.naive_distance_km),
        "needs": plan.needs,
        "planned": planned,
        "share_planned": round(planned / plan.needs, 4) if plan.needs else 0.0,
    }


def _percent(part: float, whole: float) -> str:
    return f"{number(round(100 * part / whole, 1), 1)} %" if whole else "–"


def _against_naive(total: float, naive: float) -> str:
    """ ", 35,0 % shorter" or ", 4,2 % longer" than the naive plan (never a negative "shorter")."""
    if not naive:
        return ""
    if total == naive:
        return ", as long"
    if total > naive:
        return f", {_percent(total - naive, naive)} longer"
    return f", {_percent(naive - total, naive)} shorter"


def _cause(cause: str) -> str:
    """' (A2 absent 2024-05-07–2024-05-10)' after a re-plan; nothing for a first plan (its cause "plan")."""
    return f" ({cause})" if cause and cause != "plan" else ""


def working_assessors(plan: Any) -> int:
    """How many assessors have at least one day with a visit (the plan's assessors list names them all,
    those with no stops too)."""
    return len({day.assessor_id for day in plan.days if day.stops})


def summary(
    plan: Any,
    notices: int | None,
    moved: list[str] | None = None,
    cancellations: int | None = None,
    dry_run: bool = False,
) -> list[str]:
    """Lines for a person: days used, visits planned and the share of needs, unplanned by reason, distance
    against the naive plan, notices sent (and, after a re-plan, what moved and the letters cancelling
    visits). `notices` None: no notices line (`show`: the plan's notices are not this version's). A
    `dry_run` plan (nothing stored) has no id: its first line says so, and the notices "would be" sent."""
    planned = planned_count(plan)
    used = sum(1 for day in plan.days if day.stops)
    total, naive = _km(plan.total_distance_km), _km(plan.naive_distance_km)
    made = f"{plan.first_day} to {plan.last_day}, made on {plan.made_on}"
    header = (
        f"Dry run (nothing stored, no notices sent), {made}"
        if dry_run
        else f"Plan {plan.plan_id} version {plan.version}{_cause(plan.cause)}, {made}"
    )
    working, named = working_assessors(plan), len(plan.assessors)
    who = (
        counted(working, "assessor")
        if working == named
        else f"{number(working)} of {counted(named, 'assessor')}"
    )
    lines = [
        header,
        f"  {counted(used, 'assessor-day')} used by {who}",
        f"  {counted(planned, 'visit')} planned of {counted(plan.needs, 'open need')} "
        f"({_percent(planned, plan.needs)})",
    ]
    reasons = Counter(u.reason for u in plan.unplanned)
    lines.append(f"  {counted(len(plan.unplanned), 'need')} unplanned" + (":" if reasons else ""))
    lines.extend(f"    {number(n)}  {reason}" for reason, n in reasons.most_common())
    lines.append(
        f"  travel {number(total, 3)} km against {number(naive, 3)} km in property-id order"
        + _against_naive(total, naive)
    )
    if moved is not None:
        lines.append(f"  {counted(len(moved), 'visit')} moved")
    if notices is not None:
        told = "would be sent" if dry_run else "sent"
        lines.append(f"  {counted(notices, 'notice')} {told} to owners who asked to be told")
    if cancellations:
        lines.append(
            f"  {counted(cancellations, 'owner')} sent a letter that their visit is cancelled "
            "(it is left unplanned; a new notice follows when it is planned again)"
        )
    return lines


def plan_warnings(already_planned: int, overlapping: list[str]) -> list[str]:
    """What a new plan left to other plans: needs another plan visits, and other plans of the same days
    for the same assessors."""
    lines = []
    if already_planned:
        one = already_planned == 1
        lines.append(
            f"  {counted(already_planned, 'need')} already {'has' if one else 'have'} a visit in another "
            f"plan and {'was' if one else 'were'} left out; re-plan that plan to move them"
        )
    if overlapping:
        lines.append(
            f"  Warning: {'plan' if len(overlapping) == 1 else 'plans'} {', '.join(overlapping)} "
            f"{'covers' if len(overlapping) == 1 else 'cover'} some of these days with some of the same "
            "assessors: they would have two plans for the same days"
        )
    return lines


DAY_COLUMNS = ("Date", "Assessor", "Visits", "First", "Last leaves", "Km", "Travel min")


def day_rows(plan: Any) -> list[list[object]]:
    rows: list[list[object]] = []
    for day in plan.days:
        first = day.stops[0].arrive[11:] if day.stops else ""
        last = day.stops[-1].leave[11:] if day.stops else ""
        rows.append(
            [
                day.date,
                day.assessor_id,
                len(day.stops),
                first,
                last,
                number(_km(day.distance_km), 3),
                day.travel_minutes,
            ]
        )
    return rows
