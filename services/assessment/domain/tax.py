"""From an adopted value to the year's tax base and tax.

Rounding rule (the one the whole system uses): the reduced value is rounded to the øre, the deduction is
subtracted, and the tax (tax base × rate ‰) is rounded to the øre, half away from zero; nothing is
rounded twice and no float is ever involved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from services.assessment.domain.decision import HOUSING_CATEGORIES, LegalLimits, TaxYearDecision
from services.assessment.domain.exemptions import describe, is_mandatory
from services.assessment.domain.property import PropertyCategory
from services.assessment.domain.valuation import TraceItem, ValuationNeed, describe_needs
from services.platform.money import Money

PER_MILLE = Decimal(1000)
ZERO = Money(0)


class TaxStatus(StrEnum):
    TAXED = "taxed"
    EXEMPT = "exempt"  # on the exempt list
    OUT_OF_SCOPE = "out_of_scope"  # the decision does not tax this category or area
    BELOW_MINIMUM = "below_minimum"  # computed tax under the decision's minimum: not billed
    # No adopted valuation above 0 kr, or an open valuation need (whatever older valuation there is):
    # the property needs a valuation.
    NOT_VALUED = "not_valued"


@dataclass(frozen=True)
class TaxableProperty:
    property_id: str
    category: PropertyCategory
    dwelling_units: int
    exemption_code: str = ""
    built_up: bool = True


@dataclass(frozen=True)
class AdoptedValue:
    value: Money
    version: int


@dataclass(frozen=True)
class TaxBase:
    property_id: str
    tax_year: int
    category: PropertyCategory
    dwelling_units: int
    status: TaxStatus
    value: Money
    reduction: Decimal
    deduction: Money
    tax_base: Money
    rate_per_mille: Decimal
    tax: Money
    valuation_version: int
    exemption_code: str
    trace: tuple[TraceItem, ...]


def determine_tax(
    prop: TaxableProperty,
    valuation: AdoptedValue | None,
    decision: TaxYearDecision,
    limits: LegalLimits,
    needs: Sequence[ValuationNeed] = (),
) -> TaxBase:
    """The tax base of a property for the decision's year.

    A property in scope and not exempt is NOT_VALUED, never taxed and never on the tax list as if valued,
    when it has no adopted value above 0 kr (a value of 0 kr is no valuation) or when it has an open
    valuation need (`needs`, every reason): then the register says its current value cannot be determined
    (e.g. the tax authority now gives a dwelling unit 0 kr), so an older valuation, adopted before the
    cause arose, is no longer its value. The need's reasons are in the trace, and the older valuation is
    named there as not used. A need goes only when its own cause is cured or an assessor or committee
    values the property (which clears it)."""
    rate = decision.rate_for(prop.category)
    code = prop.exemption_code
    status: TaxStatus | None = None
    trace: tuple[TraceItem, ...] = ()
    version = valuation.version if valuation else 0
    if rate == 0 or not decision.in_scope(prop.category, prop.built_up):
        status = TaxStatus.OUT_OF_SCOPE
    elif code and (is_mandatory(code) or code in decision.optional_exemptions):
        status = TaxStatus.EXEMPT
        trace = (TraceItem("exemption", describe(code), "eigedomsskattelova"),)
    elif needs:
        status = TaxStatus.NOT_VALUED
        trace = (TraceItem("not valued", describe_needs(needs), "needs a valuation"),)
        if valuation is not None:
            trace += (
                TraceItem(
                    "not used: value",
                    str(valuation.value.nok),
                    f"valuation v{valuation.version}: not the value while the property needs a valuation",
                ),
            )
        version = 0  # no valuation is the basis of this tax base
    elif valuation is None or valuation.value.ore <= 0:
        status = TaxStatus.NOT_VALUED
        reason = (
            f"valuation v{valuation.version} is 0 kr" if valuation is not None else "no adopted valuation"
        )
        trace = (TraceItem("not valued", reason, "needs a valuation"),)
    if status is not None:
        return TaxBase(
            property_id=prop.property_id,
            tax_year=decision.year,
            category=prop.category,
            dwelling_units=prop.dwelling_units,
            status=status,
            value=ZERO,
            reduction=Decimal(0),
            deduction=ZERO,
            tax_base=ZERO,
            rate_per_mille=rate,
            tax=ZERO,
            valuation_version=version,
            exemption_code=code,
            trace=trace,
        )
    assert valuation is not None
    year = f"decision {decision.year}"
    reduction = decision.reduction_factor
    reduction_source = "local reduction factor"
    if prop.category in HOUSING_CATEGORIES and limits.statutory_reduction >= reduction:
        reduction, reduction_source = limits.statutory_reduction, "statutory reduction (§ 8 A-2)"
    steps = [
        TraceItem("value", str(valuation.value.nok), f"valuation v{valuation.version}"),
        TraceItem("reduction", str(reduction), f"{reduction_source}, the higher applies"),
    ]
    reduced = Money.rounded(valuation.value.nok * (1 - reduction))
    deduction = ZERO
    if prop.category in HOUSING_CATEGORIES:
        deduction = Money(decision.basic_deduction.ore * prop.dwelling_units)
        steps.append(
            TraceItem(
                "basic deduction", f"{decision.basic_deduction.nok} × {prop.dwelling_units} units", year
            )
        )
    base = max(ZERO, reduced - deduction)
    tax = Money.rounded(base.nok * rate / PER_MILLE)
    steps += [
        TraceItem("tax base", str(base.nok), "value × (1 − reduction) − deduction"),
        TraceItem("rate ‰", str(rate), year),
        TraceItem("tax", str(tax.nok), "tax base × rate ‰"),
    ]
    status = TaxStatus.TAXED
    if 0 < tax.ore < decision.minimum_amount.ore:
        status = TaxStatus.BELOW_MINIMUM
        steps.append(TraceItem("minimum amount", str(decision.minimum_amount.nok), year))
    return TaxBase(
        property_id=prop.property_id,
        tax_year=decision.year,
        category=prop.category,
        dwelling_units=prop.dwelling_units,
        status=status,
        value=valuation.value,
        reduction=reduction,
        deduction=deduction,
        tax_base=base,
        rate_per_mille=rate,
        tax=tax if status == TaxStatus.TAXED else ZERO,
        valuation_version=valuation.version,
        exemption_code=code,
        trace=tuple(steps),
    )
