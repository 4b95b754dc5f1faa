"""Field results → a standard-rate valuation proposal with its full trace → InspectionCompleted for the appeal
cases the inspection answers (issue 14 item 7; DOMAIN.md § 1: every factor and its source in the trace)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from shapely.geometry import box

from propertytax.assessment.v1 import inspections_pb2
from services.assessment.adapters.config_files import load_legal_limits, load_standard_rates
from services.assessment.application.adopt_valuations import adopt_valuations
from services.assessment.application.config import AssessmentConfig
from services.assessment.application.inspection_needs import gather_needs, queue_appeal
from services.assessment.application.record_inspection import record_inspection
from services.assessment.application.valuing import value_and_propose
from services.assessment.domain.field_results import FieldResult, InspectionCompleted
from services.assessment.domain.inspection_needs import HistoryEvent, InspectionReason
from services.assessment.domain.inspection_planning import (
    Absence,
    Assessor,
    DayRoute,
    InspectionPlan,
    PlanningSolution,
    Stop,
    Transport,
    Unplanned,
    Window,
)
from services.assessment.domain.property import Floor, Location, Property, PropertyCategory
from services.assessment.domain.valuation import (
    NeedReason,
    TraceItem,
    ValuationNeed,
    ValuationRoute,
    standard_rate_valuation,
)
from services.assessment.domain.zones import Zone
from services.assessment.entrypoints.grpc_inspection_needs import field_result_from_proto
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
    # Norwegian, as the appeal case's documents are: decimal commas.
    assert event.findings.startswith("Befaring 2024-05-06 (A1): BRA 82,5 m²; indre faktor 0,9 (slitt bad); ")
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


def test_measured_floors_say_they_were_measured_on_site_and_the_plot_that_it_is_the_register_s() -> None:
    fake = cabin_register()
    valuation = record_inspection(fake, CONFIG, found(), TODAY).valuation
    trace = {t.factor: t for t in valuation.trace}

    measured = "measured on site by A1 on 2024-05-06 (NS 3940)"
    assert trace["floor 1 BRA m²"] == TraceItem("floor 1 BRA m²", "62.5", measured)
    assert trace["floor 0 BRA m²"] == TraceItem("floor 0 BRA m²", "20", measured)
    assert trace["measured BRA m² by floor"] == TraceItem(
        "measured BRA m² by floor", "1: 62.5, 0: 20", measured
    )
    assert not any(t.source == "cadastre (NS 3940)" for t in valuation.trace)
    assert trace["plot m²"] == TraceItem("plot m²", "500", "register (cadastre): not measured on site")
    assert "measured plot m²" not in trace


def test_a_plot_measured_anew_says_so_and_unmeasured_floors_are_named_as_the_register_s() -> None:
    fake = cabin_register()
    valuation = record_inspection(fake, CONFIG, found(floors=(), plot_m2=Decimal("612.5")), TODAY).valuation
    trace = {t.factor: t for t in valuation.trace}

    assert trace["plot m²"] == TraceItem("plot m²", "612.5", "measured on site by A1 on 2024-05-06")
    assert trace["measured plot m²"].value == "612.5"
    assert trace["floor 1 BRA m²"] == TraceItem(
        "floor 1 BRA m²", "40", "register (cadastre, NS 3940): not measured on site"
    )
    assert trace["figures from the site"].value == "plot m², inner factor (IF), outer factor (YF)"
    assert trace["figures from the register"].value == "BRA by floor"
    assert trace["register plot m², not used"].value == "500"
    assert "register BRA m² by floor, not used" not in trace
    # [40 × 25 000 + 612.5 × 1 500] × 1.2 × 0.9
    assert valuation.value == Money.rounded(
        (40 * 25000 + Decimal("612.5") * 1500) * Decimal("1.2") * Decimal("0.9")
    )


def test_the_proposal_names_the_site_s_figures_and_the_register_s_which_the_register_keeps() -> None:
    fake = cabin_register()
    valuation = record_inspection(fake, CONFIG, found(), TODAY).valuation
    trace = {t.factor: t for t in valuation.trace}

    assert valuation.reason == (
        "inspection 2024-05-06 by A1; from the site: BRA by floor, inner factor (IF), outer factor (YF); "
        "from the register: plot m²"
    )
    assert trace["figures from the site"].value == "BRA by floor, inner factor (IF), outer factor (YF)"
    assert trace["figures from the register"] == TraceItem(
        "figures from the register", "plot m²", "register (cadastre): not measured on site"
    )
    # The register's floors a measurement replaced: kept in the register, shown, not counted.
    kept = trace["register BRA m² by floor, not used"]
    assert kept.value == "1: 40" and "unchanged by the inspection" in kept.source
    assert fake.properties.rows["cabin"].floors == (Floor(1, Decimal(40)),)

    both = record_inspection(fake, CONFIG, found(plot_m2=Decimal(480)), TODAY).valuation
    assert both.reason == (
        "inspection 2024-05-06 by A1; from the site: BRA by floor, plot m², inner factor (IF), "
        "outer factor (YF)"
    )
    assert "figures from the register" not in {t.factor for t in both.trace}
    assert fake.properties.rows["cabin"].plot_m2 == Decimal(500)


def test_the_standard_rate_route_of_other_callers_still_names_the_cadastre() -> None:
    rates = CONFIG.rates
    valued = standard_rate_valuation(
        category=PropertyCategory.HOLIDAY_HOME,
        floors=(Floor(1, Decimal(40)),),
        plot_m2=Decimal(500),
        rates=rates,
        zone_factor=Decimal(1),
        zone_source="zone z1",
    )
    trace = {t.factor: t.source for t in valued.trace}
    assert (trace["floor 1 BRA m²"], trace["plot m²"]) == ("cadastre (NS 3940)", "cadastre")
    small = standard_rate_valuation(
        category=PropertyCategory.HOLIDAY_HOME,
        floors=(Floor(1, Decimal(10)),),
        plot_m2=Decimal(500),
        rates=rates,
        zone_factor=Decimal(1),
        zone_source="zone z1",
    )
    assert {t.factor: t.source for t in small.trace}["BRA"] == "ignored: under 15 m² (cadastre)"


def test_findings_write_numbers_with_the_decimal_comma() -> None:
    fake = cabin_register()
    result = found(
        floors=(Floor(1, Decimal("1062.5")),),
        outer_factor=Decimal("0.95"),
        outer_reason="støy fra riksvei",
    )
    recorded = record_inspection(fake, CONFIG, result, TODAY)
    [event] = fake.events
    assert isinstance(event, InspectionCompleted)
    assert event.findings == (
        "Befaring 2024-05-06 (A1): BRA 1 062,5 m²; indre faktor 0,9 (slitt bad); "
        f"ytre faktor 0,95 (støy fra riksvei); foreslått takst {recorded.valuation.value.kroner()}."
    )
    # The trace's values are the machine's: decimal points, as the proto and JSON carry them.
    assert {t.factor: t.value for t in recorded.valuation.trace}["outer factor (YF)"] == "0.95"


ASSESSORS = ("A1", "A2", "A3")


def planned(
    *visits: tuple[str, str, date],
    assessors: tuple[str, ...] = ASSESSORS,
    absences: tuple[Absence, ...] = (),
    unplanned: tuple[Unplanned, ...] = (),
) -> InspectionPlan:
    """A stored plan visiting (property, assessor, day), with these assessors and absences, and leaving
    `unplanned` out."""
    days = tuple(
        DayRoute(
            assessor_id=assessor,
            day=day,
            stops=(
                Stop(
                    property_id,
                    datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
                    datetime(day.year, day.month, day.day, 10, tzinfo=UTC),
                    Window(
                        datetime(day.year, day.month, day.day, 8, tzinfo=UTC),
                        datetime(day.year, day.month, day.day, 10, tzinfo=UTC),
                    ),
                ),
            ),
            distance_km=Decimal("4.2"),
            travel_minutes=12,
        )
        for property_id, assessor, day in visits
    )
    return InspectionPlan(
        plan_id="p1",
        version=1,
        first_day=date(2024, 5, 6),
        last_day=date(2024, 5, 10),
        made_on=date(2024, 5, 1),
        cause="plan",
        assessors=tuple(
            Assessor(a, f"Takstmann {a}", Transport.CAR, Location(10.7, 59.9), 450) for a in assessors
        ),
        absences=absences,
        solution=PlanningSolution(days, unplanned, Decimal("4.2"), Decimal("5")),
        needs=len(visits) + len(unplanned),
    )


def test_an_assessor_the_latest_plan_did_not_send_records_it_anyway_with_a_warning() -> None:
    fake = cabin_register()
    fake.inspection_plans.add(planned(("cabin", "A1", date(2024, 5, 7))), fake.now())
    replanned = replace(planned(("cabin", "A1", date(2024, 5, 7))), version=2)
    replanned = replace(replanned, solution=planned(("cabin", "A3", date(2024, 5, 6))).solution)
    fake.inspection_plans.add(replanned, fake.now())  # the latest version sends A3

    recorded = record_inspection(fake, CONFIG, found(assessor_id="A2"), TODAY)

    assert recorded.warnings == (
        "assessor A2 was not planned for this property's visit (planned for 06.05.2024 by A3)",
    )
    assert fake.valuations.for_property("cabin") == [recorded.valuation]
    assert {t.factor: t.value for t in recorded.valuation.trace}["assessor"] == "A2"
    assert len(fake.events_of(InspectionCompleted)) == 1 and fake.commits == 1  # type: ignore[attr-defined]


def test_the_planned_assessor_no_plan_or_a_plan_without_the_property_gives_no_warning() -> None:
    fake = cabin_register()
    assert record_inspection(fake, CONFIG, found(assessor_id="A2"), TODAY).warnings == ()  # no plan at all
    away = (Absence("A9", date(2024, 5, 6), date(2024, 5, 10)),)
    fake.inspection_plans.add(planned(("other", "A1", date(2024, 5, 7)), absences=away), fake.now())
    # An office inspection, by someone outside the plan, away in it, on a day it plans others: no warning.
    assert record_inspection(fake, CONFIG, found(assessor_id="A9"), TODAY).warnings == ()
    later = replace(planned(("cabin", "A2", date(2024, 5, 6))), plan_id="p2")
    fake.inspection_plans.add(later, fake.now())
    assert record_inspection(fake, CONFIG, found(assessor_id=" A2 "), TODAY).warnings == ()  # as planned
    assert record_inspection(fake, CONFIG, found(assessor_id="A1"), TODAY).warnings == (
        "assessor A1 was not planned for this property's visit (planned for 06.05.2024 by A2)",
    )


def test_an_inspection_on_another_day_than_the_planned_one_is_recorded_with_a_warning() -> None:
    fake = cabin_register()
    fake.inspection_plans.add(planned(("cabin", "A1", date(2024, 5, 8))), fake.now())

    recorded = record_inspection(fake, CONFIG, found(assessor_id="A1"), TODAY)  # on 06.05.2024

    assert recorded.warnings == (
        "inspected on 06.05.2024, not on the planned day (planned for 08.05.2024 by A1)",
    )
    assert fake.valuations.for_property("cabin") == [recorded.valuation]  # recorded all the same
    assert fake.inspection_needs.history(["cabin"]) == {"cabin": [(HistoryEvent.INSPECTED, INSPECTED)]}


def test_an_assessor_absent_that_day_in_the_plan_is_recorded_with_a_warning() -> None:
    fake = cabin_register()
    away = (
        Absence("A1", date(2024, 5, 6), date(2024, 5, 7)),
        Absence("A3", date(2024, 5, 9), date(2024, 5, 10)),
    )
    fake.inspection_plans.add(planned(("cabin", "A3", date(2024, 5, 6)), absences=away), fake.now())

    recorded = record_inspection(fake, CONFIG, found(assessor_id="A1"), TODAY)

    assert recorded.warnings == (
        "assessor A1 was not planned for this property's visit (planned for 06.05.2024 by A3)",
        "A1 is absent on 06.05.2024 in plan BEF-P1 (away 06.05.2024–07.05.2024)",
    )
    assert len(fake.events_of(InspectionCompleted)) == 1  # type: ignore[attr-defined]
    # The planned assessor, not away that day (A3 is away later in the week): no warning.
    assert record_inspection(fake, CONFIG, found(assessor_id="A3"), TODAY).warnings == ()


def test_an_assessor_who_is_none_of_the_plan_s_assessors_is_recorded_with_a_warning() -> None:
    fake = cabin_register()
    fake.inspection_plans.add(planned(("cabin", "A1", date(2024, 5, 6))), fake.now())

    recorded = record_inspection(fake, CONFIG, found(assessor_id="A9"), TODAY)

    assert recorded.warnings == (
        "A9 is not an assessor of plan BEF-P1",
        "assessor A9 was not planned for this property's visit (planned for 06.05.2024 by A1)",
    )
    assert {t.factor: t.value for t in recorded.valuation.trace}["assessor"] == "A9"


def test_a_visit_the_latest_version_left_unplanned_is_recorded_with_a_warning() -> None:
    fake = cabin_register()
    fake.inspection_plans.add(planned(("cabin", "A1", date(2024, 5, 6))), fake.now())
    cancelled = replace(
        planned(unplanned=(Unplanned("cabin", "A1 ill from 06.05.2024: no room left in the period"),)),
        version=2,
        cause="A1 ill",
    )
    fake.inspection_plans.add(cancelled, fake.now())  # the re-plan left the visit out

    recorded = record_inspection(fake, CONFIG, found(assessor_id="A2"), TODAY)

    assert recorded.warnings == (
        "the latest version (2) of plan BEF-P1 left this property's visit unplanned: "
        "A1 ill from 06.05.2024: no room left in the period",
    )
    assert fake.valuations.for_property("cabin") == [recorded.valuation]


def completed(fake: FakeAssessmentUnitOfWork) -> list[InspectionCompleted]:
    return [e for e in fake.events if isinstance(e, InspectionCompleted)]


FLAT = "flat"
HOUSING_VALUE = Money.of(8_300_000)


def flat_register(*housing: tuple[int, str, Money]) -> FakeAssessmentUnitOfWork:
    """The cabin's register with a dwelling the tax authority values: (year, unit, value) rows, the
    import's valuation of the property made from them."""
    fake = cabin_register()
    flat = Property(
        property_id=FLAT,
        cadastral_id=None,
        address="Storgata 1",
        category=PropertyCategory.HOUSING,
        dwelling_units=2,
        location=Location(10.5, 59.5),
        floors=(Floor(1, Decimal(90)),),
        plot_m2=Decimal(250),
        zone_id="z1",
    )
    fake.properties.add(flat, datetime(2020, 1, 1, tzinfo=UTC))
    fake.housing_values.replace_many([(FLAT, unit, year, value) for year, unit, value in housing])
    with fake:
        assert value_and_propose(fake, [flat], 0, CONFIG).proposed == 1
        fake.commit()
    adopt_valuations(fake, [FLAT], "Takstnemnda sak 1/24")
    return fake


