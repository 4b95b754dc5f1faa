"""Commands: start (or resume) a month's billing run, and issue its invoices chunk by chunk.

What an invoice recipient owes is worked out afresh each time as "due to date minus invoiced to date"
per property and charge, so amounts under the minimum simply wait for the next run, and a corrected tax
base shows up as a difference (a supplement, or a credit line) on the next invoice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from services.billing.adapters.repository import current_taxes
from services.billing.adapters.run_documents import RunOutput, write_run_output
from services.billing.adapters.unit_of_work import SqlBillingUnitOfWork
from services.billing.domain.billing_run import (
    BillingRun,
    BillingRunCompleted,
    Invoice,
    InvoiceIssued,
    RunState,
)
from services.billing.domain.charges import amount_for_period
from services.billing.domain.intervals import Period, interval_on, period_starting
from services.billing.domain.invoice_plan import ChargeLine, InvoiceDraft, due_date, plan_invoice
from services.billing.domain.kid import KidMethod, new_kid
from services.billing.domain.seller import Seller
from services.platform.errors import FailedPrecondition, InvalidInput, NotFound, Violations
from services.platform.ids import new_id
from services.platform.job_runner import JobRunner
from services.platform.money import Money

UowFactory = Callable[[], SqlBillingUnitOfWork]


@dataclass(frozen=True)
class BillingPolicy:
    minimum_amount: Money = Money.of(50)  # Oslo: amounts under 50 NOK are not billed
    payment_days: int = 21
    kid_method: KidMethod = KidMethod.MOD10


def start_billing_run(uow: SqlBillingUnitOfWork, year: int, month: int, issue_date: date) -> BillingRun:
    problems = Violations()
    if not 1900 <= year <= 2200:
        problems.add("year", "must be a year")
    if not 1 <= month <= 12:
        problems.add("month", "must be 1-12")
    problems.raise_if_any()
    with uow:
        run = uow.runs.for_month(year, month)
        if run is not None and run.state == RunState.COMPLETED:
            raise FailedPrecondition(f"the billing run for {year}-{month:02d} is complete")
        if run is not None:
            run = replace(run, state=RunState.RUNNING, error="")
            uow.runs.save(run)
        else:
            run = BillingRun(new_id(), year, month, issue_date, RunState.RUNNING)
            uow.runs.add(run, uow.now())
        uow.commit()
    return run


def get_billing_run(uow: SqlBillingUnitOfWork, run_id: str) -> BillingRun:
    if not run_id:
        raise InvalidInput.single("run_id", "is required")
    with uow:
        run = uow.runs.get(run_id)
    if run is None:
        raise NotFound(f"no billing run {run_id}")
    return run


def _property_tax_lines(
    uow: SqlBillingUnitOfWork, account_ids: list[str], year: int, periods: dict[str, Period]
) -> dict[str, list[ChargeLine]]:
    holdings = uow.holdings.of_accounts(account_ids)
    property_ids = sorted({pid for held in holdings.values() for pid, _ in held})
    taxes = current_taxes(uow.session, property_ids, year)
    changes = uow.holdings.change_dates(property_ids)
    invoiced = uow.invoices.invoiced_to_date(account_ids, year)
    lines: dict[str, list[ChargeLine]] = {}
    for account_id in account_ids:
        period = periods[account_id]
        to_date = Period(date(year, 1, 1), period.end)
        for property_id, holding in holdings.get(account_id, []):
            tax = taxes.get(property_id)
            if tax is None or not tax.billable:
                continue
            due = amount_for_period(tax.tax, year, to_date, holding, changes.get(property_id, []))
            owed = due - invoiced.get((account_id, property_id, "property_tax"), Money(0))
            if owed.ore:
                lines.setdefault(account_id, []).append(
                    ChargeLine(property_id, "property_tax", f"Eiendomsskatt {year}", period, owed)
                )
    return lines


def billing_chunk(uow: SqlBillingUnitOfWork, run_id: str, policy: BillingPolicy, size: int) -> BillingRun:
    with uow:
        run = uow.runs.get(run_id, lock=True)
        if run is None:
            raise NotFound(f"no billing run {run_id}")
        if run.state != RunState.RUNNING:
            return run
        accounts = uow.accounts.page_after(run.cursor, size)
        if not accounts:
            run = replace(run, state=RunState.ISSUED)
            uow.runs.save(run)
            uow.commit()
            return run
        ids = [a.account_id for a in accounts]
        intervals = uow.accounts.intervals(ids)
        first_of_month = date(run.year, run.month, 1)
        periods = {
            a.account_id: p
            for a in accounts
            if (
                p := period_starting(
                    run.year, run.month, interval_on(intervals.get(a.account_id, []), first_of_month)
                )
            )
        }
        lines = _property_tax_lines(uow, list(periods), run.year, periods)
        drafts: list[InvoiceDraft] = []
        below = 0
        for account_id, period in periods.items():
            planned = plan_invoice(account_id, period, lines.get(account_id, []), [], policy.minimum_amount)
            if isinstance(planned, InvoiceDraft):
                drafts.append(planned)
            elif planned is not None:
                below += 1
        channel = {a.account_id: a.channel for a in accounts}
        first = uow.invoices.take_numbers(len(drafts)) if drafts else 0
        issued = [
            Invoice(
                invoice_number=first + n,
                kind="invoice" if draft.total.ore > 0 else "credit_note",
                run_id=run.run_id,
                account_id=draft.account_id,
                channel=channel[draft.account_id],
                kid=new_kid(first + n, policy.kid_method),
                issue_date=run.issue_date,
                due_date=due_date(run.issue_date, policy.payment_days),
                period=draft.period,
                lines=draft.lines,
                net=draft.net,
                vat=draft.total - draft.net,
                total=draft.total,
            )
            for n, draft in enumerate(drafts)
        ]
        uow.invoices.add_many(issued, uow.now())
        for invoice in issued:
            uow.record(InvoiceIssued(invoice))
        run = run.advanced(ids[-1], [i.total for i in issued], below)
        uow.runs.save(run)
        uow.commit()
    return run


def complete_billing_run(uow: SqlBillingUnitOfWork, run_id: str) -> BillingRun:
    """After the documents and the journal are written: the run is complete."""
    with uow:
        run = uow.runs.get(run_id, lock=True)
        if run is None:
            raise NotFound(f"no billing run {run_id}")
        if run.state == RunState.ISSUED:
            run = replace(run, state=RunState.COMPLETED)
            uow.runs.save(run, finished_at=uow.now())
            uow.record(BillingRunCompleted(run))
            uow.commit()
    return run


def billing_runner(
    make: UowFactory,
    policy: BillingPolicy,
    chunk_size: int,
    seller: Seller,
    output: RunOutput,
    pause_seconds: float = 0.0,
) -> JobRunner:
    def step(run_id: str) -> bool:
        run = billing_chunk(make(), run_id, policy, chunk_size)
        if run.state == RunState.ISSUED:
            write_run_output(make(), run, seller, output)  # idempotent: a crash here writes them again
            run = complete_billing_run(make(), run_id)
        return run.state != RunState.RUNNING

    def unfinished() -> list[str]:
        with make() as uow:
            return [run.run_id for run in uow.runs.unfinished()]  # running or issued

    def fail(run_id: str, error: str) -> None:
        with make() as uow:
            run = uow.runs.get(run_id)
            if run is not None:
                uow.runs.save(replace(run, state=RunState.FAILED, error=error))
                uow.commit()

    return JobRunner("billing-run", step=step, unfinished=unfinished, fail=fail, pause_seconds=pause_seconds)
