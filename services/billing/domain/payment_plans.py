"""Deferrals (betalingsutsettelse) and instalment plans (nedbetalingsavtale) a recipient asks for.

A plan covers some of the recipient's open invoices and schedules what they add up to: a deferral in one
payment on a later day, an instalment plan in monthly instalments that sum exactly to the open amount
(largest remainder: the first instalments take the øre left over). While a plan is active its invoices
are not reminded. A plan is broken when an instalment's due date plus the rules' grace days has passed and
what has been paid on its invoices since the plan is short of what was due by then; its invoices then get
the rules' steps after a broken plan. A plan is completed when its invoices are all paid, or when all its
instalments are: interest charged on its invoices meanwhile, which payments cover first, can then be left
open, and is asked for as a kept plan's rest (domain/reminders.next_step: the steps afresh, the first
without a fee).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from services.platform.money import Money

MAX_INSTALMENTS = 60


class PlanKind(StrEnum):
    DEFERRAL = "deferral"
    INSTALMENTS = "instalments"


class PlanState(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    BROKEN = "broken"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Instalment:
    number: int  # 1, 2, …
    due_on: date
    amount: Money


@dataclass(frozen=True)
class PaymentPlan:
    plan_id: str
    account_id: str
    kind: PlanKind
    requested_on: date
    state: PlanState
    interest_continues: bool
    documents: tuple[int, ...]  # the invoice numbers it covers
    total: Money  # what was open on them when the plan was made
    instalments: tuple[Instalment, ...]
    broken_on: date | None = None
    ended_on: date | None = None  # the business day it completed, broke or was cancelled

    def due_by(self, day: date) -> Money:
        """What the schedule has fallen due on or before `day`."""
        return Money(sum(i.amount.ore for i in self.instalments if i.due_on <= day))

    def paid_since(self, open_now: Money, charged_since: Money) -> Money:
        """What has been paid or set off on its invoices since the plan was made: its total and what was
        charged on them since (interest, fees) less what is open on them now. Payments cover fees and
        interest before the principal, so what is open alone would count interest charged meanwhile as
        unpaid instalments."""
        return Money(self.total.ore + charged_since.ore - max(open_now.ore, 0))

    def missed(self, paid: Money, on: date, grace_days: int) -> Instalment | None:
        """The first instalment missed by `on`: its due date + grace passed while what has been paid on its
        invoices since the plan (paid_since) is short of what was due by then."""
        for instalment in self.instalments:
            if (
                instalment.due_on + timedelta(days=grace_days) < on
                and paid.ore < self.due_by(instalment.due_on).ore
            ):
                return instalment
        return None


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has fewer (31 Jan + 1 → 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def split_exactly(total: Money, count: int) -> list[Money]:
    """`total` in `count` parts differing by at most one øre, summing exactly to it (the first parts take
    the remainder: largest remainder with equal shares)."""
    if count <= 0:
        raise ValueError("a split needs at least one part")
    whole, left = divmod(total.ore, count)
    return [Money(whole + (1 if n < left else 0)) for n in range(count)]


def instalment_schedule(total: Money, count: int, first_due: date) -> tuple[Instalment, ...]:
    """`count` monthly instalments from `first_due`, summing exactly to `total`."""
    return tuple(
        Instalment(n + 1, add_months(first_due, n), amount)
        for n, amount in enumerate(split_exactly(total, count))
    )


def deferral_schedule(total: Money, until: date) -> tuple[Instalment, ...]:
    return (Instalment(1, until, total),)


def plan_of(plans: Sequence[PaymentPlan], document_number: int) -> PaymentPlan | None:
    """The active plan covering an invoice, if any."""
    return next((p for p in plans if p.state == PlanState.ACTIVE and document_number in p.documents), None)
