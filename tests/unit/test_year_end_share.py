"""The share paid by year end, overall and per charge code, split exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.billing.domain.year_end_share import year_end_share
from services.platform.money import Money


def test_a_payment_is_split_over_the_codes_pro_rata_and_exactly() -> None:
    share = year_end_share(
        2024,
        [
            ({"property_tax": Money(20_000), "water": Money(10_000)}, Money(10_001)),
            ({"property_tax": Money(50_000)}, Money(50_000)),
            ({"waste": Money(7_000)}, Money(0)),
        ],
    )
    assert (share.invoices, share.invoiced, share.paid) == (3, Money(87_000), Money(60_001))
    by_code = {c.code: (c.invoiced, c.paid) for c in share.by_code}
    assert by_code == {
        "property_tax": (Money(70_000), Money(56_667)),  # 6,667.33… + 50,000 → the leftover øre here
        "water": (Money(10_000), Money(3_334)),
        "waste": (Money(7_000), Money(0)),
    }
    assert sum(c.paid.ore for c in share.by_code) == share.paid.ore
    assert share.percent == Decimal("69.0")
    assert [c.percent for c in share.by_code] == [Decimal("81.0"), Decimal("0.0"), Decimal("33.3")]


def test_nothing_invoiced_is_0_percent_and_overpaying_an_invoice_is_refused() -> None:
    assert year_end_share(2025, []).percent == Decimal(0)
    with pytest.raises(ValueError):
        year_end_share(2025, [({"water": Money(100)}, Money(101))])
