"""Billing's unit of work in memory: the repositories of services/billing/application/ports.py over plain
dicts and lists, answering as the SQL ones do (order, filters, compare-and-set), for handler unit tests.

Rows survive across transactions (one `FakeBillingUnitOfWork` is the whole database) and are not undone
on rollback (see tests/fakes/unit_of_work.py); locks are no-ops, as one test runs one transaction at a time.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from services.billing.application.ports import (
    Flag,
    Hold,
    JournalRow,
    OwnFacts,
    StoredSchedule,
    YearSoFar,
    YearSources,
)
from services.billing.domain.account import Account, Channel, delivery_problem
from services.billing.domain.billing_property import BillingProperty
from services.billing.domain.billing_run import CREDIT_NOTE, INVOICE, BillingRun, Invoice, RunState, RunTotals
from services.billing.domain.charges import Holding
from services.billing.domain.document_parties import DocumentParties, RecipientSnapshot
from services.billing.domain.fee_schedule import FeeFacts, FeeSchedule, category_key
from services.billing.domain.intervals import DEFAULT_INTERVAL, IntervalChoice
from services.billing.domain.property_tax import PropertyTax
from services.billing.domain.seller import Seller
from services.billing.domain.term_charges import Invoiced
from services.billing.domain.year_end import IntervalSpan, not_billed_to_its_end
from services.platform.money import Money
from services.platform.search_text import search_fold
from tests.fakes.avtalegiro import FakeAgreements
from tests.fakes.collection import FakeCollection
from tests.fakes.ledger import FakeLedger, FakePayments
from tests.fakes.unit_of_work import FIXED_NOW, FakeUnitOfWork


@dataclass
class _Holding:
    property_id: str
    account_id: str
    valid_from: date
    valid_to: date | None
    share: Fraction

    def holding(self) -> Holding:
        return Holding(self.valid_from, self.valid_to or date.max, self.share)

    def held_during(self, start: date, end: date) -> bool:
        return self.valid_from < end and (self.valid_to is None or self.valid_to > start)


class FakeAccounts:
    def __init__(self, holdings: FakeHoldings) -> None:
        self.rows: dict[str, Account] = {}
        self.choices: dict[str, dict[date, IntervalChoice]] = {}  # account → valid_from → choice
        self._holdings = holdings
        self._last_customer_number = 0

    def get(self, account_id: str) -> Account | None:
        return self.rows.get(account_id)

    def by_customer_number(self, customer_number: int) -> Account | None:
        return next((a for a in self.rows.values() if a.customer_number == customer_number), None)

    def find(
        self,
        *,
        name: str = "",
        property_id: str = "",
        organisation_number: str = "",
        customer_number: int = 0,
        offset: int = 0,
        limit: int = 100,
    ) -> list[Account]:
        found = [
            a
            for a in self.rows.values()
            if (not name or search_fold(name) in search_fold(a.name))
            and (
                not property_id
                or any(
                    h.account_id == a.account_id and h.property_id == property_id for h in self._holdings.rows
                )
            )
            and (not organisation_number or a.organisation_number == organisation_number)
            and (not customer_number or a.customer_number == customer_number)
        ]
        return sorted(found, key=lambda a: a.customer_number)[offset : offset + limit]

    def get_many(self, account_ids: Sequence[str]) -> dict[str, Account]:
        return {a: self.rows[a] for a in account_ids if a in self.rows}

    def add(self, account: Account, at: datetime) -> int:
        if account.account_id in self.rows:
            raise ValueError(f"account {account.account_id} exists")  # the primary key refuses it
        self._last_customer_number += 1
        self.rows[account.account_id] = replace(account, customer_number=self._last_customer_number)
        return self._last_customer_number

    def save(self, account: Account) -> None:
        stored = self.rows[account.account_id]  # the customer number is never changed
        self.rows[account.account_id] = replace(account, customer_number=stored.customer_number)

    def set_interval(self, account_id: str, choice: IntervalChoice) -> None:
        self.choices.setdefault(account_id, {})[choice.valid_from] = choice

    def intervals(self, account_ids: Sequence[str]) -> dict[str, list[IntervalChoice]]:
        return {a: list(self.choices[a].values()) for a in account_ids if self.choices.get(a)}

    def count_through(self, cursor: str) -> tuple[int, int]:
        return (self.count_in("", cursor) if cursor else 0), self.count_in("", None)

    def count_in(self, after: str, through: str | None) -> int:
        return sum(1 for a in self.rows if a > after and (through is None or a <= through))

    def split_points(self, parts: int) -> list[str]:
        ids = sorted(self.rows)
        return sorted({ids[len(ids) * n // parts - 1] for n in range(1, parts) if len(ids) * n // parts >= 1})

    def page_after(self, after_id: str, limit: int) -> list[Account]:
        return [self.rows[a] for a in sorted(self.rows) if a > after_id][:limit]

    def interval_spans(self, year: int) -> set[IntervalSpan]:
        """As AccountRepository.interval_spans: the spans of the intervals in force during the year for the
        recipients who held a property in it (the default until a recipient's first choice)."""
        start, end = date(year, 1, 1), date(year + 1, 1, 1)
        held = {h.account_id for h in self._holdings.rows if h.held_during(start, end)}
        spans: set[IntervalSpan] = set()
        for account_id in held:
            every = sorted(self.choices.get(account_id, {}).values(), key=lambda c: c.valid_from)
            chosen = [c for c in every if c.valid_from < end]
            for n, choice in enumerate(chosen):
                after = chosen[n + 1] if n + 1 < len(chosen) else None
                if after is None or after.valid_from > start:
                    spans.add(
                        IntervalSpan(
                            choice.interval,
                            choice.valid_from,
                            after.valid_from if after else None,
                            after.interval if after else None,
                        )
                    )
            first = every[0] if every else None
            if first is None or first.valid_from > start:
                spans.add(
                    IntervalSpan(
                        DEFAULT_INTERVAL,
                        start,
                        first.valid_from if first else None,
                        first.interval if first else None,
                    )
                )
        return spans


class FakeHoldings:
    def __init__(self) -> None:
        self.rows: list[_Holding] = []

    def close_open(self, property_id: str, on: date) -> None:
        for h in self.rows:
            if h.property_id == property_id and h.valid_to is None:
                h.valid_to = on

    def add(self, property_id: str, account_id: str, valid_from: date, share: Fraction) -> None:
        self.rows.append(_Holding(property_id, account_id, valid_from, None, share))

    def properties_held(self, account_ids: Sequence[str], on: date) -> dict[str, int]:
        held: dict[str, set[str]] = {}
        for h in self.rows:
            if h.account_id in account_ids and h.held_during(on, on + timedelta(days=1)):
                held.setdefault(h.account_id, set()).add(h.property_id)
        return {a: len(properties) for a, properties in held.items()}

    def latest_start(self, property_id: str) -> date | None:
        return max((h.valid_from for h in self.rows if h.property_id == property_id), default=None)

    def of_accounts(self, account_ids: Sequence[str]) -> dict[str, list[tuple[str, Holding]]]:
        found: dict[str, list[tuple[str, Holding]]] = {}
        for h in self.rows:
            if h.account_id in account_ids:
                found.setdefault(h.account_id, []).append((h.property_id, h.holding()))
        return found

    def of_property(self, property_id: str) -> list[tuple[str, Holding]]:
        rows = sorted(
            (h for h in self.rows if h.property_id == property_id), key=lambda h: (h.valid_from, h.account_id)
        )
        return [(h.account_id, h.holding()) for h in rows]

    def of_properties(self, property_ids: Sequence[str]) -> dict[str, list[tuple[str, Holding]]]:
        found: dict[str, list[tuple[str, Holding]]] = {}
        for h in sorted(self.rows, key=lambda h: (h.property_id, h.valid_from, h.account_id)):
            if h.property_id in property_ids:
                found.setdefault(h.property_id, []).append((h.account_id, h.holding()))
        return found


class FakeRuns:
    def __init__(self) -> None:
        self.rows: dict[str, BillingRun] = {}
        self.finished_at: dict[str, datetime] = {}

    def add_unless_taken(self, run: BillingRun, at: datetime) -> BillingRun:
        return self.for_month(run.year, run.month) or self.rows.setdefault(run.run_id, run)

    def advance(self, run: BillingRun) -> None:
        stored = self.rows[run.run_id]
        if stored.state != RunState.RUNNING:
            raise RuntimeError(f"billing_runs {run.run_id} is no longer running")
        self.rows[run.run_id] = replace(
            stored,
            cursor=run.cursor,
            invoices=run.invoices,
            below_minimum=run.below_minimum,
            credit_notes=run.credit_notes,
            total=run.total,
            held=run.held,
            due=run.due,
        )

    def mark_state(
        self,
        run_id: str,
        state: RunState,
        *,
        was: Collection[RunState],
        error: str = "",
        finished_at: datetime | None = None,
    ) -> bool:
        stored = self.rows.get(run_id)
        if stored is None or stored.state not in was:
            return False
        self.rows[run_id] = replace(stored, state=state, error=error)
        if finished_at is not None:
            self.finished_at[run_id] = finished_at
        return True

    def note_nothing_issued(self, run_id: str, why: str) -> None:
        self.rows[run_id] = replace(self.rows[run_id], nothing_issued=why)

    def get(self, run_id: str, lock: bool = False) -> BillingRun | None:
        return self.rows.get(run_id)

    def for_month(self, year: int, month: int) -> BillingRun | None:
        return next((r for r in self.rows.values() if (r.year, r.month) == (year, month)), None)

    def latest_completed_month(self, year: int) -> int | None:
        months = [r.month for r in self.rows.values() if r.year == year and r.state == RunState.COMPLETED]
        return max(months, default=None)

    def latest_completed_before(self, year: int, month: int) -> BillingRun | None:
        earlier = [
            r
            for r in self.rows.values()
            if r.state == RunState.COMPLETED
            and r.year * 12 + r.month < year * 12 + month
            and r.invoices + r.credit_notes > 0
        ]
        return max(earlier, key=lambda r: (r.year, r.month), default=None)

    def unfinished(self) -> list[BillingRun]:
        return [r for r in self.rows.values() if r.state in (RunState.RUNNING, RunState.ISSUED)]


@dataclass
class _Held:
    hold: Hold
    released_run_id: str | None = None


class FakeHeldDocuments:
    def __init__(self) -> None:
        self.rows: list[_Held] = []

    def hold(self, holds: Sequence[Hold], at: datetime) -> None:
        self.rows.extend(_Held(h) for h in holds)

    def open_holds(self, account_ids: Sequence[str]) -> list[Hold]:
        return [r.hold for r in self.rows if r.hold.account_id in account_ids and r.released_run_id is None]

    def release(self, account_ids: Sequence[str], run_id: str) -> None:
        for r in self.rows:
            if r.hold.account_id in account_ids and r.released_run_id is None:
                r.released_run_id = run_id

    def for_run(self, run_id: str) -> list[Hold]:
        held = [r.hold for r in self.rows if r.hold.run_id == run_id]
        return sorted(held, key=lambda h: (h.account_id, h.tax_year))


class FakeInvoices:
    def __init__(self) -> None:
        self.rows: dict[int, Invoice] = {}
        self.stored_parties: dict[int, DocumentParties] = {}
        self.prepaid: dict[int, Money] = {}  # invoice_prepaid: what credits set off at issue paid
        self.next_number = 1
        self.series_locks = 0  # how often an issuer took the number series before planning
        self._held = FakeHeldDocuments()

    @property
    def held(self) -> FakeHeldDocuments:
        return self._held

    def lock_series(self) -> int:
        self.series_locks += 1
        return self.next_number

    def take_numbers(self, count: int) -> int:
        first = self.next_number
        self.next_number += count
        return first

    def add_many(
        self,
        items: Sequence[Invoice],
        at: datetime,
        recipients: Mapping[str, RecipientSnapshot],
        seller: Seller,
    ) -> None:
        for invoice in items:
            if invoice.invoice_number in self.rows:
                raise ValueError(f"invoice {invoice.invoice_number} exists")
            self.rows[invoice.invoice_number] = invoice
            self.stored_parties[invoice.invoice_number] = DocumentParties(
                recipients[invoice.account_id], seller
            )

    def parties(self, numbers: Sequence[int]) -> dict[int, DocumentParties]:
        found = {n: self.stored_parties[n] for n in numbers if n in self.stored_parties}
        for n in found.keys() & self.prepaid.keys():
            found[n] = replace(found[n], prepaid=self.prepaid[n])
        return found

    def add_prepaid(self, amounts: Mapping[int, Money]) -> None:
        for number, amount in amounts.items():
            if number in self.prepaid:
                raise ValueError(f"invoice {number} has its prepaid amount")
            if amount.ore > 0:
                self.prepaid[number] = amount

    def _of_run(self, run_id: str) -> list[Invoice]:
        return [self.rows[n] for n in sorted(self.rows) if self.rows[n].run_id == run_id]

    def totals_for_run(self, run_id: str) -> RunTotals:
        issued = self._of_run(run_id)
        return RunTotals(
            sum(1 for i in issued if i.kind == INVOICE),
            sum(1 for i in issued if i.kind == CREDIT_NOTE),
            Money(sum(i.total.ore for i in issued)),
        )

    def invoiced_in_year(self, account_ids: Sequence[str], year: int) -> dict[str, YearSoFar]:
        found: dict[str, YearSoFar] = {}
        for account_id in account_ids:
            issued = [
                i for i in self.rows.values() if i.account_id == account_id and i.period.start.year == year
            ]
            if not issued:
                continue
            sums: dict[tuple[str, str], tuple[int, str, Decimal]] = {}
            for invoice in issued:
                for line in invoice.lines:
                    if line.period.start.year != year:
                        continue
                    key = (line.property_id, line.code)
                    ore, description, rate = sums.get(key, (0, line.description, line.vat_rate))
                    sums[key] = (
                        ore + line.amount.ore,
                        max(description, line.description),
                        max(rate, line.vat_rate),
                    )
            found[account_id] = YearSoFar(
                max(i.period.end for i in issued),
                max(i.invoice_number for i in issued),
                {key: Invoiced(Money(ore), d, r) for key, (ore, d, r) in sums.items()},
            )
        return found

    def documents_by_code(self, run_id: str) -> list[tuple[str, dict[str, Money], Money, Money]]:
        found = []
        for invoice in self._of_run(run_id):
            by_code: dict[str, Money] = {}
            for line in invoice.lines:
                by_code[line.code] = by_code.get(line.code, Money(0)) + line.amount
            found.append((invoice.kind, by_code, invoice.vat, invoice.total))
        return found

    def for_run(self, run_id: str, channel: Channel | None = None) -> list[Invoice]:
        return [i for i in self._of_run(run_id) if channel is None or i.channel == channel]

    def journal(self, run_id: str) -> list[JournalRow]:
        return [
            {
                "invoice_number": i.invoice_number,
                "kid": i.kid,
                "account_id": i.account_id,
                "property_ids": " ".join(sorted({line.property_id for line in i.lines})),
                "issue_date": i.issue_date.isoformat(),
                "due_date": i.due_date.isoformat(),
                "period_start": i.period.start.isoformat(),
                "period_end": (i.period.end - timedelta(days=1)).isoformat(),
                "amount_nok": f"{i.total.nok}",
                "kind": i.kind,
            }
            for i in self._of_run(run_id)
        ]

    def search(
        self,
        *,
        account_id: str = "",
        property_id: str = "",
        run_id: str = "",
        kind: str = "",
        issued_from: date | None = None,
        issued_to: date | None = None,
        offset: int = 0,
        limit: int = 100,
        newest_first: bool = False,
    ) -> list[Invoice]:
        found = [
            self.rows[n]
            for n in sorted(self.rows, reverse=newest_first)
            if (not account_id or self.rows[n].account_id == account_id)
            and (not property_id or any(line.property_id == property_id for line in self.rows[n].lines))
            and (not run_id or self.rows[n].run_id == run_id)
            and (not kind or self.rows[n].kind == kind)
            and (issued_from is None or self.rows[n].issue_date >= issued_from)
            and (issued_to is None or self.rows[n].issue_date <= issued_to)
        ]
        return found[offset : offset + limit]

    def by_number(self, invoice_number: int) -> Invoice | None:
        return self.rows.get(invoice_number)


class FakeFeeSchedules:
    """Stores each document with the schedule it was read as: reading YAML is the adapters' work."""

    def __init__(self) -> None:
        self.rows: list[tuple[StoredSchedule, FeeSchedule]] = []
        self.readable: dict[str, FeeSchedule] = {}  # document → what the reader makes of it

    def add(self, year: int, document: str, at: datetime) -> int:
        version = 1 + max((s.version for s, _ in self.rows if s.year == year), default=0)
        self.rows.append((StoredSchedule(year, version, document, at), self.readable[document]))
        return version

    def current(self, year: int) -> StoredSchedule | None:
        found = self._current(year)
        return found[0] if found else None

    def current_schedule(self, year: int) -> FeeSchedule | None:
        found = self._current(year)
        return found[1] if found else None

    def _current(self, year: int) -> tuple[StoredSchedule, FeeSchedule] | None:
        return max(((s, f) for s, f in self.rows if s.year == year), key=lambda r: r[0].version, default=None)

    def put(self, schedule: FeeSchedule, document: str = "") -> None:
        """A schedule stored before the test (its document only named)."""
        text = document or f"fee schedule {schedule.year}"
        self.readable[text] = schedule
        self.add(schedule.year, text, FIXED_NOW)


class FakeFeeFacts:
    def __init__(self, properties: FakeProperties) -> None:
        self.own: dict[str, OwnFacts] = {}
        self.meters: dict[tuple[str, int], Decimal] = {}
        self._properties = properties

    def is_known(self, property_id: str) -> bool:
        return property_id in self._properties.rows

    def set_own(self, property_id: str, facts: OwnFacts, at: datetime) -> None:
        self.own[property_id] = facts

    def record_meter_reading(self, property_id: str, year: int, m3: Decimal, at: datetime) -> None:
        self.meters[(property_id, year)] = m3

    def facts_for(self, property_ids: Sequence[str], year: int) -> dict[str, FeeFacts]:
        found: dict[str, FeeFacts] = {}
        for property_id in property_ids:
            prop = self._properties.rows.get(property_id)
            if prop is None:
                continue
            own = self.own.get(property_id, OwnFacts())
            found[property_id] = FeeFacts(
                category=category_key(prop.category),
                units=prop.dwelling_units,
                bra_m2=prop.bra_m2,
                chimneys=own.chimneys,
                metered_m3=self.meters.get((property_id, year)),
                connected_to_water=own.connected_to_water,
                summer_only=own.summer_only,
                no_wc=own.no_wc,
            )
        return found


class FakeCorrectionFlags:
    def __init__(self, holdings: FakeHoldings) -> None:
        self.rows: dict[tuple[str, int], datetime] = {}
        self._holdings = holdings

    def flag(self, pairs: Iterable[tuple[str, int]], at: datetime) -> None:
        for pair in pairs:
            self.rows[pair] = at

    def holders_between(self, property_id: str, start: date, end: date) -> list[str]:
        return sorted(
            {
                h.account_id
                for h in self._holdings.rows
                if h.property_id == property_id and h.held_during(start, end)
            }
        )

    def flagged(self, account_ids: Sequence[str], lock: bool = True) -> list[Flag]:
        return [Flag(a, y, at) for (a, y), at in sorted(self.rows.items()) if a in account_ids]

    def clear(self, settled: Sequence[Flag]) -> None:
        for flag in settled:
            if self.rows.get((flag.account_id, flag.tax_year)) == flag.flagged_at:
                del self.rows[(flag.account_id, flag.tax_year)]


class FakeProperties:
    def __init__(self) -> None:
        self.rows: dict[str, BillingProperty] = {}

    def get(self, property_id: str) -> BillingProperty | None:
        return self.rows.get(property_id)

    def get_many(self, property_ids: Sequence[str]) -> dict[str, BillingProperty]:
        return {p: self.rows[p] for p in property_ids if p in self.rows}

    def add(self, prop: BillingProperty) -> None:
        if prop.property_id in self.rows:
            raise ValueError(f"property {prop.property_id} exists")
        self.rows[prop.property_id] = prop

    def save(self, prop: BillingProperty) -> None:
        self.rows[prop.property_id] = prop

    def known(self, property_ids: Sequence[str]) -> set[str]:
        return {p for p in property_ids if p in self.rows}

    def add_many(self, props: Sequence[BillingProperty]) -> None:
        for prop in props:
            self.add(prop)


class FakePropertyTaxes:
    def __init__(self) -> None:
        self.rows: list[tuple[PropertyTax, bool]] = []  # (version, is_current)

    def versions(self, property_ids: Sequence[str]) -> set[tuple[str, int, int]]:
        return {(t.property_id, t.tax_year, t.version) for t, _ in self.rows if t.property_id in property_ids}

    def retire_many(self, keys: Sequence[tuple[str, int]]) -> None:
        retired = set(keys)
        self.rows = [(t, current and (t.property_id, t.tax_year) not in retired) for t, current in self.rows]

    def add_many(self, taxes: Sequence[tuple[PropertyTax, bool]]) -> None:
        self.rows.extend(taxes)

    def current_for(self, property_id: str) -> list[PropertyTax]:
        current = [t for t, c in self.rows if c and t.property_id == property_id]
        return sorted(current, key=lambda t: t.tax_year, reverse=True)

    def current_taxes(
        self, property_ids: list[str], year: int, as_of: date | None = None
    ) -> dict[str, PropertyTax]:
        in_force: dict[str, list[PropertyTax]] = {}
        for tax, current in self.rows:
            if tax.property_id not in property_ids or tax.tax_year != year:
                continue
            if (as_of is None and current) or (as_of is not None and tax.in_force_on(as_of)):
                in_force.setdefault(tax.property_id, []).append(tax)
        return {p: max(versions, key=lambda t: t.version) for p, versions in in_force.items()}

    def later_corrections(self, property_ids: list[str], year: int, as_of: date) -> dict[str, date]:
        found: dict[str, date] = {}
        for tax, _ in self.rows:
            day = tax.decided_on
            if tax.property_id in property_ids and tax.tax_year == year and day is not None and day > as_of:
                found[tax.property_id] = min(found.get(tax.property_id, day), day)
        return found


class FakeBillingYears:
    def __init__(self, uow: FakeBillingUnitOfWork) -> None:
        self._uow = uow

    def sources(self, year: int) -> YearSources:
        return YearSources(
            any(s.year == year for s, _ in self._uow.fee_schedules.rows),
            any(t.tax_year == year and current and t.billable for t, current in self._uow.taxes.rows),
        )

    def earlier_years_not_billed(self, year: int) -> list[str]:
        uow = self._uow
        years = {t.tax_year for t, current in uow.taxes.rows if current and t.billable and t.tax_year < year}
        years |= {s.year for s, _ in uow.fee_schedules.rows if s.year < year}
        found = []
        for earlier in sorted(years):
            runs = {
                r.month for r in uow.runs.rows.values() if r.year == earlier and r.state == RunState.COMPLETED
            }
            why = not_billed_to_its_end(earlier, uow.accounts.interval_spans(earlier), runs)
            if why:
                found.append(why)
        return found

    def nothing_to_bill(self, year: int) -> str:
        """Whether anything could be billed, as the SQL one decides it; its words are the SQL one's concern
        (tests/integration), so this says only that nothing could."""
        sources = self.sources(year)
        if sources.fee_schedule or sources.property_tax:
            return ""
        uow = self._uow
        waiting = {r.hold.account_id for r in uow.invoices.held.rows if r.released_run_id is None}
        waiting |= {a for a, _ in uow.corrections.rows}
        if any(not delivery_problem(a) for a in uow.accounts.get_many(sorted(waiting)).values()):
            return ""
        return f"nothing to bill for {year}"


class FakeBillingUnitOfWork(FakeUnitOfWork):
    """Satisfies services.billing.application.ports.BillingUnitOfWork in memory."""

    def __init__(self, now: datetime = FIXED_NOW) -> None:
        super().__init__(now)
        self.holdings = FakeHoldings()
        self.accounts = FakeAccounts(self.holdings)
        self.runs = FakeRuns()
        self.invoices = FakeInvoices()
        self.fee_schedules = FakeFeeSchedules()
        self.properties = FakeProperties()
        self.fee_facts = FakeFeeFacts(self.properties)
        self.corrections = FakeCorrectionFlags(self.holdings)
        self.taxes = FakePropertyTaxes()
        self.years = FakeBillingYears(self)
        self.ledger = FakeLedger(self.invoices)
        self.payments = FakePayments()
        self.collection = FakeCollection()
        self.agreements = FakeAgreements()
