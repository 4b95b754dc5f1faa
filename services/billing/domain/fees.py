"""Municipal fees for a year: water and sewage (subscription per unit plus consumption, metered or
estimated from BRA), waste per unit, chimney sweeping per chimney, with the half-fee cases and VAT.

Each fee is a line: what, how many, at what price, the amount and its VAT rate. Amounts are exact øre,
each line's amount rounded once, half away from zero; VAT is computed per rate on the sum of the lines
(as EN 16931 does on an invoice), so that it is never off by rounded øre.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from services.platform.errors import FailedPrecondition
from services.platform.money import Money
from services.platform.numbers import METER_M3, check_decimal

HALF = Decimal("0.5")
MAX_LINE_NOK = Decimal(10) ** 13  # 10 trillion kr; an invoice holds up to about 9 × 10^16 kr (64-bit øre)


def decimal_words(number: Decimal) -> str:
    """98.30 → '98,3'; 4 → '4'; 0.5 → '0,5': a number as invoice text writes it (a decimal comma, no
    trailing zeros)."""
    text = f"{number.normalize():f}" if number == number.to_integral() else f"{number:f}".rstrip("0")
    return text.replace(".", ",")


@dataclass(frozen=True)
class FeeLine:
    code: str  # e.g. "water_consumption"
    description: str  # Norwegian bokmål: it is printed on the invoice
    quantity: Decimal
    unit_price: Money
    amount: Money  # excluding VAT
    vat_rate: Decimal


def vat_by_rate(lines: list[FeeLine]) -> dict[Decimal, Money]:
    totals: dict[Decimal, int] = {}
    for line in lines:
        totals[line.vat_rate] = totals.get(line.vat_rate, 0) + line.amount.ore
    return {rate: Money.rounded(Money(ore).nok * rate) for rate, ore in sorted(totals.items())}


def total_with_vat(lines: list[FeeLine]) -> Money:
    return Money(sum(line.amount.ore for line in lines) + sum(v.ore for v in vat_by_rate(lines).values()))


@dataclass(frozen=True)
class WaterSewageRates:
    subscription_per_unit: Money  # fixed part, per dwelling unit and year
    water_per_m3: Money
    sewage_per_m3: Money
    m3_per_m2_bra: Decimal  # estimate when there is no meter (Oslo: 1.3)
    vat_rate: Decimal  # 0.25


def _line(
    code: str, text: str, quantity: Decimal, price: Money, factor: Decimal, vat_rate: Decimal
) -> FeeLine:
    amount = quantity * price.nok * factor
    if abs(amount) > MAX_LINE_NOK:  # bounded inputs cannot get here; a stored oddity must not overflow
        raise FailedPrecondition(
            f"the fee {code!r} would be {quantity:.3g} × {price.nok} kr, beyond any plausible amount; "
            "check the fee schedule and the property's fee facts"
        )
    return FeeLine(code, text, quantity, price, Money.rounded(amount), vat_rate)


def water_and_sewage(
    rates: WaterSewageRates,
    *,
    units: int,
    bra_m2: Decimal,
    metered_m3: Decimal | None = None,
    summer_only: bool = False,
    no_wc: bool = False,
) -> list[FeeLine]:
    """A summer-only connection pays half of everything; a property without WC half the sewage fee."""
    if units < 0 or bra_m2 < 0 or (metered_m3 is not None and metered_m3 < 0):
        raise ValueError("units, area and consumption are not negative")
    if metered_m3 is not None:
        try:
            check_decimal(metered_m3, METER_M3)
        except ValueError as exc:  # stored before readings were bounded: refused, never computed with
            raise FailedPrecondition(
                f"a recorded meter reading {exc}; record the property's reading for the year again"
            ) from None
    whole = HALF if summer_only else Decimal(1)
    if metered_m3 is not None:
        m3, how = metered_m3, "målt forbruk"
    else:
        m3, how = (
            (bra_m2 * rates.m3_per_m2_bra).quantize(Decimal("0.01")),
            f"stipulert: {decimal_words(bra_m2)} m² × {decimal_words(rates.m3_per_m2_bra)}",
        )
    vat = rates.vat_rate
    return [
        _line(
            "subscription",
            "Abonnementsgebyr vann og avløp",
            Decimal(units),
            rates.subscription_per_unit,
            whole,
            vat,
        ),
        _line("water_consumption", f"Vann, forbruk m³ ({how})", m3, rates.water_per_m3, whole, vat),
        _line(
            "sewage_consumption",
            f"Avløp, forbruk m³ ({how}){', halvt gebyr uten WC' if no_wc else ''}",
            m3,
            rates.sewage_per_m3,
            whole * (HALF if no_wc else Decimal(1)),
            vat,
        ),
    ]


def per_unit_fee(code: str, text: str, count: int, price: Money, vat_rate: Decimal) -> FeeLine:
    """Waste per dwelling unit, chimney sweeping per chimney, and other fees of the same shape."""
    if count < 0:
        raise ValueError("a count is not negative")
    return _line(code, text, Decimal(count), price, Decimal(1), vat_rate)
