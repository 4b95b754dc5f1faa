"""Norwegian identity numbers: check digits, and masking so that they never reach logs or events.

Fødselsnummer and D-number: d1 d2 m1 m2 å1 å2 i1 i2 i3 k1 k2 (a D-number adds 4 to d1; the national
synthetic test numbers add 80 to the month). Two check-digit rules are in force side by side:

* issued before 2032: k1 = 11 − (S mod 11), where S = 3·d1 + 7·d2 + 6·m1 + 1·m2 + 8·å1 + 9·å2 + 4·i1 + 5·i2
  + 2·i3 (11 → 0, 10 → the number is never issued). Put otherwise: (S + 1·k1) mod 11 = 0.
* issued from 1 January 2032 (also to people born before): k1 = {11, 12, 13, 14} − (S mod 11), so that
  (S + 1·k1) mod 11 may be 0, 1, 2 or 3; k1 is still one digit (a result of 10 is never issued).
* k2 is unchanged under both: k2 = 11 − (T mod 11) over d1…i3 and k1 with weights 5,4,3,2,7,6,5,4,3,2
  (11 → 0, 10 → never issued).

Source: Skatteetaten, "Nytt fødselsnummer fra 2032" (Folkeregisteret API documentation, "Hvordan beregnes
kontrollsifre etter 01.01.2032?"): systems "må kunne lese både dagens og ny kontrollberegning parallelt";
"rest etter moduluskontrollen [tillater] 0, 1, 2 og 3". Its worked examples are test vectors here
(02013299997, 30108299920, 30108299939).

Every number the old rule accepts, the new rule accepts too, so accepting "either rule" is accepting the 2032
rule. python-stdnum (stdnum.no.fodselsnummer, up to 2.2 and its main branch as of 2026) knows only the old
rule and also refuses the synthetic test numbers (month + 80), so the check stays ours.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from services.platform.errors import Violations

_FNR_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)  # over d1…i3 and k1 itself
_FNR_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_ORG_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
# The remainders of (S + k1) mod 11 each rule allows.
_K1_REMAINDERS_BEFORE_2032 = frozenset({0})
_K1_REMAINDERS_FROM_2032 = frozenset({0, 1, 2, 3})

# An identity number as people write it, never inside a longer run of digits:
# * the date: six digits together ("150332") or day, month and year apart with dots or slashes
#   ("15.03.32", "15/03/32", the same separator twice);
# * then, apart or not, the personal number: five digits together ("90036") or split 3 + 2 ("900 36");
# apart meaning up to three spaces of any kind, dashes of any kind (hyphen, non-breaking hyphen, en dash,
# minus) or invisible characters (zero-width space, soft hyphen, word joiner, BOM): "150332 90036",
# "15.03.32-900 36", "150332\u200b90036".
# Any decimal digits (\d: also full-width and other scripts' digits): masking misses no way of writing it.
# Every form must still pass the check digits, which is what keeps dates, amounts, phone numbers
# ("21 80 21 80"), postcodes and cadastral ids (0301-10/1/0/0) out: only about 1 in 30 of the 11-digit
# numbers with a valid date is a valid identity number, and these forms need all 11 digits.
_APART = "(?:[\\s\u00ad\u200b-\u200f\u2010-\u2015\u2060\ufeff\u2212-]{1,3})"
_NATIONAL_ID_FORMS = re.compile(
    rf"(?<!\d)(\d{{2}})([./]?)(\d{{2}})\2(\d{{2}}){_APART}?(\d{{3}}){_APART}?(\d{{2}})(?!\d)"
)


def _weighted_mod11(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11


def _mod11_check(digits: str, weights: tuple[int, ...]) -> int | None:
    """The MOD11 check digit, or None where the remainder makes the number invalid (10)."""
    check = (11 - _weighted_mod11(digits, weights)) % 11
    return None if check == 10 else check


def _has_valid_check_digits(number: str, k1_remainders: frozenset[int]) -> bool:
    if len(number) != 11 or not number.isascii() or not number.isdigit():
        return False
    if _weighted_mod11(number[:10], _FNR_K1) not in k1_remainders:
        return False
    k2 = _mod11_check(number[:10], _FNR_K2)
    return k2 is not None and k2 == int(number[10])


def is_valid_national_id(number: str) -> bool:
    """Fødselsnummer or D-number (synthetic test numbers included), issued before 2032 or from 2032:
    k1 by either rule (see the module's docstring), k2 as always."""
    return _has_valid_check_digits(number, _K1_REMAINDERS_FROM_2032)


def is_valid_national_id_before_2032(number: str) -> bool:
    """Only the rule for numbers issued before 2032 ((S + k1) mod 11 = 0); for making numbers of that era."""
    return _has_valid_check_digits(number, _K1_REMAINDERS_BEFORE_2032)


def is_valid_organisation_number(number: str) -> bool:
    if len(number) != 9 or not number.isascii() or not number.isdigit():
        return False
    check = _mod11_check(number[:8], _ORG_WEIGHTS[:8])
    return check is not None and check == int(number[8])


def _national_ids(text: str) -> Iterator[re.Match[str]]:
    for match in _NATIONAL_ID_FORMS.finditer(text):
        written = match.group(1) + match.group(3) + match.group(4) + match.group(5) + match.group(6)
        digits = "".join(str(unicodedata.decimal(c)) for c in written)
        if is_valid_national_id(digits):
            yield match


def contains_national_id(text: str) -> bool:
    """Whether free text carries a national identity number by either rule, together or written apart."""
    return next(_national_ids(text), None) is not None


def mask_national_ids(text: str) -> str:
    """Replaces every national identity number (either check-digit rule, 11 digits together or written as
    date and personal number apart) in free text with asterisks, keeping the text's length."""
    parts: list[str] = []
    end = 0
    for match in _national_ids(text):
        parts.append(text[end : match.start()])
        parts.append("*" * (match.end() - match.start()))
        end = match.end()
    parts.append(text[end:])
    return "".join(parts)


# The one rule for free text in every service (addresses, reasons, notes, descriptions, locations,
# documents): a text that carries an identity number is refused, so that the number never reaches a
# store, an event or a log. Identity numbers have fields of their own (ownership's identity_number).
NATIONAL_ID_IN_TEXT = "contains a national identity number; leave it out (it is never stored)"


# Bounds on free text, by kind: a name or an address line fits on an envelope; a reason or a reference is
# a few sentences. A caller whose field is longer by nature (a complaint's grounds, a fee schedule) passes
# its own.
NAME_LENGTH = 200
REASON_LENGTH = 1000


def _hidden(character: str) -> bool:
    # Control characters (line breaks aside: a reason may have paragraphs) and invisible format characters
    # have no place in a name, an address or a reason, and can hide an identity number from the reader.
    return character not in "\n\r" and unicodedata.category(character) in ("Cc", "Cf")


def check_free_text(problems: Violations, field: str, text: str, max_length: int = NAME_LENGTH) -> bool:
    """Adds a violation to `problems` when free text is longer than `max_length` characters ("at most N
    characters", the text not echoed) or carries a national identity number (either check-digit rule,
    together or written apart); True when the text is neither."""
    if len(text) > max_length:
        problems.add(field, f"at most {max_length} characters")
        return False
    if contains_national_id(text):
        problems.add(field, NATIONAL_ID_IN_TEXT)
        return False
    if any(_hidden(c) for c in text):
        problems.add(
            field, "has control or invisible characters (a tab, a zero-width space …): type it plainly"
        )
        return False
    return True
