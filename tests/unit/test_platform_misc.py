from datetime import UTC, datetime

import pytest

from services.platform.clock import oslo_date
from services.platform.errors import InvalidInput
from services.platform.logging import mask_personal_data
from services.platform.paging import encode_token, parse_page
from services.platform.settings import Settings

pytestmark = pytest.mark.unit


def test_oslo_date_differs_from_utc_date_around_midnight() -> None:
    assert str(oslo_date(datetime(2025, 12, 31, 23, 30, tzinfo=UTC))) == "2026-01-01"
    assert str(oslo_date(datetime(2026, 6, 30, 21, 59, tzinfo=UTC))) == "2026-06-30"
    assert str(oslo_date(datetime(2026, 6, 30, 22, 0, tzinfo=UTC))) == "2026-07-01"
    with pytest.raises(ValueError, match="naive"):
        oslo_date(datetime(2026, 1, 1))


def test_log_processor_masks_identity_numbers_in_nested_values() -> None:
    masked = mask_personal_data(None, "info", {"event": "x 31129956715", "extra": {"k": ["31129956715"]}})
    assert "31129956715" not in str(masked)


def test_production_refuses_the_development_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROPERTYTAX_ENVIRONMENT", "production")
    with pytest.raises(ValueError, match="AUTH_SECRET"):
        Settings().check()
    monkeypatch.setenv("PROPERTYTAX_AUTH_SECRET", "s" * 48)
    with pytest.raises(ValueError, match="PII_KEY"):
        Settings().check()
    monkeypatch.setenv("PROPERTYTAX_PII_KEY", "cHJvZHVjdGlvbi1rZXktdGhhdC1pcy1zZWNyZXQtMzI=")
    Settings().check()


def test_page_tokens_round_trip_and_bad_ones_are_field_violations() -> None:
    assert parse_page(10, encode_token(30)).offset == 30
    assert parse_page(0, "").size == 100
    with pytest.raises(InvalidInput) as caught:
        parse_page(5000, "garbage!")
    assert {v.field for v in caught.value.violations} == {"page_size", "page_token"}
