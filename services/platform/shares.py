"""Ownership shares as people write them, in owners files and on the command line."""

from __future__ import annotations

from fractions import Fraction

from services.platform.numbers import bounds, read_decimal

__all__ = ["read_share"]

_SHARE_DECIMALS = bounds(0, 1, 6, "0,5")


def read_share(text: str) -> Fraction:
    """A share as people write it: a fraction "1/2", "1/3" (kept exact), a decimal "0,5" or "0.5", or "1";
    ValueError with a sentence for a person."""
    written = text.strip()
    if "/" in written:
        numerator, _, denominator = written.partition("/")
        if not (numerator.strip().isdigit() and denominator.strip().isdigit()):
            raise ValueError(f"{written[:40]!r} is not a share; write it as 1/2 or 0,5")
        if int(denominator) == 0 or int(numerator) == 0 or int(numerator) > int(denominator):
            raise ValueError(f"{written[:40]!r}: a share is above 0 and at most 1, e.g. 1/2")
        if int(denominator) > 1_000_000:
            raise ValueError(f"{written[:40]!r}: the denominator may be at most 1 000 000")
        return Fraction(int(numerator), int(denominator))
    if not written:
        raise ValueError("is required (1/2, 0,5, or 1 for a sole owner)")
    share = Fraction(read_decimal(written, _SHARE_DECIMALS))
    if share == 0:
        raise ValueError(f"{written[:40]!r}: a share is above 0 and at most 1, e.g. 1/2")
    return share
