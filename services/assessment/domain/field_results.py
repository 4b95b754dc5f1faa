"""What an assessor found on site, and the standard-rate valuation it gives (DOMAIN.md § 1): measured BRA
per floor, inner and outer factor with their reasons, notes and photo references, all kept in the trace."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.assessment.domain.inspection_planning import InspectionPlan, plan_reference
from services.assessment.domain.property import BRA_M2, PLOT_M2, Floor
from services.assessment.domain.valuation import TraceItem
from services.platform.errors import Violations
from services.platform.identity import NAME_LENGTH, REASON_LENGTH, check_free_text
from services.platform.money import Money
from services.platform.numbers import Bounds, bounds, check_decimal

# The source of an area an assessor did not measure: the register's, which follows the cadastre. A
# recorded inspection leaves the register as it is (the next cadastre import would overwrite it), so the
# register's figures a measurement replaced are in the trace too, named as kept and not used.
REGISTER_FLOORS = "register (cadastre, NS 3940): not measured on site"
REGISTER = "register (cadastre): not measured on site"
REGISTER_KEPT = (
    "register (cadastre), unchanged by the inspection: the cadastre's correction or import changes it"
)

# An inner or outer factor an assessor may set: the standard-rate practice keeps them near 1 (a worn or a
# very good dwelling, poor or fine surroundings); the committee's valuation basis sets no limits of its own.
INSPECTION_FACTOR = bounds("0.5", "1.5", 3, "0,9")
MAX_PHOTOS = 100

NOTHING_RECORDED = "nothing was recorded: give measured floors, the plot, a factor with its reason, or notes"
REASON_WITHOUT_FACTOR = "a reason is for a factor other than 1: give the factor too"


@dataclass(frozen=True)
class FieldResult:
    property_id: str
    inspected_on: date
    assessor_id: str
    floors: tuple[Floor, ...]  # empty: the register's floors stand
    plot_m2: Decimal | None  # None: the register's plot area stands
    inner_factor: Decimal
    inner_reason: str
    outer_factor: Decimal
    outer_reason: str
    notes: str
    photo_refs: tuple[str, ...]


@dataclass(frozen=True)
class InspectionCompleted:
    """Domain event: an inspection's field results were recorded and a valuation proposed from them."""

    property_id: str
    inspected_on: date
    findings: str
    appeal_case_id: str
    valuation_id: str


def check_field_result(result: FieldResult, today: date, problems: Violations) -> None:
    """Adds a violation per bad field: inspected_on not after `today` (the business date is the visit's);
    the assessor; floors when nothing at all was recorded (NOTHING_RECORDED); floors (levels −5..99, BRA
    as the register's bounds, each level once); the plot; each factor within INSPECTION_FACTOR, with a
    reason when it is not 1 and none when it is 1 (REASON_WITHOUT_FACTOR); notes, reasons and photo
    references as free text without identity numbers."""
    if not result.property_id.strip():
        problems.add("property_id", "is required")
    if result.inspected_on > today:
        problems.add("inspected_on", f"cannot be after today ({today.isoformat()})")
    if not result.assessor_id.strip():
        problems.add("assessor_id", "is required")
    else:
        check_free_text(problems, "assessor_id", result.assessor_id, 64)
    if not _recorded_anything(result):
        problems.add("floors", NOTHING_RECORDED)
    levels: set[int] = set()
    for index, floor in enumerate(result.floors):
        if not -5 <= floor.level <= 99:
            problems.add(f"floors[{index}].level", "must be between -5 and 99")
        elif floor.level in levels:
            problems.add(f"floors[{index}].level", f"floor {floor.level} is given twice")
        levels.add(floor.level)
        _check_number(problems, f"floors[{index}].bra_m2", floor.bra_m2, BRA_M2)
    if result.plot_m2 is not None:
        _check_number(problems, "plot_m2", result.plot_m2, PLOT_M2)
    for name, factor, reason in (
        ("inner", result.inner_factor, result.inner_reason),
        ("outer", result.outer_factor, result.outer_reason),
    ):
        _check_number(problems, f"{name}_factor", factor, INSPECTION_FACTOR)
        if factor != 1 and not reason.strip():
            problems.add(f"{name}_reason", f"an {name} factor other than 1 needs its reason")
        elif factor == 1 and reason.strip():
            # A reason with no factor (the RPC's empty factor is 1) would be kept in the trace as if it
            # had moved the value, when it did not: the assessor meant a factor and left it out.
            problems.add(f"{name}_reason", REASON_WITHOUT_FACTOR)
        check_free_text(problems, f"{name}_reason", reason, REASON_LENGTH)
    check_free_text(problems, "notes", result.notes, REASON_LENGTH)
    if len(result.photo_refs) > MAX_PHOTOS:
        problems.add("photo_refs", f"at most {MAX_PHOTOS} photo references")
    for index, ref in enumerate(result.photo_refs):
        if not ref.strip():
            problems.add(f"photo_refs[{index}]", "must not be empty")
        else:
            check_free_text(problems, f"photo_refs[{index}]", ref, NAME_LENGTH)


