"""The year's oversight figures, as Oslo measures them (DOMAIN.md § 2): the share of the year's
complaints decided by year end per instance (target 100 %), handling times, overdue cases.

"The year's complaints" are those about the tax year. Each committee level counts the cases it has to
decide: the first instance every complaint inside the committees' remit not withdrawn before its
decision; the appeals committee every forwarded case not withdrawn before its decision. Handling time
runs from receipt (first instance) or from the request to go further (appeals committee) to the
decision, in calendar days.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from services.appeals.domain.cases import (
    FIRST_OPEN_STATES,
    AppealCase,
    CaseState,
    Decision,
    Instance,
    Outcome,
)

_TENTH = Decimal("0.1")


@dataclass(frozen=True)
class InstanceFigures:
    instance: Instance
    cases: int
    decided: int
    decided_by_year_end: int
    share_by_year_end: Decimal  # per cent, one decimal
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
        else Decimal("100.0")
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


def _withdrawn_before(case: AppealCase, decision: Decision | None, as_of: date) -> bool:
    return (
        case.outcome == Outcome.WITHDRAWN
        and case.closed_on is not None
        and case.closed_on <= as_of
        and (decision is None or decision.decided_on > as_of)
    )


def year_figures(cases: Sequence[AppealCase], tax_year: int, as_of: date) -> YearFigures:
    known = [c for c in cases if c.tax_year == tax_year and c.complaint.received_on <= as_of]
    year_end = date(tax_year, 12, 31)
    first: list[tuple[date, Decision | None]] = []
    second: list[tuple[date, Decision | None]] = []
    for case in known:
        if case.outcome == Outcome.OUTSIDE_COMMITTEES:
            continue
        if not _withdrawn_before(case, case.first_decision, as_of):
            first.append((case.complaint.received_on, case.first_decision))
        forwarded = case.forwarded_on
        if (
            forwarded is not None
            and forwarded <= as_of
            and not _withdrawn_before(case, case.appeals_decision, as_of)
        ):
            second.append((forwarded, case.appeals_decision))
    overdue = sum(
        1
        for c in known
        if c.state in FIRST_OPEN_STATES and c.preliminary_answer is None and c.preliminary_answer_due < as_of
    )
    return YearFigures(
        tax_year=tax_year,
        as_of=as_of,
        received=len(known),
        late=sum(1 for c in known if c.late),
        outside_committees=sum(1 for c in known if c.outcome == Outcome.OUTSIDE_COMMITTEES),
        withdrawn=sum(1 for c in known if c.outcome == Outcome.WITHDRAWN),
        open=sum(1 for c in known if c.is_open),
        overdue_preliminary_answers=overdue,
        valuation_committee=_instance(Instance.VALUATION_COMMITTEE, first, year_end, as_of),
        appeals_committee=_instance(Instance.APPEALS_COMMITTEE, second, year_end, as_of),
        by_state=dict(Counter(c.state for c in known)),
    )
