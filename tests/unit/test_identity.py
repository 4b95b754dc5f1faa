import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devstack.synthetic_register import synthetic_national_id
from services.platform.errors import Violations
from services.platform.identity import (
    check_free_text,
    contains_national_id,
    is_valid_national_id,
    is_valid_national_id_before_2032,
    is_valid_organisation_number,
    mask_national_ids,
)

pytestmark = pytest.mark.unit

_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _number(base: str, k1_remainder: int) -> str | None:
    """A number whose (S + k1) mod 11 is `k1_remainder` (0: the rule before 2032; 0–3: the rule from 2032),
    computed here independently of the module under test; None where no digit k1 or k2 exists."""
    k1 = (k1_remainder - sum(int(d) * w for d, w in zip(base, _K1, strict=True))) % 11
    if k1 == 10:
        return None
    k2 = (11 - sum(int(d) * w for d, w in zip(base + str(k1), _K2, strict=True)) % 11) % 11
    return None if k2 == 10 else f"{base}{k1}{k2}"


@pytest.mark.parametrize(
    "number",
    [
        "31129956715",  # DOMAIN.md § 5
        "02013299997",  # Skatteetaten's 2032 examples that the old rule also gives
        "30108299920",
        "41129956796",  # a D-number (first digit + 4) by the old rule
    ],
)
def test_numbers_issued_before_2032_are_still_valid(number: str) -> None:
    assert is_valid_national_id_before_2032(number)
    assert is_valid_national_id(number)


@pytest.mark.parametrize(
    "number",
    [
        "15033290036",  # issue 10 case 8: remainder 1
        "30108299939",  # Skatteetaten's "person 2 født 30.10.1982": k1 = 12 − 9 = 3
    ],
)
def test_numbers_by_the_2032_rule_are_valid(number: str) -> None:
    assert not is_valid_national_id_before_2032(number)
    assert is_valid_national_id(number)


@pytest.mark.parametrize("remainder", [1, 2, 3])
def test_every_2032_remainder_is_accepted_and_4_is_not(remainder: int) -> None:
    base = next(b for i in range(1000) if _number(b := f"150332{i:03d}", remainder) and _number(b, 4))
    assert is_valid_national_id(_number(base, remainder) or "")
    assert not is_valid_national_id(_number(base, 4) or "")


@pytest.mark.parametrize(
    "number",
    [
        "31129956716",  # k2 wrong
        "15033290037",  # k2 wrong for a 2032 number
        "15033290046",  # remainder 4 for k1 and a k2 computed over it: neither rule
        "3112995671",
        "3112995671a",
        "00000000001",
        "１５０３３２９００３６",  # full-width digits are no identity number to store
        "¹¹¹¹¹¹¹¹¹¹¹",  # isdigit() but not decimal: refused, not a crash
    ],
)
def test_numbers_that_fail_both_rules_are_refused(number: str) -> None:
    assert not is_valid_national_id(number)


def test_remainder_4_k1_with_a_matching_k2_is_refused() -> None:
    number = _number("150332900", 4)
    assert number is not None and not is_valid_national_id(number)


@given(st.from_regex(r"[0-9]{9}", fullmatch=True), st.integers(min_value=0, max_value=10))
def test_either_rule_is_exactly_remainders_0_to_3(base: str, remainder: int) -> None:
    number = _number(base, remainder)
    if number is not None:
        assert is_valid_national_id(number) == (remainder <= 3)
        assert is_valid_national_id_before_2032(number) == (remainder == 0)


def test_synthetic_test_numbers_stay_numbers_of_the_old_rule() -> None:
    assert all(is_valid_national_id_before_2032(synthetic_national_id(n)) for n in range(200))


@pytest.mark.parametrize("number", ["974683520", "123456785"])
def test_valid_organisation_numbers(number: str) -> None:
    assert is_valid_organisation_number(number)


@pytest.mark.parametrize("number", ["974683521", "12345678", "1234567890"])
def test_invalid_organisation_numbers(number: str) -> None:
    assert not is_valid_organisation_number(number)


def test_masking_hides_valid_national_ids_and_leaves_other_numbers() -> None:
    text = "owner 31129956715 paid 12345678903 on account 974683520"
    masked = mask_national_ids(text)
    assert "31129956715" not in masked
    assert "***********" in masked
    assert "12345678903" in masked  # a bank account number, not an identity number


def test_masking_hides_a_number_of_the_2032_rule() -> None:
    assert mask_national_ids("eier 15033290036 klaget") == "eier *********** klaget"
    assert contains_national_id("eier 15033290036 klaget")