def found_in_flat(**changes: object) -> FieldResult:
    return found(property_id=FLAT, floors=(Floor(1, Decimal(80)),), **changes)


# [80 × 45 000 + 250 × 1 500] × 1.2 × 0.9: what the formula gives of what was measured in the flat
FLAT_FORMULA = Money.of(4_293_000)


def test_a_dwelling_valued_from_the_housing_value_keeps_it_and_the_findings_are_recorded() -> None:
    fake = flat_register((2022, "H0101", Money.of(5_000_000)), (2022, "H0102", Money.of(3_300_000)))
    [housing] = fake.valuations.for_property(FLAT)
    assert (housing.route, housing.value, housing.adopted) == (
        ValuationRoute.HOUSING_VALUE,
        HOUSING_VALUE,
        True,
    )
    queue_appeal(fake, "case-1", FLAT, date(2024, 4, 2), date(2024, 5, 31), "Loftet er regnet med i BRA")
    commits = fake.commits

    recorded = record_inspection(fake, CONFIG, found_in_flat(), TODAY)
    assert fake.commits == commits + 1  # all of it in one transaction

    # No standard-rate proposal to compete with the housing value at the next adoption.
    assert fake.valuations.for_property(FLAT) == [housing]
    assert (recorded.valuation, recorded.proposed, recorded.appeal_case_ids) == (housing, False, ("case-1",))
    assert recorded.warnings == (
        "the property is valued from the tax authority's housing value (8 300 000 kr); the findings are "
        "recorded without a standard-rate proposal (the formula would give 4 293 000 kr): a complaint "
        "about the housing value goes to the tax authority",
    )
    assert adopt_valuations(fake, [FLAT], "Takstnemnda sak 12/24") == 0
    # The findings are kept all the same: the field result, the history, the appeal case answered.
    [(result, key, _)] = fake.inspection_needs.results
    assert result == found_in_flat() and key is None  # the findings proposed no valuation
    assert fake.inspection_needs.history([FLAT]) == {FLAT: [(HistoryEvent.INSPECTED, INSPECTED)]}
    assert fake.inspection_needs.appeal_needs() == []
    [event] = completed(fake)
    assert (event.appeal_case_id, event.valuation_id) == ("case-1", "")  # no valuation was proposed
    assert event.findings == (
        "Befaring 2024-05-06 (A1): BRA 80 m²; indre faktor 0,9 (slitt bad); ytre faktor 1; ingen ny takst "
        "foreslått: eiendommen verdsettes etter Skatteetatens boligverdi (8 300 000,00 kr)."
    )

    # A second inspection of the same dwelling is recorded too, with its own key.
    record_inspection(fake, CONFIG, found_in_flat(inspected_on=date(2024, 5, 8)), TODAY)
    keys = fake.inspection_needs.result_ids
    assert len(set(keys)) == 2 and fake.valuations.for_property(FLAT) == [housing]


