"""Commands: deferrals and instalment plans a recipient asks for (as Oslo's self-service offers them), the
recipient's plans, and cancelling one (domain/payment_plans.py). A plan covers open invoices of the
recipient that no other active plan covers; its total is what is open on them when it is made (principal,
fees and interest), scheduled exactly. Whether interest continues is the rules' (plan_stops_interest).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from services.billing.application.ports import BillingUnitOfWork
from services.billing.domain.collection_rules import CollectionRules
from services.billing.domain.ledger import document_claim
from services.billing.domain.payment_plans import (
    MAX_INSTALMENTS,
    Instalment,
    PaymentPlan,
    PlanKind,
    PlanState,
    deferral_schedule,
    instalment_schedule,
)
from services.platform.errors import FailedPrecondition, InvalidInput, NotFound, Violations
from services.platform.ids import new_id
from services.platform.money import Money

MAX_DEFERRAL_DAYS = 365


def request_deferral(
    uow: BillingUnitOfWork,
    account_id: str,
    invoice_numbers: Sequence[int],
    until: date,
    on: date,
    rules: CollectionRules | None = None,
) -> PaymentPlan:
    """Defer the invoices' open amount to `until` (after `on`, within a year)."""
    problems = Violations()
    if until <= on:
        problems.add("until", "must be after the day of the request")
    elif (until - on).days > MAX_DEFERRAL_DAYS:
        problems.add("until", f"must be within {MAX_DEFERRAL_DAYS} days")
    return _request(uow, account_id, invoice_numbers, on, rules, problems, PlanKind.DEFERRAL,
                    lambda total: deferral_schedule(total, until))  # fmt: skip


def request_instalments(
    uow: BillingUnitOfWork,
    account_id: str,
    invoice_numbers: Sequence[int],
    count: int,
    first_due: date,
    on: date,
    rules: CollectionRules | None = None,
) -> PaymentPlan:
    """Pay the invoices' open amount in `count` monthly instalments from `first_due`, summing exactly."""
    problems = Violations()
    if not 2 <= count <= MAX_INSTALMENTS:
        problems.add("count", f"must be 2-{MAX_INSTALMENTS} instalments")
    if first_due <= on:
        problems.add("first_due", "must be after the day of the request")
    return _request(uow, account_id, invoice_numbers, on, rules, problems, PlanKind.INSTALMENTS,
                    lambda total: instalment_schedule(total, count, first_due))  # fmt: skip


def _request(
    uow: BillingUnitOfWork,
    account_id: str,
    invoice_numbers: Sequence[int],
    on: date,
    rules: CollectionRules | None,
    problems: Violations,
    kind: PlanKind,
    schedule: Callable[[Money], tuple[Instalment, ...]],
) -> PaymentPlan:
    if not account_id:
        problems.add("account_id", "is required")
    if not invoice_numbers:
        problems.add("invoice_numbers", "name at least one invoice")
    elif len(set(invoice_numbers)) != len(invoice_numbers):
        problems.add("invoice_numbers", "name each invoice once")
    problems.raise_if_any()
    with uow:
        if uow.accounts.get(account_id) is None:
            raise NotFound(f"no invoice recipient {account_id}")
        numbers = sorted(invoice_numbers)
        for number in numbers:
            invoice = uow.invoices.by_number(number)
            if invoice is None:  # named in the request, so bad input (the CLI names --invoices)
                raise InvalidInput.single("invoice_numbers", f"no invoice {number}")
            if invoice.account_id != account_id:
                raise InvalidInput.single("invoice_numbers", f"invoice {number} is not the recipient's")
            if on < invoice.issue_date:
                raise InvalidInput.single(
                    "on",
                    f"{on:%d.%m.%Y} is before invoice {number} was issued ({invoice.issue_date:%d.%m.%Y}): "
                    "a plan for it is requested on or after that day",
                )
        covered = {
            n
            for p in uow.collection.plans_of([account_id])
            if p.state == PlanState.ACTIVE
            for n in p.documents
        }
        if taken := sorted(covered & set(numbers)):
            raise FailedPrecondition(f"invoice {', '.join(map(str, taken))} is in an active plan already")
        balances = uow.ledger.claim_balances([document_claim(n) for n in numbers])
        shut = [
            n
            for n in numbers
            if document_claim(n) not in balances or balances[document_claim(n)].total.ore <= 0
        ]
        if shut:  # named in the request: the CLI names --invoices
            raise InvalidInput.single(
                "invoice_numbers", f"invoice {', '.join(map(str, shut))} has nothing open"
            )
        total = Money(sum(balances[document_claim(n)].total.ore for n in numbers))
        instalments = schedule(total)
        plan = PaymentPlan(
            plan_id=new_id(),
            account_id=account_id,
            kind=kind,
            requested_on=on,
            state=PlanState.ACTIVE,
            interest_continues=not (rules.plan_stops_interest if rules is not None else False),
            documents=tuple(numbers),
            total=total,
            instalments=instalments,
        )
        uow.collection.add_plan(plan, uow.now())
        uow.commit()
    return plan


def plans_of(uow: BillingUnitOfWork, account_id: str) -> list[PaymentPlan]:
    if not account_id:
        raise InvalidInput.single("account_id", "is required")
    with uow:
        return uow.collection.plans_of([account_id])


def cancel_plan(uow: BillingUnitOfWork, plan_id: str, on: date) -> PaymentPlan:
    """Cancel an active plan on business day `on` (kept as its ended_on): its invoices are reminded again
    from the next run as if it had not been. `on` may not precede the plan's request (InvalidInput
    cancelled_on)."""
    with uow:
        plan = uow.collection.get_plan(plan_id)
        if plan is None:
            raise NotFound(f"no payment plan {plan_id}")
        if plan.state != PlanState.ACTIVE:
            raise FailedPrecondition(f"plan {plan_id} is {plan.state.value}, not active")
        if on < plan.requested_on:
            raise InvalidInput.single(
                "cancelled_on",
                f"{on.isoformat()} is before the plan was requested ({plan.requested_on.isoformat()}): "
                "it is cancelled on or after that day",
            )
        uow.collection.set_plan_state(plan_id, PlanState.CANCELLED, on)
        uow.commit()
        return uow.collection.get_plan(plan_id) or plan
