"""A tax year is billed to its end when, for every invoice interval recipients had in it, a run of the month
in which the interval's last term starts was completed (monthly 12, bimonthly 11, quarterly 10, half-yearly
7, yearly 1); otherwise a run of a later year says so in words, naming the terms never run and the run to
make."""

from __future__ import annotations

from datetime import date

import pytest

from services.billing.domain.intervals import InvoiceInterval, periods_of_year
from services.billing.domain.year_end import IntervalSpan, last_term_months, not_billed_to_its_end

pytestmark = pytest.mark.unit

Y = 2024


def _all_year(interval: InvoiceInterval) -> IntervalSpan:
    return IntervalSpan(interval, date(2020, 1, 1))


@pytest.mark.parametrize(
    ("interval", "last"),
    [
        (InvoiceInterval.MONTHLY, 12),
        (InvoiceInterval.BIMONTHLY, 11),
        (InvoiceInterval.QUARTERLY, 10),
        (InvoiceInterval.HALF_YEARLY, 7),
        (InvoiceInterval.YEARLY, 1),
    ],
)
def test_the_last_term_of_each_interval_starts_in_its_month(interval: InvoiceInterval, last: int) -> None:
    assert last_term_months(Y, [_all_year(interval)]) == [last]
    assert periods_of_year(Y, interval)[-1].start == date(Y, last, 1)  # the same as the run's own periods
    assert not_billed_to_its_end(Y, [_all_year(interval)], {last}) == ""
    assert not_billed_to_its_end(Y, [_all_year(interval)], set(range(1, 13)) - {last}) != ""


@pytest.mark.parametrize("interval", list(InvoiceInterval))
def test_every_interval_is_billed_to_its_end_by_exactly_its_last_term_month(
    interval: InvoiceInterval,
) -> None:
    last = periods_of_year(Y, interval)[-1].start.month
    for month in range(1, 13):
        billed = not_billed_to_its_end(Y, [_all_year(interval)], {month}) == ""
        assert billed == (month == last), month  # a later month is not due for the interval: no help


def test_the_trials_quarterly_year_names_the_terms_never_run_and_the_run_to_make() -> None:
    said = not_billed_to_its_end(Y, [_all_year(InvoiceInterval.QUARTERLY)], {1, 4})
    assert said == (
        "2024 is not billed to its end: the last run of 2024 was 2024-04; terms that start in 2024-07 and "
        "2024-10 were never run. Run 2024-10 to bill them (a late run may be issued in a later year)."
    )


def test_a_year_without_any_completed_run_says_so() -> None:
    said = not_billed_to_its_end(Y, [_all_year(InvoiceInterval.HALF_YEARLY)], set())
    assert "no run of 2024 was completed" in said
    assert "terms that start in 2024-01 and 2024-07 were never run. Run 2024-07 to bill them" in said
    said = not_billed_to_its_end(Y, [_all_year(InvoiceInterval.YEARLY)], set())
    assert "a term that starts in 2024-01 was never run. Run 2024-01 to bill it" in said


def test_mixed_intervals_need_each_last_term_month() -> None:
    spans = [_all_year(InvoiceInterval.MONTHLY), _all_year(InvoiceInterval.QUARTERLY)]
    assert last_term_months(Y, spans) == [10, 12]
    # December's run does not bill the quarterly recipients' last term (they are not due in December).
    said = not_billed_to_its_end(Y, spans, {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12})
    assert "the last run of 2024 was 2024-12; a term that starts in 2024-10 was never run" in said
    assert "Run 2024-10 to bill it" in said
    said = not_billed_to_its_end(Y, spans, {1, 4})
    assert "Run 2024-10 and 2024-12 to bill them" in said
    assert "2024-05, 2024-06, 2024-07" in said  # the monthly terms after April too
    assert not_billed_to_its_end(Y, spans, {10, 12}) == ""


def test_an_interval_counts_only_while_it_is_in_force() -> None:
    # Monthly until November, yearly from December: December starts no term, so November is the last.
    spans = [
        IntervalSpan(InvoiceInterval.MONTHLY, date(2023, 1, 1), date(Y, 12, 1), InvoiceInterval.YEARLY),
        IntervalSpan(InvoiceInterval.YEARLY, date(Y, 12, 1)),
    ]
    assert last_term_months(Y, spans) == [11]
    # Quarterly (the default) until a half-yearly choice from July: July's run bills all the recipient
    # owes to date, so only half-yearly's last term (July) counts, not quarterly's April.
    spans = [
        IntervalSpan(InvoiceInterval.QUARTERLY, date(Y, 1, 1), date(Y, 7, 1), InvoiceInterval.HALF_YEARLY),
        IntervalSpan(InvoiceInterval.HALF_YEARLY, date(Y, 7, 1)),
    ]
    assert last_term_months(Y, spans) == [7]
    # A quarterly span of a recipient who chose another interval from the next year needs its October.
    spans = [
        IntervalSpan(InvoiceInterval.QUARTERLY, date(Y, 1, 1), date(Y + 1, 1, 1), InvoiceInterval.MONTHLY)
    ]
    assert last_term_months(Y, spans) == [10]
    # A span that ended before the year, or starts after it, plays no part.
    spans = [
        IntervalSpan(InvoiceInterval.MONTHLY, date(2020, 1, 1), date(Y, 1, 1)),
        IntervalSpan(InvoiceInterval.YEARLY, date(Y, 1, 1), date(Y + 1, 1, 1)),
        IntervalSpan(InvoiceInterval.MONTHLY, date(Y + 1, 1, 1)),
    ]
    assert last_term_months(Y, spans) == [1]


def test_no_interval_in_use_needs_no_run() -> None:
    assert not_billed_to_its_end(Y, [], set()) == ""
