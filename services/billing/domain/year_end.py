"""Whether a tax year was billed to its end: the rule that keeps a year's last terms from being lost.

A run of a month bills "due to date less invoiced to date" for the recipients whose interval starts a term
that month, in the run's own year (earlier years only for recipients with a pending correction or an open
hold). So a year is billed to its end only when, for every invoice interval recipients had in the year, a
run of the month in which that interval's last term of the year starts was completed (monthly 12,
bimonthly 11, quarterly 10, half-yearly 7, yearly 1): a run of a later year never picks up what is left.
That run bills everything of the year for its recipients, so one late run (issued in a later year) is the
remedy for every term that was skipped.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from services.billing.domain.intervals import InvoiceInterval


@dataclass(frozen=True)
class IntervalSpan:
    """An invoice interval in force for some recipient from `start` until `end` (exclusive; None: still)."""

    interval: InvoiceInterval
    start: date
    end: date | None = None
    then: InvoiceInterval | None = None  # the recipient's interval from `end`

    def needs_last_term(self, year: int) -> bool:
        """Whether a run of this span's last term month is needed: not when the recipient's next interval,
        from `end` within the year, starts a term of its own in the year, since that run bills all it owes
        to date (this span's terms included) and that span's own last term is then what counts."""
        if self.end is None or self.end >= date(year + 1, 1, 1) or self.then is None:
            return True
        return not IntervalSpan(self.then, self.end).term_starts(year)

    def term_starts(self, year: int) -> list[int]:
        """The months of the year in which a term of this interval starts while it is in force."""
        return [
            m
            for m in range(1, 13)
            if (m - 1) % self.interval.months == 0
            and self.start <= date(year, m, 1)
            and (self.end is None or date(year, m, 1) < self.end)
        ]


def last_term_months(year: int, spans: Iterable[IntervalSpan]) -> list[int]:
    """The months in which a run must be completed for the year to be billed to its end: the start of the
    last term of each interval in use in the year."""
    return sorted(
        {starts[-1] for span in spans if span.needs_last_term(year) and (starts := span.term_starts(year))}
    )


def _months(year: int, months: Iterable[int]) -> str:
    named = [f"{year}-{m:02d}" for m in sorted(months)]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def not_billed_to_its_end(year: int, spans: Iterable[IntervalSpan], run_months: Collection[int]) -> str:
    """Why the year is not billed to its end, in words, with the run to make; "" when it is (a completed
    run of every month in `last_term_months`). `run_months` are the months of the year's completed runs."""
    spans = list(spans)
    missing = [m for m in last_term_months(year, spans) if m not in run_months]
    if not missing:
        return ""
    never_run: set[int] = set()
    for span in spans:
        starts = span.term_starts(year)
        if starts and span.needs_last_term(year) and starts[-1] in missing:
            last_run = max((m for m in starts if m in run_months), default=0)
            never_run.update(m for m in starts if m > last_run)
    last = (
        f"the last run of {year} was {year}-{max(run_months):02d}"
        if run_months
        else f"no run of {year} was completed"
    )
    terms = "a term that starts in" if len(never_run) == 1 else "terms that start in"
    were = "was" if len(never_run) == 1 else "were"
    bill = "it" if len(never_run) == 1 else "them"
    return (
        f"{year} is not billed to its end: {last}; {terms} {_months(year, never_run)} {were} never run. "
        f"Run {_months(year, missing)} to bill {bill} (a late run may be issued in a later year)."
    )