def _recorded_anything(result: FieldResult) -> bool:
    """Whether the result holds any finding: measured floors or plot, a factor or a reason, notes or a
    photo. Without one an inspection would propose the register's own value again as if it were the
    site's, and close the property's needs on nothing."""
    return bool(
        result.floors
        or result.plot_m2 is not None
        or result.inner_factor != 1
        or result.outer_factor != 1
        or result.inner_reason.strip()
        or result.outer_reason.strip()
        or result.notes.strip()
        or result.photo_refs
    )


def _check_number(problems: Violations, field: str, number: Decimal, limits: Bounds) -> None:
    try:
        check_decimal(number, limits)
    except ValueError as exc:
        problems.add(field, str(exc))


def factor_source(result: FieldResult, reason: str) -> str:
    """Where a factor comes from, as the trace names it: "befaring 2024-05-06, A1: slitt bad"."""
    source = f"befaring {result.inspected_on.isoformat()}, {result.assessor_id.strip()}"
    return f"{source}: {reason.strip()}" if reason.strip() else source


def measured_source(result: FieldResult, standard: str = "") -> str:
    """The source of an area the assessor measured: "measured on site by A1 on 2024-05-06 (NS 3940)"."""
    source = f"measured on site by {result.assessor_id.strip()} on {result.inspected_on.isoformat()}"
    return f"{source} ({standard})" if standard else source


def area_sources(result: FieldResult) -> tuple[str, str]:
    """(floors' source, plot's source) for the valuation's lines: measured on site, or the register's
    (the cadastre's) where the assessor measured nothing, said so, since the committee must tell them
    apart."""
    floors = measured_source(result, "NS 3940") if result.floors else REGISTER_FLOORS
    plot = measured_source(result) if result.plot_m2 is not None else REGISTER
    return floors, plot


def inspection_trace(
    result: FieldResult, register_floors: tuple[Floor, ...], register_plot_m2: Decimal
) -> tuple[TraceItem, ...]:
    """The inspection's own lines of a valuation's trace: who, when, what was measured, which figures
    came from the site and which from the register, the register's figures a measurement replaced (the
    register keeps them until the cadastre is corrected), what was noted, which photos."""
    source = factor_source(result, "")
    items = [
        TraceItem("inspection", result.inspected_on.isoformat(), source),
        TraceItem("assessor", result.assessor_id.strip(), source),
    ]
    if result.floors:
        items.append(
            TraceItem(
                "measured BRA m² by floor", _by_floor(result.floors), measured_source(result, "NS 3940")
            )
        )
    if result.plot_m2 is not None:
        items.append(TraceItem("measured plot m²", str(result.plot_m2), measured_source(result)))
    site, register = provenance(result)
    items.append(TraceItem("figures from the site", ", ".join(site), source))
    if register:
        items.append(TraceItem("figures from the register", ", ".join(register), REGISTER))
    if result.floors:
        items.append(
            TraceItem(
                "register BRA m² by floor, not used", _by_floor(register_floors) or "none", REGISTER_KEPT
            )
        )
    if result.plot_m2 is not None:
        items.append(TraceItem("register plot m², not used", str(register_plot_m2), REGISTER_KEPT))
    if result.notes.strip():
        items.append(TraceItem("notes", result.notes.strip(), source))
    items += [TraceItem("photo", ref.strip(), source) for ref in result.photo_refs]
    return tuple(items)


