"""Planning one chunk of a billing run: which documents the chunk's recipients get. Shared by the run,
which numbers and stores them, and the preview, which only counts them.

A recipient gets at most one invoice and one credit note per run: the invoice for its due period
(plus any under-invoiced earlier amounts), the credit note for everything over-invoiced earlier. A
recipient flagged for a year (an ownership change, a corrected tax base) is settled whatever its
interval: it owes to the end of its term in which the year's latest run falls, so a new owner is invoiced
from the day he took over by the next monthly run, as the seller is credited; one invoiced to that term's
end already gets only its corrections (a supplement, a credit note). An invoice under the minimum amount
is not issued; what it would have carried is owed to date and so lands on the next invoice of the year.
A flagged recipient's under-minimum supplement for an earlier year is not billed, as the minimum rule
says.

A recipient whose documents cannot be delivered through its channel (`delivery_problem`: paper without a
complete postal address, EHF without an organisation number) gets none: its documents are held with the
reason (counted on the run, listed in the preview and the run's held.csv), its correction flags stay
set, and nothing is invoiced, so nothing is lost: the first run after its details are complete plans it
again for the periods it was held for (whether or not it is due that month) and issues what it owes then,
which is what the held documents would have carried unless the charges changed meanwhile. Nothing is
billed twice, because what is owed is always "due to date less invoiced to date".

A hold publishes no event: no document exists, no number is taken, nothing is claimed and no complaint
period starts (appeals counts from the issue of the first invoice carrying the year's tax, which
InvoiceIssued tells when the held invoice is finally issued). The hold is billing's own state, shown on
the run (GetBillingRun's `held`), in the preview and in the run's report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from services.billing.application.ports import BillingUnitOfWork, Flag, Hold, YearSoFar
from services.billing.domain.account import Account, delivery_problem
from services.billing.domain.billing_run import CREDIT_NOTE, INVOICE
from services.billing.domain.charges import Holding
from services.billing.domain.document_parties import fee_basis
from services.billing.domain.fee_schedule import FeeFacts, FeeSchedule, annual_fees
from services.billing.domain.intervals import (
    IntervalChoice,
    Period,
    interval_on,
    period_containing,
    period_starting,
)
from services.billing.domain.invoice_plan import ChargeLine, InvoiceDraft, plan_invoice
from services.billing.domain.proration import allocate
from services.billing.domain.term_charges import AccountYear, AnnualCharge, PropertyCharges, owed
from services.platform.money import Money


@dataclass(frozen=True)
class PlannedDocument:
    kind: str  # INVOICE or CREDIT_NOTE
    draft: InvoiceDraft
    corrects: int | None  # the recipient's latest earlier invoice, when the document corrects


@dataclass
class ChunkPlan:
    documents: list[PlannedDocument] = field(default_factory=list)
    due: int = 0  # recipients whose interval starts a period this month
    below_minimum: int = 0
    settled: list[Flag] = field(default_factory=list)  # correction flags this plan settles
    held: list[Hold] = field(default_factory=list)  # documents that cannot be delivered: not issued
    released: list[str] = field(default_factory=list)  # recipients whose earlier holds this plan ends
    # (recipient, tax year) flagged for a correction dated after the issue date: its day; left flagged.
    waiting: dict[tuple[str, int], date] = field(default_factory=dict)

    @property
    def held_recipients(self) -> int:
        return len({h.account_id for h in self.held})


def _span(lines: Sequence[ChargeLine]) -> Period:
    return Period(min(line.period.start for line in lines), max(line.period.end for line in lines))


def _tax_year(line: ChargeLine) -> int:
    return line.period.start.year  # a line never runs past its tax year


def _by_tax_year(draft: InvoiceDraft) -> dict[int, Money]:
    """The draft's total (VAT included) split by the tax years of its lines, adding up to it exactly: each
    rate's VAT is allocated over the years in proportion to the year's net at that rate."""
    net: dict[int, int] = {}
    at_rate: dict[Decimal, dict[int, int]] = {}
    for line in draft.lines:
        y = _tax_year(line)
        net[y] = net.get(y, 0) + line.amount.ore
        at_rate.setdefault(line.vat_rate, {})
        at_rate[line.vat_rate][y] = at_rate[line.vat_rate].get(y, 0) + line.amount.ore
    parts = dict(net)
    for rate, vat in draft.vat_by_rate().items():
        years = sorted(at_rate[rate])
        weights = [abs(at_rate[rate][y]) for y in years]
        shares = allocate(vat, weights) if sum(weights) else [vat, *[Money(0)] * (len(years) - 1)]
        for y, share in zip(years, shares, strict=True):
            parts[y] += share.ore
    return {y: Money(ore) for y, ore in sorted(parts.items())}


def _holds(
    account_id: str,
    reason: str,
    documents: Sequence[PlannedDocument],
    due_periods: Mapping[tuple[str, int], Period],
) -> list[Hold]:
    """A held recipient's holds, one per tax year its documents carry: the period the year's lines cover
    (not the month's due period: an April run holding January to June says so, and a 2031 run holding 2024
    amounts again keeps them in 2024), the year's part of the total, and the due period's end the next run
    plans again."""
    years = sorted({_tax_year(line) for doc in documents for line in doc.draft.lines})
    totals = [_by_tax_year(doc.draft) for doc in documents]
    holds = []
    for y in years:
        lines = [line for doc in documents for line in doc.draft.lines if _tax_year(line) == y]
        due = due_periods.get((account_id, y))
        holds.append(
            Hold(
                "",
                account_id,
                y,
                _span(lines),
                reason,
                sum(1 for t in totals if y in t),
                Money(sum(t[y].ore for t in totals if y in t)),
                due.end if due is not None else None,
            )
        )
    return holds


def _year_charges(
    uow: BillingUnitOfWork,
    year: int,
    holdings: Mapping[str, list[tuple[str, Holding]]],
    issue_date: date | None,
) -> dict[str, PropertyCharges]:
    """Each held property's charges for the year: the property tax (as it stood on the issue date) and
    the fees of the year's schedule."""
    property_ids = sorted({pid for held in holdings.values() for pid, _ in held})
    taxes = uow.taxes.current_taxes(property_ids, year, issue_date)
    schedule: FeeSchedule | None = uow.fee_schedules.current_schedule(year)
    facts = uow.fee_facts.facts_for(property_ids, year) if schedule else {}
    # Everyone who holds or held each property: the parts of co-owners (and of sellers and buyers) are
    # split together, so that they add up to the property's amount to the øre.
    holders = uow.holdings.of_properties(property_ids)
    fees_of: dict[FeeFacts, tuple[AnnualCharge, ...]] = {}  # many properties share the same facts
    found: dict[str, PropertyCharges] = {}
    for property_id in property_ids:
        charges: list[AnnualCharge] = []
        tax = taxes.get(property_id)
        if tax is not None and tax.billable:
            charges.append(AnnualCharge("property_tax", f"Eiendomsskatt {year}", tax.tax))
        fact = facts.get(property_id)
        if schedule is not None and fact is not None:
            if fact not in fees_of:
                fees_of[fact] = tuple(
                    AnnualCharge(f.code, f.description, f.amount, f.vat_rate, fee_basis(f))
                    for f in annual_fees(schedule, fact)
                )
            charges.extend(fees_of[fact])
        held_by = holders.get(property_id, [])
        found[property_id] = PropertyCharges(
            property_id,
            tuple(charges),
            # The ownership change dates (one holder, the usual case: its start, without a set to sort).
            (held_by[0][1].start,) if len(held_by) == 1 else tuple(sorted({h.start for _, h in held_by})),
            tuple(held_by),
        )
    return found