def test_a_dwelling_kept_on_its_housing_value_is_recorded_even_where_the_formula_cannot_value_it() -> None:
    fake = flat_register((2022, "*", HOUSING_VALUE))
    fake.properties.set_zones({FLAT: None})  # outside every zone: no zone factor for the formula

    recorded = record_inspection(fake, CONFIG, found_in_flat(), TODAY)

    assert not recorded.proposed and recorded.valuation.value == HOUSING_VALUE
    assert recorded.warnings == (
        "the property is valued from the tax authority's housing value (8 300 000 kr); the findings are "
        "recorded without a standard-rate proposal: a complaint about the housing value goes to the tax "
        "authority",
    )
    assert len(fake.inspection_needs.results) == 1


def test_a_dwelling_that_cannot_use_its_housing_value_gets_a_proposal_that_names_the_value_it_replaces() -> (
    None
):
    fake = flat_register((2022, "H0101", Money.of(5_000_000)), (2022, "H0102", Money.of(3_300_000)))
    # The tax authority's newest values put one unit at 0 kr: they can no longer value the dwelling.
    fake.housing_values.replace_many(
        [(FLAT, "H0101", 2023, Money.of(5_100_000)), (FLAT, "H0102", 2023, Money(0))]
    )

    recorded = record_inspection(fake, CONFIG, found_in_flat(), TODAY)

    proposal = recorded.valuation
    assert (proposal.route, proposal.value, proposal.adopted, recorded.proposed) == (
        ValuationRoute.STANDARD_RATE,
        FLAT_FORMULA,
        False,
        True,
    )
    assert fake.valuations.for_property(FLAT)[0] == proposal
    assert recorded.warnings == (
        "the property is valued from the tax authority's housing value (8 300 000 kr); this proposal "
        "(4 293 000 kr) replaces it only if adopted (the tax authority's housing value is 0 kr for "
        "dwelling unit(s) H0102)",
    )
    [event] = completed(fake)
    assert event.valuation_id == proposal.valuation_id
    assert event.findings.endswith("foreslått takst 4 293 000,00 kr.")


