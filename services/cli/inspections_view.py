"""What `propertytax assessment inspections plans|plan|show|replan` show of a plan: the plan JSON (--json
OUT, the contract in docs: distances as numbers in km with 3 decimals, times YYYY-MM-DDTHH:MM), the summary
a person reads (dates dd.mm.yyyy), the days and their stops as table rows, and the list of plans. A plan is
named by its short reference (BEF-1A2B3C4D, the first 8 letters or digits of its id, as the route sheets
and the map name it) and its full id; the CLI takes either."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from services.cli.output import Column, counted, day, number

# What a person may type for a plan instead of its full id: BEF-1A2B3C4D, or the 8 letters and digits alone
# (or more of them, without the id's dashes).
SHORT_REFERENCE = re.compile(r"^(?:BEF-?)?([0-9A-Za-z]{8,32})$", re.IGNORECASE)


def _letters(plan_id: str) -> str:
    return "".join(c for c in plan_id if c.isalnum()).upper()


def reference(plan_id: str) -> str:
    """'BEF-1A2B3C4D': the plan's short reference, the first 8 letters or digits of its id in capitals (the
    route sheets and the map print the 8 of them; the owners' notices give theirs the same form)."""
    return f"BEF-{_letters(plan_id)[:8]}" if plan_id else ""


def short_reference(typed: str) -> str | None:
    """The letters and digits of a short reference as typed ("bef-1a2b3c4d" → "1A2B3C4D"); None when the
    text is not one (a full id with its dashes is taken as it is)."""
    found = SHORT_REFERENCE.match(typed.strip())
    return found.group(1).upper() if found else None


def matching_plans(letters: str, plan_ids: Sequence[str]) -> list[str]:
    """The plan ids whose letters and digits begin with `letters` (from short_reference)."""
    return [plan_id for plan_id in plan_ids if _letters(plan_id).startswith(letters)]


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


def period(first_day: str, last_day: str) -> str:
    """'06.05.2024–10.05.2024' (one day: '06.05.2024')."""
    return day(first_day) if first_day == last_day else f"{day(first_day)}–{day(last_day)}"


def plan_name(plan_id: str, version: int) -> str:
    """'BEF-1A2B3C4D (1a2b3c4d-…) version 2': what people read out and what scripts take."""
    return f"{reference(plan_id)} ({plan_id}) version {version}"


def working_assessors(plan: Any) -> int:
    """How many assessors have at least one day with a visit (the plan's assessors list names them all,
    those with no stops too)."""
    return len({day.assessor_id for day in plan.days if day.stops})


