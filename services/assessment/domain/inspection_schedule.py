"""The rules around a plan that are not routing (issue 14, items 2–5): which days are working days, the
assessor-days of a period, the visits built from needs and owners' requests, what a re-plan pins and
frees, what moved between versions, and which owners get a notice.

Working days are business days (weekends and Norwegian public holidays out, services/platform/
business_days.py) minus each assessor's absences. Times are Europe/Oslo wall clock (naive datetimes).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from services.assessment.domain.inspection_needs import InspectionNeed
from services.assessment.domain.inspection_planning import (
    DEFAULT_SETTINGS,
    Absence,
    Assessor,
    AssessorDay,
    DayRoute,
    InspectionCancellation,
    InspectionNotice,
    InspectionPlan,
    OwnerLetter,
    OwnerRequest,
    Pin,
    PlanningSettings,
    Unplanned,
    Visit,
    Window,
)
from services.assessment.domain.inspection_texts import purpose
from services.assessment.domain.property import Location, PropertyCategory
from services.platform.business_days import is_business_day
from services.platform.errors import Violations
from services.platform.identity import check_free_text

# A season is some 40 working days; half a year of them is the most one plan may cover.
MAX_WORKING_DAYS = 120
NO_LOCATION = "no location in the register"
PAST = "the day or hours the owner asked for are past at the re-plan"


def working_days(first_day: date, last_day: date) -> list[date]:
    """The business days in [first_day, last_day], in order."""
    days, day = [], first_day
    while day <= last_day:
        if is_business_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def period_problems(
    first_day: date | None,
    last_day: date | None,
    problems: Violations,
    fields: tuple[str, str] = ("first_day", "last_day"),
) -> None:
    """first_day ≤ last_day, at least one and at most MAX_WORKING_DAYS working days between them."""
    if first_day is None or last_day is None:
        return
    if last_day < first_day:
        problems.add(fields[1], f"must not be before the first day ({first_day.isoformat()})")
        return
    if (last_day - first_day).days > MAX_WORKING_DAYS * 2:
        problems.add(fields[1], f"a plan covers at most {MAX_WORKING_DAYS} working days")
        return
    count = len(working_days(first_day, last_day))
    if count == 0:
        problems.add(fields[1], "the period has no working day (weekends and public holidays only)")
    elif count > MAX_WORKING_DAYS:
        problems.add(
            fields[1], f"the period has {count} working days; a plan covers at most {MAX_WORKING_DAYS}"
        )


def absence_problems(
    absences: Sequence[Absence],
    assessor_ids: Collection[str],
    problems: Violations,
    field: str = "absences",
    period: tuple[date, date] | None = None,
) -> None:
    """Each absence names a known assessor, ends on or after it starts and, given the plan's `period`
    (first and last day), has a day in it: a mistyped month would otherwise be taken without a word and
    the assessor planned to work."""
    for index, absence in enumerate(absences):
        if absence.assessor_id not in assessor_ids:
            problems.add(f"{field}[{index}].assessor_id", f"no assessor {absence.assessor_id} in the file")
        if absence.last_day < absence.first_day:
            problems.add(
                f"{field}[{index}].last_day",
                f"the last day away must not be before the first ({absence.first_day.isoformat()})",
            )
        elif period is not None and (absence.last_day < period[0] or absence.first_day > period[1]):
            problems.add(
                f"{field}[{index}]",
                f"{absence.assessor_id} away {absence.first_day.isoformat()} to "
                f"{absence.last_day.isoformat()} has no day in the period {period[0].isoformat()} to "
                f"{period[1].isoformat()}",
            )


def assessor_days(
    assessors: Sequence[Assessor],
    absences: Sequence[Absence],
    days: Sequence[date],
    settings: PlanningSettings,
) -> tuple[AssessorDay, ...]:
    """Each assessor's working days of `days` without their absences, by day then assessor id."""
    found = []
    for day in sorted(days):
        for assessor in sorted(assessors, key=lambda a: a.assessor_id):
            if any(a.covers(assessor.assessor_id, day) for a in absences):
                continue
            starts = datetime.combine(day, settings.day_starts_at)
            found.append(AssessorDay(assessor.assessor_id, day, starts, assessor.minutes_per_day))
    return tuple(found)


