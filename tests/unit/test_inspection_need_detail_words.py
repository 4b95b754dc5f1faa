"""Issue 14, trial finding 12: a need's detail is read by the office as it stands, so it says why the
register cannot value a property in words, not the valuation need's code ("no_dwelling_area:"), and its
dates as dd.mm.yyyy (services/assessment/domain/inspection_needs.py)."""

from __future__ import annotations

from datetime import date

import pytest

from services.assessment.domain.inspection_needs import (
    HistoryEvent,
    InspectionReason,
    RegisterEntry,
    cannot_be_valued_in_words,
    property_need,
)
from services.assessment.domain.valuation import NeedReason, ValuationNeed, describe_needs

pytestmark = pytest.mark.unit

ON = date(2024, 5, 6)
ENTRY = RegisterEntry("0301-10/5/0/0", "Testveien 5", "", date(2020, 1, 1), has_housing_value=False)


def test_why_the_register_cannot_value_it_is_said_in_words() -> None:
    needs = [
        ValuationNeed(ENTRY.property_id, NeedReason.NO_DWELLING_AREA, "a housing property without BRA"),
        ValuationNeed(ENTRY.property_id, NeedReason.NO_LOCATION, "no location (lon/lat), so no zone"),
    ]
    history = [(HistoryEvent.INSPECTED, date(2021, 3, 1))]
    need = property_need(ENTRY, history, describe_needs(needs), (), ON)
    assert need is not None and need.reason == InspectionReason.CANNOT_BE_VALUED
    assert need.detail == (
        "no dwelling area (BRA): a housing property without BRA; "
        "no location: no location (lon/lat), so no zone"
    )
    assert "_" not in need.detail
    assert cannot_be_valued_in_words("something else: as it was") == "something else: as it was"


def test_the_dates_of_a_detail_are_written_dd_mm_yyyy() -> None:
    history = [(HistoryEvent.INSPECTED, date(2013, 4, 2)), (HistoryEvent.DIVISION, date(2023, 4, 1))]
    need = property_need(ENTRY, history, "", (), ON)
    assert need is not None and need.reason == InspectionReason.DIVISION
    assert need.detail == (
        "division registered 01.04.2023 (also general revaluation: last inspected 02.04.2013: general "
        "revaluation every 10 years)"
    )
