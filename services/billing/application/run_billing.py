"""Commands: start (or resume) a month's billing run, and issue its invoices chunk by chunk.

What an invoice recipient owes is worked out afresh each time from "due to date" and "invoiced to date"
per property and charge (see domain/term_charges.py), so amounts under the minimum simply wait for the
next run, and a corrected tax base or a sale becomes a credit note or a supplementary invoice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from services.billing.adapters.run_documents import RunOutput, load_seller, write_run_output
from services.billing.adapters.unit_of_work import SqlBillingUnitOfWork
from services.billing.application.term_plan import plan_chunk
from services.billing.domain.billing_run import (
    CREDIT_NOTE,
    BillingRun,
    BillingRunCompleted,
    CreditNoteIssued,
    Invoice,
    InvoiceIssued,
    RunState,
)
from services.billing.domain.document_parties import RecipientSnapshot
from services.billing.domain.invoice_plan import due_date
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
    # Who issues: each invoice keeps the seller as it stood when the invoice was issued.
    seller: Seller = field(default_factory=load_seller)


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
        plan = plan_chunk(uow, run.year, run.month, accounts, policy.minimum_amount)
        channel = {a.account_id: a.channel for a in accounts}
        documents = plan.documents
        first = uow.invoices.take_numbers(len(documents)) if documents else 0
        issued = [
            Invoice(
                invoice_number=first + n,
                kind=doc.kind,
                run_id=run.run_id,
                account_id=doc.draft.account_id,
                channel=channel[doc.draft.account_id],
                kid=new_kid(first + n, policy.kid_method),
                issue_date=run.issue_date,
                due_date=due_date(run.issue_date, policy.payment_days),
                period=doc.draft.period,
                lines=doc.draft.lines,
                net=doc.draft.net,
                vat=doc.draft.total - doc.draft.net,
                total=doc.draft.total,
                corrects=doc.corrects,
            )
            for n, doc in enumerate(documents)
        ]
        recipients = {a.account_id: RecipientSnapshot.of(a) for a in accounts}  # as they stand at issue
        uow.invoices.add_many(issued, uow.now(), recipients, policy.seller)
        for invoice in issued:
            uow.record(CreditNoteIssued(invoice) if invoice.kind == CREDIT_NOTE else InvoiceIssued(invoice))
        uow.corrections.clear(plan.settled)
        run = run.advanced(accounts[-1].account_id, issued, plan.below_minimum)
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
    output: RunOutput,
    pause_seconds: float = 0.0,
) -> JobRunner:
    def step(run_id: str) -> bool:
        run = billing_chunk(make(), run_id, policy, chunk_size)
        if run.state == RunState.ISSUED:
            write_run_output(make(), run, output)  # idempotent: a crash here writes them again
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