def request_problems(
    request: OwnerRequest, problems: Violations, settings: PlanningSettings = DEFAULT_SETTINGS
) -> None:
    """An owner's wish must name a working day not before the day they asked, and hours that run forward
    (both ends or neither) within the working day the planner plans (settings.day_starts_at for
    settings.longest_day_minutes): hours outside it could never be kept. A notice's name and address
    are for the notice: given without asking for it (notify), they are refused rather than kept unused."""
    if request.day is not None:
        if not is_business_day(request.day):
            problems.add("day", f"{request.day.isoformat()} is no working day (a weekend or public holiday)")
        elif request.day < request.asked_on:
            problems.add(
                "day", f"must not be before the day the owner asked ({request.asked_on.isoformat()})"
            )
    if (request.from_time is None) != (request.until_time is None):
        missing = "until_time" if request.until_time is None else "from_time"
        problems.add(missing, "give both from and until, or neither")
    elif (
        request.from_time is not None
        and request.until_time is not None
        and request.until_time <= request.from_time
    ):
        problems.add("until_time", "must be after from_time")
    elif request.from_time is not None and request.until_time is not None:
        _working_hours_problems(request.from_time, request.until_time, settings, problems)
    if not request.notify:
        for field, given in (("notice_name", request.notice_name), ("notice_lines", request.notice_lines)):
            if given:
                problems.add(
                    field, "a notice address is for the owner's notice: ask for the notice too (notify)"
                )
    _notice_address_problems(request, problems)


def _working_hours_problems(
    from_time: time, until_time: time, settings: PlanningSettings, problems: Violations
) -> None:
    """Each end of the owner's hours within the working day; the one outside named."""
    starts, ends = settings.day_starts_at, settings.day_ends_at
    day = f"the working day is {starts:%H:%M}–{ends:%H:%M}"
    if not starts <= from_time < ends:
        problems.add("from_time", f"{from_time:%H:%M} is outside the working hours: {day}")
    if not starts < until_time <= ends:
        problems.add("until_time", f"{until_time:%H:%M} is outside the working hours: {day}")


NOTICE_LINES = 4  # an envelope's window holds a name and four lines
NOTICE_LINE_LENGTH = 80
# A Norwegian address ends with the postcode and place ("0150 Oslo"); one abroad (three lines or more,
# the country last) has its own form.
POSTCODE_LINE = re.compile(r"^\d{4} +\S")
ABROAD_LINES = 3


def _notice_address_problems(request: OwnerRequest, problems: Violations) -> None:
    """The notice's name and address lines (either may be left out): one line each, at most
    NOTICE_LINE_LENGTH characters, no control characters; at most NOTICE_LINES address lines, none empty,
    the last the postcode and place (POSTCODE_LINE) unless there are ABROAD_LINES or more."""
    if "\n" in request.notice_name or "\r" in request.notice_name:
        problems.add("notice_name", "must be one line")
    else:
        check_free_text(problems, "notice_name", request.notice_name, NOTICE_LINE_LENGTH)
    if len(request.notice_lines) > NOTICE_LINES:
        problems.add("notice_lines", f"at most {NOTICE_LINES} address lines")
        return
    for number, line in enumerate(request.notice_lines, start=1):
        if not line.strip():
            problems.add("notice_lines", f"line {number} is empty")
        elif "\n" in line or "\r" in line:
            problems.add("notice_lines", f"line {number} must be one line")
        elif not check_free_text(problems, "notice_lines", line, NOTICE_LINE_LENGTH):
            return  # one sentence of that kind is enough
    lines = request.notice_lines
    if lines and len(lines) < ABROAD_LINES and not POSTCODE_LINE.match(lines[-1].strip()):
        problems.add("notice_lines", "the last line must be the postcode and place, e.g. 0150 Oslo")


def request_windows(
    request: OwnerRequest | None, days: Sequence[date], settings: PlanningSettings, day_minutes: int
) -> tuple[Window, ...]:
    """The windows an owner's wish allows: a day → that day's hours (or the whole working day); hours
    only → those hours on every one of `days`; nothing → no window (any time)."""
    if request is None or (request.day is None and request.from_time is None):
        return ()
    if request.day is not None:
        return (_window_on(request.day, request, settings, day_minutes),)
    return tuple(_window_on(day, request, settings, day_minutes) for day in days)


