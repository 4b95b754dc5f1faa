"""The demo's week of inspections (issue 14): the office imports its inspection history for the demo's
register, a few owners ask to be told when the assessor comes (one for a day and hours that suit them),
and a week in September 2024 is planned for the sample assessors (data/samples/assessors.csv: car, e-bike,
bike, on foot). The route sheets, the plan's offline HTML map and the owners' notices are written under
the demo's var folder.

Every act has its 2024 business date, as the rest of the demo's year."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from devstack.scenario import record_owner
from devstack.synthetic_register import register_csv, synthetic_national_id
from propertytax.assessment.v1 import (
    assessment_pb2,
    assessment_pb2_grpc,
    inspections_pb2,
    property_pb2,
)
from services.client import Caller

REPO = Path(__file__).resolve().parents[1]
ASSESSORS = REPO / "data" / "samples" / "assessors.csv"
REGISTER = 2000  # the demo's synthetic register (devstack/demo.py run_levy_demo)
WEEK = ("2024-09-02", "2024-09-06")  # Monday to Friday, no public holiday
PLANNED_ON = "2024-08-26"
ASKED_ON = "2024-08-19"
# Owners who ask to be told; the last asks for Wednesday between ten and noon.
ASKING_OWNERS = ("Sigrid Aasen", "Øystein Brå", "Mari Ánde Gaup", "Kåre Lund")
REQUESTED_DAY, REQUESTED_HOURS = "2024-09-04", ("10:00", "12:00")
# The registered changes of the year in the history file, on the register's homes, and the reasons of
# the needs they give.
CHANGES = ("new_building", "division", "sectioning", "fire", "demolition", "new_building")
CHANGE_REASONS = {"new_building", "division", "sectioning", "fire_or_demolition"}


@dataclass(frozen=True)
class PlannedWeek:
    """What the demo prints of the plan and where its files are."""

    plan: inspections_pb2.InspectionPlan
    notices: int
    history: inspections_pb2.ImportInspectionHistoryResponse
    folder: Path
    files: int

    @property
    def visits(self) -> int:
        return sum(len(day.stops) for day in self.plan.days)

    @property
    def assessor_days(self) -> int:
        return sum(1 for day in self.plan.days if day.stops)


def history_csv(register: bytes, owned: set[str]) -> bytes:
    """An inspection history for the demo's register (register_csv's rows): about half the properties the
    office values itself were last inspected on site, some of them more than ten years before 2024 (due
    for the general revaluation), the others recently; six homes without an owner in the demo so far had
    a change registered in 2024."""
    rows = list(csv.DictReader(io.StringIO(register.decode("utf-8"))))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["property_id", "event", "date"])
    own = [r for r in rows if r["category"] != "housing" or not r["housing_value"]]
    for n, row in enumerate(own):
        if n % 2 == 0:
            year = 2011 + n % 12  # 2011 to 2022: those up to 2013 are ten years old by 2024
            writer.writerow([row["property_id"], "inspected", f"{year}-{1 + n % 12:02d}-{1 + n % 28:02d}"])
    homes = [
        r for r in rows if r["category"] == "housing" and r["housing_value"] and r["property_id"] not in owned
    ]
    for n, event in enumerate(CHANGES):
        writer.writerow([homes[37 * n + 11]["property_id"], event, f"2024-{3 + n:02d}-15"])
    return out.getvalue().encode("utf-8")


def plan_a_week(assessor: Caller, folder: Path, owned: set[str], owners_from: int) -> PlannedWeek:
    """Imports the history, has four owners ask to be told, plans WEEK and writes its documents into
    `folder`. `owned`: the properties the demo gave owners before; `owners_from` numbers the asking
    owners' synthetic identities after the demo's others."""
    api = assessment_pb2_grpc.AssessmentServiceStub(assessor.channel)
    folder.mkdir(parents=True, exist_ok=True)
    history = history_csv(register_csv(REGISTER), owned)
    (folder / "inspection-history.csv").write_bytes(history)
    imported: inspections_pb2.ImportInspectionHistoryResponse = assessor.call(
        api.ImportInspectionHistory, inspections_pb2.ImportInspectionHistoryRequest(content=history)
    )
    needs = assessor.call(
        api.ListInspectionNeeds, inspections_pb2.ListInspectionNeedsRequest(on=PLANNED_ON, page_size=1000)
    ).needs
    # The owners of four homes with a registered change (the most urgent needs after appeals, so they are
    # visited this week) ask to be told when the assessor comes.
    changed = [n for n in needs if n.reason in CHANGE_REASONS]
    for n, (need, name) in enumerate(zip(changed, ASKING_OWNERS, strict=False)):
        street = need.address.split(",")[0]
        record_owner(
            assessor,
            need.property_id,
            assessment_pb2.NewOwner(
                kind=property_pb2.OWNER_KIND_PERSON,
                identity_number=synthetic_national_id(owners_from + n),
                name=name,
                share_numerator=1,
                share_denominator=1,
                postal_address=property_pb2.PostalAddress(
                    address_lines=[street], postcode=f"{450 + 11 * n:04d}", city="Oslo"
                ),
            ),
            "2024-01-01",
        )
        last = n == len(ASKING_OWNERS) - 1
        assessor.call(
            api.RequestVisit,
            inspections_pb2.RequestVisitRequest(
                property_id=need.property_id,
                asked_on=ASKED_ON,
                notify=True,
                day=REQUESTED_DAY if last else "",
                from_time=REQUESTED_HOURS[0] if last else "",
                until_time=REQUESTED_HOURS[1] if last else "",
                note="Eieren er hjemme etter kl. 10" if last else "",
            ),
        )
    planned: inspections_pb2.PlanInspectionsResponse = assessor.call(
        api.PlanInspections,
        inspections_pb2.PlanInspectionsRequest(
            first_day=WEEK[0], last_day=WEEK[1], assessors_csv=ASSESSORS.read_bytes(), planned_on=PLANNED_ON
        ),
    )
    stream = api.GetInspectionDocuments(
        inspections_pb2.GetInspectionDocumentsRequest(
            plan_id=planned.plan.plan_id, route_sheets=True, map=True, notices=True
        ),
        metadata=tuple(assessor.metadata()),
        timeout=300,
    )
    files = 0
    for answer in stream:
        (folder / Path(answer.document.name).name).write_bytes(answer.document.content)
        files += 1
    return PlannedWeek(planned.plan, planned.notices, imported, folder, files)


def km(text: str) -> Decimal:
    """A distance the plan gives as text with 3 decimals."""
    return Decimal(text or "0")
