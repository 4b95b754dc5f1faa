"""A small hand-made inspection plan in Oslo (two assessors, three days, one unplanned need), a notice, and
Oslo's zones from data/oslo_zones.geojson: the inputs of the tests of the plan's documents."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from services.assessment.adapters.zone_files import read_zones
from services.assessment.domain.inspection_needs import InspectionNeed, InspectionReason
from services.assessment.domain.inspection_planning import (
    Assessor,
    DayRoute,
    InspectionNotice,
    InspectionPlan,
    PlanningSolution,
    Stop,
    Transport,
    Unplanned,
    Visit,
    Window,
)
from services.assessment.domain.municipality import Municipality, OfficeContact
from services.assessment.domain.property import Location
from services.assessment.domain.zones import Zone

ZONES_FILE = Path(__file__).resolve().parents[1] / "data" / "oslo_zones.geojson"
MONDAY = date(2024, 5, 6)
TUESDAY = date(2024, 5, 7)
OSLO = Municipality(
    "Oslo kommune",
    "0301",
    OfficeContact(
        office="Eiendomsskattekontoret",
        address_lines=("Postboks 1, Sentrum", "0037 Oslo"),
        phone="21 80 21 80",
        email="eiendomsskatt@example.oslo.kommune.no",
        web="example.oslo.kommune.no/eiendomsskatt",
    ),
)


def oslo_zones() -> list[Zone]:
    return read_zones(ZONES_FILE.read_bytes())


def at(day: date, hhmm: str) -> datetime:
    hours, minutes = hhmm.split(":")
    return datetime(day.year, day.month, day.day, int(hours), int(minutes))


def _visit(
    property_id: str,
    address: str,
    lon: float,
    lat: float,
    reason: InspectionReason = InspectionReason.NEVER_INSPECTED,
    *,
    notify: bool = False,
    case: str = "",
) -> Visit:
    need = InspectionNeed(property_id, reason, "", date(2024, 1, 2), appeal_case_id=case, address=address)
    return Visit(need, Location(lon, lat), 45, notify=notify)


VISITS = {
    v.property_id: v
    for v in (
        _visit("0301-208/1/0/0", "Karl Johans gate 22, 0159 Oslo", 10.7405, 59.9128, notify=True),
        _visit(
            "0301-209/88/0/0",
            "Storgata 1, 0155 Oslo",
            10.7495,
            59.9130,
            InspectionReason.APPEAL,
            case="2024-00017",
        ),
        _visit("0301-215/4/0/0", "Bygdøy allé 5, 0257 Oslo", 10.7183, 59.9156, InspectionReason.NEW_BUILDING),
        _visit("0301-227/31/0/0", "Thorvald Meyers gate 50, 0555 Oslo", 10.7583, 59.9262, notify=True),
        _visit("0301-226/7/0/0", "Markveien 35, 0554 Oslo", 10.7555, 59.9224),
        _visit("0301-75/12/0/0", "Sandakerveien 24, 0473 Oslo", 10.7570, 59.9340),
        _visit("0301-150/3/0/0", "Tvetenveien 30, 0666 Oslo", 10.8400, 59.9150),
    )
}


def _stop(property_id: str, day: date, arrive: str, leave: str, window: str) -> Stop:
    start, end = window.split("-")
    return Stop(property_id, at(day, arrive), at(day, leave), Window(at(day, start), at(day, end)))


ASSESSORS = (
    Assessor("A1", "Ingrid Bækken", Transport.CAR, Location(10.7600, 59.9095), 420),
    Assessor("A2", "Máret Ŋuolláš Sárá", Transport.EBIKE, Location(10.7600, 59.9095), 420),
)
ROUTES = (
    DayRoute(
        "A1",
        MONDAY,
        (
            _stop("0301-209/88/0/0", MONDAY, "08:10", "08:55", "08:00-10:00"),
            _stop("0301-208/1/0/0", MONDAY, "09:05", "09:50", "08:30-10:30"),
            _stop("0301-215/4/0/0", MONDAY, "10:10", "10:55", "09:30-11:30"),
        ),
        Decimal("6.482"),
        19,
    ),
    DayRoute(
        "A2",
        MONDAY,
        (
            _stop("0301-226/7/0/0", MONDAY, "08:12", "08:57", "08:00-10:00"),
            _stop("0301-227/31/0/0", MONDAY, "09:02", "09:47", "08:30-10:30"),
        ),
        Decimal("4.120"),
        15,
    ),
    DayRoute(
        "A2",
        TUESDAY,
        (_stop("0301-75/12/0/0", TUESDAY, "08:09", "08:54", "08:00-10:00"),),
        Decimal("5.300"),
        18,
    ),
)


def sample_plan() -> InspectionPlan:
    solution = PlanningSolution(
        days=ROUTES,
        unplanned=(Unplanned("0301-150/3/0/0", "no assessor-day has room before its deadline"),),
        total_distance_km=Decimal("15.902"),
        naive_distance_km=Decimal("24.775"),
    )
    return InspectionPlan(
        plan_id="plan-2024-19",
        version=1,
        first_day=MONDAY,
        last_day=date(2024, 5, 10),
        made_on=date(2024, 4, 22),
        cause="plan",
        assessors=ASSESSORS,
        absences=(),
        solution=solution,
        needs=7,
        visits=VISITS,
    )


NOTICE = InspectionNotice(
    notice_id="V-2024-000123",
    plan_id="plan-2024-19",
    plan_version=1,
    property_id="0301-227/31/0/0",
    address="Thorvald Meyers gate 50, 0555 Oslo",
    day=MONDAY,
    window=Window(at(MONDAY, "10:00"), at(MONDAY, "12:00")),
    issued_on=date(2024, 4, 22),
    recipient_name="Máret Ŋuolláš Sárá",
    recipient_lines=("c/o Ødegård", "Thorvald Meyers gate 50", "0555 Oslo"),
    purpose="Befaring for å fastsette takst for eiendomsskatt",
)


def sample_notice(**changes: Any) -> InspectionNotice:
    return replace(NOTICE, **changes)


def pdf_words(pdf: bytes) -> str:
    """The text a reader gets from the PDF (pdftotext -raw: in the order drawn), whitespace runs as one
    space, so a sentence wrapped over lines reads as one."""
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext (poppler-utils) is missing: `make test` installs it (infra/pdf/ensure.sh)"
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "document.pdf"
        path.write_bytes(pdf)
        shown = subprocess.run([tool, "-raw", str(path), "-"], check=True, capture_output=True, text=True)
    return " ".join(shown.stdout.split())


def pdf_font_rows(pdf: bytes) -> list[list[str]]:
    """pdffonts' rows: name, type, encoding, embedded, subset, unicode, object, generation."""
    tool = shutil.which("pdffonts")
    assert tool, "pdffonts (poppler-utils) is missing: `make test` installs it (infra/pdf/ensure.sh)"
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "document.pdf"
        path.write_bytes(pdf)
        listed = subprocess.run([tool, str(path)], check=True, capture_output=True, text=True).stdout
    return [row.split() for row in listed.splitlines()[2:]]