def _window_on(day: date, request: OwnerRequest, settings: PlanningSettings, day_minutes: int) -> Window:
    if request.from_time is not None and request.until_time is not None:
        return Window(datetime.combine(day, request.from_time), datetime.combine(day, request.until_time))
    start = datetime.combine(day, settings.day_starts_at)
    return Window(start, start + timedelta(minutes=day_minutes))


@dataclass(frozen=True)
class Place:
    """What a visit needs of the register's property: where it is and what kind it is."""

    location: Location | None
    category: PropertyCategory


def build_visits(
    needs: Sequence[InspectionNeed],
    places: Mapping[str, Place],
    requests: Mapping[str, OwnerRequest],
    days: Sequence[date],
    settings: PlanningSettings,
    day_minutes: int,
) -> tuple[list[Visit], list[Unplanned]]:
    """The visits to plan for `needs` (in their order), and the needs that cannot be visits: a property
    without a location is unplanned with NO_LOCATION, one whose owner asked for a day outside the period
    (`days`, its working days) with outside_period's reason (the planner would only find no assessor free
    on it)."""
    visits: list[Visit] = []
    unplanned: list[Unplanned] = []
    for need in needs:
        place = places.get(need.property_id)
        if place is None or place.location is None:
            unplanned.append(Unplanned(need.property_id, NO_LOCATION))
            continue
        request = requests.get(need.property_id)
        outside = outside_period(request, days)
        if outside:
            unplanned.append(Unplanned(need.property_id, outside))
            continue
        visits.append(
            Visit(
                need=need,
                location=place.location,
                minutes=settings.inspection_minutes(place.category),
                windows=request_windows(request, days, settings, day_minutes),
                latest_day=need.needed_by,
                notify=bool(request and request.notify),
            )
        )
    return visits, unplanned


def outside_period(request: OwnerRequest | None, days: Sequence[date]) -> str:
    """Why a visit cannot be planned when the owner asked for a day that is none of the period's working
    days `days` ("the owner's day (05.09.2024) is outside the period"), else "". A day asked for is a
    working day (request_problems), so it is one of `days` exactly when it lies in the period."""
    if request is None or request.day is None or request.day in days:
        return ""
    return f"the owner's day ({request.day:%d.%m.%Y}) is outside the period"


def wants_another_time(request: OwnerRequest, since: date) -> bool:
    """A wish made after `since` (the notice, or the version that placed the visit) naming a day or hours:
    the office grants it at the next re-plan."""
    return request.asked_on > since and (request.day is not None or request.from_time is not None)


@dataclass(frozen=True)
class ReplanInput:
    """What a re-plan hands the planner: the visits (pinned ones with their promised windows, freed ones
    with any owner's new wish), the pins, and what is settled without it: the routes of the days up to
    the re-plan's date, kept as they were, and what is unplanned (the earlier unplanned, and freed visits
    whose owner's day is past)."""

    visits: tuple[Visit, ...]
    pins: tuple[Pin, ...]
    unplanned: tuple[Unplanned, ...]
    kept: tuple[DayRoute, ...] = ()


def told(letter: OwnerLetter | None) -> InspectionNotice | None:
    """The notice an owner holds, if the last letter they were sent is one (a cancellation: not told)."""
    return letter if isinstance(letter, InspectionNotice) else None


