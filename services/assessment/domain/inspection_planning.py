"""Planning inspections: assessors, their working days, the visits to fit, and the plan the routing solver
makes of them (each assessor-day a compact cluster in a good order, within the day's minutes, the most
urgent first, owners' windows kept).

These are the shapes and the rules around the solver; the solver itself is behind the RoutePlanner port
(application/ports.py), since routing is a library's job (pyvroom), not this project's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum

from services.assessment.domain.inspection_needs import InspectionNeed
from services.assessment.domain.property import Location, PropertyCategory


class Transport(StrEnum):
    FOOT = "foot"
    BIKE = "bike"
    EBIKE = "ebike"
    CAR = "car"


@dataclass(frozen=True)
class Assessor:
    assessor_id: str
    name: str
    transport: Transport
    start: Location  # where each day starts and ends (WGS 84)
    minutes_per_day: int  # working minutes, travel included


@dataclass(frozen=True)
class Absence:
    """Days an assessor does not inspect, both ends included."""

    assessor_id: str
    first_day: date
    last_day: date

    def covers(self, assessor_id: str, day: date) -> bool:
        return assessor_id == self.assessor_id and self.first_day <= day <= self.last_day


@dataclass(frozen=True)
class PlanningSettings:
    """How long things take. Travel time = straight-line distance in EPSG:25833 × detour factor ÷ speed."""

    minutes_per_inspection: Mapping[PropertyCategory, int]
    speed_kmh: Mapping[Transport, Decimal]
    detour_factor: Decimal = Decimal("1.3")
    day_starts_at: time = time(8, 0)
    notice_window_minutes: int = 120  # the window an owner is told
    # The longest working day planned from day_starts_at: owners may ask for hours within it only.
    longest_day_minutes: int = 480
    # A visit this many days past without a recorded result counts as missed: a new plan takes the need.
    results_due_days: int = 14
    # An assessor's start farther than this from every need (straight line) is a mistake in the file.
    max_start_km: Decimal = Decimal(50)
    source: str = "inspection settings"

    @property
    def day_ends_at(self) -> time:
        """When the longest working day ends (at most 23:59)."""
        end = datetime.combine(date.min, self.day_starts_at) + timedelta(minutes=self.longest_day_minutes)
        return end.time() if end.date() == date.min else time(23, 59)

    def inspection_minutes(self, category: PropertyCategory) -> int:
        longest = max(self.minutes_per_inspection.values(), default=60)
        return self.minutes_per_inspection.get(category, longest)


# Until a municipality sets its own (services/assessment/inspections.yaml): minutes on site by category, and
# door-to-door speeds in town (a car's includes finding a place to park).
DEFAULT_SETTINGS = PlanningSettings(
    minutes_per_inspection={
        PropertyCategory.HOUSING: 45,
        PropertyCategory.HOLIDAY_HOME: 60,
        PropertyCategory.COMMERCIAL: 90,
        PropertyCategory.POWER: 120,
        PropertyCategory.UNDEVELOPED: 20,
        PropertyCategory.AGRICULTURE: 60,
    },
    speed_kmh={
        Transport.FOOT: Decimal("4.5"),
        Transport.BIKE: Decimal(14),
        Transport.EBIKE: Decimal(18),
        Transport.CAR: Decimal(22),
    },
    source="default inspection settings",
)


EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)


def straight_line_km(a: Location, b: Location) -> float:
    """The great-circle distance between two WGS 84 points (haversine): within a tenth of a percent of the
    EPSG:25833 straight line the route planner measures (adapters/route_geometry.py), which the domain
    cannot reach (no projection library here)."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    half = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, half)))


def plan_reference(plan_id: str) -> str:
    """'BEF-1A2B3C4D': "BEF" (befaring) and the first 8 letters or digits of a plan's id in capitals, as the
    route sheets, the map, the refusals and the CLI name a plan (what a person reads out and types; the CLI
    takes it wherever a plan id goes)."""
    return "BEF-" + "".join(c for c in plan_id if c.isalnum())[:8].upper()


