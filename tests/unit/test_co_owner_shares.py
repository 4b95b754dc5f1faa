"""Co-owners' parts of a property's amount are split together: whatever the shares (thirds, sevenths …),
ownership changes, periods and amounts, the parts of all holders add up to the property's amount for a
period to the øre, and the invoices of a year to the annual amount."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.billing.domain.charges import Holding, holder_parts, monthly_parts
from services.billing.domain.intervals import InvoiceInterval, Period, period_starting, periods_of_year
from services.billing.domain.term_charges import AccountYear, AnnualCharge, Invoiced, PropertyCharges, owed
from services.platform.money import Money

pytestmark = pytest.mark.unit

YEAR = 2024
WHOLE_YEAR = Period(date(YEAR, 1, 1), date(YEAR + 1, 1, 1))
THIRDS = [Holding(date(2020, 1, 1), date.max, Fraction(1, 3)) for _ in range(3)]


def test_three_co_owners_of_1000_get_333_34_333_33_333_33() -> None:
    parts = holder_parts(Money.of("1000.00"), YEAR, WHOLE_YEAR, THIRDS)
    assert parts == [Money.of("333.34"), Money.of("333.33"), Money.of("333.33")]


def test_three_co_owners_of_4480_add_up_to_4480_in_every_interval() -> None:
    annual = Money.of("4480.00")
    assert sum(p.ore for p in holder_parts(annual, YEAR, WHOLE_YEAR, THIRDS)) == 448_000
    for interval in InvoiceInterval:
        billed = [holder_parts(annual, YEAR, p, THIRDS) for p in periods_of_year(YEAR, interval)]
        assert sum(part.ore for parts in billed for part in parts) == 448_000


@dataclass
class _Recipient:
    account_id: str
    interval: InvoiceInterval
    invoiced: dict[tuple[str, str], Invoiced]
    billed_through: date | None = None
    lines: int = 0  # øre on its invoices and credit notes


def _bill_the_year(
    annual: Money, holders: list[tuple[str, Holding]], intervals: dict[str, InvoiceInterval]
) -> dict[str, _Recipient]:
    """Every month's run for a property with these holders (no minimum amount): what each recipient was
    invoiced in the year, worked out as the billing run does (due to date less invoiced to date)."""
    charge = AnnualCharge("property_tax", "Eiendomsskatt", annual, Decimal(0))
    changes = tuple(sorted({h.start for _, h in holders}))
    prop = {"p": PropertyCharges("p", (charge,), changes, tuple(holders))}
    recipients = {a: _Recipient(a, i, {}) for a, i in intervals.items()}
    for month in range(1, 13):
        for r in recipients.values():
            period = period_starting(YEAR, month, r.interval)
            if period is None:
                continue
            mine = [("p", h) for a, h in holders if a == r.account_id]
            result = owed(AccountYear(r.account_id, YEAR, mine, r.invoiced, r.billed_through), prop, period)
            for line in [*result.new, *result.credits]:
                key = (line.property_id, line.code)
                before = r.invoiced.get(key)
                total = line.amount + (before.amount if before else Money(0))
                r.invoiced[key] = Invoiced(total, line.description, line.vat_rate)
                r.lines += line.amount.ore
            r.billed_through = period.end
    return recipients


def test_three_co_owners_invoiced_quarterly_are_invoiced_the_whole_1000() -> None:
    holders = [(a, h) for a, h in zip(("a", "b", "c"), THIRDS, strict=True)]
    billed = _bill_the_year(Money.of(1000), holders, dict.fromkeys("abc", InvoiceInterval.QUARTERLY))
    assert [billed[a].lines for a in "abc"] == [33_334, 33_333, 33_333]


@st.composite
def _shares(draw: st.DrawFn) -> list[Fraction]:
    """Shares that add up to 1: equal parts (1/3, 1/7 …) or any whole-number weights."""
    count = draw(st.integers(1, 7))
    if draw(st.booleans()):
        return [Fraction(1, count)] * count
    weights = draw(st.lists(st.integers(1, 97), min_size=count, max_size=count))
    return [Fraction(w, sum(weights)) for w in weights]


@st.composite
def _ownership(draw: st.DrawFn) -> list[tuple[str, Holding]]:
    """A property held from before the year by groups of co-owners that follow one another at changes
    on random days (an owner may come back with another share)."""
    days = draw(st.lists(st.integers(1, 365), max_size=3, unique=True))
    starts = [date(2019, 6, 1), *sorted(date(YEAR, 1, 1) + timedelta(days=d) for d in days)]
    ends = [*starts[1:], date.max]
    accounts = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
    holders: list[tuple[str, Holding]] = []
    for start, end in zip(starts, ends, strict=True):
        shares = draw(_shares())
        names = draw(st.permutations(accounts))[: len(shares)]
        holders.extend((name, Holding(start, end, share)) for name, share in zip(names, shares, strict=True))
    return holders


_amounts = st.integers(-(10**10), 10**10).map(Money)


@given(_amounts, _ownership(), st.integers(1, 12), st.integers(1, 12))
def test_the_parts_of_all_holders_add_up_to_the_property_amount_for_any_period(
    annual: Money, holders: list[tuple[str, Holding]], first: int, months: int
) -> None:
    start = date(YEAR, first, 1)
    end = date(YEAR + 1, 1, 1) if first + months > 12 else date(YEAR, first + months, 1)
    period = Period(start, end)
    parts = holder_parts(annual, YEAR, period, [h for _, h in holders], tuple(h.start for _, h in holders))
    property_amount = sum(m.ore for m in monthly_parts(annual)[first - 1 : first - 1 + months])
    assert sum(p.ore for p in parts) == property_amount
    by_month = [
        holder_parts(annual, YEAR, month, [h for _, h in holders], tuple(h.start for _, h in holders))
        for month in periods_of_year(YEAR, InvoiceInterval.MONTHLY)
    ]
    assert sum(p.ore for parts in by_month for p in parts) == annual.ore


@settings(max_examples=60, deadline=None)
@given(
    _amounts,
    _ownership(),
    st.dictionaries(st.sampled_from("abcdefghi"), st.sampled_from(list(InvoiceInterval))),
)
def test_the_invoices_of_all_holders_of_a_year_add_up_to_the_annual_amount(
    annual: Money, holders: list[tuple[str, Holding]], chosen: dict[str, InvoiceInterval]
) -> None:
    intervals = {a: chosen.get(a, InvoiceInterval.QUARTERLY) for a, _ in holders}
    billed = _bill_the_year(annual, holders, intervals)
    assert sum(r.lines for r in billed.values()) == annual.ore
