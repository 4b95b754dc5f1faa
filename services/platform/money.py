"""Exact money: whole øre in an int, made from Decimal or text through one factory, never from float."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ORE_PER_KRONE = 100
_ONE_ORE = Decimal("0.01")


def to_decimal(value: str | int | Decimal) -> Decimal:
    """The one number factory: refuses floats, which cannot hold øre exactly."""
    if type(value) is Decimal:
        if not value.is_finite():
            raise ValueError(f"not a finite number: {value!r}")
        return _within_reach(value)
    if isinstance(value, bool | float):
        raise TypeError("money is never made from float or bool; use str, int or Decimal")
    try:
        number = Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return _within_reach(number)


def _within_reach(number: Decimal) -> Decimal:
    # Far beyond any amount (10^20 kr) or finer than any (10^-40): arithmetic on such numbers ends in
    # decimal.InvalidOperation or takes minutes, so they are refused here, as bad input, at the one factory.
    exponent = number.as_tuple().exponent
    if number.adjusted() > 20 or (isinstance(exponent, int) and exponent < -40):
        raise ValueError(f"out of range: {str(number)[:40]!r}")
    return number


@dataclass(frozen=True, order=True, slots=True)
class Money:
    """An amount in NOK held as whole øre."""

    ore: int

    def __post_init__(self) -> None:
        if type(self.ore) is not int:  # bool is an int subclass and is refused too
            raise TypeError("Money holds whole øre as int")

    @classmethod
    def zero(cls) -> Money:
        return cls(0)

    @classmethod
    def of(cls, nok: str | int | Decimal) -> Money:
        """NOK given exactly (at most two decimals), e.g. Money.of("4480.00")."""
        number = to_decimal(nok)
        ore = number * ORE_PER_KRONE
        if ore != ore.to_integral_value():
            raise ValueError(f"{nok!r} has fractions of an øre; round it explicitly with Money.rounded")
        return cls(int(ore))

    @classmethod
    def rounded(cls, nok: str | int | Decimal) -> Money:
        """NOK rounded to the øre, half away from zero (the project's one rounding rule)."""
        number = to_decimal(nok).quantize(_ONE_ORE, rounding=ROUND_HALF_UP)
        return cls(int(number * ORE_PER_KRONE))

    @property
    def nok(self) -> Decimal:
        return (Decimal(self.ore) / ORE_PER_KRONE).quantize(_ONE_ORE)

    def __add__(self, other: Money) -> Money:
        return Money(self.ore + other.ore)

    def __sub__(self, other: Money) -> Money:
        return Money(self.ore - other.ore)

    def __neg__(self) -> Money:
        return Money(-self.ore)

    def times(self, factor: str | int | Decimal) -> Money:
        """This amount times an exact factor, rounded to the øre."""
        return Money.rounded(self.nok * to_decimal(factor))

    def kroner(self) -> str:
        """As Norwegian letters write it: "-1 234 567,50 kr" (space between thousands, decimal comma)."""
        whole, _, fraction = f"{abs(self.nok):.2f}".partition(".")
        groups: list[str] = []
        while whole:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        return f"{'-' if self.ore < 0 else ''}{' '.join(groups)},{fraction} kr"

    def __str__(self) -> str:
        return f"{self.nok} NOK"