def period(plan: InspectionPlan, plan_id: str, first_day: date, last_day: date) -> InspectionPlan:
    return replace(plan, plan_id=plan_id, first_day=first_day, last_day=last_day)


def test_a_later_plan_for_other_properties_does_not_hide_the_plan_that_visits_this_one() -> None:
    fake = cabin_register()
    away = (Absence("A1", date(2024, 5, 6), date(2024, 5, 7)),)
    fake.inspection_plans.add(planned(("cabin", "A2", date(2024, 5, 7)), absences=away), fake.now())
    # The latest plan, made after, for the next weeks and other properties.
    later = period(planned(("other", "A1", date(2024, 5, 21))), "p2", date(2024, 5, 20), date(2024, 5, 24))
    fake.inspection_plans.add(later, fake.now())
    assert fake.inspection_plans.latest_plan_id() == "p2"

    # A1: another assessor, another day, ill that day in the plan that visits the cabin.
    assert record_inspection(fake, CONFIG, found(assessor_id="A1"), TODAY).warnings == (
        "assessor A1 was not planned for this property's visit (planned for 07.05.2024 by A2)",
        "inspected on 06.05.2024, not on the planned day (planned for 07.05.2024 by A2)",
        "A1 is absent on 06.05.2024 in plan BEF-P1 (away 06.05.2024–07.05.2024)",
    )
    # A9 is in no plan at all.
    assert record_inspection(fake, CONFIG, found(assessor_id="A9"), TODAY).warnings == (
        "A9 is not an assessor of plan BEF-P1",
        "assessor A9 was not planned for this property's visit (planned for 07.05.2024 by A2)",
        "inspected on 06.05.2024, not on the planned day (planned for 07.05.2024 by A2)",
    )
    # As planned: no warning, though the latest plan has other assessors and days.
    as_planned = found(assessor_id="A2", inspected_on=date(2024, 5, 7))
    assert record_inspection(fake, CONFIG, as_planned, TODAY).warnings == ()


