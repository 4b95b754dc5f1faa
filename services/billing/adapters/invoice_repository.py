"""Billing runs, the invoice number series, invoices and their lines."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.billing.adapters.document_parties_store import load_parties, store_parties
from services.billing.adapters.orm import (
    billing_runs,
    held_documents,
    invoice_lines,
    invoice_prepaid,
    invoice_series,
    invoices,
)
from services.billing.application.ports import Hold, YearSoFar
from services.billing.domain.account import Channel
from services.billing.domain.billing_run import CREDIT_NOTE, INVOICE, BillingRun, Invoice, RunState, RunTotals
from services.billing.domain.document_parties import DocumentParties, RecipientSnapshot
from services.billing.domain.intervals import Period
from services.billing.domain.invoice_plan import ChargeLine
from services.billing.domain.seller import Seller
from services.billing.domain.term_charges import Invoiced
from services.platform import job_rows
from services.platform.bulk import bulk_insert
from services.platform.db import one_of
from services.platform.money import Money

SERIES = "invoice"
_PAGE = 5000  # invoices read at a time (their numbers go into one IN list)


def _to_run(row: Any) -> BillingRun:
    return BillingRun(
        run_id=row.run_id,
        year=row.year,
        month=row.month,
        issue_date=row.issue_date,
        state=RunState(row.state),
        cursor=row.cursor,
        invoices=row.invoices,
        below_minimum=row.below_minimum,
        credit_notes=row.credit_notes,
        total=Money(row.total_ore),
        error=row.error,
        held=row.held,
        due=row.due,
        nothing_issued=row.nothing_issued,
    )


def invoice_rows(items: Sequence[Invoice], at: datetime) -> list[dict[str, Any]]:
    """Invoices as rows of the invoices table."""
    return [
        {
            "invoice_number": i.invoice_number,
            "kind": i.kind,
            "run_id": i.run_id,
            "account_id": i.account_id,
            "channel": i.channel.value,
            "kid": i.kid,
            "issue_date": i.issue_date,
            "due_date": i.due_date,
            "period_start": i.period.start,
            "period_end": i.period.end,
            "net_ore": i.net.ore,
            "vat_ore": i.vat.ore,
            "total_ore": i.total.ore,
            "created_at": at,
            "corrects_invoice_number": i.corrects,
        }
        for i in items
    ]


def line_rows(items: Sequence[Invoice]) -> list[dict[str, Any]]:
    """Their lines as rows of the invoice_lines table, numbered from 1 per invoice."""
    return [
        {
            "invoice_number": i.invoice_number,
            "line_no": n,
            "account_id": i.account_id,
            "property_id": line.property_id,
            "code": line.code,
            "description": line.description,
            "period_start": line.period.start,
            "period_end": line.period.end,
            "amount_ore": line.amount.ore,
            "vat_rate": line.vat_rate,
        }
        for i in items
        for n, line in enumerate(i.lines, start=1)
    ]


class BillingRunRepository:
    """Each write changes only the columns its step owns (a start the row, a chunk the cursor and totals,
    the others the state), so a writer holding an old copy of the run never rewinds what another wrote."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add_unless_taken(self, run: BillingRun, at: datetime) -> BillingRun:
        """Inserts the run unless its month has one: a concurrent start may have inserted the month's run
        since this transaction looked (the month is unique). Returns the month's run, this one or that."""
        try:  # in a savepoint: a refused insert leaves the transaction usable
            with self._session.begin_nested():
                self._session.execute(insert(billing_runs).values(**self._values(run), started_at=at))
        except IntegrityError:
            pass  # the other start committed first; read its run below (read committed sees it now)
        found = self.for_month(run.year, run.month)
        if found is None:
            raise RuntimeError(f"no billing run for {run.year}-{run.month:02d} after inserting one")
        return found

    def advance(self, run: BillingRun) -> None:
        """Writes what a chunk moves, the cursor and the running totals, of a running run (the chunk holds
        its row lock); raises RuntimeError, rolling the chunk back, if the run is no longer running."""
        progress = {
            "cursor": run.cursor,
            "invoices": run.invoices,
            "below_minimum": run.below_minimum,
            "credit_notes": run.credit_notes,
            "total_ore": run.total.ore,
            "held": run.held,
            "due": run.due,
        }
        job_rows.advance(self._session, billing_runs, run.run_id, RunState.RUNNING.value, progress)

    def mark_state(
        self,
        run_id: str,
        state: RunState,
        *,
        was: Collection[RunState],
        error: str = "",
        finished_at: datetime | None = None,
    ) -> bool:
        """Compare-and-set: moves the run to `state` with `error` (and `finished_at`, when given) if it is
        in one of the states `was`; True when it moved. Cursor and totals are not touched."""
        return job_rows.set_state(
            self._session,
            billing_runs,
            run_id,
            state.value,
            was=[s.value for s in was],
            error=error,
            finished_at=finished_at,
        )

    @staticmethod
    def _values(run: BillingRun) -> dict[str, Any]:
        return {
            "run_id": run.run_id,
            "year": run.year,
            "month": run.month,
            "issue_date": run.issue_date,
            "state": run.state.value,
            "cursor": run.cursor,
            "invoices": run.invoices,
            "below_minimum": run.below_minimum,
            "credit_notes": run.credit_notes,
            "total_ore": run.total.ore,
            "error": run.error,
            "held": run.held,
            "due": run.due,
            "nothing_issued": run.nothing_issued,
        }

    def note_nothing_issued(self, run_id: str, why: str) -> None:
        """Records why the run issued nothing (shown on the run and in the CLI's last line)."""
        self._session.execute(
            update(billing_runs).where(billing_runs.c.run_id == run_id).values(nothing_issued=why)
        )

    def get(self, run_id: str, lock: bool = False) -> BillingRun | None:
        query = select(billing_runs).where(billing_runs.c.run_id == run_id)
        row = self._session.execute(query.with_for_update() if lock else query).first()
        return _to_run(row) if row else None

    def for_month(self, year: int, month: int) -> BillingRun | None:
        row = self._session.execute(
            select(billing_runs).where(billing_runs.c.year == year, billing_runs.c.month == month)
        ).first()
        return _to_run(row) if row else None

    def latest_completed_month(self, year: int) -> int | None:
        """The latest month of the year whose run is complete (a late run included), or None."""
        month = self._session.execute(
            select(func.max(billing_runs.c.month)).where(
                billing_runs.c.year == year, billing_runs.c.state == RunState.COMPLETED.value
            )
        ).scalar_one_or_none()
        return int(month) if month is not None else None

    def latest_completed_before(self, year: int, month: int) -> BillingRun | None:
        """The last term: the latest completed run before the month that issued anything."""
        row = self._session.execute(
            select(billing_runs)
            .where(
                billing_runs.c.state == RunState.COMPLETED.value,
                (billing_runs.c.year * 12 + billing_runs.c.month) < year * 12 + month,
                (billing_runs.c.invoices + billing_runs.c.credit_notes) > 0,
            )
            .order_by(billing_runs.c.year.desc(), billing_runs.c.month.desc())
            .limit(1)
        ).first()
        return _to_run(row) if row else None

    def unfinished(self) -> list[BillingRun]:
        rows = self._session.execute(
            select(billing_runs).where(
                billing_runs.c.state.in_([RunState.RUNNING.value, RunState.ISSUED.value])
            )
        )
        return [_to_run(r) for r in rows]


