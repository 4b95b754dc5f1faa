"""Commands: start (or resume) a month's billing run, and issue its invoices chunk by chunk.

What an invoice recipient owes is worked out afresh each time from "due to date" and "invoiced to date"
per property and charge (see domain/term_charges.py), so amounts under the minimum simply wait for the
next run, and a corrected tax base or a sale becomes a credit note or a supplementary invoice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from services.billing.application.ports import BillingUnitOfWork, RunFiles, UowFactory
from services.billing.application.post_documents import post_issued_documents
from services.billing.application.run_output import write_run_output
from services.billing.application.term_plan import plan_chunk
from services.billing.domain.billing_run import (
    CREDIT_NOTE,
    BillingRun,
    BillingRunCompleted,
    CreditNoteIssued,
    Invoice,
    InvoiceIssued,
    RunState,
    why_nothing_issued,
)
from services.billing.domain.document_parties import RecipientSnapshot
from services.billing.domain.invoice_plan import due_date
from services.billing.domain.kid import KidMethod, new_kid
from services.billing.domain.seller import EXAMPLE_SELLER, Seller
from services.platform.clock import oslo_date
from services.platform.errors import FailedPrecondition, InvalidInput, NotFound, Violations
from services.platform.ids import new_id
from services.platform.job_runner import JobRunner
from services.platform.money import Money


@dataclass(frozen=True)
class BillingPolicy:
    minimum_amount: Money = Money.of(50)  # Oslo: amounts under 50 NOK are not billed
    payment_days: int = 21
    kid_method: KidMethod = KidMethod.MOD10
    # Who issues: each invoice keeps the seller as it stood when the invoice was issued.
    seller: Seller = EXAMPLE_SELLER  # a deployment names its own (Settings.seller_file)


def start_billing_run(uow: BillingUnitOfWork, year: int, month: int, issue_date: date | None) -> BillingRun:
    """The month's run: a new one, or the existing one as it stands (running or issued: unchanged;
    failed: running again from its cursor with its totals). `issue_date` None means the existing run's,
    or today's in Oslo for a new one. Raises InvalidInput for a bad month, FailedPrecondition when the
    run is complete or carries another issue date (naming the run and its date), or when there is
    nothing to bill for the year at all (no fee schedule, no property tax, nothing waiting; saying so)."""
    problems = Violations()
    if not 1900 <= year <= 2200:
        problems.add("year", "must be a year")
    if not 1 <= month <= 12:
        problems.add("month", "must be 1-12")
    problems.raise_if_any()
    with uow:
        run = uow.runs.for_month(year, month)
        if run is None:
            # A run that could issue nothing is refused rather than completed empty: a complete run stays
            # complete, so an early start would use up the month's run before the year's charges arrive.
            reason = uow.years.nothing_to_bill(year)
            if reason:
                raise FailedPrecondition(reason)
            on = issue_date if issue_date is not None else oslo_date(uow.now())
            new = BillingRun(new_id(), year, month, on, RunState.RUNNING)
            run = uow.runs.add_unless_taken(new, uow.now())  # or the run of a start that raced this one
        run.check_start(issue_date)
        # Only a failed run is written to, and only its state: a start never rewrites the cursor or the
        # totals that a chunk in flight is about to move.
        if run.state == RunState.FAILED:
            uow.runs.mark_state(run.run_id, RunState.RUNNING, was=[RunState.FAILED])
            run = uow.runs.get(run.run_id) or run  # as it stands now (another start may have resumed it)
        uow.commit()
    return run


def unbilled_earlier_years(uow: BillingUnitOfWork, year: int) -> list[str]:
    """The warnings a start (and a preview) of a run of `year` gives: each earlier year with billable
    charges that no completed run billed to its end, in words with the run that bills the rest (a late
    run of that year's month, issued today). Only warned, never refused: an old year's gap must not block
    a new year's billing, and the late run bills it whenever it is made. Read once per start, not per
    recipient, so the run itself does no work for earlier years."""
    with uow:
        return uow.years.earlier_years_not_billed(year)


def get_billing_run(uow: BillingUnitOfWork, run_id: str) -> BillingRun:
    if not run_id:
        raise InvalidInput.single("run_id", "is required")
    with uow:
        run = uow.runs.get(run_id)
    if run is None:
        raise NotFound(f"no billing run {run_id}")
    return run


def billing_run_progress(uow: BillingUnitOfWork, run: BillingRun) -> tuple[int, int]:
    """(recipients the run has gone through, recipients there are): an ended run has gone through all."""
    with uow:
        done, total = uow.accounts.count_through(run.cursor)
    return (done if run.state in (RunState.RUNNING, RunState.FAILED) else total), total


def billing_chunk(uow: BillingUnitOfWork, run_id: str, policy: BillingPolicy, size: int) -> BillingRun:
    with uow:
        run = uow.runs.get(run_id, lock=True)
        if run is None:
            raise NotFound(f"no billing run {run_id}")
        if run.state != RunState.RUNNING:
            return run
        accounts = uow.accounts.page_after(run.cursor, size)
        if not accounts:
            # Checked before any document is written, so a run whose figures do not add up leaves no
            # journal or documents behind; completion checks again after the documents are written.
            error = run.control_totals_error(uow.invoices.totals_for_run(run_id))
            state = RunState.FAILED if error else RunState.ISSUED
            uow.runs.mark_state(run_id, state, was=[RunState.RUNNING], error=error)
            why = ""
            if not (run.invoices or run.credit_notes):
                sources = uow.years.sources(run.year)
                why = why_nothing_issued(
                    run.year,
                    run.month,
                    fee_schedule=sources.fee_schedule,
                    property_tax=sources.property_tax,
                    due=run.due,
                    held=run.held,
                    below_minimum=run.below_minimum,
                )
                uow.runs.note_nothing_issued(run_id, why)
            uow.commit()
            return replace(run, state=state, error=error, nothing_issued=why)
        # The plan reads what every run has invoiced so far: taking the number series first makes chunks
        # of all runs, in every process, plan one after another, so no two plan the same open period.
        uow.invoices.lock_series()
        plan = plan_chunk(
            uow, run.year, run.month, accounts, policy.minimum_amount, issue_date=run.issue_date
        )
        channel = {a.account_id: a.channel for a in accounts}
        documents = plan.documents
        first = uow.invoices.take_numbers(len(documents)) if documents else 0
        due_on = due_date(run.issue_date, policy.payment_days)  # the same for every document of the run
        issued = [
            Invoice(
                invoice_number=first + n,
                kind=doc.kind,
                run_id=run.run_id,
                account_id=doc.draft.account_id,
                channel=channel[doc.draft.account_id],
                kid=new_kid(first + n, policy.kid_method),
                issue_date=run.issue_date,
                due_date=due_on,
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
        post_issued_documents(uow, issued)  # the receivables ledger, credits set off, held payments
        for invoice in issued:
            uow.record(CreditNoteIssued(invoice) if invoice.kind == CREDIT_NOTE else InvoiceIssued(invoice))
        uow.corrections.clear(plan.settled)
        # Documents that cannot be delivered are held (no number, no event: nothing was issued); those
        # held by earlier runs and planned now are released.
        uow.invoices.held.hold([replace(h, run_id=run.run_id) for h in plan.held], uow.now())
        uow.invoices.held.release(plan.released, run.run_id)
        run = run.advanced(
            accounts[-1].account_id, issued, plan.below_minimum, plan.held_recipients, plan.due
        )
        uow.runs.advance(run)
        uow.commit()
    return run


def complete_billing_run(uow: BillingUnitOfWork, run_id: str) -> BillingRun:
    """After the documents and the journal are written: the run is complete, if its control totals equal
    what its issued documents add up to; if not, it is failed with an error giving both (an operator
    looks into it; a start resumes it and checks again). Raises NotFound for an unknown run."""
    with uow:
        run = uow.runs.get(run_id, lock=True)
        if run is None:
            raise NotFound(f"no billing run {run_id}")
        if run.state == RunState.ISSUED:
            error = run.control_totals_error(uow.invoices.totals_for_run(run_id))
            if error:
                uow.runs.mark_state(run_id, RunState.FAILED, was=[RunState.ISSUED], error=error)
                run = replace(run, state=RunState.FAILED, error=error)
            else:
                uow.runs.mark_state(run_id, RunState.COMPLETED, was=[RunState.ISSUED], finished_at=uow.now())
                run = replace(run, state=RunState.COMPLETED)
                uow.record(BillingRunCompleted(run))
            uow.commit()
    return run


def billing_runner(
    make: UowFactory,
    policy: BillingPolicy,
    chunk_size: int,
    output: RunFiles,
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
        with make() as uow:  # a run that completed meanwhile stays complete
            uow.runs.mark_state(run_id, RunState.FAILED, was=[RunState.RUNNING, RunState.ISSUED], error=error)
            uow.commit()

    return JobRunner("billing-run", step=step, unfinished=unfinished, fail=fail, pause_seconds=pause_seconds)
