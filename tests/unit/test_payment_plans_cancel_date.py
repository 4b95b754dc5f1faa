"""A plan is not cancelled on a day before it was requested (trial, issue 16)."""

from __future__ import annotations

from datetime import date

import pytest

from services.billing.application.payment_plans import cancel_plan, request_deferral
from services.billing.domain.payment_plans import PlanState
from services.platform.errors import InvalidInput
from tests.collection_scene import issue, recipient
from tests.fakes.billing import FakeBillingUnitOfWork

pytestmark = pytest.mark.unit

REQUESTED = date(2025, 11, 25)


def test_a_plan_cancelled_before_its_request_is_refused_naming_cancelled_on() -> None:
    uow = FakeBillingUnitOfWork()
    issue(uow, recipient("A1"), 1, [("p1", "property_tax", "1000")])
    plan = request_deferral(uow, "A1", [1], date(2026, 1, 1), REQUESTED)

    with pytest.raises(InvalidInput) as early:
        cancel_plan(uow, plan.plan_id, date(2025, 11, 1))

    assert [(v.field, v.description) for v in early.value.violations] == [
        (
            "cancelled_on",
            "2025-11-01 is before the plan was requested (2025-11-25): it is cancelled on or after that day",
        )
    ]
    assert uow.collection.plans[plan.plan_id].state == PlanState.ACTIVE
    assert cancel_plan(uow, plan.plan_id, REQUESTED).state == PlanState.CANCELLED
