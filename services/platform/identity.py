"""Norwegian identity numbers: check digits, and masking so that they never reach logs or events."""

from __future__ import annotations

import re

_FNR_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_FNR_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_ORG_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
_ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{11}(?!\d)")


def _mod11_check(digits: str, weights: tuple[int, ...]) -> int | None:
    """The MOD11 check digit, or None where the remainder makes the number invalid (10)."""
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    check = (11 - remainder) % 11
    return None if check == 10 else check


def is_valid_national_id(number: str) -> bool:
    """Fødselsnummer or D-number (synthetic test numbers included): both check digits."""
    if len(number) != 11 or not number.isdigit():
        return False
    k1 = _mod11_check(number[:9], _FNR_K1)
    if k1 is None or k1 != int(number[9]):
        return False
    k2 = _mod11_check(number[:10], _FNR_K2)
    return k2 is not None and k2 == int(number[10])


def is_valid_organisation_number(number: str) -> bool:
    if len(number) != 9 or not number.isdigit():
        return False
    check = _mod11_check(number[:8], _ORG_WEIGHTS)
    return check is not None and check == int(number[8])


def mask_national_ids(text: str) -> str:
    """Replaces every valid national identity number in free text with asterisks."""
    return _ELEVEN_DIGITS.sub(lambda m: "*" * 11 if is_valid_national_id(m.group(0)) else m.group(0), text)
