"""Billing's rules: KID check digits (vectors from DOMAIN.md), due dates on business days, proration
by day, and the Oslo water and sewage example."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.billing.domain.fees import (
    WaterSewageRates,
    per_unit_fee,
    total_with_vat,
    vat_by_rate,
    water_and_sewage,
)
from services.billing.domain.kid import KidMethod, is_valid_kid, mod10_check, mod11_check, new_kid
from services.billing.domain.proration import allocate
from services.platform.business_days import (
    add_business_days,
    easter_sunday,
    is_business_day,
    on_or_after_business_day,
)
from services.platform.money import Money

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("base", "kid"), [("1234", "12344"), ("234567", "2345676")])
def test_mod10_vectors(base: str, kid: str) -> None:
    assert base + mod10_check(base) == kid
    assert is_valid_kid(kid, KidMethod.MOD10)


@pytest.mark.parametrize(("base", "kid"), [("1234", "12343"), ("036532", "0365327"), ("0006", "0006-")])
def test_mod11_vectors(base: str, kid: str) -> None:
    assert base + mod11_check(base) == kid


def test_new_kids_never_end_in_a_dash_and_always_validate() -> None:
    for invoice in range(2000):
        for method in KidMethod:
            kid = new_kid(invoice, method)
            assert len(kid) == 15 and kid.isdigit() and is_valid_kid(kid, method)
    with pytest.raises(ValueError):
        mod10_check("12a4")


def test_easter_and_holidays() -> None:
    assert easter_sunday(2024) == date(2024, 3, 31)
    assert easter_sunday(2025) == date(2025, 4, 20)
    assert not is_business_day(date(2024, 3, 28))  # Maundy Thursday
    assert not is_business_day(date(2024, 5, 9))  # Ascension Day
    assert not is_business_day(date(2024, 5, 17))
    assert is_business_day(date(2024, 5, 16))


def test_due_dates_move_to_the_next_business_day() -> None:
    assert on_or_after_business_day(date(2024, 5, 25)) == date(2024, 5, 27)  # Saturday → Monday
    assert on_or_after_business_day(date(2025, 5, 17)) == date(2025, 5, 19)  # Constitution Day, Saturday
    assert on_or_after_business_day(date(2024, 12, 25)) == date(2024, 12, 27)
    assert on_or_after_business_day(date(2024, 3, 25)) == date(2024, 3, 25)
    assert add_business_days(date(2024, 3, 27), 1) == date(2024, 4, 2)  # over Easter


def test_proration_by_day_adds_up_to_the_ore() -> None:
    # 1,000 NOK over 45 and 46 days (a quarter split on 15 Feb 2024).
    parts = allocate(Money.of(1000), [45, 46])
    assert parts == [Money.of("494.51"), Money.of("505.49")]
    assert allocate(Money(100), [1, 1, 1]) == [Money(34), Money(33), Money(33)]
    assert allocate(Money(-100), [1, 1, 1]) == [Money(-34), Money(-33), Money(-33)]


@given(st.integers(-(10**9), 10**9), st.lists(st.integers(0, 400), min_size=1, max_size=12).filter(any))
def test_allocation_always_sums_exactly(total: int, weights: list[int]) -> None:
    assert sum(m.ore for m in allocate(Money(total), weights)) == total


OSLO_2021 = WaterSewageRates(
    subscription_per_unit=Money.of(397),
    water_per_m3=Money.of("15.75"),
    sewage_per_m3=Money.of("15.75"),
    m3_per_m2_bra=Decimal("1.3"),
    vat_rate=Decimal("0.25"),
)


def test_oslo_100_m2_example_4492_plus_vat() -> None:
    lines = water_and_sewage(OSLO_2021, units=1, bra_m2=Decimal(100))
    assert [line.quantity for line in lines] == [Decimal(1), Decimal("130.00"), Decimal("130.00")]
    assert sum(line.amount.ore for line in lines) == 449_200  # 130 × 15.75 × 2 + 397
    assert vat_by_rate(lines) == {Decimal("0.25"): Money.of(1123)}
    assert total_with_vat(lines) == Money.of(5615)  # + 25 % VAT


def test_half_fee_cases_and_meters() -> None:
    summer = water_and_sewage(OSLO_2021, units=1, bra_m2=Decimal(100), summer_only=True)
    assert sum(line.amount.ore for line in summer) == 224_600
    no_wc = water_and_sewage(OSLO_2021, units=1, bra_m2=Decimal(100), no_wc=True)
    assert no_wc[2].amount == Money.of("1023.75")  # half of 130 × 15.75
    metered = water_and_sewage(OSLO_2021, units=2, bra_m2=Decimal(100), metered_m3=Decimal(80))
    assert metered[0].amount == Money.of(794) and metered[1].amount == Money.of(1260)
    chimney = per_unit_fee("chimney", "Feiing og tilsyn, per pipe", 2, Money.of("389.50"), Decimal("0.25"))
    assert chimney.amount == Money.of(779)
    assert total_with_vat([chimney]) == Money.of("973.75")
    with pytest.raises(ValueError):
        water_and_sewage(OSLO_2021, units=-1, bra_m2=Decimal(100))


def test_periods_per_interval_cover_the_year() -> None:
    from services.billing.domain.intervals import InvoiceInterval, period_starting, periods_of_year

    for interval in InvoiceInterval:
        periods = periods_of_year(2024, interval)
        assert len(periods) == 12 // interval.months
        assert periods[0].start == date(2024, 1, 1) and periods[-1].end == date(2025, 1, 1)
        assert sum(p.days for p in periods) == 366
    assert period_starting(2024, 4, InvoiceInterval.QUARTERLY) is not None
    assert period_starting(2024, 5, InvoiceInterval.QUARTERLY) is None
    assert period_starting(2024, 5, InvoiceInterval.MONTHLY) is not None


def test_interval_changes_take_effect_from_their_date() -> None:
    from services.billing.domain.intervals import IntervalChoice, InvoiceInterval, interval_on

    choices = [IntervalChoice(InvoiceInterval.MONTHLY, date(2024, 7, 1))]
    assert interval_on(choices, date(2024, 6, 30)) == InvoiceInterval.QUARTERLY  # the default
    assert interval_on(choices, date(2024, 7, 1)) == InvoiceInterval.MONTHLY


def test_a_year_billed_in_any_interval_adds_up_to_the_annual_amount() -> None:
    from services.billing.domain.charges import Holding, amount_for_period
    from services.billing.domain.intervals import InvoiceInterval, periods_of_year

    annual = Money.of("4480.00")
    whole_year = Holding(date(2024, 1, 1), date(2025, 1, 1))
    for interval in InvoiceInterval:
        billed = [amount_for_period(annual, 2024, p, whole_year) for p in periods_of_year(2024, interval)]
        assert sum(b.ore for b in billed) == annual.ore


def test_an_owner_change_mid_month_splits_by_day_to_the_ore() -> None:
    from services.billing.domain.charges import Holding, amount_for_period, split_by_shares
    from services.billing.domain.intervals import InvoiceInterval, periods_of_year

    annual = Money.of("4480.00")
    q1 = periods_of_year(2024, InvoiceInterval.QUARTERLY)[0]
    change = [date(2024, 2, 15)]
    seller = amount_for_period(annual, 2024, q1, Holding(date(2024, 1, 1), date(2024, 2, 15)), change)
    buyer = amount_for_period(annual, 2024, q1, Holding(date(2024, 2, 15), date(2025, 1, 1)), change)
    whole = amount_for_period(annual, 2024, q1, Holding(date(2024, 1, 1), date(2025, 1, 1)))
    assert whole == Money.of("1120.02")  # 4,480 / 12 leaves 4 øre, given to the first four months
    assert seller + buyer == whole  # the quarter, to the øre
    assert seller == Money.of("373.34") + Money.of("180.23")  # January + 14 of February's 29 days
    halves = split_by_shares(Money.of("1120.01"), [Fraction(1, 2), Fraction(1, 2)])
    assert halves == [Money.of("560.01"), Money.of("560.00")]


OSLO_FEES = {
    "year": 2021,
    "water_sewage": {
        "subscription_per_unit_nok": 397,
        "water_per_m3_nok": 15.75,
        "sewage_per_m3_nok": 15.75,
        "m3_per_m2_bra": 1.3,
        "vat_rate": 0.25,
    },
    "waste_per_unit_nok": {"housing": 3200, "holiday_home": 1600},
    "waste_vat_rate": 0,
    "chimney_per_chimney_nok": 389.50,
    "chimney_vat_rate": 0.25,
}


def test_fee_schedule_file_gives_the_oslo_example_and_more() -> None:
    from services.billing.domain.fee_schedule import FeeFacts, annual_fees, parse_fee_schedule

    schedule = parse_fee_schedule(OSLO_FEES)
    home = annual_fees(schedule, FeeFacts(category="housing", units=1, bra_m2=Decimal(100), chimneys=1))
    assert [line.code for line in home] == [
        "subscription",
        "water_consumption",
        "sewage_consumption",
        "waste",
        "chimney",
    ]
    water = [
        line for line in home if line.code in ("subscription", "water_consumption", "sewage_consumption")
    ]
    assert total_with_vat(water) == Money.of(5615)
    assert vat_by_rate(home) == {Decimal(0): Money(0), Decimal("0.25"): Money.of("1220.38")}
    plot = annual_fees(schedule, FeeFacts(category="undeveloped", units=0, bra_m2=Decimal(0)))
    assert plot == []


def test_invalid_fee_schedules_are_refused_with_the_reason() -> None:
    from services.billing.domain.fee_schedule import parse_fee_schedule
    from services.platform.errors import InvalidInput

    bad = {
        **OSLO_FEES,
        "year": "2021",
        "water_sewage": {**OSLO_FEES["water_sewage"], "water_per_m3_nok": -1, "vat_rate": 0.3},  # type: ignore[dict-item]
        "waste_per_unit_nok": {"housing": "lots"},
        "surprise": 1,
    }
    del bad["water_sewage"]["m3_per_m2_bra"]  # type: ignore[attr-defined]
    with pytest.raises(InvalidInput) as caught:
        parse_fee_schedule(bad)
    assert {v.field for v in caught.value.violations} == {
        "year",
        "water_sewage.water_per_m3_nok",
        "water_sewage.vat_rate",
        "water_sewage.m3_per_m2_bra",
        "waste_per_unit_nok.housing",
        "surprise",
    }


def _line(amount: str, code: str = "property_tax", vat: str = "0", pid: str = "p1") -> object:
    from services.billing.domain.intervals import Period
    from services.billing.domain.invoice_plan import ChargeLine

    q1 = Period(date(2024, 1, 1), date(2024, 4, 1))
    return ChargeLine(pid, code, "Eiendomsskatt", q1, Money.of(amount), Decimal(vat))


def test_amounts_under_the_minimum_are_carried_forward_and_billed_later() -> None:
    from services.billing.domain.intervals import Period
    from services.billing.domain.invoice_plan import CarriedForward, InvoiceDraft, plan_invoice

    q1 = Period(date(2024, 1, 1), date(2024, 4, 1))
    q2 = Period(date(2024, 4, 1), date(2024, 7, 1))
    first = plan_invoice("a1", q1, [_line("30.00")], [], Money.of(50))  # type: ignore[list-item]
    assert isinstance(first, CarriedForward) and first.total == Money.of(30)
    second = plan_invoice("a1", q2, [_line("30.00")], first.lines, Money.of(50))  # type: ignore[list-item]
    assert isinstance(second, InvoiceDraft) and second.total == Money.of(60) and len(second.lines) == 2
    assert plan_invoice("a1", q2, [], [], Money.of(50)) is None
    credit = plan_invoice("a1", q2, [_line("-20.00")], [], Money.of(50))  # type: ignore[list-item]
    assert isinstance(credit, InvoiceDraft)  # credits are never held back


def test_invoice_totals_take_vat_per_rate() -> None:
    from services.billing.domain.intervals import Period
    from services.billing.domain.invoice_plan import InvoiceDraft

    q1 = Period(date(2024, 1, 1), date(2024, 4, 1))
    draft = InvoiceDraft("a1", q1, (_line("1120.00"), _line("1123.00", "water_consumption", "0.25")))  # type: ignore[arg-type]
    assert draft.vat_by_rate() == {Decimal("0.25"): Money.of("280.75")}
    assert draft.total == Money.of("2523.75")


def test_due_dates_fall_on_business_days() -> None:
    from services.billing.domain.invoice_plan import due_date

    assert due_date(date(2024, 3, 4), 21) == date(2024, 3, 25)
    assert due_date(date(2024, 4, 26), 21) == date(2024, 5, 21)  # 17 May (Friday), weekend, Whit Monday
    assert due_date(date(2024, 4, 26), 21 - 4) == date(2024, 5, 13)
    assert due_date(date(2024, 4, 19), 20) == date(2024, 5, 10)  # Ascension Day 9 May → Friday 10 May