def _settled_to_date(
    uow: BillingUnitOfWork,
    year: int,
    month: int,
    flagged: Mapping[str, set[int]],
    intervals: Mapping[str, list[IntervalChoice]],
    due_periods: Mapping[tuple[str, int], Period],
) -> dict[tuple[str, int], Period]:
    """The period each recipient is billed up to, per tax year: its due period (or held period), and for
    a recipient flagged for a year (an ownership change, a corrected tax base) the term of its interval
    in which the year's latest run falls (this run's month in the run's year; in an earlier year, the
    latest completed run's), whatever its interval: what the property's other holders were invoiced for
    at that term's start. So a new owner is invoiced (or held) by the next monthly run from the day he
    took over to the end of the current term, as the seller is credited; a recipient already invoiced to
    that term's end gets only corrections (see domain/term_charges.py)."""
    bill_to = dict(due_periods)
    latest: dict[int, int | None] = {year: month}
    for account_id, years in flagged.items():
        for y in sorted(years):
            if y not in latest:
                latest[y] = uow.runs.latest_completed_month(y) if y < year else None
            run_month = latest[y]
            if run_month is None:
                continue  # no run of the year yet (or a later year): nothing is due to date
            interval = interval_on(intervals.get(account_id, []), date(y, run_month, 1))
            term = period_containing(y, run_month, interval)
            known = bill_to.get((account_id, y))
            if known is None or known.end < term.end:
                bill_to[(account_id, y)] = term
    return bill_to


