"""Query: a dry run of a month's billing run — what it would issue, with totals per charge, against the
last term — computed by the same planning code as the run, and changing nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from services.billing.application.ports import UowFactory
from services.billing.application.run_billing import BillingPolicy
from services.billing.application.term_plan import plan_chunk
from services.billing.domain.account import Account
from services.billing.domain.billing_run import CREDIT_NOTE, why_nothing_issued
from services.billing.domain.intervals import Period
from services.platform.clock import oslo_date
from services.platform.errors import Violations
from services.platform.money import Money


@dataclass
class TermTotals:
    invoices: int = 0
    credit_notes: int = 0
    net_by_code: dict[str, Money] = field(default_factory=dict)
    vat: Money = Money(0)
    total: Money = Money(0)  # invoices less credit notes, VAT included

    def add(self, kind: str, lines: Mapping[str, Money], vat: Money, total: Money) -> None:
        if kind == CREDIT_NOTE:
            self.credit_notes += 1
        else:
            self.invoices += 1
        for code, amount in lines.items():
            self.net_by_code[code] = self.net_by_code.get(code, Money(0)) + amount
        self.vat += vat
        self.total += total


@dataclass(frozen=True)
class LastTerm:
    run_id: str
    year: int
    month: int
    totals: TermTotals


@dataclass(frozen=True)
class HeldRecipient:
    """A recipient whose documents the run would hold (they cannot be delivered through its channel): what
    they carry of one tax year, and the period the year's lines cover."""

    account_id: str
    name: str
    channel: str
    reason: str
    documents: int
    total: Money
    tax_year: int
    period: Period | None


@dataclass
class RunPreview:
    year: int
    month: int
    due: int = 0
    below_minimum: int = 0
    held: list[HeldRecipient] = field(default_factory=list)
    totals: TermTotals = field(default_factory=TermTotals)
    last_term: LastTerm | None = None
    nothing_issued: str = ""  # why the run would issue nothing, in words; empty when it would issue some
    # Earlier years with billable charges that no completed run billed to its end, in words with the run to
    # make: this run does not bill them.
    earlier_years_not_billed: list[str] = field(default_factory=list)
    issue_date: date | None = None
    # Recipients' years flagged for a correction dated after the issue date, in words: left for later.
    corrections_waiting: list[str] = field(default_factory=list)

    @property
    def held_recipients(self) -> int:
        return len({h.account_id for h in self.held})

    def changes(self) -> dict[str, Money]:
        """Per charge: this term's net amount less the last term's."""
        before = self.last_term.totals.net_by_code if self.last_term else {}
        codes = set(self.totals.net_by_code) | set(before)
        return {
            code: self.totals.net_by_code.get(code, Money(0)) - before.get(code, Money(0))
            for code in sorted(codes)
        }


def _name_of(accounts: Sequence[Account], account_id: str) -> str:
    return next((a.name or a.account_id for a in accounts if a.account_id == account_id), account_id)


def preview_billing_run(
    make: UowFactory, year: int, month: int, policy: BillingPolicy, size: int, issue_date: date | None = None
) -> RunPreview:
    """`issue_date` None: the month's run's own, or today's in Oslo for a month without one, as a start
    without an issue date would take."""
    problems = Violations()
    if not 1900 <= year <= 2200:
        problems.add("year", "must be a year")
    if not 1 <= month <= 12:
        problems.add("month", "must be 1-12")
    problems.raise_if_any()
    if issue_date is None:
        with make() as uow:
            run = uow.runs.for_month(year, month)
            issue_date = run.issue_date if run is not None else oslo_date(uow.now())
    preview = RunPreview(year, month, issue_date=issue_date)
    cursor = ""
    while True:
        with make() as uow:  # read only: never committed
            accounts = uow.accounts.page_after(cursor, size)
            if not accounts:
                break
            plan = plan_chunk(
                uow, year, month, accounts, policy.minimum_amount, settling=False, issue_date=issue_date
            )
        preview.due += plan.due
        preview.corrections_waiting.extend(
            f"{_name_of(accounts, account_id)}: the {tax_year} tax is corrected as of {day:%d.%m.%Y}, after "
            f"the issue date {issue_date:%d.%m.%Y}; the first run issued on or after that day settles it"
            for (account_id, tax_year), day in sorted(plan.waiting.items())
        )
        preview.below_minimum += plan.below_minimum
        by_id = {a.account_id: a for a in accounts}
        preview.held.extend(
            HeldRecipient(
                h.account_id,
                by_id[h.account_id].name,
                by_id[h.account_id].channel.value,
                h.reason,
                h.documents,
                h.total,
                h.tax_year,
                h.period,
            )
            for h in plan.held
        )
        for doc in plan.documents:
            by_code: dict[str, Money] = {}
            for line in doc.draft.lines:
                by_code[line.code] = by_code.get(line.code, Money(0)) + line.amount
            preview.totals.add(doc.kind, by_code, doc.draft.total - doc.draft.net, doc.draft.total)
        cursor = accounts[-1].account_id
    with make() as uow:
        if not (preview.totals.invoices or preview.totals.credit_notes):
            sources = uow.years.sources(year)
            preview.nothing_issued = why_nothing_issued(
                year,
                month,
                fee_schedule=sources.fee_schedule,
                property_tax=sources.property_tax,
                due=preview.due,
                held=preview.held_recipients,
                below_minimum=preview.below_minimum,
            )
        preview.earlier_years_not_billed = uow.years.earlier_years_not_billed(year)
        last = uow.runs.latest_completed_before(year, month)
        if last is not None:
            totals = TermTotals()
            for kind, by_code, vat, total in uow.invoices.documents_by_code(last.run_id):
                totals.add(kind, by_code, vat, total)
            preview.last_term = LastTerm(last.run_id, last.year, last.month, totals)
    return preview