def replan_input(
    plan: InspectionPlan,
    absence: Absence | None,
    notices: Mapping[str, OwnerLetter],
    requests: Mapping[str, OwnerRequest],
    days: Sequence[date],
    settings: PlanningSettings,
    day_minutes: int,
    replanned_on: date,
) -> ReplanInput:
    """The days up to `replanned_on` are done or announced: their routes are kept, but for the absent
    assessor's. Of the later days every stop is pinned to its assessor and day, keeping its window
    (Visit.promised: the one its owner was told, else its stop's), except the absent assessor's in the
    absence and the visits whose owner asked for another time since they were told (or since this
    version was made): those are freed, for the planner to fit into the days after `replanned_on`. The
    visits the earlier version left unplanned are tried again in those days (a cancelled visit gets a new
    time this way). A visit whose owner's stored wish asks to be told is told (Visit.notify), whether it
    stays or moves."""
    visits: list[Visit] = []
    pins: list[Pin] = []
    unplanned: list[Unplanned] = []
    kept: list[DayRoute] = []
    planned: set[str] = set()
    for route in plan.solution.days:
        absent = absence is not None and absence.covers(route.assessor_id, route.day)
        if route.day <= replanned_on and not absent:
            kept.append(route)
            planned.update(stop.property_id for stop in route.stops)
            continue
        for stop in route.stops:
            planned.add(stop.property_id)
            request = requests.get(stop.property_id)
            # An owner who asked to be told after this version was made is told from now on.
            visit = plan.visits[stop.property_id]
            visit = replace(visit, notify=visit.notify or bool(request and request.notify))
            notice = told(notices.get(stop.property_id))
            since = notice.issued_on if notice else plan.made_on
            if request is not None and wants_another_time(request, since):
                if outside_period(request, days):
                    unplanned.append(Unplanned(stop.property_id, outside_period(request, days)))
                    continue
                freed = replace(visit, windows=request_windows(request, days, settings, day_minutes))
            elif absent:
                freed = visit
            else:
                # Untold owners' windows are kept too, so the others' days stay as they were, times included.
                visits.append(replace(visit, promised=notice.window if notice else stop.window))
                pins.append(Pin(stop.property_id, route.assessor_id, route.day))
                continue
            _free(freed, replanned_on, visits, unplanned)
    earlier: list[Unplanned] = []
    for left in plan.solution.unplanned:
        if left.property_id in planned:
            continue
        again = plan.visits.get(left.property_id)
        if again is None:  # no place to visit (NO_LOCATION): stays as it was
            earlier.append(left)
            continue
        request = requests.get(left.property_id)
        if outside_period(request, days):
            unplanned.append(Unplanned(left.property_id, outside_period(request, days)))
            continue
        if request is not None:  # the owner's latest wish counts, as for a planned visit
            again = replace(
                again,
                windows=request_windows(request, days, settings, day_minutes),
                notify=again.notify or request.notify,
            )
        _free(again, replanned_on, visits, unplanned)
    return ReplanInput(tuple(visits), tuple(pins), (*unplanned, *earlier), tuple(kept))


def newcomers(visits: Sequence[Visit], replanned_on: date) -> tuple[list[Visit], list[Unplanned]]:
    """Visits of needs no plan held, offered to a re-plan as freed ones are: for the days after
    `replanned_on`, or unplanned with PAST when every window their owner asked for is over by then."""
    free: list[Visit] = []
    unplanned: list[Unplanned] = []
    for visit in visits:
        _free(visit, replanned_on, free, unplanned)
    return free, unplanned


def _free(visit: Visit, replanned_on: date, visits: list[Visit], unplanned: list[Unplanned]) -> None:
    """A freed visit for the days after `replanned_on`, or unplanned with PAST when every window the owner
    asked for is over by then."""
    ahead = tuple(w for w in visit.windows if w.start.date() > replanned_on)
    if visit.windows and not ahead:
        unplanned.append(Unplanned(visit.property_id, PAST))
    else:
        visits.append(replace(visit, windows=ahead, promised=None))


def placements(plan: InspectionPlan) -> dict[str, tuple[str, date, Window]]:
    """(assessor, day, window) of each planned visit."""
    return {
        stop.property_id: (route.assessor_id, route.day, stop.window)
        for route in plan.solution.days
        for stop in route.stops
    }


def moved(before: InspectionPlan, after: InspectionPlan) -> list[str]:
    """Properties planned in `before` whose assessor, day or window differs in `after` (or that are no
    longer planned), in property id order."""
    old, new = placements(before), placements(after)
    return sorted(pid for pid, placed in old.items() if new.get(pid) != placed)


@dataclass(frozen=True)
class Recipient:
    """Whom a notice is addressed to, as the register has the owners on the day it is issued."""

    name: str
    lines: tuple[str, ...]