@dataclass(frozen=True)
class Window:
    """A span of time (Europe/Oslo wall clock, naive datetimes)."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class Visit:
    """A need to plan: where, how long on site, and when it may happen.

    `windows` empty: any time of any working day; otherwise the visit must start inside one of them (an
    owner's requested day or hours, or the window an owner was already told). `latest_day`: no later than
    this day (an appeal case's deadline)."""

    need: InspectionNeed
    location: Location
    minutes: int
    windows: tuple[Window, ...] = ()
    latest_day: date | None = None
    notify: bool = False  # the owner asked to be told
    # The window an owner was already told: the visit starts inside it, and it stays the stop's window.
    promised: Window | None = None

    @property
    def property_id(self) -> str:
        return self.need.property_id


@dataclass(frozen=True)
class AssessorDay:
    assessor_id: str
    day: date
    starts_at: datetime
    minutes: int


@dataclass(frozen=True)
class Pin:
    """A visit that must stay with this assessor on this day (a re-plan keeps the others' days)."""

    property_id: str
    assessor_id: str
    day: date


@dataclass(frozen=True)
class PlanningProblem:
    visits: tuple[Visit, ...]
    assessors: Mapping[str, Assessor]
    days: tuple[AssessorDay, ...]
    settings: PlanningSettings
    pins: tuple[Pin, ...] = ()


@dataclass(frozen=True)
class Stop:
    property_id: str
    arrive: datetime
    leave: datetime
    window: Window  # the two-hour window an owner is (or would be) told


@dataclass(frozen=True)
class DayRoute:
    assessor_id: str
    day: date
    stops: tuple[Stop, ...]
    distance_km: Decimal  # 3 decimals, the way back to the start included
    travel_minutes: int


@dataclass(frozen=True)
class Unplanned:
    property_id: str
    reason: str


@dataclass(frozen=True)
class PlanningSolution:
    days: tuple[DayRoute, ...]
    unplanned: tuple[Unplanned, ...]
    total_distance_km: Decimal
    naive_distance_km: Decimal  # the same planned visits in property-id order over the same assessor-days


@dataclass(frozen=True)
class InspectionPlan:
    """One stored version of a period's plan; a re-plan adds a version, never changes one."""

    plan_id: str
    version: int
    first_day: date
    last_day: date
    made_on: date
    cause: str  # "plan", or the re-plan's cause
    assessors: tuple[Assessor, ...]
    absences: tuple[Absence, ...]
    solution: PlanningSolution
    needs: int  # open needs when planned
    visits: Mapping[str, Visit] = field(default_factory=dict)  # the planned and unplanned visits by property

    def stop_of(self, property_id: str) -> tuple[DayRoute, Stop] | None:
        for route in self.solution.days:
            for stop in route.stops:
                if stop.property_id == property_id:
                    return route, stop
        return None


@dataclass(frozen=True)
class OwnerRequest:
    """An owner's wish: to be told of the visit, and the day and/or hours that suit them."""

    property_id: str
    asked_on: date
    notify: bool
    day: date | None = None
    from_time: time | None = None
    until_time: time | None = None
    note: str = ""
    # Whom the notice goes to and where, when not the owners at the property's address (an heir, a
    # guardian, the owner's postal address): empty, the default for each.
    notice_name: str = ""
    notice_lines: tuple[str, ...] = ()  # postal address lines, postcode and city last


@dataclass(frozen=True)
class InspectionNotice:
    """A letter telling an owner when the assessor comes: issued once, never changed (a moved visit gets a
    new notice that names the one it replaces). The recipient is as the register had it when issued."""

    notice_id: str
    plan_id: str
    plan_version: int
    property_id: str
    address: str  # the property's
    day: date
    window: Window
    issued_on: date
    recipient_name: str
    recipient_lines: tuple[str, ...]  # postal address lines, postcode and city last
    purpose: str  # why the assessor comes, in plain Norwegian
    replaces: str = ""
    # The planned minutes on site (the stop's leave − arrive), for the letter to say how long; 0 in the
    # bodies of notices issued before it was kept.
    visit_minutes: int = 0


@dataclass(frozen=True)
class InspectionCancellation:
    """A letter telling an owner that the visit they were told of (`replaces`, a notice's id) will not take
    place as told, since a re-plan left it unplanned; a new notice follows when it is planned again.
    Issued once, never changed, like a notice (and stored with them)."""

    notice_id: str
    plan_id: str
    plan_version: int  # the version that left the visit out
    property_id: str
    address: str  # the property's
    replaces: str  # the notice it cancels
    cancelled_day: date
    cancelled_window: Window
    issued_on: date
    recipient_name: str
    recipient_lines: tuple[str, ...]


# What an owner was last sent about a visit: a notice (told), or a cancellation (told that it is off).
OwnerLetter = InspectionNotice | InspectionCancellation


@dataclass(frozen=True)
class InspectionsPlanned:
    """Domain event: a plan version was stored."""

    plan: InspectionPlan


@dataclass(frozen=True)
class InspectionScheduled:
    """Domain event: an owner was sent a notice of the visit."""

    notice: InspectionNotice


@dataclass(frozen=True)
class InspectionCancelled:
    """Domain event: an owner was sent a letter that the visit they were told of will not take place."""

    cancellation: InspectionCancellation


def notice_window(
    arrive: datetime, day_starts_at: datetime, minutes: int = 120, owner: Sequence[Window] = ()
) -> Window:
    """The window an owner is told for an arrival: starting on the half hour at most 30 minutes before it
    (never before the day starts), `minutes` long, so the arrival lies well inside it.

    `owner`: the windows the owner asked for (Visit.windows). The told window lies inside the one holding
    the arrival: shifted into it when it is at least `minutes` long, else exactly that window (an owner who
    asked for 10:00–12:00 is never told 09:30–11:30)."""
    start = arrive - timedelta(minutes=30)
    start = start.replace(minute=0 if start.minute < 30 else 30, second=0, microsecond=0)
    if arrive - start > timedelta(minutes=30):
        start += timedelta(minutes=30)
    start = max(start, day_starts_at)
    length = timedelta(minutes=minutes)
    asked = next((w for w in owner if w.start <= arrive <= w.end), None)
    if asked is None:
        return Window(start, start + length)
    if asked.end - asked.start < length:
        return asked
    start = min(max(start, asked.start), asked.end - length)
    return Window(start, start + length)