def test_a_visit_an_earlier_plan_left_unplanned_warns_though_a_later_plan_was_made() -> None:
    fake = cabin_register()
    fake.inspection_plans.add(planned(("cabin", "A1", date(2024, 5, 6))), fake.now())
    cancelled = replace(
        planned(unplanned=(Unplanned("cabin", "A1 ill from 06.05.2024: no room left in the period"),)),
        version=2,
        cause="A1 ill",
    )
    fake.inspection_plans.add(cancelled, fake.now())
    later = period(planned(("other", "A3", date(2024, 5, 21))), "p2", date(2024, 5, 20), date(2024, 5, 24))
    fake.inspection_plans.add(later, fake.now())

    assert record_inspection(fake, CONFIG, found(assessor_id="A2"), TODAY).warnings == (
        "the latest version (2) of plan BEF-P1 left this property's visit unplanned: "
        "A1 ill from 06.05.2024: no room left in the period",
    )


def test_the_plan_whose_period_is_nearest_the_inspection_day_is_the_one_checked() -> None:
    fake = cabin_register()
    may = planned(("cabin", "A1", date(2024, 5, 7)))  # p1: 06.05–10.05.2024
    june = period(planned(("cabin", "A2", date(2024, 6, 4))), "p2", date(2024, 6, 3), date(2024, 6, 7))
    fake.inspection_plans.add(june, fake.now())  # made first: the order of making does not count
    fake.inspection_plans.add(may, fake.now())
    today = date(2024, 7, 1)

    def warned(assessor: str, day: date) -> tuple[str, ...]:
        return record_inspection(fake, CONFIG, found(assessor_id=assessor, inspected_on=day), today).warnings

    # In a period: that period's plan.
    assert warned("A1", date(2024, 5, 7)) == ()
    assert warned("A2", date(2024, 6, 4)) == ()
    assert warned("A1", date(2024, 6, 4)) == (
        "assessor A1 was not planned for this property's visit (planned for 04.06.2024 by A2)",
    )
    # Between the periods: the plan ending last before the day (the visit came late).
    assert warned("A1", date(2024, 5, 20)) == (
        "inspected on 20.05.2024, not on the planned day (planned for 07.05.2024 by A1)",
    )
    # After both: the June plan; before both: the May plan (the visit came early).
    assert warned("A2", date(2024, 6, 20)) == (
        "inspected on 20.06.2024, not on the planned day (planned for 04.06.2024 by A2)",
    )
    assert warned("A1", date(2024, 4, 30)) == (
        "inspected on 30.04.2024, not on the planned day (planned for 07.05.2024 by A1)",
    )


