"""Issue 14: the plan commands' own reading of flags (--between, --absent) and the plan JSON and summary
they write (services/cli/inspections_plans.py, inspections_view.py)."""

from __future__ import annotations

import argparse

import pytest

from propertytax.assessment.v1 import inspections_pb2
from services.cli import inspections_view as view
from services.cli.inspections_plans import _absence, _between

pytestmark = pytest.mark.unit


def _plan() -> inspections_pb2.InspectionPlan:
    stop = inspections_pb2.PlannedStop(
        property_id="0301-1/1/0/0",
        arrive="2024-05-06T08:20",
        leave="2024-05-06T09:05",
        address="Testveien 1",
        reason="appeal",
        window_start="2024-05-06T08:00",
        window_end="2024-05-06T10:00",
        notify=True,
    )
    return inspections_pb2.InspectionPlan(
        plan_id="p1",
        version=2,
        first_day="2024-05-06",
        last_day="2024-05-10",
        made_on="2024-05-03",
        cause="A2 absent",
        days=[
            inspections_pb2.PlannedDay(
                assessor_id="A1", date="2024-05-06", stops=[stop], distance_km="3.250", travel_minutes=14
            )
        ],
        unplanned=[
            inspections_pb2.UnplannedNeed(property_id="0301-2/1/0/0", reason="no location in the register"),
            inspections_pb2.UnplannedNeed(property_id="0301-3/1/0/0", reason="no location in the register"),
            inspections_pb2.UnplannedNeed(
                property_id="0301-4/1/0/0", reason="no room in the assessors' days"
            ),
        ],
        total_distance_km="3.250",
        naive_distance_km="5.000",
        assessors=[inspections_pb2.Assessor(assessor_id="A1"), inspections_pb2.Assessor(assessor_id="A2")],
        needs=4,
    )


def test_the_plan_json_has_the_agreed_shape_with_numbers_for_distances() -> None:
    data = view.plan_json(_plan())
    assert data["days"][0] == {
        "assessor_id": "A1",
        "date": "2024-05-06",
        "stops": [
            {
                "property_id": "0301-1/1/0/0",
                "arrive": "2024-05-06T08:20",
                "leave": "2024-05-06T09:05",
                "window_start": "2024-05-06T08:00",
                "window_end": "2024-05-06T10:00",
                "address": "Testveien 1",
                "reason": "appeal",
            }
        ],
        "distance_km": 3.25,
        "travel_minutes": 14,
    }
    assert (data["total_distance_km"], data["naive_distance_km"]) == (3.25, 5.0)
    assert (data["needs"], data["planned"], data["share_planned"]) == (4, 1, 0.25)
    assert len(data["unplanned"]) == 3 and (data["plan_id"], data["version"]) == ("p1", 2)


def test_the_summary_counts_unplanned_by_reason_and_compares_with_the_naive_plan() -> None:
    text = "\n".join(view.summary(_plan(), 1, moved=["0301-1/1/0/0"]))
    assert "1 assessor-day used by 2 assessors" in text
    assert "1 visit planned of 4 open needs (25,0 %)" in text
    assert "2  no location in the register" in text and "1  no room in the assessors' days" in text
    assert "travel 3,250 km against 5,000 km in property-id order, 35,0 % shorter" in text
    assert "1 visit moved" in text and "1 notice sent" in text


def test_hours_and_absences_are_read_or_refused_with_what_to_write() -> None:
    assert _between("9:00-11:30") == ("09:00", "11:30")
    for wrong in ("9-11", "11:00-09:00", "25:00-26:00"):
        with pytest.raises(argparse.ArgumentTypeError):
            _between(wrong)
    away = _absence("A2:06.05.2024:2024-05-07")
    assert (away.assessor_id, away.first_day, away.last_day) == ("A2", "2024-05-06", "2024-05-07")
    one = _absence("A3:2024-05-08")
    assert one.first_day == one.last_day == "2024-05-08"
    for wrong in ("A2", ":2024-05-06", "A2:2024-02-30"):
        with pytest.raises(argparse.ArgumentTypeError):
            _absence(wrong)