def recipient(
    owner_names: Sequence[str], property_address: str, request: OwnerRequest | None = None
) -> Recipient:
    """The owners' names joined ("Kari Nordmann og Ola Nordmann"); the letter goes to the property's
    address (address_lines: the street, then the postcode and place), since the register keeps no
    owner's postal address (billing does). No owner on record: "Eieren" (the owner). The owner's wish
    may name another recipient (an heir, a guardian) and other address lines (a postal address): each
    replaces its default when given."""
    if request is not None and request.notice_name.strip():
        owner_names = [request.notice_name.strip()]
    if request is not None and request.notice_lines:
        property_address = ""
    names = [n for n in owner_names if n.strip()]
    if not names:
        name = "Eieren"
    elif len(names) == 1:
        name = names[0]
    else:
        name = ", ".join(names[:-1]) + " og " + names[-1]
    lines = (
        request.notice_lines
        if request is not None and request.notice_lines
        else address_lines(property_address)
    )
    return Recipient(name, lines)


# The register writes a property's address on one line, its postcode and place last after a comma.
_POSTCODE_TAIL = re.compile(r"^(?P<street>.*\S)\s*,\s*(?P<post>\d{4} +\S.*)$")


def address_lines(address: str) -> tuple[str, ...]:
    """A one-line address as an envelope's lines, the postcode and place on a line alone (a window
    envelope wants it so): "Nordstrandveien 45 B, 1163 Oslo" → ("Nordstrandveien 45 B", "1163 Oslo").
    An address not ending with ", NNNN Place" stays one line, as it is."""
    found = _POSTCODE_TAIL.match(address.strip())
    if found is None:
        return (address,)
    return (found["street"], " ".join(found["post"].split()))


def notices_to_issue(
    plan: InspectionPlan,
    issued_on: date,
    recipients: Mapping[str, Recipient],
    previous: Mapping[str, OwnerLetter],
    new_id: Callable[[], str],
) -> list[InspectionNotice]:
    """A notice for each planned visit whose owner asked to be told and holds no notice of its day and
    window: never told, told another day or window, or sent a cancellation since. Owners are told day and
    window only, so a visit that changed assessor alone gets none. Each names the last letter it replaces
    (the earlier notice, or the cancellation that followed it). In property id order."""
    notices = []
    for route in plan.solution.days:
        for stop in route.stops:
            visit = plan.visits.get(stop.property_id)
            if visit is None or not visit.notify:
                continue
            earlier = previous.get(stop.property_id)
            held = told(earlier)
            if held is not None and (held.day, held.window) == (route.day, stop.window):
                continue
            to = recipients.get(stop.property_id) or recipient([], visit.need.address)
            notices.append(
                InspectionNotice(
                    notice_id=new_id(),
                    plan_id=plan.plan_id,
                    plan_version=plan.version,
                    property_id=stop.property_id,
                    address=visit.need.address,
                    day=route.day,
                    window=stop.window,
                    issued_on=issued_on,
                    recipient_name=to.name,
                    recipient_lines=to.lines,
                    purpose=purpose(visit.need.reason),
                    replaces=earlier.notice_id if earlier else "",
                    visit_minutes=int((stop.leave - stop.arrive).total_seconds() // 60),
                )
            )
    return sorted(notices, key=lambda n: n.property_id)


def cancellations_to_issue(
    plan: InspectionPlan,
    issued_on: date,
    recipients: Mapping[str, Recipient],
    previous: Mapping[str, OwnerLetter],
    new_id: Callable[[], str],
) -> list[InspectionCancellation]:
    """A cancellation for each owner whose last letter is a notice of a visit `plan` leaves unplanned, to
    the recipient of that notice unless `recipients` names one. In property id order."""
    planned = set(placements(plan))
    letters = []
    for property_id, letter in sorted(previous.items()):
        notice = told(letter)
        if notice is None or property_id in planned:
            continue
        to = recipients.get(property_id) or Recipient(notice.recipient_name, notice.recipient_lines)
        letters.append(
            InspectionCancellation(
                notice_id=new_id(),
                plan_id=plan.plan_id,
                plan_version=plan.version,
                property_id=property_id,
                address=notice.address,
                replaces=notice.notice_id,
                cancelled_day=notice.day,
                cancelled_window=notice.window,
                issued_on=issued_on,
                recipient_name=to.name,
                recipient_lines=to.lines,
            )
        )
    return letters


def parse_hours(text: str) -> time:
    """HH:MM as people write it; ValueError with a sentence."""
    try:
        hours, minutes = text.strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(f"{text!r} is no time of day: write it as HH:MM, e.g. 09:30") from None
