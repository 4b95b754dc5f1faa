"""A billing run for one month: every invoice recipient whose interval starts a period that month gets one
invoice for what it owes to date and has not been invoiced, unless that is under the minimum amount.

The run is a job: it walks the recipients in id order, and each chunk — invoices, their numbers from the
one unbroken series, the events, and the cursor — commits together, so a crash loses at most the chunk in
flight and a resumed run neither skips nor repeats anyone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from services.billing.domain.account import Channel
from services.billing.domain.intervals import Period
from services.billing.domain.invoice_plan import ChargeLine
from services.platform.errors import FailedPrecondition
from services.platform.money import Money

INVOICE = "invoice"
CREDIT_NOTE = "credit_note"  # its lines and total are negative: what the recipient is credited


class RunState(StrEnum):
    RUNNING = "running"
    ISSUED = "issued"  # every invoice issued; documents and journal being written
    COMPLETED = "completed"
    FAILED = "failed"


@dataclass(frozen=True)
class RunTotals:
    """A run's control totals: invoices and credit notes issued, and what they add up to (credit notes
    count negative)."""

    invoices: int
    credit_notes: int
    total: Money

    def __str__(self) -> str:
        return f"{self.invoices} invoices, {self.credit_notes} credit notes, {self.total.nok} NOK"


@dataclass(frozen=True)
class BillingRun:
    run_id: str
    year: int
    month: int
    issue_date: date
    state: RunState
    cursor: str = ""  # the last account id done
    invoices: int = 0
    below_minimum: int = 0
    total: Money = Money(0)  # invoices less credit notes
    error: str = ""
    credit_notes: int = 0
    held: int = 0  # recipients whose documents could not be delivered through their channel: not issued
    due: int = 0  # recipients whose invoice interval starts a period in the run's month
    nothing_issued: str = ""  # why the run issued nothing, in words; empty when it issued something

    @property
    def totals(self) -> RunTotals:
        return RunTotals(self.invoices, self.credit_notes, self.total)

    def check_start(self, issue_date: date | None) -> None:
        """A start of this month's run again returns this run as it stands (a failed one is resumed, a
        completed one stays complete) unless it asks for another issue date than the one the run's
        invoices carry: that raises FailedPrecondition naming the run and its date. `issue_date` None
        asks for none in particular."""
        if issue_date is None or issue_date == self.issue_date:
            return
        named = f"the billing run for {self.year}-{self.month:02d} (run {self.run_id})"
        if self.state == RunState.COMPLETED:
            raise FailedPrecondition(
                f"{named} is complete; its invoices carry issue date {self.issue_date}, so a start with "
                f"issue date {issue_date} is refused (a later change is billed by next month's run)"
            )
        raise FailedPrecondition(
            f"{named} was started with issue date {self.issue_date}; a start with issue date "
            f"{issue_date} is refused (start it with {self.issue_date}, or without a date, to go on)"
        )

    def control_totals_error(self, documents: RunTotals) -> str:
        """The empty string when the run's control totals equal what its issued documents add up to;
        else the error that fails the run, giving both."""
        if self.totals == documents:
            return ""
        return (
            f"the control totals of billing run {self.run_id} ({self.totals}) differ from its issued "
            f"documents ({documents}); the run is not complete until they agree"
        )

    def advanced(
        self, cursor: str, issued: list[Invoice], below_minimum: int, held: int = 0, due: int = 0
    ) -> BillingRun:
        credit_notes = sum(1 for i in issued if i.kind == CREDIT_NOTE)
        return replace(
            self,
            cursor=cursor,
            invoices=self.invoices + len(issued) - credit_notes,
            credit_notes=self.credit_notes + credit_notes,
            below_minimum=self.below_minimum + below_minimum,
            held=self.held + held,
            due=self.due + due,
            total=self.total + Money(sum(i.total.ore for i in issued)),
        )


def counted(n: int, noun: str, plural: str = "") -> str:
    """`1 invoice`, `2 invoices`."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def recipients_documents(n: int) -> str:
    """`1 recipient's documents`, `2 recipients' documents`."""
    return f"{n} recipient's documents" if n == 1 else f"{n} recipients' documents"


def why_nothing_issued(
    year: int,
    month: int,
    *,
    fee_schedule: bool,
    property_tax: bool,
    due: int,
    held: int,
    below_minimum: int,
) -> str:
    """Why a run (or its preview) of the month issues nothing: every reason that applies, in words, joined
    by semicolons (to follow "nothing is issued because")."""
    reasons = []
    if not fee_schedule:
        reasons.append(f"there is no fee schedule for {year}")
    if not property_tax:
        reasons.append(
            f"there is no property tax for {year} (assessment's levy for {year} has not reached billing)"
        )
    if due == 0:
        reasons.append(
            f"no recipient's invoice interval starts a period in {year}-{month:02d}, so nothing is due "
            "this month"
        )
    elif (fee_schedule or property_tax) and not (held or below_minimum):
        reasons.append(
            f"the {counted(due, 'recipient')} due this month {'owes' if due == 1 else 'owe'} nothing that "
            "is not invoiced already"
        )
    if below_minimum:
        reasons.append(
            f"{counted(below_minimum, 'recipient')} would be invoiced under the minimum amount (carried "
            "forward to the next invoice)"
        )
    if held:
        reasons.append(
            f"{recipients_documents(held)} held: they cannot be delivered through their channel until a "
            "complete postal address or an organisation number is given (`propertytax billing recipients "
            "update`)"
        )
    return "; ".join(reasons)


@dataclass(frozen=True)
class Invoice:
    invoice_number: int
    kind: str  # INVOICE or CREDIT_NOTE
    run_id: str
    account_id: str
    channel: Channel
    kid: str
    issue_date: date
    due_date: date
    period: Period
    lines: tuple[ChargeLine, ...]
    net: Money
    vat: Money
    total: Money
    corrects: int | None = None  # the recipient's latest earlier invoice, for credit notes and supplements

    @property
    def property_ids(self) -> list[str]:
        return sorted({line.property_id for line in self.lines})


@dataclass(frozen=True)
class InvoiceIssued:
    """Domain event: an invoice was issued (and is never changed again)."""

    invoice: Invoice


@dataclass(frozen=True)
class CreditNoteIssued:
    """Domain event: a credit note was issued (over-invoiced amounts are credited, never edited away)."""

    credit_note: Invoice


@dataclass(frozen=True)
class BillingRunCompleted:
    """Domain event: a billing run finished."""

    run: BillingRun
