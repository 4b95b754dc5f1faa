"""Issue 14: the plan map says why a need stayed unplanned in Norwegian (adapters/
inspection_unplanned_words.py), for every reason the planner and the schedule give in English."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from services.assessment.adapters import route_planner
from services.assessment.adapters.inspection_unplanned_words import unplanned_words
from services.assessment.domain.inspection_planning import OwnerRequest, Window
from services.assessment.domain.inspection_schedule import NO_LOCATION, PAST, outside_period

pytestmark = pytest.mark.unit

SPAN = route_planner._span(Window(datetime(2024, 5, 10, 10), datetime(2024, 5, 10, 12)))


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        (NO_LOCATION, "eiendommen har ikke kartkoordinater i matrikkelen"),
        (PAST, "dagen eller tidsrommet eieren ba om, var passert da planen ble lagt om"),
        (
            "pinned to A2 on 2024-05-07, who has no working day then",
            "avtalt med A2 07.05.2024, men A2 arbeider ikke den dagen",
        ),
        (
            "no room on A2's day 2024-05-07 it is pinned to",
            "ikke plass på dagen den er avtalt, hos A2 07.05.2024",
        ),
        (
            f"the owner's window {SPAN} is after the case's deadline 2024-05-08",
            "tidsrommet eieren ba om (10.05.2024 10.00–12.00) er etter klagesakens frist 08.05.2024",
        ),
        (
            f"the owner's windows {SPAN}, {SPAN}, {SPAN} … (5 in all) have no assessor free",
            "ingen taksator er ledig i tidsrommene eieren ba om (10.05.2024 10.00–12.00, 10.05.2024 "
            "10.00–12.00, 10.05.2024 10.00–12.00 … 5 i alt)",
        ),
        (
            f"the owner's window {SPAN} has no assessor free",
            "ingen taksator er ledig i tidsrommet eieren ba om (10.05.2024 10.00–12.00)",
        ),
        (
            "no working day before the case's deadline 2024-05-08",
            "ingen arbeidsdag i perioden før klagesakens frist 08.05.2024",
        ),
        ("no working day left in the period", "ingen arbeidsdag igjen i perioden"),
        ("no room before the case's deadline 2024-05-08", "ikke plass før klagesakens frist 08.05.2024"),
        (
            "no room in the period: more urgent visits fill the assessors' days",
            "ikke plass i perioden: mer hastende befaringer fyller taksatorenes dager",
        ),
        ("something new on 2024-05-08", "ikke planlagt (something new on 08.05.2024)"),
    ],
)
def test_each_reason_in_norwegian(reason: str, words: str) -> None:
    assert unplanned_words(reason) == words


def test_an_owners_day_outside_the_period_in_norwegian() -> None:
    wish = OwnerRequest("P1", date(2024, 8, 20), notify=True, day=date(2024, 9, 5))
    reason = outside_period(wish, [date(2024, 9, 9), date(2024, 9, 10)])
    assert unplanned_words(reason) == "dagen eieren ba om (05.09.2024), er utenfor perioden"