@pytest.mark.parametrize(
    "text",
    [
        "eier 150332 90036 klaget",
        "eier 150332-90036 klaget",
        "eier 150332\u00a090036 klaget",
        "eier ١٥٠٣٣٢٩٠٠٣٦",
    ],
)
def test_masking_hides_numbers_written_apart_or_in_other_digits(text: str) -> None:
    masked = mask_national_ids(text)
    assert not re.search(r"\d", masked)
    assert len(masked) == len(text)


def test_masking_leaves_longer_digit_runs_and_invalid_numbers() -> None:
    text = "kid 1150332900361, 15033290037, 150332 90037"
    assert mask_national_ids(text) == text


_VALID_EITHER_RULE = st.builds(
    _number, st.from_regex(r"[0-9]{9}", fullmatch=True), st.integers(min_value=0, max_value=3)
).filter(lambda n: n is not None)
_WRITTEN = st.sampled_from(["{}{}", "{} {}", "{}-{}", "{}\u00a0{}"])


@given(
    number=_VALID_EITHER_RULE,
    written=_WRITTEN,
    before=st.text().filter(lambda s: not re.search(r"\d$", s)),
    after=st.text().filter(lambda s: not re.match(r"\d", s)),
)
def test_masking_never_misses_a_number_either_rule_accepts(
    number: str, written: str, before: str, after: str
) -> None:
    shown = written.format(number[:6], number[6:])
    masked = mask_national_ids(before + shown + after)
    assert masked == before + "*" * len(shown) + after
    assert contains_national_id(before + shown + after)


# Issue 11's trial: the date written with dots or slashes, and the personal number split 3 + 2.
def _written_forms(number: str) -> list[str]:
    day, month, year, first, last = number[:2], number[2:4], number[4:6], number[6:9], number[9:]
    dates = [f"{day}{month}{year}", f"{day}.{month}.{year}", f"{day}/{month}/{year}"]
    personal = [f"{first}{last}", f"{first} {last}", f"{first}\u00a0{last}"]
    return [d + sep + p for d in dates for sep in ("", " ", "-", "\u00a0") for p in personal]


@pytest.mark.parametrize(
    "text", ["Storgata 7 15.03.32 90036", "Storgata 8 150332 900 36", "Storgata 9 15/03/32-900 36"]
)
def test_the_trials_written_forms_are_masked(text: str) -> None:
    assert contains_national_id(text)
    assert "90036" not in mask_national_ids(text).replace(" ", "")


@given(number=_VALID_EITHER_RULE, before=st.sampled_from(["", "Storgata 7 ", "eier: ", "("]))
def test_every_written_form_of_every_valid_number_is_masked(number: str, before: str) -> None:
    for shown in _written_forms(number):
        assert mask_national_ids(f"{before}{shown} x") == f"{before}{'*' * len(shown)} x", shown


@pytest.mark.parametrize(
    "text",
    [
        "21 80 21 80",
        "ring 22 33 44 55 eller 900 12 345",
        "0301-10/1/0/0",
        "0150 Oslo, 15.03.2032 kl. 12.00",
        "faktura 15.03.32 beløp 7 500 000",
        "1 234 567 890,50 kr",
        "15.03.32 12",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert mask_national_ids(text) == text


@given(digits=st.from_regex(r"[0-9]{11}", fullmatch=True), form=st.integers(min_value=0, max_value=35))
def test_digit_runs_that_are_not_valid_numbers_are_left_alone(digits: str, form: int) -> None:
    shown = _written_forms(digits)[form]
    if not is_valid_national_id(digits):
        assert mask_national_ids(f"nr {shown} x") == f"nr {shown} x"


@pytest.mark.parametrize(
    "between", ["\u200b", "\u00ad", "\u2060", "\ufeff", "\u2011", "\t", "\u2013", "\u2212"]
)
def test_a_number_split_by_an_invisible_character_or_any_dash_is_found(between: str) -> None:
    text = f"Storgata 1 150332{between}90036"
    assert contains_national_id(text)
    assert "90036" not in mask_national_ids(text)


@pytest.mark.parametrize("hidden", ["\t", "\u200b", "\x1b[31m", "\u00ad", "\x00"])
def test_free_text_with_control_or_invisible_characters_is_refused(hidden: str) -> None:
    problems = Violations()
    assert not check_free_text(problems, "address_line", f"Storgata{hidden} 1")
    assert "control or invisible" in problems.items[0].description


def test_free_text_may_have_line_breaks() -> None:
    problems = Violations()
    assert check_free_text(problems, "reason", "Første avsnitt.\r\nAndre avsnitt.", max_length=1000)
    assert problems.count == 0