def summary(
    plan: Any,
    notices: int | None,
    moved: Sequence[str] | None = None,
    cancellations: int | None = None,
    dry_run: bool = False,
    now_unplanned: Sequence[str] = (),
) -> list[str]:
    """Lines for a person: days used, visits planned and the share of needs, unplanned by reason, distance
    against the naive plan, notices sent (and, after a re-plan, the visits moved to another day, time or
    assessor apart from those it left unplanned (`now_unplanned`, a part of `moved`), and the letters
    cancelling visits). `notices` None: no notices line (`show`: the plan's notices are not this
    version's). A `dry_run` plan (nothing stored) has no id: its first line says so, and the notices
    "would be" sent."""
    planned = planned_count(plan)
    used = sum(1 for day in plan.days if day.stops)
    total, naive = _km(plan.total_distance_km), _km(plan.naive_distance_km)
    made = f"{day(plan.first_day)} to {day(plan.last_day)}, made on {day(plan.made_on)}"
    header = (
        f"Dry run (nothing stored, no notices sent), {made}"
        if dry_run
        else f"Plan {plan_name(plan.plan_id, plan.version)}{_cause(plan.cause)}, {made}"
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
        gone = set(now_unplanned)
        elsewhere = sum(1 for property_id in moved if property_id not in gone)
        lines.append(f"  {counted(elsewhere, 'visit')} moved to another day, time or assessor")
        if gone:
            lines.append(f"  {counted(len(gone), 'visit')} of the earlier version now unplanned")
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


def unchanged(plan: Any) -> list[str]:
    """What a re-plan that stored nothing says (its answer is the plan as it was)."""
    return [
        f"Plan {plan_name(plan.plan_id, plan.version)}{_cause(plan.cause)}, "
        f"{day(plan.first_day)} to {day(plan.last_day)}",
        f"  Nothing changed: no new version stored (version {plan.version} stands)",
    ]


DAY_COLUMNS = ("Date", "Assessor", "Visits", "First", "Last leaves", "Km", "Travel min")


def day_rows(plan: Any) -> list[list[object]]:
    rows: list[list[object]] = []
    for planned in plan.days:
        first = planned.stops[0].arrive[11:] if planned.stops else ""
        last = planned.stops[-1].leave[11:] if planned.stops else ""
        rows.append(
            [
                day(planned.date),
                planned.assessor_id,
                len(planned.stops),
                first,
                last,
                number(_km(planned.distance_km), 3),
                planned.travel_minutes,
            ]
        )
    return rows


# ---- the stops of each assessor-day (`show`) ------------------------------------------------------------

STOP_COLUMNS = ("Time", "Property", "Address", "Window", "Reason")
# `show` lists every stop by default while the plan's listing stays this short (a week of 4 assessors with
# a handful of visits each); a bigger plan shows its days and says how to see the stops.
STOPS_SHOWN_LINES = 150


def _hours(start: str, end: str) -> str:
    """'08:15–09:00' from two times YYYY-MM-DDTHH:MM."""
    return f"{start[11:16]}–{end[11:16]}"


def stop_rows(planned: Any) -> list[list[object]]:
    """An assessor-day's stops in the order visited: time on site, property, address, the window the
    owner was told, and why (the need's reason in words)."""
    return [
        [
            _hours(stop.arrive, stop.leave),
            stop.property_id,
            stop.address or "–",
            _hours(stop.window_start, stop.window_end),
            stop.reason.replace("_", " ") or "–",
        ]
        for stop in planned.stops
    ]


def day_heading(plan: Any, planned: Any) -> str:
    """'06.05.2024 A1 Kari Nordmann: 8 visits, 08:15–15:40, 23,450 km, 74 min travel'."""
    name = next((a.name for a in plan.assessors if a.assessor_id == planned.assessor_id), "")
    who = f"{planned.assessor_id} {name}".strip()
    hours = _hours(planned.stops[0].arrive, planned.stops[-1].leave) if planned.stops else "–"
    return (
        f"{day(planned.date)} {who}: {counted(len(planned.stops), 'visit')}, {hours}, "
        f"{number(_km(planned.distance_km), 3)} km, {planned.travel_minutes} min travel"
    )


def chosen_days(plan: Any, assessor: str = "", on: str = "") -> list[Any]:
    """The assessor-days with visits, of one assessor and/or one day (YYYY-MM-DD) when asked."""
    return [
        planned
        for planned in plan.days
        if planned.stops
        and (not assessor or planned.assessor_id.casefold() == assessor.casefold())
        and (not on or planned.date == on)
    ]


def stops_lines(days: Sequence[Any]) -> int:
    """About how many lines the stop tables of `days` take: a heading, the table's head and rule, a line
    per stop and a blank line each."""
    return sum(len(planned.stops) + 4 for planned in days)


# ---- the list of plans (`plans`) ---------------------------------------------------------------------

PLAN_COLUMNS: list[Column | str] = [
    "Reference",
    "Plan id",
    "Period",
    Column("Version", numeric=True),
    "Made on",
    "Cause",
    Column("Visits", numeric=True),
    Column("Unplanned", numeric=True),
    "Assessors",
]


def plan_rows(plans: Sequence[Any]) -> list[list[object]]:
    """One row per plan (its latest version), as ListInspectionPlans gives them: newest period first."""
    return [
        [
            reference(p.plan_id),
            p.plan_id,
            period(p.first_day, p.last_day),
            p.version,
            day(p.made_on),
            p.cause or "plan",
            number(p.visits),
            number(p.unplanned),
            ", ".join(p.assessor_ids),
        ]
        for p in plans
    ]
