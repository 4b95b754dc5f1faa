"""Issue 14: the plan commands' own reading of flags (--between, --absent) and the plan JSON and summary
they write (services/cli/inspections_plans.py, inspections_view.py)."""

from __future__ import annotations

import argparse

import pytest

from propertytax.assessment.v1 import inspections_pb2
from services.cli import inspections_view as view
from services.cli.inspections_plans import _absence, _between

pytestmark = pytest.mark.unit

PLAN_ID = "1a2b3c4d-5e6f-4a1b-8c2d-000000000001"


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
        plan_id=PLAN_ID,
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
    assert len(data["unplanned"]) == 3 and (data["plan_id"], data["version"]) == (PLAN_ID, 2)


def test_the_summary_counts_unplanned_by_reason_and_compares_with_the_naive_plan() -> None:
    text = "\n".join(view.summary(_plan(), 1, moved=["0301-1/1/0/0"]))
    assert text.startswith(
        f"Plan BEF-1A2B3C4D ({PLAN_ID}) version 2 (A2 absent), 06.05.2024 to 10.05.2024, made on 03.05.2024"
    )
    first = _plan()
    first.cause, first.version = "plan", 1
    assert view.summary(first, 0)[0] == (
        f"Plan BEF-1A2B3C4D ({PLAN_ID}) version 1, 06.05.2024 to 10.05.2024, made on 03.05.2024"
    )
    assert "1 assessor-day used by 1 of 2 assessors" in text  # A2 has no visit
    assert "1 visit planned of 4 open needs (25,0 %)" in text
    assert "2  no location in the register" in text and "1  no room in the assessors' days" in text
    assert "travel 3,250 km against 5,000 km in property-id order, 35,0 % shorter" in text
    assert "1 visit moved to another day, time or assessor" in text and "1 notice sent" in text


def test_a_plan_longer_than_the_naive_one_says_longer_and_every_working_assessor_is_counted() -> None:
    plan = _plan()
    plan.total_distance_km, plan.naive_distance_km = "5.500", "5.000"
    plan.days.append(
        inspections_pb2.PlannedDay(assessor_id="A2", date="2024-05-07", stops=[plan.days[0].stops[0]])
    )
    plan.days.append(inspections_pb2.PlannedDay(assessor_id="A2", date="2024-05-08"))
    text = "\n".join(view.summary(plan, 0))
    assert "10,0 % longer" in text and "shorter" not in text and "-10,0" not in text
    assert "2 assessor-days used by 2 assessors" in text
    plan.total_distance_km = "5.000"
    assert ", as long" in "\n".join(view.summary(plan, 0))


def test_a_dry_run_says_nothing_was_stored_and_show_has_no_notices_line() -> None:
    plan = _plan()
    plan.plan_id, plan.version = "", 0
    lines = view.summary(plan, 1, dry_run=True)
    assert lines[0].startswith("Dry run (nothing stored, no notices sent), 06.05.2024 to 10.05.2024")
    assert "1 notice would be sent to owners who asked to be told" in lines[-1]
    assert not any("notice" in line for line in view.summary(_plan(), None)[1:])


def test_what_other_plans_hold_and_the_cancellations_of_a_re_plan_are_said() -> None:
    assert view.plan_warnings(0, []) == []
    one, overlap = view.plan_warnings(1, ["p7"])
    assert "1 need already has a visit in another plan and was left out; re-plan that plan" in one
    assert (
        "Warning: plan p7 covers some of these days" in overlap and "two plans for the same days" in overlap
    )
    (many,) = view.plan_warnings(3, [])
    assert "3 needs already have a visit in another plan and were left out" in many
    text = "\n".join(view.summary(_plan(), 0, moved=[], cancellations=2))
    assert "2 owners sent a letter that their visit is cancelled" in text
    assert "cancelled" not in "\n".join(view.summary(_plan(), 0, moved=[], cancellations=0))


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
