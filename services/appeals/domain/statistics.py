"""The year's oversight figures, as Oslo measures them (DOMAIN.md § 2): the share of the year's
complaints decided by year end per instance (target 100 %), handling times, overdue cases.

"The year's complaints" are those about the tax year. Each committee level counts the cases it has to
decide: the first instance every complaint inside the committees' remit not withdrawn before its
decision; the appeals committee every forwarded case not withdrawn before its decision. A case withdrawn
after the year end was still pending at it: it counts as not decided by the year end. Handling time
runs from receipt (first instance) or from the request to go further (appeals committee) to the
decision, in calendar days.

Figures are as of a day: what was received, decided or withdrawn by then, and each case in the state
it was in after the last step of its history dated on or before that day.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from services.appeals.domain.cases import (
    OPEN_STATES,
    AppealCase,
    CaseState,
    Decision,
    HistoryEntry,
    Instance,
    Outcome,
)

# A case with its history (in the order it was recorded).
CaseRecord = tuple[AppealCase, Sequence[HistoryEntry]]

_TENTH = Decimal("0.1")


@dataclass(frozen=True)
class InstanceFigures:
    instance: Instance
    cases: int
    decided: int
    decided_by_year_end: int
    share_by_year_end: Decimal | None  # per cent, one decimal; None when there are no cases to share
    median_days: Decimal | None
    mean_days: Decimal | None
    max_days: int


@dataclass(frozen=True)
class YearFigures:
    tax_year: int
    as_of: date
    received: int
    late: int
    outside_committees: int
    withdrawn: int
    open: int
    overdue_preliminary_answers: int
    valuation_committee: InstanceFigures
    appeals_committee: InstanceFigures
    by_state: dict[CaseState, int]


def _instance(
    instance: Instance, pending: Sequence[tuple[date, Decision | None]], year_end: date, as_of: date
) -> InstanceFigures:
    decided = [(start, d) for start, d in pending if d is not None and d.decided_on <= as_of]
    by_year_end = sum(1 for _, d in decided if d.decided_on <= year_end)
    days = [(d.decided_on - start).days for start, d in decided]
    share = (
        (Decimal(100 * by_year_end) / len(pending)).quantize(_TENTH, ROUND_HALF_UP)
        if pending
        else None  # nothing to decide is no achievement: "100 %" of no cases misled the trial's reader
    )
    return InstanceFigures(
        instance,
        len(pending),
        len(decided),
        by_year_end,
        share,
        Decimal(str(statistics.median(days))).quantize(_TENTH, ROUND_HALF_UP) if days else None,
        (Decimal(sum(days)) / len(days)).quantize(_TENTH, ROUND_HALF_UP) if days else None,
        max(days, default=0),
    )


def state_on(history: Sequence[HistoryEntry], day: date) -> CaseState | None:
    """The state after the last history entry (in recorded order) dated on or before `day`; None before
    the case was registered."""
    state = None
    for entry in history:
        if entry.on <= day:
            state = entry.to_state
    return state


def _withdrawn_before(case: AppealCase, decision: Decision | None, day: date) -> bool:
    """Withdrawn by `day` without a decision by then: nothing left for the committee to decide."""
    return (
        case.outcome == Outcome.WITHDRAWN
        and case.closed_on is not None
        and case.closed_on <= day
        and (decision is None or decision.decided_on > day)
    )


def year_figures(
    cases: Sequence[CaseRecord], tax_year: int, as_of: date, overdue_preliminary_answers: int
) -> YearFigures:
    """The year's figures as of a day; the overdue preliminary answers are counted where the overdue
    list is (the repository's rule), and given here."""
    known = [
        (case, state)
        for case, history in cases
        if case.tax_year == tax_year and (state := state_on(history, as_of)) is not None
    ]
    year_end = date(tax_year, 12, 31)
    # A withdrawal after the year end leaves the case pending at it: not decided by the year end.
    withdrawals_count_until = min(as_of, year_end)
    first: list[tuple[date, Decision | None]] = []
    second: list[tuple[date, Decision | None]] = []
    for case, _ in known:
        if case.outcome == Outcome.OUTSIDE_COMMITTEES:
            continue
        if not _withdrawn_before(case, case.first_decision, withdrawals_count_until):
            first.append((case.complaint.received_on, case.first_decision))
        forwarded = case.forwarded_on
        if (
            forwarded is not None
            and forwarded <= as_of
            and not _withdrawn_before(case, case.appeals_decision, withdrawals_count_until)
        ):
            second.append((forwarded, case.appeals_decision))
    return YearFigures(
        tax_year=tax_year,
        as_of=as_of,
        received=len(known),
        late=sum(1 for c, _ in known if c.late),
        outside_committees=sum(1 for c, _ in known if c.outcome == Outcome.OUTSIDE_COMMITTEES),
        withdrawn=sum(1 for _, state in known if state == CaseState.WITHDRAWN),
        open=sum(1 for _, state in known if state in OPEN_STATES),
        overdue_preliminary_answers=overdue_preliminary_answers,
        valuation_committee=_instance(Instance.VALUATION_COMMITTEE, first, year_end, as_of),
        appeals_committee=_instance(Instance.APPEALS_COMMITTEE, second, year_end, as_of),
        by_state=dict(Counter(state for _, state in known)),
    )
