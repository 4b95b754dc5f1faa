"""Who needs an inspection and how urgently (DOMAIN.md § 1, § 2; issue 14 item 1): one need per property, its
most urgent cause, the others named; appeal cases first by their deadline; the history import all or none;
appeal cases' requests queued once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from services.assessment.adapters.inspection_history_file import read_inspection_history
from services.assessment.application.import_inspection_history import import_inspection_history
from services.assessment.application.inspection_needs import gather_needs, list_inspection_needs, queue_appeal
from services.assessment.domain.inspection_needs import (
    HistoryEvent,
    InspectionReason,
    NeedStatus,
    urgency,
)
from services.assessment.domain.property import Floor, Location, Property, PropertyCategory
from services.assessment.domain.valuation import NeedReason, ValuationNeed
from services.platform.errors import InvalidInput
from services.platform.money import Money
from tests.fakes.assessment import FakeAssessmentUnitOfWork

pytestmark = pytest.mark.unit

ON = date(2024, 5, 6)
REGISTERED = datetime(2020, 1, 10, 23, 30, tzinfo=UTC)  # 11 January in Oslo
R = InspectionReason


def add(fake: FakeAssessmentUnitOfWork, pid: str, category: PropertyCategory, **facts: object) -> None:
    prop = Property(
        property_id=pid,
        cadastral_id=None,
        address=f"Gate {pid}",
        category=category,
        dwelling_units=1 if category in (PropertyCategory.HOUSING, PropertyCategory.HOLIDAY_HOME) else 0,
        location=Location(10.75, 59.91),
        floors=(Floor(1, Decimal(100)),),
    )
    fake.properties.add(replace(prop, **facts), REGISTERED)  # type: ignore[arg-type]


def housing_valued(fake: FakeAssessmentUnitOfWork, pid: str, value: int = 5_000_000) -> None:
    fake.housing_values.replace_many([(pid, "*", 2022, Money.of(value))])


def needs_of(fake: FakeAssessmentUnitOfWork, on: date = ON) -> dict[str, tuple[R, date]]:
    with fake:
        return {n.property_id: (n.reason, n.since) for n in gather_needs(fake, on)}


def test_each_cause_gives_its_reason_and_the_day_it_arose() -> None:
    fake = FakeAssessmentUnitOfWork()
    add(fake, "home", PropertyCategory.HOUSING)
    housing_valued(fake, "home")  # valued by the tax authority: no need of its own
    add(fake, "cabin", PropertyCategory.HOLIDAY_HOME)  # never inspected
    add(fake, "shop", PropertyCategory.COMMERCIAL)
    add(fake, "old", PropertyCategory.COMMERCIAL)
    add(fake, "built", PropertyCategory.HOUSING)
    housing_valued(fake, "built")
    add(fake, "noarea", PropertyCategory.UNDEVELOPED, floors=())
    fake.valuations.note_needs(
        ["noarea"], [ValuationNeed("noarea", NeedReason.NO_AREA, "no area")], REGISTERED
    )
    fake.inspection_needs.add_history(
        [
            ("shop", HistoryEvent.INSPECTED, date(2016, 3, 1)),  # 8 years ago: nothing due
            ("old", HistoryEvent.INSPECTED, date(2014, 5, 6)),  # 10 years on the day
            ("built", HistoryEvent.INSPECTED, date(2019, 1, 1)),
            ("built", HistoryEvent.NEW_BUILDING, date(2023, 9, 1)),
        ]
    )

    assert needs_of(fake) == {
        "cabin": (R.NEVER_INSPECTED, date(2020, 1, 11)),
        "old": (R.GENERAL_REVALUATION, date(2024, 5, 6)),
        "built": (R.NEW_BUILDING, date(2023, 9, 1)),
        "noarea": (R.CANNOT_BE_VALUED, date(2020, 1, 11)),
    }
    assert "old" not in needs_of(fake, date(2024, 5, 5))  # one day short of 10 years


def test_a_change_counts_only_after_the_last_inspection_and_a_zero_housing_value_is_none() -> None:
    fake = FakeAssessmentUnitOfWork()
    add(fake, "p", PropertyCategory.HOUSING)
    housing_valued(fake, "p", 0)
    fake.inspection_needs.add_history(
        [("p", HistoryEvent.FIRE, date(2021, 1, 1)), ("p", HistoryEvent.INSPECTED, date(2022, 6, 1))]
    )
    assert needs_of(fake) == {}  # inspected after the fire, less than 10 years ago
    fake.inspection_needs.add_history([("p", HistoryEvent.DEMOLITION, date(2024, 2, 1))])
    assert needs_of(fake) == {"p": (R.FIRE_OR_DEMOLITION, date(2024, 2, 1))}
    assert needs_of(fake, date(2024, 1, 31)) == {}  # not yet happened on that day


def test_one_need_per_property_the_most_urgent_the_others_named_in_its_detail() -> None:
    fake = FakeAssessmentUnitOfWork()
    add(fake, "p", PropertyCategory.COMMERCIAL)
    fake.inspection_needs.add_history([("p", HistoryEvent.DIVISION, date(2023, 4, 1))])
    fake.valuations.note_needs(["p"], [ValuationNeed("p", NeedReason.OUTSIDE_ZONES, "outside")], REGISTERED)
    queue_appeal(fake, "case-1", "p", date(2024, 4, 2), date(2024, 6, 1), "Mål opp kjelleren")

    with fake:
        [need] = gather_needs(fake, ON)
    assert (need.reason, need.appeal_case_id, need.needed_by) == (R.APPEAL, "case-1", date(2024, 6, 1))
    assert need.detail.startswith("Mål opp kjelleren (also ")
    for named in (
        "division: division registered 01.04.2023",
        "cannot be valued: outside every zone: outside",
        "never inspected",
    ):
        assert named in need.detail
    assert need.address == "Gate p" and need.status == NeedStatus.OPEN


def test_appeal_cases_come_first_by_their_deadline_then_priority_then_the_oldest_cause() -> None:
    fake = FakeAssessmentUnitOfWork()
    for pid in ("a", "b", "c", "d", "e"):
        add(fake, pid, PropertyCategory.COMMERCIAL)
    queue_appeal(fake, "late", "a", date(2024, 4, 1), date(2024, 7, 1), "")
    queue_appeal(fake, "soon", "b", date(2024, 4, 20), date(2024, 5, 20), "")
    fake.inspection_needs.add_history(
        [("c", HistoryEvent.SECTIONING, date(2024, 1, 1)), ("d", HistoryEvent.NEW_BUILDING, date(2023, 1, 1))]
    )
    with fake:
        found = gather_needs(fake, ON)
    assert [n.property_id for n in found] == ["b", "a", "d", "c", "e"]
    assert found == sorted(found, key=urgency)
    assert [n.priority for n in found] == [1, 1, 2, 2, 4]


def test_a_property_under_a_mandatory_exemption_needs_an_inspection_only_for_an_appeal() -> None:
    fake = FakeAssessmentUnitOfWork()
    add(fake, "church", PropertyCategory.COMMERCIAL, exemption_code="5c")
    add(fake, "museum", PropertyCategory.COMMERCIAL, exemption_code="7b")  # granted year by year
    fake.inspection_needs.add_history([("church", HistoryEvent.NEW_BUILDING, date(2024, 1, 1))])
    assert needs_of(fake) == {"museum": (R.NEVER_INSPECTED, date(2020, 1, 11))}
    queue_appeal(fake, "case-9", "church", date(2024, 4, 2), None, "Befaring")
    assert needs_of(fake)["church"] == (R.APPEAL, date(2024, 4, 2))


def test_a_planned_property_is_listed_as_planned_and_an_inspected_one_no_more(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = FakeAssessmentUnitOfWork()
    add(fake, "a", PropertyCategory.COMMERCIAL)
    add(fake, "b", PropertyCategory.COMMERCIAL)
    monkeypatch.setattr(
        fake.inspection_plans, "planned_property_ids", lambda on: {"a"} if on == ON else set()
    )
    with fake:
        statuses = {n.property_id: n.status for n in gather_needs(fake, ON)}
    assert statuses == {"a": NeedStatus.PLANNED, "b": NeedStatus.OPEN}
    fake.inspection_needs.add_history([("b", HistoryEvent.INSPECTED, date(2024, 5, 2))])
    assert set(needs_of(fake)) == {"a"}


def test_an_appeal_for_a_property_the_register_does_not_know_is_listed_and_says_so() -> None:
    fake = FakeAssessmentUnitOfWork()
    queue_appeal(fake, "case-2", "ghost", date(2024, 4, 2), date(2024, 5, 14), "Finn eiendommen")
    with fake:
        [need] = gather_needs(fake, ON)
    assert (need.property_id, need.reason, need.address) == ("ghost", R.APPEAL, "")
    assert need.detail == "Finn eiendommen (the property is not in the register)"


def test_the_same_request_twice_is_one_need_and_a_repeated_request_replaces_it() -> None:
    fake = FakeAssessmentUnitOfWork()
    add(fake, "p", PropertyCategory.HOUSING)
    housing_valued(fake, "p")
    for _ in range(2):
        queue_appeal(fake, "case-1", "p", date(2024, 4, 2), date(2024, 6, 1), "Befaring")
    queue_appeal(fake, "case-1", "p", date(2024, 4, 9), date(2024, 6, 20), "Befaring igjen")
    with fake:
        [need] = gather_needs(fake, ON)
    assert (need.since, need.needed_by, need.detail) == (
        date(2024, 4, 9),
        date(2024, 6, 20),
        "Befaring igjen",
    )


def test_the_list_is_paged_filtered_by_reason_and_counts_them_all() -> None:
    fake = FakeAssessmentUnitOfWork()
    for n in range(5):
        add(fake, f"p{n}", PropertyCategory.COMMERCIAL)
    queue_appeal(fake, "case-1", "p4", date(2024, 4, 2), None, "")
    first = list_inspection_needs(fake, ON, "", 2, "")
    assert ([n.property_id for n in first.needs], first.total) == (["p4", "p0"], 5)
    second = list_inspection_needs(fake, ON, "", 2, first.next_page_token)
    third = list_inspection_needs(fake, ON, "", 2, second.next_page_token)
    assert [n.property_id for n in second.needs + third.needs] == ["p1", "p2", "p3"]
    assert third.next_page_token == ""
    only = list_inspection_needs(fake, ON, "never_inspected", 100, "")
    assert (len(only.needs), only.total) == (4, 4)
    # Every reason's count, whatever the filter, most urgent reason first: a page serves the footer.
    expected = ((InspectionReason.APPEAL, 1), (InspectionReason.NEVER_INSPECTED, 4))
    assert first.by_reason == only.by_reason == expected
    with pytest.raises(InvalidInput) as bad:
        list_inspection_needs(fake, ON, "whim", 100, "")
    assert [v.field for v in bad.value.violations] == ["reason"]


# The history file


def csv(text: str, bom: bool = False) -> bytes:
    return ("\ufeff" if bom else "").encode() + text.encode()


def test_the_history_file_reads_both_separators_both_date_forms_and_keeps_a_row_once() -> None:
    rows = read_inspection_history(
        csv(
            "property_id;event;date\np1;inspected;02.10.2012\np1;Inspected;2012-10-02\np2;fire;2023-01-05\n",
            True,
        )
    )
    assert [(r.line, r.property_id, r.event, r.day) for r in rows] == [
        (2, "p1", HistoryEvent.INSPECTED, date(2012, 10, 2)),
        (4, "p2", HistoryEvent.FIRE, date(2023, 1, 5)),
    ]


def test_every_bad_row_of_the_history_file_is_named_by_line_and_column() -> None:
    with pytest.raises(InvalidInput) as bad:
        read_inspection_history(
            csv("property_id,event,date\n,inspected,2020-01-01\np2,flood,2020-01-01\np3,fire,31.02.2020\n")
        )
    assert [(v.field, v.description.split(":")[0]) for v in bad.value.violations] == [
        ("line 2", "property_id"),
        ("line 3", "event"),
        ("line 4", "date"),
    ]
    with pytest.raises(InvalidInput, match="missing columns: date"):
        read_inspection_history(csv("property_id,event\np1,fire\n"))


def test_the_import_refuses_unknown_properties_and_future_dates_and_records_nothing() -> None:
    fake = FakeAssessmentUnitOfWork()
    add(fake, "p1", PropertyCategory.COMMERCIAL)
    rows = read_inspection_history(
        csv("property_id,event,date\np1,inspected,2020-01-01\nnope,fire,2020-01-01\np1,fire,2024-05-07\n")
    )
    with pytest.raises(InvalidInput) as bad:
        import_inspection_history(fake, rows, ON)
    assert [(v.field, v.description) for v in bad.value.violations] == [
        ("line 3", "property_id: no property nope in the register"),
        ("line 4", "date: 2024-05-07 is after today (2024-05-06)"),
    ]
    assert fake.inspection_needs.history_rows == [] and fake.commits == 0


def test_the_import_counts_what_it_recorded_and_a_second_import_records_nothing_new() -> None:
    fake = FakeAssessmentUnitOfWork()
    add(fake, "p1", PropertyCategory.COMMERCIAL)
    rows = read_inspection_history(
        csv("property_id,event,date\np1,inspected,2012-10-02\np1,new_building,2020-01-01\n")
    )
    first = import_inspection_history(fake, rows, ON)
    assert (first.rows, first.inspections, first.changes) == (2, 1, 1)
    again = import_inspection_history(fake, rows, ON)
    assert (again.rows, again.inspections, again.changes) == (2, 0, 0)
    assert needs_of(fake) == {"p1": (R.NEW_BUILDING, date(2020, 1, 1))}


def test_a_need_reckoned_before_the_property_was_entered_is_known_since_the_reckoning_day() -> None:
    fake = FakeAssessmentUnitOfWork()
    add(fake, "p", PropertyCategory.HOLIDAY_HOME)  # entered on 11 January 2020 (the machine's moment)

    assert needs_of(fake, date(2019, 6, 3)) == {"p": (R.NEVER_INSPECTED, date(2019, 6, 3))}
    assert needs_of(fake, ON) == {"p": (R.NEVER_INSPECTED, date(2020, 1, 11))}
