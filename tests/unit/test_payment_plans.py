"""Deferrals and instalment plans: exact schedules, refusals, missed instalments, cancelling."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.billing.adapters.collection_rules_file import load_collection_rules
from services.billing.application.payment_plans import (
    cancel_plan,
    plans_of,
    request_deferral,
    request_instalments,
)
from services.billing.domain.payment_plans import (
    Instalment,
    PlanKind,
    PlanState,
    add_months,
    instalment_schedule,
    split_exactly,
)
from services.platform.errors import FailedPrecondition, InvalidInput
from services.platform.money import Money
from tests.collection_scene import issue, pay, recipient
from tests.fakes.billing import FakeBillingUnitOfWork

pytestmark = pytest.mark.unit

NORWAY = load_collection_rules()
ON = date(2025, 11, 25)


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=1, max_value=60))
def test_instalments_sum_exactly_to_the_whole_and_differ_by_at_most_an_ore(ore: int, count: int) -> None:
    parts = split_exactly(Money(ore), count)
    assert sum(p.ore for p in parts) == ore and len(parts) == count
    assert max(p.ore for p in parts) - min(p.ore for p in parts) <= 1


def test_monthly_instalments_keep_the_day_or_the_months_last() -> None:
    schedule = instalment_schedule(Money.of("1000.01"), 3, date(2026, 1, 31))
    assert schedule == (
        Instalment(1, date(2026, 1, 31), Money.of("333.34")),
        Instalment(2, date(2026, 2, 28), Money.of("333.34")),
        Instalment(3, date(2026, 3, 31), Money.of("333.33")),
    )
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)


def scene() -> FakeBillingUnitOfWork:
    uow = FakeBillingUnitOfWork()
    issue(uow, recipient("A1"), 1, [("p1", "property_tax", "1000")])
    issue(uow, recipient("A1"), 2, [("p1", "waste", "500.50")])
    issue(uow, recipient("A2"), 3, [("p2", "waste", "100")])
    return uow


def test_an_instalment_plan_covers_what_is_open() -> None:
    uow = scene()
    plan = request_instalments(uow, "A1", [2, 1], 4, date(2025, 12, 15), ON, NORWAY)
    assert (plan.kind, plan.state, plan.documents, plan.total) == (
        PlanKind.INSTALMENTS, PlanState.ACTIVE, (1, 2), Money.of("1500.50"),
    )  # fmt: skip
    assert [i.amount for i in plan.instalments] == [Money.of("375.13")] * 2 + [Money.of("375.12")] * 2
    assert [i.due_on for i in plan.instalments][-1] == date(2026, 3, 15)
    assert plan.interest_continues
    assert plans_of(uow, "A1") == [plan]


def test_a_plan_stops_interest_only_when_the_rules_say_so() -> None:
    uow = scene()
    plan = request_deferral(uow, "A1", [1], date(2026, 2, 1), ON, replace(NORWAY, plan_stops_interest=True))
    assert not plan.interest_continues and plan.instalments == (
        Instalment(1, date(2026, 2, 1), Money.of(1000)),
    )


def test_refusals_change_nothing() -> None:
    uow = scene()
    with pytest.raises(InvalidInput) as raised:
        request_instalments(uow, "A1", [], 1, ON, ON)
    assert [v.field for v in raised.value.violations] == ["count", "first_due", "invoice_numbers"]
    with pytest.raises(InvalidInput, match="not the recipient's"):
        request_deferral(uow, "A1", [3], date(2026, 1, 1), ON)
    with pytest.raises(InvalidInput, match="no invoice 9") as unknown:
        request_deferral(uow, "A1", [9], date(2026, 1, 1), ON)
    assert [v.field for v in unknown.value.violations] == ["invoice_numbers"]
    with pytest.raises(
        InvalidInput, match=r"24.10.2025 is before invoice 1 was issued \(30.10.2025\)"
    ) as early:
        request_deferral(uow, "A1", [1], date(2026, 1, 1), date(2025, 10, 24))
    assert [v.field for v in early.value.violations] == ["on"]
    request_deferral(uow, "A1", [1], date(2026, 1, 1), ON)
    with pytest.raises(FailedPrecondition, match="invoice 1 is in an active plan"):
        request_instalments(uow, "A1", [1, 2], 2, date(2026, 1, 1), ON)
    assert len(uow.collection.plans) == 1
    paid = FakeBillingUnitOfWork()
    invoice = issue(paid, recipient("A9"), 9, [("p9", "waste", "100")])
    pay(paid, invoice, "100", ON)
    with pytest.raises(InvalidInput, match="invoice 9 has nothing open") as shut:
        request_deferral(paid, "A9", [9], date(2026, 1, 1), ON)
    assert [v.field for v in shut.value.violations] == ["invoice_numbers"] and not paid.collection.plans


def test_a_missed_instalment_is_found_after_its_due_date_and_grace() -> None:
    plan = request_instalments(scene(), "A1", [1], 2, date(2025, 12, 1), ON)
    assert plan.missed(Money(0), date(2025, 12, 15), 14) is None  # 1 Dec + 14 not passed
    assert plan.missed(Money(0), date(2025, 12, 16), 14) == plan.instalments[0]
    assert plan.missed(Money.of(500), date(2025, 12, 16), 14) is None  # the first 500 paid
    # 1 000 paid while 20 of interest was charged: 20 open is not an instalment missed
    assert plan.paid_since(Money.of(20), Money.of(20)) == Money.of(1000)
    assert plan.paid_since(Money.of(1000), Money(0)) == Money(0)


def test_cancel_a_plan() -> None:
    uow = scene()
    plan = request_deferral(uow, "A1", [1], date(2026, 1, 1), ON)
    cancelled = cancel_plan(uow, plan.plan_id, date(2025, 12, 1))
    assert (cancelled.state, cancelled.ended_on, cancelled.broken_on) == (
        PlanState.CANCELLED,
        date(2025, 12, 1),
        None,
    )
    with pytest.raises(FailedPrecondition, match="cancelled, not active"):
        cancel_plan(uow, plan.plan_id, date(2025, 12, 1))