def provenance(result: FieldResult) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the figures measured or set on site, the figures taken from the register), as the trace and the
    proposal's reason name them."""
    site: list[str] = []
    register: list[str] = []
    (site if result.floors else register).append("BRA by floor")
    (site if result.plot_m2 is not None else register).append("plot m²")
    site += ["inner factor (IF)", "outer factor (YF)"]
    return tuple(site), tuple(register)


def proposal_reason(result: FieldResult) -> str:
    """The proposal's reason: "inspection 2024-05-06 by A1; from the site: BRA by floor, inner factor
    (IF), outer factor (YF); from the register: plot m²"."""
    site, register = provenance(result)
    reason = f"inspection {result.inspected_on.isoformat()} by {result.assessor_id.strip()}"
    reason += f"; from the site: {', '.join(site)}"
    return reason + (f"; from the register: {', '.join(register)}" if register else "")


def _by_floor(floors: tuple[Floor, ...]) -> str:
    return ", ".join(f"{f.level}: {f.bra_m2}" for f in floors)


def has_visit(plan: InspectionPlan, property_id: str) -> bool:
    """Whether the plan (a version of it) visits the property or left its visit unplanned: the versions
    planning_warnings has something to say about."""
    return plan.stop_of(property_id) is not None or any(
        u.property_id == property_id for u in plan.solution.unplanned
    )


def plan_of_visit(plans: Sequence[InspectionPlan], day: date) -> InspectionPlan | None:
    """Of the plans that visit a property (their latest versions, newest period first), the one an
    inspection on `day` is checked against: the first whose period holds the day; else the one ending
    last before it (the visit was late); else the one starting first after it (the visit was early).
    None when no plan visits the property. Not simply the latest plan: a later period's plan, made for
    other properties, says nothing about this visit."""
    holding = [p for p in plans if p.first_day <= day <= p.last_day]
    if holding:
        return holding[0]
    before = [p for p in plans if p.last_day < day]
    if before:
        return max(before, key=lambda p: (p.last_day, p.first_day))
    return min(plans, key=lambda p: (p.first_day, p.last_day), default=None)


def planning_warnings(result: FieldResult, plan: InspectionPlan | None) -> tuple[str, ...]:
    """What the office should look at when the plan that visits this property (`plan`, plan_of_visit;
    None when there is none) has its visit and the inspection went otherwise, each in words with dates as
    dd.mm.yyyy:

    - the assessor is none of the plan's assessors: "A9 is not an assessor of plan BEF-1A2B3C4D";
    - another assessor was sent: "assessor A2 was not planned for this property's visit (planned for
      06.05.2024 by A1)";
    - another day: "inspected on 07.05.2024, not on the planned day (planned for 06.05.2024 by A1)";
    - the assessor is away that day in the plan's absences: "A1 is absent on 07.05.2024 in plan
      1A2B3C4D (away 07.05.2024–10.05.2024)";
    - the latest version left the visit unplanned (a re-plan cancelled it, or it never fitted): "the
      latest version (2) of plan BEF-1A2B3C4D left this property's visit unplanned: A1 ill".

    The inspection is recorded all the same (the field decides who went, and when), and a property the
    plan neither visits nor left unplanned gives no warning: the office inspects without a plan too."""
    if plan is None:
        return ()
    visit = plan.stop_of(result.property_id)
    unplanned = next((u for u in plan.solution.unplanned if u.property_id == result.property_id), None)
    if visit is None and unplanned is None:
        return ()
    assessor = result.assessor_id.strip()
    day = result.inspected_on
    reference = plan_reference(plan.plan_id)
    warnings: list[str] = []
    if assessor not in {a.assessor_id for a in plan.assessors}:
        warnings.append(f"{assessor} is not an assessor of plan {reference}")
    if visit is not None:
        route, _ = visit
        planned = f"planned for {_dd_mm_yyyy(route.day)} by {route.assessor_id}"
        if route.assessor_id != assessor:
            warnings.append(f"assessor {assessor} was not planned for this property's visit ({planned})")
        if route.day != day:
            warnings.append(f"inspected on {_dd_mm_yyyy(day)}, not on the planned day ({planned})")
    away = next((a for a in plan.absences if a.covers(assessor, day)), None)
    if away is not None:
        warnings.append(
            f"{assessor} is absent on {_dd_mm_yyyy(day)} in plan {reference} "
            f"(away {_dd_mm_yyyy(away.first_day)}–{_dd_mm_yyyy(away.last_day)})"
        )
    if unplanned is not None:
        warnings.append(
            f"the latest version ({plan.version}) of plan {reference} left this property's visit "
            f"unplanned: {unplanned.reason}"
        )
    return tuple(warnings)


