"""Numbers people type: read from text within a plausible range and precision, or refused with a reason.

Every numeric input (meter readings, areas, values, shares, counts, amounts) goes through `read_decimal`
with its own bounds, so that absurd numbers ("1e12" m³, 29-digit readings, "1e2000000") are refused with
a message before any arithmetic sees them. The text is bounded before it is converted: `Decimal("1e2000000")`
is cheap, but a later `quantize` or `int()` of it is not, and a string of a million digits is slow to
convert at all.

Both decimal separators are accepted ("132,5" and "132.5"), as are spaces and no-break spaces between
thousands ("7 500 000,50"). A text with both "," and "." is refused rather than guessed at.
"""

from __future__ import annotations

import numbers as number_types
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from services.platform.identity import mask_national_ids
from services.platform.money import Money

MAX_TEXT_LENGTH = 40  # longer than any plausible number written out, "-999 999 999 999,99" is 19
# ASCII digits only: Decimal() would read "１２" (full-width) or "١٢" (Arabic-Indic) as 12, which a person
# reading the stored text or a log would not recognise as the number typed.
_PLAIN = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


@dataclass(frozen=True, slots=True)
class Bounds:
    """A plausible range and precision for one kind of number.

    minimum, maximum: inclusive; decimals: the most digits after the point (0 for whole numbers);
    example: shown in messages, e.g. "132,5"."""

    minimum: Decimal
    maximum: Decimal
    decimals: int
    example: str

    def describe(self) -> str:
        kind = "a whole number" if self.decimals == 0 else f"a number with at most {self.decimals} decimals"
        return f"{kind} from {_plain(self.minimum)} to {_plain(self.maximum)} (e.g. {self.example})"


def bounds(minimum: int | str, maximum: int | str, decimals: int, example: str) -> Bounds:
    return Bounds(Decimal(minimum), Decimal(maximum), decimals, example)


# The project's common kinds of number. A use with other limits makes its own `bounds(...)`.
NOK = bounds(0, "100000000000", 2, "7500000,50")  # up to 100 billion kr: a value or an amount
SIGNED_NOK = bounds("-100000000000", "100000000000", 2, "-1250,00")
AREA_M2 = bounds(0, "10000000", 2, "132,5")  # up to 10 km²
METER_M3 = bounds(0, "10000000", 3, "132,5")  # a year's water through one meter
FACTOR = bounds(0, 100, 6, "1,15")
PER_MILLE = bounds(0, 100, 6, "2,5")
COUNT = bounds(0, 100000, 0, "3")
YEAR = bounds(1900, 2200, 0, "2024")


def _plain(number: Decimal) -> str:
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _echoed(written: str) -> str:
    """The input as quoted in a message: escapes make 40 odd characters ten times longer, so the quoted
    form is cut at 40 characters too."""
    quoted = repr(mask_national_ids(written))  # 11 digits typed where a number was asked may be one
    return quoted if len(quoted) <= MAX_TEXT_LENGTH + 2 else quoted[:MAX_TEXT_LENGTH] + "…'"


def read_decimal(text: str, limits: Bounds) -> Decimal:
    """The number written in `text`, within `limits`.

    Raises ValueError with a message for a person (it names the limits, never echoes more than 40
    characters of the input) when the text is not a number, has too many decimals, or is out of range.
    Never raises decimal.InvalidOperation."""
    written = text.strip()
    if len(written) > MAX_TEXT_LENGTH:
        raise ValueError(f"is too long to be a number; expected {limits.describe()}")
    cleaned = written.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if "," in cleaned:
        if "." in cleaned or cleaned.count(",") > 1:
            raise ValueError(f"{_echoed(written)} mixes separators; expected {limits.describe()}")
        cleaned = cleaned.replace(",", ".")
    if not _PLAIN.fullmatch(cleaned):
        if any(c.isdigit() and not c.isascii() for c in cleaned):
            raise ValueError(
                f"{_echoed(written)} has digits other than 0-9; type it with 0-9, e.g. {limits.example}"
            )
        raise ValueError(f"{_echoed(written)} is not a number; expected {limits.describe()}")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:  # the pattern above lets only well-formed numbers through
        raise ValueError(f"{_echoed(written)} is not a number; expected {limits.describe()}") from None
    return check_decimal(number, limits, written)


def check_decimal(number: Decimal, limits: Bounds, written: str | None = None) -> Decimal:
    """`number` when it is finite, within `limits` and has at most their decimals; else ValueError.
    A negative zero ("-0", "-0,00") is zero: a stored or echoed value never reads "-0"."""
    shown = _echoed(written) if written is not None else _shown(number)
    if not number.is_finite():
        raise ValueError(f"{shown} is not a number; expected {limits.describe()}")
    # Compare exponents before values: comparing 1e400 with the maximum is exact and cheap, but a
    # normalize() or quantize() of it is where InvalidOperation and long computations come from.
    if number.adjusted() > 20 or not limits.minimum <= number <= limits.maximum:
        raise ValueError(f"{shown} is out of range; expected {limits.describe()}")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_TEXT_LENGTH:
        raise ValueError(f"{shown} has too many decimals; expected {limits.describe()}")
    if isinstance(exponent, int) and exponent < -limits.decimals and number != number.to_integral_value():
        digits = number.normalize().as_tuple().exponent
        if isinstance(digits, int) and -digits > limits.decimals:
            raise ValueError(f"{shown} has too many decimals; expected {limits.describe()}")
    if number.is_zero():  # "-0" → "0", "-0,00" → "0.00", "0e5" → "0"
        return abs(number) if isinstance(exponent, int) and exponent < 0 else Decimal(0)
    return number


def read_int(text: str, limits: Bounds) -> int:
    """A whole number in `text` within `limits` (whose decimals are ignored); ValueError otherwise."""
    whole = Bounds(limits.minimum, limits.maximum, 0, limits.example)
    return int(read_decimal(text, whole))


def _shown(number: Decimal) -> str:
    text = mask_national_ids(str(number))
    return repr(text if len(text) <= MAX_TEXT_LENGTH else text[:MAX_TEXT_LENGTH] + "…")


def read_nok(text: str, limits: Bounds = NOK) -> Money:
    """An amount in kroner written in `text` (at most `limits.decimals`, normally two), as Money."""
    return Money.of(read_decimal(text, limits))


def check_money(amount: Money, limits: Bounds = NOK) -> Money:
    """`amount` when it is within `limits` (e.g. an amount given in øre over gRPC); else ValueError."""
    check_decimal(Decimal(amount.ore).scaleb(-2), limits)
    return amount


def read_node(node: Any, limits: Bounds) -> Decimal:
    """A number from a parsed document (YAML, JSON, a GeoJSON property): int, float, Decimal or text.

    A float is read from its shortest decimal text ("2.8", not 2.79999…), which is what was written;
    booleans and missing values are refused, and so is a whole number too long to be plausible."""
    if node is None or isinstance(node, bool):
        raise ValueError(f"must be a number; expected {limits.describe()}")
    if isinstance(node, number_types.Integral):  # also numpy's integers, from GeoJSON properties
        node = int(node)
        if node.bit_length() > 80:  # about 24 digits: out of any range, and str() of it can be slow
            raise ValueError(f"is out of range; expected {limits.describe()}")
        return check_decimal(Decimal(node), limits)
    if isinstance(node, Decimal):
        return check_decimal(node, limits)
    if isinstance(node, float):  # also numpy's float64
        return read_decimal(repr(float(node)), limits)
    if isinstance(node, str):
        return read_decimal(node, limits)
    raise ValueError(f"must be a number, not a {type(node).__name__}; expected {limits.describe()}")