def plan_chunk(
    uow: BillingUnitOfWork,
    year: int,
    month: int,
    accounts: Sequence[Account],
    minimum: Money,
    settling: bool = True,
    issue_date: date | None = None,
) -> ChunkPlan:
    """`settling` is False for a preview: it reads the correction flags without locking them. With
    `issue_date` the tax is billed as it stood on that day: a document cannot correct what was decided
    after its own date, so a recipient flagged for a correction dated later stays flagged (`waiting`)."""
    ids = [a.account_id for a in accounts]
    intervals = uow.accounts.intervals(ids)
    first_of_month = date(year, month, 1)
    periods = {
        account_id: period
        for account_id in ids
        if (
            period := period_starting(year, month, interval_on(intervals.get(account_id, []), first_of_month))
        )
    }
    # The period each recipient is billed up to, per tax year: its due period this month, or a period
    # an earlier run held its documents for (the later of the two, when both).
    due_periods: dict[tuple[str, int], Period] = {(a, year): p for a, p in periods.items()}
    holds = uow.invoices.held.open_holds(ids)
    held_before = sorted({h.account_id for h in holds})
    for hold in holds:
        if hold.due_end is not None:
            key = (hold.account_id, hold.tax_year)
            if key not in due_periods or due_periods[key].end < hold.due_end:
                due_periods[key] = Period(date(hold.tax_year, 1, 1), hold.due_end)
    flags = uow.corrections.flagged(ids, lock=settling)
    flagged: dict[str, set[int]] = {}
    for flag in flags:
        flagged.setdefault(flag.account_id, set()).add(flag.tax_year)
    bill_to = _settled_to_date(uow, year, month, flagged, intervals, due_periods)
    years: dict[int, list[str]] = {
        year: sorted(set(periods) | {a for a, ys in flagged.items() if year in ys} | set(held_before))
    }
    for account_id, flagged_years in flagged.items():
        for y in flagged_years - {year}:
            years.setdefault(y, []).append(account_id)
    for account_id, y in due_periods:
        if y != year and account_id not in years.setdefault(y, []):
            years[y].append(account_id)
    holdings = uow.holdings.of_accounts(ids)
    plan_waiting: dict[tuple[str, int], date] = {}
    new: dict[str, list[ChargeLine]] = {}
    credits: dict[str, list[ChargeLine]] = {}
    latest: dict[str, int] = {}
    for y, account_ids in sorted(years.items()):
        if not account_ids:
            continue
        held = {a: holdings.get(a, []) for a in account_ids}
        charges = _year_charges(uow, y, held, issue_date)
        if issue_date is not None:
            later = uow.taxes.later_corrections(
                sorted({p for a in account_ids for p, _ in held[a]}), y, issue_date
            )
            for account_id in account_ids:
                days = [later[p] for p, _ in held[account_id] if p in later]
                if days and y in flagged.get(account_id, set()):
                    plan_waiting[(account_id, y)] = min(days)
        so_far = uow.invoices.invoiced_in_year(account_ids, y)
        for account_id in account_ids:
            before = so_far.get(account_id) or YearSoFar(date(y, 1, 1), 0, {})
            if before.latest_invoice:
                latest[account_id] = max(latest.get(account_id, 0), before.latest_invoice)
            result = owed(
                AccountYear(
                    account_id,
                    y,
                    held[account_id],
                    before.lines,
                    before.billed_through if before.latest_invoice else None,
                ),
                charges,
                bill_to.get((account_id, y)),
            )
            new.setdefault(account_id, []).extend(result.new)
            credits.setdefault(account_id, []).extend(result.credits)
    plan = ChunkPlan(due=len(periods), waiting=plan_waiting)
    problems = {a.account_id: delivery_problem(a) for a in accounts}
    for account_id in ids:
        corrects = latest.get(account_id)
        documents: list[PlannedDocument] = []
        if credits.get(account_id):
            credit_note = InvoiceDraft(account_id, _span(credits[account_id]), tuple(credits[account_id]))
            if credit_note.total.ore < 0:
                documents.append(PlannedDocument(CREDIT_NOTE, credit_note, corrects))
        lines = new.get(account_id, [])
        if lines:
            due_period = due_periods.get((account_id, year))
            planned = plan_invoice(account_id, _span(lines), lines, [], minimum)
            if isinstance(planned, InvoiceDraft):
                # Lines that end before the due period's end correct earlier periods: a supplement.
                is_supplement = due_period is None or any(line.period.end != due_period.end for line in lines)
                documents.append(PlannedDocument(INVOICE, planned, corrects if is_supplement else None))
            elif planned is not None:
                plan.below_minimum += 1
        if documents and problems.get(account_id):
            plan.held.extend(_holds(account_id, problems[account_id], documents, bill_to))
            continue
        plan.documents.extend(documents)
        if account_id in held_before:
            plan.released.append(account_id)
    held_accounts = {h.account_id for h in plan.held}
    plan.settled = [  # held: settled when issued; waiting: by the first run issued on or after the correction
        f
        for f in flags
        if f.account_id not in held_accounts and (f.account_id, f.tax_year) not in plan_waiting
    ]
    return plan