class HeldDocumentRepository:
    """Held documents: written by the run that held them, released by the run that issues them."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def hold(self, holds: Sequence[Hold], at: datetime) -> None:
        for h in holds:
            self._session.execute(
                insert(held_documents).values(
                    run_id=h.run_id,
                    account_id=h.account_id,
                    tax_year=h.tax_year,
                    period_start=h.period.start if h.period else None,
                    period_end=h.period.end if h.period else None,
                    due_end=h.due_end,
                    reason=h.reason,
                    documents=h.documents,
                    total_ore=h.total.ore,
                    held_at=at,
                )
            )

    def open_holds(self, account_ids: Sequence[str]) -> list[Hold]:
        """The recipients' holds that no run has released yet."""
        rows = self._session.execute(
            select(held_documents).where(
                one_of(self._session, held_documents.c.account_id, account_ids),
                held_documents.c.released_run_id.is_(None),
            )
        )
        return [_to_hold(r) for r in rows.all()]

    def release(self, account_ids: Sequence[str], run_id: str) -> None:
        if account_ids:
            self._session.execute(
                update(held_documents)
                .where(
                    one_of(self._session, held_documents.c.account_id, account_ids),
                    held_documents.c.released_run_id.is_(None),
                )
                .values(released_run_id=run_id)
            )

    def for_run(self, run_id: str) -> list[Hold]:
        rows = self._session.execute(
            select(held_documents)
            .where(held_documents.c.run_id == run_id)
            .order_by(held_documents.c.account_id, held_documents.c.tax_year)
        )
        return [_to_hold(r) for r in rows.all()]


