"""Field results → a standard-rate valuation proposal with its full trace → InspectionCompleted for the appeal
cases the inspection answers (issue 14 item 7; DOMAIN.md § 1: every factor and its source in the trace)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from shapely.geometry import box

from services.assessment.adapters.config_files import load_legal_limits, load_standard_rates
from services.assessment.application.adopt_valuations import adopt_valuations
from services.assessment.application.config import AssessmentConfig
from services.assessment.application.inspection_needs import gather_needs, queue_appeal
from services.assessment.application.record_inspection import record_inspection
from services.assessment.domain.field_results import FieldResult, InspectionCompleted
from services.assessment.domain.inspection_needs import HistoryEvent, InspectionReason
from services.assessment.domain.property import Floor, Location, Property, PropertyCategory
from services.assessment.domain.valuation import NeedReason, TraceItem, ValuationNeed, ValuationRoute
from services.assessment.domain.zones import Zone
from services.platform.errors import FailedPrecondition, InvalidInput, NotFound
from services.platform.money import Money
from tests.fakes.assessment import FakeAssessmentUnitOfWork

pytestmark = pytest.mark.unit

CONFIG = AssessmentConfig(load_legal_limits(), load_standard_rates())
TODAY = date(2024, 5, 10)
INSPECTED = date(2024, 5, 6)


def cabin_register() -> FakeAssessmentUnitOfWork:
    fake = FakeAssessmentUnitOfWork()
    fake.zones.replace_all([Zone("z1", "Nordstrand", Decimal("1.2"), box(10, 59, 11, 60), True)])
    cabin = Property(
        property_id="cabin",
        cadastral_id=None,
        address="Fjellveien 3",
        category=PropertyCategory.HOLIDAY_HOME,
        dwelling_units=1,
        location=Location(10.5, 59.5),
        floors=(Floor(1, Decimal(40)),),
        plot_m2=Decimal(500),
        zone_id="z1",
    )
    fake.properties.add(cabin, datetime(2020, 1, 1, tzinfo=UTC))
    return fake


def found(**changes: object) -> FieldResult:
    base: dict[str, object] = {
        "property_id": "cabin",
        "inspected_on": INSPECTED,
        "assessor_id": "A1",
        "floors": (Floor(1, Decimal("62.5")), Floor(0, Decimal(20))),
        "plot_m2": None,
        "inner_factor": Decimal("0.9"),
        "inner_reason": "slitt bad",
        "outer_factor": Decimal(1),
        "outer_reason": "",
        "notes": "Tilbygg mot sør, ikke i matrikkelen.",
        "photo_refs": ("IMG_0412.jpg", "IMG_0413.jpg"),
    }
    base.update(changes)
    return FieldResult(**base)  # type: ignore[arg-type]


def test_the_measured_floors_and_the_factors_give_a_proposal_with_the_inspection_in_its_trace() -> None:
    fake = cabin_register()
    recorded = record_inspection(fake, CONFIG, found(), TODAY)

    valuation = recorded.valuation
    # [62.5 × 25 000 × 1 + 20 × 25 000 × 0.5 + 500 × 1 500] × 1.2 × 0.9 × 1
    expected = (
        (Decimal("62.5") * 25000 + 20 * 25000 * Decimal("0.5") + 500 * 1500) * Decimal("1.2") * Decimal("0.9")
    )
    assert valuation.value == Money.rounded(expected)
    assert (valuation.route, valuation.version, valuation.adopted) == (ValuationRoute.STANDARD_RATE, 1, False)
    trace = {t.factor: t for t in valuation.trace}
    source = "befaring 2024-05-06, A1: slitt bad"
    assert trace["inner factor (IF)"] == TraceItem("inner factor (IF)", "0.9", source)
    assert trace["outer factor (YF)"] == TraceItem("outer factor (YF)", "1", "befaring 2024-05-06, A1")
    assert trace["zone factor"] == TraceItem("zone factor", "1.2", "zone z1 Nordstrand")
    assert trace["floor 1 BRA m²"].value == "62.5" and trace["floor 0 BRA m²"].value == "20"
    assert trace["plot m²"].value == "500"  # the register's plot stands
    assert trace["assessor"].value == "A1" and trace["inspection"].value == "2024-05-06"
    assert trace["notes"].value == "Tilbygg mot sør, ikke i matrikkelen."
    assert [t.value for t in valuation.trace if t.factor == "photo"] == ["IMG_0412.jpg", "IMG_0413.jpg"]
    assert valuation.trace[-1].factor == "value"
    assert fake.valuations.for_property("cabin") == [valuation]
    [(result, valuation_id, _)] = fake.inspection_needs.results
    assert (result, valuation_id) == (found(), valuation.valuation_id)
    # The register keeps the cadastre's facts; the measurements live in the result and the trace.
    assert fake.properties.rows["cabin"].floors == (Floor(1, Decimal(40)),)


def test_the_office_s_own_inspection_publishes_one_event_without_a_case_and_ends_the_need() -> None:
    fake = cabin_register()
    fake.valuations.note_needs(["cabin"], [ValuationNeed("cabin", NeedReason.ZERO_VALUE, "0")], fake.now())
    with fake:
        assert [n.reason for n in gather_needs(fake, TODAY)] == [InspectionReason.CANNOT_BE_VALUED]
    recorded = record_inspection(fake, CONFIG, found(), TODAY)

    assert recorded.appeal_case_ids == ()
    [event] = fake.events
    assert isinstance(event, InspectionCompleted)
    assert (event.property_id, event.inspected_on, event.appeal_case_id, event.valuation_id) == (
        "cabin",
        INSPECTED,
        "",
        recorded.valuation.valuation_id,
    )
    assert event.findings.startswith("Befaring 2024-05-06 (A1): BRA 82.5 m²; indre faktor 0.9 (slitt bad)")
    assert event.findings.endswith(f"foreslått takst {recorded.valuation.value.kroner()}.")
    assert fake.valuations.open_needs == {}
    assert fake.inspection_needs.history(["cabin"]) == {"cabin": [(HistoryEvent.INSPECTED, INSPECTED)]}
    with fake:
        assert gather_needs(fake, TODAY) == []  # inspected: never-inspected and cannot-be-valued are cured
    assert fake.commits == 1  # all of it in one transaction


def test_each_open_appeal_case_requested_by_the_inspection_day_gets_its_own_event() -> None:
    fake = cabin_register()
    queue_appeal(fake, "case-2", "cabin", date(2024, 4, 20), date(2024, 6, 1), "Mål opp")
    queue_appeal(fake, "case-1", "cabin", date(2024, 4, 2), date(2024, 5, 31), "Befaring")
    queue_appeal(fake, "case-3", "cabin", date(2024, 5, 8), date(2024, 6, 19), "Etter befaringen")
    recorded = record_inspection(fake, CONFIG, found(), TODAY)

    assert recorded.appeal_case_ids == ("case-1", "case-2")
    assert [(e.appeal_case_id, e.valuation_id) for e in fake.events_of(InspectionCompleted)] == [  # type: ignore[attr-defined]
        ("case-1", recorded.valuation.valuation_id),
        ("case-2", recorded.valuation.valuation_id),
    ]
    # The case that asked after the visit still waits for one.
    assert [n.appeal_case_id for n in fake.inspection_needs.appeal_needs()] == ["case-3"]


def test_the_proposal_is_the_next_version_and_the_committee_adopts_it_as_any_other() -> None:
    fake = cabin_register()
    first = record_inspection(fake, CONFIG, found(), TODAY).valuation
    second = record_inspection(fake, CONFIG, found(inner_factor=Decimal(1), inner_reason=""), TODAY).valuation
    assert (first.version, second.version) == (1, 2)
    assert second.value > first.value
    assert adopt_valuations(fake, ["cabin"], "Takstnemnda sak 12/24") == 1
    assert fake.valuations.for_property("cabin")[0].adopted


def test_bad_field_results_are_refused_field_by_field_and_nothing_is_recorded() -> None:
    fake = cabin_register()
    bad = found(
        inspected_on=date(2024, 5, 11),
        assessor_id=" ",
        floors=(Floor(120, Decimal(10)), Floor(1, Decimal(-1)), Floor(2, Decimal(30)), Floor(2, Decimal(5))),
        plot_m2=Decimal("-3"),
        inner_factor=Decimal("1.6"),
        outer_factor=Decimal("0.8"),
        outer_reason="",
        notes="Eier 31129956715 var til stede",
        photo_refs=("",),
    )
    with pytest.raises(InvalidInput) as refused:
        record_inspection(fake, CONFIG, bad, TODAY)
    assert [v.field for v in refused.value.violations] == [
        "inspected_on",
        "assessor_id",
        "floors[0].level",
        "floors[1].bra_m2",
        "floors[3].level",
        "plot_m2",
        "inner_factor",
        "outer_reason",
        "notes",
        "photo_refs[0]",
    ]
    assert "31129956715" not in str(refused.value)
    assert fake.valuations.rows == [] and fake.events == [] and fake.commits == 0


def test_an_unknown_property_a_dwelling_without_area_and_one_without_a_zone_are_refused() -> None:
    fake = cabin_register()
    with pytest.raises(NotFound):
        record_inspection(fake, CONFIG, found(property_id="nope"), TODAY)
    with pytest.raises(InvalidInput) as unnamed:
        record_inspection(fake, CONFIG, found(property_id=" "), TODAY)
    assert [v.field for v in unnamed.value.violations] == ["property_id"]
    with pytest.raises(InvalidInput) as no_area:
        record_inspection(fake, CONFIG, found(floors=(Floor(1, Decimal(10)),)), TODAY)
    assert [v.field for v in no_area.value.violations] == ["floors"]
    fake.properties.set_zones({"cabin": None})
    with pytest.raises(FailedPrecondition, match="no zone factor"):
        record_inspection(fake, CONFIG, found(), TODAY)
    assert fake.valuations.rows == [] and fake.events == []


def test_each_factor_carries_its_own_reason_in_the_trace() -> None:
    fake = cabin_register()
    result = found(outer_factor=Decimal("0.95"), outer_reason="støy fra riksvei")
    trace = {t.factor: t for t in record_inspection(fake, CONFIG, result, TODAY).valuation.trace}

    assert trace["inner factor (IF)"].source == "befaring 2024-05-06, A1: slitt bad"
    assert trace["outer factor (YF)"] == TraceItem(
        "outer factor (YF)", "0.95", "befaring 2024-05-06, A1: støy fra riksvei"
    )