def _dd_mm_yyyy(day: date) -> str:
    """A date as the office writes it in a warning: 06.05.2024."""
    return day.strftime("%d.%m.%Y")


def findings(result: FieldResult, bra_m2: Decimal, value: Money, proposed: bool = True) -> str:
    """The findings in brief, as the appeal case files them: BRA, the factors with reasons, the value
    proposed, in Norwegian with decimal commas (the case's documents and its committee read them):
    "Befaring 2024-05-06 (A1): BRA 82,5 m²; indre faktor 0,9 (slitt bad); ytre faktor 1; foreslått
    takst 2 025 000,00 kr.". Not `proposed` (the property is valued from the tax authority's housing
    value, `value`): "…; ingen ny takst foreslått: eiendommen verdsettes etter Skatteetatens boligverdi
    (8 300 000,00 kr).", since a complaint about that value goes to the tax authority."""
    parts = [
        f"Befaring {result.inspected_on.isoformat()} ({result.assessor_id.strip()}): BRA {_comma(bra_m2)} m²"
    ]
    for name, factor, reason in (
        ("indre faktor", result.inner_factor, result.inner_reason),
        ("ytre faktor", result.outer_factor, result.outer_reason),
    ):
        parts.append(f"{name} {_comma(factor)}" + (f" ({reason.strip()})" if reason.strip() else ""))
    if proposed:
        parts.append(f"foreslått takst {value.kroner()}")
    else:
        kept = f"eiendommen verdsettes etter Skatteetatens boligverdi ({value.kroner()})"
        parts.append(f"ingen ny takst foreslått: {kept}")
    return "; ".join(parts) + "."


def housing_value_kept(housing_value: Money, formula: Money | None) -> str:
    """The warning when an inspection of a property valued from the tax authority's housing value made no
    proposal: "the property is valued from the tax authority's housing value (8 300 000 kr); the findings
    are recorded without a standard-rate proposal (the formula would give 4 612 500 kr): …". `formula`:
    None when the formula cannot value it (no zone, too little area)."""
    would = f" (the formula would give {_kr(formula)})" if formula is not None else ""
    return (
        f"the property is valued from the tax authority's housing value ({_kr(housing_value)}); the findings "
        f"are recorded without a standard-rate proposal{would}: a complaint about the housing value goes to "
        "the tax authority"
    )


def housing_value_replaced(housing_value: Money, proposal: Money, why: str) -> str:
    """The warning when a proposal is made for a property whose standing value is the tax authority's
    housing value (`why` the stored housing values cannot value it now): "the property is valued from the
    tax authority's housing value (8 300 000 kr); this proposal (4 612 500 kr) replaces it only if adopted
    (…)"."""
    return (
        f"the property is valued from the tax authority's housing value ({_kr(housing_value)}); this "
        f"proposal ({_kr(proposal)}) replaces it only if adopted ({why})"
    )


def _kr(amount: Money) -> str:
    """An amount in a warning: "8 300 000 kr", the øre only when there are any ("1 250,50 kr")."""
    text = amount.kroner()
    return text.removesuffix(",00 kr") + " kr" if text.endswith(",00 kr") else text


def _comma(number: Decimal) -> str:
    """A number as Norwegian text writes it: a space between thousands, a decimal comma, never an
    exponent ("82,5", "0,95", "1 250")."""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    sign = "-" if number < 0 else ""
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sign + " ".join(groups) + (f",{fraction}" if fraction else "")