def _to_hold(row: Any) -> Hold:
    period = Period(row.period_start, row.period_end) if row.period_start and row.period_end else None
    return Hold(
        row.run_id,
        row.account_id,
        row.tax_year,
        period,
        row.reason,
        row.documents,
        Money(row.total_ore),
        row.due_end,
    )


class InvoiceRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self.held = HeldDocumentRepository(session)  # documents not issued: they could not be delivered

    def lock_series(self) -> int:
        """Locks the number series until commit (creating it at 1 the first time) and returns its next
        number. An issuer takes it before planning, so issuers in every process plan one after another,
        each seeing the documents of those before it (on SQLite, BEGIN IMMEDIATE queues them already)."""
        row = self._locked_series()
        if row is None:
            try:
                with self._session.begin_nested():
                    self._session.execute(insert(invoice_series).values(series=SERIES, next_number=1))
            except IntegrityError:
                pass  # another issuer created it meanwhile: queue on its row below
            row = self._locked_series()
            if row is None:
                raise RuntimeError(f"the invoice number series {SERIES!r} could not be created")
        return int(row.next_number)

    def _locked_series(self) -> Any:
        return self._session.execute(
            select(invoice_series.c.next_number).where(invoice_series.c.series == SERIES).with_for_update()
        ).first()

    def take_numbers(self, count: int) -> int:
        """Reserves `count` consecutive numbers in this transaction; returns the first. The series row is
        locked until commit, so concurrent issuers queue and a rollback returns the numbers."""
        first = self.lock_series()
        self._session.execute(
            update(invoice_series).where(invoice_series.c.series == SERIES).values(next_number=first + count)
        )
        return first

    def add_many(
        self,
        items: Sequence[Invoice],
        at: datetime,
        recipients: Mapping[str, RecipientSnapshot],
        seller: Seller,
    ) -> None:
        """Issues the invoices with their lines and, in the same transaction, what their documents will
        show: each recipient (by account id) and the issuer as they stand now."""
        bulk_insert(self._session, invoices, invoice_rows(items, at))
        bulk_insert(self._session, invoice_lines, line_rows(items))
        store_parties(self._session, items, recipients, seller)

    def parties(self, numbers: Sequence[int]) -> dict[int, DocumentParties]:
        """The recipient and issuer each invoice's document shows, as they stood at issue; with what the
        recipient's credits paid of it then, for one issued with a set-off (DocumentParties.prepaid)."""
        found = load_parties(self._session, numbers)
        prepaid = self._prepaid(sorted(found))
        for number, amount in prepaid.items():
            parties = found[number]
            found[number] = replace(parties, prepaid=amount)
        return found

    def add_prepaid(self, amounts: Mapping[int, Money]) -> None:
        """What the credits set off at issue paid of each invoice (none for amounts of 0)."""
        rows = [
            {"invoice_number": number, "amount_ore": amount.ore}
            for number, amount in sorted(amounts.items())
            if amount.ore > 0
        ]
        if rows:
            bulk_insert(self._session, invoice_prepaid, rows)

    def _prepaid(self, numbers: Sequence[int]) -> dict[int, Money]:
        found: dict[int, Money] = {}
        for start in range(0, len(numbers), _PAGE):
            page = numbers[start : start + _PAGE]
            for row in self._session.execute(
                select(invoice_prepaid.c.invoice_number, invoice_prepaid.c.amount_ore).where(
                    one_of(self._session, invoice_prepaid.c.invoice_number, page)
                )
            ).all():
                found[row.invoice_number] = Money(row.amount_ore)
        return found

    def totals_for_run(self, run_id: str) -> RunTotals:
        """What the run's issued documents add up to, counted from the invoices table."""
        counts = {INVOICE: 0, CREDIT_NOTE: 0}
        total = 0
        for kind, count, amount in self._session.execute(
            select(invoices.c.kind, func.count(), func.sum(invoices.c.total_ore))
            .where(invoices.c.run_id == run_id)
            .group_by(invoices.c.kind)
        ).all():
            counts[kind] = int(count)
            total += int(amount)
        return RunTotals(counts[INVOICE], counts[CREDIT_NOTE], Money(total))

    def invoiced_in_year(self, account_ids: Sequence[str], year: int) -> dict[str, YearSoFar]:
        """Per account: what has been invoiced for the year so far, per property and charge, the end of
        the last period invoiced, and the latest invoice number."""
        found: dict[str, YearSoFar] = {}
        in_year = (
            invoices.c.period_start >= date(year, 1, 1),
            invoices.c.period_start < date(year + 1, 1, 1),
        )
        for account_id, through, latest in self._session.execute(
            select(
                invoices.c.account_id, func.max(invoices.c.period_end), func.max(invoices.c.invoice_number)
            )
            .where(one_of(self._session, invoices.c.account_id, account_ids), *in_year)
            .group_by(invoices.c.account_id)
        ).all():
            found[account_id] = YearSoFar(through, int(latest), {})
        rows = self._session.execute(
            select(
                invoice_lines.c.account_id,
                invoice_lines.c.property_id,
                invoice_lines.c.code,
                func.sum(invoice_lines.c.amount_ore),
                func.max(invoice_lines.c.description),
                func.max(invoice_lines.c.vat_rate),
            )
            .where(
                one_of(self._session, invoice_lines.c.account_id, account_ids),
                invoice_lines.c.period_start >= date(year, 1, 1),
                invoice_lines.c.period_start < date(year + 1, 1, 1),
            )
            .group_by(invoice_lines.c.account_id, invoice_lines.c.property_id, invoice_lines.c.code)
        )
        for account_id, property_id, code, amount, description, vat_rate in rows.all():
            so_far = found.get(account_id)
            if so_far is not None:
                so_far.lines[(property_id, code)] = Invoiced(Money(int(amount)), description, vat_rate)
        return found

    def documents_by_code(self, run_id: str) -> list[tuple[str, dict[str, Money], Money, Money]]:
        """The run's documents as (kind, net per charge code, VAT, total)."""
        by_code: dict[int, dict[str, Money]] = {}
        for number, code, amount in self._session.execute(
            select(invoice_lines.c.invoice_number, invoice_lines.c.code, func.sum(invoice_lines.c.amount_ore))
            .join(invoices, invoices.c.invoice_number == invoice_lines.c.invoice_number)
            .where(invoices.c.run_id == run_id)
            .group_by(invoice_lines.c.invoice_number, invoice_lines.c.code)
        ):
            by_code.setdefault(number, {})[code] = Money(int(amount))
        return [
            (r.kind, by_code.get(r.invoice_number, {}), Money(r.vat_ore), Money(r.total_ore))
            for r in self._session.execute(
                select(
                    invoices.c.invoice_number, invoices.c.kind, invoices.c.vat_ore, invoices.c.total_ore
                ).where(invoices.c.run_id == run_id)
            )
        ]

    def for_run(self, run_id: str, channel: Channel | None = None) -> list[Invoice]:
        """The run's invoices (to one channel, if given) with their lines, in number order."""
        query = select(invoices).where(invoices.c.run_id == run_id)
        if channel is not None:
            query = query.where(invoices.c.channel == channel.value)
        rows = self._session.execute(query.order_by(invoices.c.invoice_number)).all()
        found: list[Invoice] = []
        for start in range(0, len(rows), _PAGE):
            found += self._with_lines(rows[start : start + _PAGE])
        return found

    def numbers(self) -> list[int]:
        return list(
            self._session.scalars(select(invoices.c.invoice_number).order_by(invoices.c.invoice_number))
        )

    def journal(self, run_id: str) -> list[dict[str, Any]]:
        """The run's invoices as journal rows, in number order."""
        # Distinct pairs: an invoice has a line per charge, several per property, and only the set of its
        # properties is wanted (reading every line cost seconds at Oslo's scale).
        lines = self._session.execute(
            select(invoice_lines.c.invoice_number, invoice_lines.c.property_id)
            .join(invoices, invoices.c.invoice_number == invoice_lines.c.invoice_number)
            .where(invoices.c.run_id == run_id)
            .distinct()
        )
        properties: dict[int, set[str]] = {}
        for number, property_id in lines.all():  # fetched at once, not row by row
            properties.setdefault(number, set()).add(property_id)
        rows = self._session.execute(
            select(invoices).where(invoices.c.run_id == run_id).order_by(invoices.c.invoice_number)
        )
        return [
            {
                "invoice_number": r.invoice_number,
                "kid": r.kid,
                "account_id": r.account_id,
                "property_ids": " ".join(sorted(properties.get(r.invoice_number, set()))),
                "issue_date": r.issue_date.isoformat(),
                "due_date": r.due_date.isoformat(),
                "period_start": r.period_start.isoformat(),
                "period_end": (r.period_end - timedelta(days=1)).isoformat(),  # the last day billed
                "amount_nok": f"{Money(r.total_ore).nok}",
                "kind": r.kind,
            }
            for r in rows.all()
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
        """Invoices matching every given filter (empty ones are left out), with their lines, in number
        order (`newest_first`: the highest number first); `offset` and `limit` cut out one page. A
        property matches the invoices with a line for it."""
        query = select(invoices)
        if account_id:
            query = query.where(invoices.c.account_id == account_id)
        if property_id:
            query = query.where(
                select(invoice_lines.c.invoice_number)
                .where(
                    invoice_lines.c.invoice_number == invoices.c.invoice_number,
                    invoice_lines.c.property_id == property_id,
                )
                .exists()
            )
        if run_id:
            query = query.where(invoices.c.run_id == run_id)
        if kind:
            query = query.where(invoices.c.kind == kind)
        if issued_from is not None:
            query = query.where(invoices.c.issue_date >= issued_from)
        if issued_to is not None:
            query = query.where(invoices.c.issue_date <= issued_to)
        order = invoices.c.invoice_number.desc() if newest_first else invoices.c.invoice_number
        rows = list(self._session.execute(query.order_by(order).offset(offset).limit(limit)))
        return self._with_lines(rows)

    def by_number(self, invoice_number: int) -> Invoice | None:
        """One invoice with its lines."""
        rows = list(
            self._session.execute(select(invoices).where(invoices.c.invoice_number == invoice_number))
        )
        found = self._with_lines(rows)
        return found[0] if found else None

    def _with_lines(self, rows: Sequence[Any]) -> list[Invoice]:
        numbers = [r.invoice_number for r in rows]
        lines: dict[int, list[ChargeLine]] = {}
        if numbers:
            # Only the columns a line needs, the numbers as one array parameter (one_of), and equal periods
            # made once: a run's lines share a few periods (read back for its documents at Oslo's scale).
            periods: dict[tuple[date, date], Period] = {}
            for number, property_id, code, description, start, end, amount, vat_rate in self._session.execute(
                select(
                    invoice_lines.c.invoice_number,
                    invoice_lines.c.property_id,
                    invoice_lines.c.code,
                    invoice_lines.c.description,
                    invoice_lines.c.period_start,
                    invoice_lines.c.period_end,
                    invoice_lines.c.amount_ore,
                    invoice_lines.c.vat_rate,
                )
                .where(one_of(self._session, invoice_lines.c.invoice_number, numbers))
                .order_by(invoice_lines.c.invoice_number, invoice_lines.c.line_no)
            ).all():
                period = periods.get((start, end))
                if period is None:
                    period = periods[(start, end)] = Period(start, end)
                lines.setdefault(number, []).append(
                    ChargeLine(property_id, code, description, period, Money(amount), vat_rate)
                )
        return [
            Invoice(
                invoice_number=r.invoice_number,
                kind=r.kind,
                run_id=r.run_id,
                account_id=r.account_id,
                channel=Channel(r.channel),
                kid=r.kid,
                issue_date=r.issue_date,
                due_date=r.due_date,
                period=Period(r.period_start, r.period_end),
                lines=tuple(lines.get(r.invoice_number, [])),
                net=Money(r.net_ore),
                vat=Money(r.vat_ore),
                total=Money(r.total_ore),
                corrects=r.corrects_invoice_number,
            )
            for r in rows
        ]