def test_no_plan_visiting_the_property_gives_no_warning_however_many_plans_there_are() -> None:
    fake = cabin_register()
    away = (Absence("A1", date(2024, 5, 6), date(2024, 5, 10)),)
    fake.inspection_plans.add(planned(("other", "A2", date(2024, 5, 6)), absences=away), fake.now())
    later = period(planned(("third", "A3", date(2024, 5, 21))), "p2", date(2024, 5, 20), date(2024, 5, 24))
    fake.inspection_plans.add(later, fake.now())
    assert fake.inspection_plans.visits_of("cabin") == []

    assert record_inspection(fake, CONFIG, found(assessor_id="A1"), TODAY).warnings == ()


def test_the_plans_visiting_a_property_are_the_latest_versions_newest_period_first() -> None:
    fake = cabin_register()
    may = planned(("cabin", "A1", date(2024, 5, 7)))
    june = period(planned(("cabin", "A2", date(2024, 6, 4))), "p2", date(2024, 6, 3), date(2024, 6, 7))
    left = period(
        planned(unplanned=(Unplanned("cabin", "no room"),)), "p3", date(2024, 4, 1), date(2024, 4, 5)
    )
    moved_away = period(planned(("cabin", "A1", date(2024, 8, 5))), "p4", date(2024, 8, 5), date(2024, 8, 9))
    for plan in (may, june, left, moved_away):
        fake.inspection_plans.add(plan, fake.now())
    # p4's re-plan no longer has the cabin at all (visited already, or no longer needed).
    fake.inspection_plans.add(replace(moved_away, version=2, solution=planned().solution), fake.now())

    assert [(p.plan_id, p.version) for p in fake.inspection_plans.visits_of("cabin")] == [
        ("p2", 1),
        ("p1", 1),
        ("p3", 1),
    ]


