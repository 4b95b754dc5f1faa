"""What a recipient owes in a run: the new period, what was never invoiced, and credits for what was
over-invoiced, from "due to date" and "invoiced to date" per property and charge."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from services.billing.domain.charges import Holding
from services.billing.domain.intervals import Period
from services.billing.domain.term_charges import AccountYear, AnnualCharge, Invoiced, PropertyCharges, owed
from services.platform.money import Money

Q1 = Period(date(2024, 1, 1), date(2024, 4, 1))
Q2 = Period(date(2024, 4, 1), date(2024, 7, 1))
WHOLE_YEAR = Holding(date(2020, 1, 1), date.max)
TAX = AnnualCharge("property_tax", "Eiendomsskatt 2024", Money.of(1200))
WASTE = AnnualCharge("waste", "Renovasjon, per boenhet", Money.of(2400), Decimal("0.25"))


def _year(
    invoiced: dict[tuple[str, str], Money], through: date | None, holding: Holding = WHOLE_YEAR
) -> AccountYear:
    return AccountYear(
        "acc",
        2024,
        [("p1", holding)],
        {key: Invoiced(amount, key[1], Decimal(0)) for key, amount in invoiced.items()},
        through,
    )


def test_the_first_period_of_the_year_is_owed_in_full() -> None:
    result = owed(_year({}, None), {"p1": PropertyCharges("p1", (TAX, WASTE))}, Q1)
    assert [(line.code, line.amount, line.period) for line in result.new] == [
        ("property_tax", Money.of(300), Q1),
        ("waste", Money.of(600), Q1),
    ]
    assert result.new[1].vat_rate == Decimal("0.25")
    assert result.credits == []


def test_an_amount_never_invoiced_comes_with_the_next_period() -> None:
    # Q1 was under the minimum and carried: nothing invoiced, so Q2's invoice carries January–June.
    result = owed(_year({}, None), {"p1": PropertyCharges("p1", (TAX,))}, Q2)
    assert [(line.amount, line.period) for line in result.new] == [(Money.of(600), Period(Q1.start, Q2.end))]


def test_a_lower_tax_is_credited_and_the_new_period_billed_at_the_new_rate() -> None:
    lower = AnnualCharge("property_tax", "Eiendomsskatt 2024", Money.of(600))
    invoiced = {("p1", "property_tax"): Money.of(300)}
    result = owed(_year(invoiced, Q1.end), {"p1": PropertyCharges("p1", (lower,))}, Q2)
    assert [(line.amount, line.period) for line in result.credits] == [(Money.of(-150), Q1)]
    assert [(line.amount, line.period) for line in result.new] == [(Money.of(150), Q2)]


def test_a_higher_tax_for_invoiced_periods_is_owed_with_the_next_invoice_or_as_a_supplement() -> None:
    higher = AnnualCharge("property_tax", "Eiendomsskatt 2024", Money.of(2400))
    invoiced = {("p1", "property_tax"): Money.of(300)}
    charges = {"p1": PropertyCharges("p1", (higher,))}
    due = owed(_year(invoiced, Q1.end), charges, Q2)
    assert [(line.amount, line.period) for line in due.new] == [(Money.of(900), Q2)]  # 300 more + Q2's 600
    bought = Holding(date(2024, 5, 10), date.max)
    first = owed(_year({}, None, bought), charges, Q2)
    assert [line.period for line in first.new] == [Period(date(2024, 5, 10), Q2.end)]
    not_due = owed(_year(invoiced, Q1.end), charges, None)
    assert [(line.amount, line.period) for line in not_due.new] == [(Money.of(300), Q1)]
    assert due.credits == not_due.credits == []


def test_a_sale_credits_the_seller_for_the_days_after_it() -> None:
    sold = Holding(date(2020, 1, 1), date(2024, 3, 1))
    invoiced = {("p1", "property_tax"): Money.of(300)}
    charges = {"p1": PropertyCharges("p1", (TAX,), (date(2024, 3, 1),))}
    result = owed(_year(invoiced, Q1.end, sold), charges, Q2)
    assert [line.amount for line in result.credits] == [Money.of(-100)]  # March
    assert [line.period for line in result.credits] == [Period(date(2024, 3, 1), Q1.end)]  # from the sale
    assert result.new == []


def test_a_charge_that_no_longer_applies_is_credited_with_its_old_text() -> None:
    invoiced = {("p1", "waste"): Money.of(600)}
    result = owed(_year(invoiced, Q1.end), {"p1": PropertyCharges("p1", ())}, None)
    assert [(line.code, line.amount, line.description) for line in result.credits] == [
        ("waste", Money.of(-600), "waste")
    ]


def test_nothing_is_owed_when_the_interval_changed_and_the_period_was_invoiced_already() -> None:
    invoiced = {("p1", "property_tax"): Money.of(1200)}
    result = owed(_year(invoiced, date(2025, 1, 1)), {"p1": PropertyCharges("p1", (TAX,))}, Q2)
    assert result.new == [] and result.credits == []
