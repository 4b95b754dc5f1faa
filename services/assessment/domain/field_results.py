"""What an assessor found on site, and the standard-rate valuation it gives (DOMAIN.md § 1): measured BRA
per floor, inner and outer factor with their reasons, notes and photo references, all kept in the trace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.assessment.domain.inspection_planning import InspectionPlan
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
    the assessor; floors (levels −5..99, BRA as the register's bounds, each level once); the plot; each
    factor within INSPECTION_FACTOR, with a reason when it is not 1; notes, reasons and photo references
    as free text without identity numbers."""
    if not result.property_id.strip():
        problems.add("property_id", "is required")
    if result.inspected_on > today:
        problems.add("inspected_on", f"cannot be after today ({today.isoformat()})")
    if not result.assessor_id.strip():
        problems.add("assessor_id", "is required")
    else:
        check_free_text(problems, "assessor_id", result.assessor_id, 64)
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
        check_free_text(problems, f"{name}_reason", reason, REASON_LENGTH)
    check_free_text(problems, "notes", result.notes, REASON_LENGTH)
    if len(result.photo_refs) > MAX_PHOTOS:
        problems.add("photo_refs", f"at most {MAX_PHOTOS} photo references")
    for index, ref in enumerate(result.photo_refs):
        if not ref.strip():
            problems.add(f"photo_refs[{index}]", "must not be empty")
        else:
            check_free_text(problems, f"photo_refs[{index}]", ref, NAME_LENGTH)


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


def planning_warnings(result: FieldResult, plan: InspectionPlan | None) -> tuple[str, ...]:
    """What the office should look at when the latest plan (`plan`, None when there is none) visits the
    property with other assessors than the one who recorded it: "assessor A2 was not planned for this
    property's visit (planned: A1 on 2024-05-06)". The inspection is recorded all the same (the field
    decides who went), and a property the plan does not visit gives no warning: the office inspects
    without a plan too."""
    visit = plan.stop_of(result.property_id) if plan is not None else None
    if visit is None:
        return ()
    route, _ = visit
    assessor = result.assessor_id.strip()
    if route.assessor_id == assessor:
        return ()
    planned = f"{route.assessor_id} on {route.day.isoformat()}"
    return (f"assessor {assessor} was not planned for this property's visit (planned: {planned})",)


def findings(result: FieldResult, bra_m2: Decimal, value: Money) -> str:
    """The findings in brief, as the appeal case files them: BRA, the factors with reasons, the value
    proposed, in Norwegian with decimal commas (the case's documents and its committee read them):
    "Befaring 2024-05-06 (A1): BRA 82,5 m²; indre faktor 0,9 (slitt bad); ytre faktor 1; foreslått
    takst 2 025 000,00 kr."."""
    parts = [
        f"Befaring {result.inspected_on.isoformat()} ({result.assessor_id.strip()}): BRA {_comma(bra_m2)} m²"
    ]
    for name, factor, reason in (
        ("indre faktor", result.inner_factor, result.inner_reason),
        ("ytre faktor", result.outer_factor, result.outer_reason),
    ):
        parts.append(f"{name} {_comma(factor)}" + (f" ({reason.strip()})" if reason.strip() else ""))
    parts.append(f"foreslått takst {value.kroner()}")
    return "; ".join(parts) + "."


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