NOTHING = {
    "floors": (),
    "plot_m2": None,
    "inner_factor": Decimal(1),
    "inner_reason": "",
    "outer_factor": Decimal(1),
    "outer_reason": "",
    "notes": " ",
    "photo_refs": (),
}


def test_a_result_with_no_findings_at_all_is_refused_and_proposes_nothing() -> None:
    fake = cabin_register()
    with pytest.raises(InvalidInput) as refused:
        record_inspection(fake, CONFIG, found(**NOTHING), TODAY)
    assert [(v.field, v.description) for v in refused.value.violations] == [
        (
            "floors",
            "nothing was recorded: give measured floors, the plot, a factor with its reason, or notes",
        )
    ]
    assert fake.valuations.rows == [] and fake.events == [] and fake.inspection_needs.results == []


@pytest.mark.parametrize(
    "finding",
    [
        {"floors": (Floor(1, Decimal(40)),)},
        {"plot_m2": Decimal(500)},
        {"inner_factor": Decimal("0.9"), "inner_reason": "slitt bad"},
        {"outer_factor": Decimal("1.1"), "outer_reason": "sjøutsikt"},
        {"notes": "Som i matrikkelen."},
        {"photo_refs": ("IMG_0412.jpg",)},
    ],
)
def test_any_one_finding_is_enough_to_record(finding: dict[str, object]) -> None:
    fake = cabin_register()
    recorded = record_inspection(fake, CONFIG, found(**{**NOTHING, **finding}), TODAY)
    assert recorded.proposed and fake.valuations.for_property("cabin") == [recorded.valuation]


def test_a_reason_without_its_factor_is_refused_for_each_factor() -> None:
    fake = cabin_register()
    reason_only = found(
        inner_factor=Decimal(1), inner_reason="slitt bad", outer_factor=Decimal(1), outer_reason="sjøutsikt"
    )
    with pytest.raises(InvalidInput) as refused:
        record_inspection(fake, CONFIG, reason_only, TODAY)
    message = "a reason is for a factor other than 1: give the factor too"
    assert [(v.field, v.description) for v in refused.value.violations] == [
        ("inner_reason", message),
        ("outer_reason", message),
    ]
    # Only the reason is wrong: nothing-recorded is not said too.
    with pytest.raises(InvalidInput) as outer_only:
        record_inspection(fake, CONFIG, found(**{**NOTHING, "outer_reason": "sjøutsikt"}), TODAY)
    assert [v.field for v in outer_only.value.violations] == ["outer_reason"]
    assert fake.valuations.rows == [] and fake.events == []


def test_the_rpc_s_empty_factor_with_a_reason_is_refused_on_the_reason() -> None:
    request = inspections_pb2.RecordInspectionRequest(
        property_id="cabin",
        inspected_on=INSPECTED.isoformat(),
        assessor_id="A1",
        floors=[inspections_pb2.MeasuredFloor(level=1, bra_m2="62,5")],
        outer_factor="",  # the CLI sends "" when --outer-factor is not given
        outer_reason="sjøutsikt",
    )
    result = field_result_from_proto(request)
    assert (result.outer_factor, result.outer_reason) == (Decimal(1), "sjøutsikt")
    fake = cabin_register()
    with pytest.raises(InvalidInput) as refused:
        record_inspection(fake, CONFIG, result, TODAY)
    assert [v.field for v in refused.value.violations] == ["outer_reason"]
