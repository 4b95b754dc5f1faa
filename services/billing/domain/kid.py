"""KID (kundeidentifikasjon): the payment reference on an invoice, digits with a check digit last.

MOD10 is Luhn (weights 2, 1, 2, … from the right, digit sums); MOD11 uses weights 2–7 repeating from the
right, check = 11 − remainder, where 11 gives 0 and 10 gives '-'. A KID ending in '-' cannot be paid
through every channel, so `new_kid` never issues one.
"""

from __future__ import annotations

from enum import StrEnum


class KidMethod(StrEnum):
    MOD10 = "mod10"
    MOD11 = "mod11"


def _digits(base: str) -> str:
    if not base or not base.isdigit():
        raise ValueError("a KID base is one or more digits")
    return base


def mod10_check(base: str) -> str:
    total = 0
    for position, char in enumerate(reversed(_digits(base))):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return str((10 - total % 10) % 10)


def mod11_check(base: str) -> str:
    total = sum(int(char) * (2 + position % 6) for position, char in enumerate(reversed(_digits(base))))
    check = 11 - total % 11
    return "0" if check == 11 else "-" if check == 10 else str(check)


def with_check_digit(base: str, method: KidMethod) -> str:
    return base + (mod10_check(base) if method == KidMethod.MOD10 else mod11_check(base))


def is_valid_kid(kid: str, method: KidMethod) -> bool:
    if len(kid) < 2 or not kid[:-1].isdigit():
        return False
    return with_check_digit(kid[:-1], method) == kid


def new_kid(invoice_number: int, method: KidMethod, length: int = 15) -> str:
    """A KID of `length` digits for an invoice: the invoice number zero-padded, one spare digit that is
    raised when MOD11 would end the KID in '-', and the check digit."""
    if invoice_number < 0:
        raise ValueError("invoice numbers are not negative")
    body = f"{invoice_number:0{length - 2}d}"
    if len(body) != length - 2:
        raise ValueError(f"invoice number {invoice_number} does not fit a {length}-digit KID")
    for spare in range(10):
        kid = with_check_digit(f"{body}{spare}", method)
        if not kid.endswith("-"):
            return kid
    raise AssertionError("unreachable: two consecutive spare digits cannot both give '-'")
