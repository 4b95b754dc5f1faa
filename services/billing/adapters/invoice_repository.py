"""Billing runs, the invoice number series, invoices and their lines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from services.billing.adapters.orm import billing_runs, invoice_lines, invoice_series, invoices
from services.billing.domain.account import Channel
from services.billing.domain.billing_run import BillingRun, Invoice, RunState
from services.billing.domain.intervals import Period
from services.billing.domain.invoice_plan import ChargeLine
from services.platform.bulk import bulk_insert
from services.platform.money import Money

SERIES = "invoice"


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
        total=Money(row.total_ore),
        error=row.error,
    )


class BillingRunRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, run: BillingRun, at: datetime) -> None:
        self._session.execute(insert(billing_runs).values(**self._values(run), started_at=at))

    def save(self, run: BillingRun, finished_at: datetime | None = None) -> None:
        self._session.execute(
            update(billing_runs)
            .where(billing_runs.c.run_id == run.run_id)
            .values(**self._values(run), finished_at=finished_at)
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
            "total_ore": run.total.ore,
            "error": run.error,
        }

    def get(self, run_id: str, lock: bool = False) -> BillingRun | None:
        query = select(billing_runs).where(billing_runs.c.run_id == run_id)
        row = self._session.execute(query.with_for_update() if lock else query).first()
        return _to_run(row) if row else None

    def for_month(self, year: int, month: int) -> BillingRun | None:
        row = self._session.execute(
            select(billing_runs).where(billing_runs.c.year == year, billing_runs.c.month == month)
        ).first()
        return _to_run(row) if row else None

    def unfinished(self) -> list[BillingRun]:
        rows = self._session.execute(
            select(billing_runs).where(
                billing_runs.c.state.in_([RunState.RUNNING.value, RunState.ISSUED.value])
            )
        )
        return [_to_run(r) for r in rows]


class InvoiceRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def take_numbers(self, count: int) -> int:
        """Reserves `count` consecutive numbers in this transaction; returns the first. The series row is
        locked until commit, so concurrent issuers queue and a rollback returns the numbers."""
        row = self._session.execute(
            select(invoice_series.c.next_number).where(invoice_series.c.series == SERIES).with_for_update()
        ).first()
        if row is None:
            self._session.execute(insert(invoice_series).values(series=SERIES, next_number=1))
            first = 1
        else:
            first = int(row.next_number)
        self._session.execute(
            update(invoice_series).where(invoice_series.c.series == SERIES).values(next_number=first + count)
        )
        return first

    def add_many(self, items: Sequence[Invoice], at: datetime) -> None:
        bulk_insert(
            self._session,
            invoices,
            [
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
                }
                for i in items
            ],
        )
        bulk_insert(
            self._session,
            invoice_lines,
            [
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
            ],
        )

    def invoiced_to_date(self, account_ids: Sequence[str], year: int) -> dict[tuple[str, str, str], Money]:
        """(account, property, charge code) → what has been invoiced for the year so far."""
        rows = self._session.execute(
            select(
                invoice_lines.c.account_id,
                invoice_lines.c.property_id,
                invoice_lines.c.code,
                func.sum(invoice_lines.c.amount_ore),
            )
            .where(
                invoice_lines.c.account_id.in_(account_ids),
                invoice_lines.c.period_start >= date(year, 1, 1),
                invoice_lines.c.period_start < date(year + 1, 1, 1),
            )
            .group_by(invoice_lines.c.account_id, invoice_lines.c.property_id, invoice_lines.c.code)
        )
        return {(r[0], r[1], r[2]): Money(int(r[3])) for r in rows}

    def for_run(self, run_id: str) -> list[Invoice]:
        """The run's invoices with their lines, in number order."""
        lines: dict[int, list[ChargeLine]] = {}
        rows = self._session.execute(
            select(invoice_lines)
            .join(invoices, invoices.c.invoice_number == invoice_lines.c.invoice_number)
            .where(invoices.c.run_id == run_id)
            .order_by(invoice_lines.c.invoice_number, invoice_lines.c.line_no)
        )
        for r in rows:
            lines.setdefault(r.invoice_number, []).append(
                ChargeLine(
                    r.property_id,
                    r.code,
                    r.description,
                    Period(r.period_start, r.period_end),
                    Money(r.amount_ore),
                    r.vat_rate,
                )
            )
        found = self._session.execute(
            select(invoices).where(invoices.c.run_id == run_id).order_by(invoices.c.invoice_number)
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
            )
            for r in found
        ]

    def numbers(self) -> list[int]:
        return list(
            self._session.scalars(select(invoices.c.invoice_number).order_by(invoices.c.invoice_number))
        )

    def journal(self, run_id: str) -> list[dict[str, Any]]:
        """The run's invoices as journal rows, in number order."""
        lines = self._session.execute(
            select(invoice_lines.c.invoice_number, invoice_lines.c.property_id)
            .join(invoices, invoices.c.invoice_number == invoice_lines.c.invoice_number)
            .where(invoices.c.run_id == run_id)
        )
        properties: dict[int, set[str]] = {}
        for number, property_id in lines:
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
            for r in rows
        ]
