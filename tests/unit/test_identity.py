import pytest

from services.platform.identity import (
    is_valid_national_id,
    is_valid_organisation_number,
    mask_national_ids,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("number", ["31129956715"])
def test_valid_national_ids(number: str) -> None:
    assert is_valid_national_id(number)


@pytest.mark.parametrize("number", ["31129956716", "3112995671", "3112995671a", "00000000001"])
def test_invalid_national_ids(number: str) -> None:
    assert not is_valid_national_id(number)


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
