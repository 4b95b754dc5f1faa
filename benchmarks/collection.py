"""Collection at Oslo's scale (135,000 recipients) against PostgreSQL: stages measured one after another on
the same database, each against its floor.

python -m benchmarks.collection [--recipients 135000] [--report benchmarks/results/collection-135k.json]

Seeded in bulk: every recipient with one issued invoice (its lines and its ledger entry, as a billing run
leaves them). Then the stages, in order (STAGES); each reports count, seconds, floor_seconds and
ratio_to_floor (goals: under 60 s, at most 3 × the floor):
- payment_import: an OCR giro file paying the term (written with netsgiro: most invoices paid in full, some
  in part, some twice, some with an unknown KID) read and imported by import_payments through the SQL unit
  of work in one transaction; the floor is a bare COPY of the rows the import wrote (payments, ledger
  entries and postings, outbox rows, the file row);
- reminder_run: a reminder run over every recipient after the payments (benchmarks/reminder_run.py), chunk
  by chunk as the service's job runner takes them; the floor is a bare COPY of the rows the run wrote.
A floor writes the rows into the tables as the stage found them: into a copy of the database taken just
before the stage (collection_stage.floor_seconds); the same rows into empty copies of the tables, which
read lower, are reported next to it (floor_into_empty_tables_seconds).
"""

from __future__ import annotations

import argparse
import gc
import random
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.collection_stage import Seeded, floor_seconds, stage_figures
from benchmarks.environment import write_report
from benchmarks.reminder_run import reminder_run_stage
from infra.postgres.cluster import ThrowawayCluster, create_database
from services.billing.adapters.invoice_repository import invoice_rows, line_rows
from services.billing.adapters.ledger_repository import entry_rows, posting_rows
from services.billing.adapters.ocr_giro_writer import write_ocr_giro
from services.billing.adapters.orm import (
    accounts,
    invoice_lines,
    invoices,
    ledger_entries,
    ledger_postings,
    payment_files,
    payments,
    platform_tables,
)
from services.billing.adapters.payment_file import read_payment_file
from services.billing.application.import_payments import PaymentImport, import_payments
from services.billing.domain.account import Channel, RecipientKind
from services.billing.domain.billing_run import INVOICE, Invoice
from services.billing.domain.intervals import Period
from services.billing.domain.invoice_plan import ChargeLine
from services.billing.domain.kid import KidMethod, new_kid
from services.billing.domain.ledger_entries import invoice_entry
from services.billing.service import SPEC
from services.platform.bulk import bulk_insert
from services.platform.db import create_db_engine, session_factory
from services.platform.migrations import upgrade_to_head
from services.platform.money import Money
from services.platform.search_text import search_fold

NOW = datetime(2024, 2, 1, tzinfo=UTC)
ISSUED = date(2024, 1, 10)
DUE = date(2024, 1, 31)
PAID_ON = date(2024, 1, 29)


def _invoices(recipients: int) -> list[Invoice]:
    rng = random.Random(2024)
    found = []
    for n in range(1, recipients + 1):
        tax = rng.randrange(100_000, 800_000)
        water = rng.randrange(50_000, 300_000)
        period = Period(date(2024, 1, 1), date(2024, 4, 1))
        lines = (
            ChargeLine(f"p{n:07d}", "property_tax", "Eiendomsskatt", period, Money(tax)),
            ChargeLine(f"p{n:07d}", "water", "Vann", period, Money(water)),
        )
        found.append(
            Invoice(
                invoice_number=n,
                kind=INVOICE,
                run_id="bench-run",
                account_id=f"a{n:07d}",
                channel=Channel.PRINT,
                kid=new_kid(n, KidMethod.MOD10),
                issue_date=ISSUED,
                due_date=DUE,
                period=period,
                lines=lines,
                net=Money(tax + water),
                vat=Money(0),
                total=Money(tax + water),
            )
        )
    return found


def seed(sessions: sessionmaker[Session], recipients: int) -> list[Invoice]:
    """Recipients, one issued invoice each with its lines and its ledger entry, in bulk."""
    issued = _invoices(recipients)
    with sessions() as session:
        bulk_insert(
            session,
            accounts,
            [
                {
                    "account_id": i.account_id,
                    "kind": RecipientKind.PERSON.value,
                    "name": f"Eier {i.invoice_number}",
                    "organisation_number": "",
                    "address_line": f"Gate {i.invoice_number}",
                    "postcode": "0150",
                    "city": "Oslo",
                    "channel": Channel.PRINT.value,
                    "created_at": NOW,
                    "customer_number": i.invoice_number,
                    "name_search": search_fold(f"Eier {i.invoice_number}"),
                }
                for i in issued
            ],
        )
        bulk_insert(session, invoices, invoice_rows(issued, NOW))
        bulk_insert(session, invoice_lines, line_rows(issued))
        entries = [e for e in (invoice_entry(f"inv-{i.invoice_number}", i) for i in issued) if e is not None]
        bulk_insert(session, ledger_entries, entry_rows(entries, NOW))
        bulk_insert(session, ledger_postings, posting_rows(entries))
        session.commit()
        session.execute(text("ANALYZE"))
    return issued


def ocr_file(issued: list[Invoice]) -> tuple[bytes, dict[str, int]]:
    """An OCR giro transmission (adapters/ocr_giro_writer.py, netsgiro) paying the term: of every 100
    invoices 88 are paid in full, 5 in part, 3 twice and 2 not at all; 2 payments in 100 carry a KID that
    names no invoice."""
    rng = random.Random(16)
    mix = {"full": 0, "partly": 0, "twice": 0, "unpaid": 0, "unknown_kid": 0}
    paid: list[tuple[str, int]] = []
    for invoice in issued:
        roll = rng.randrange(100)
        if roll < 88:
            paid.append((invoice.kid, invoice.total.ore))
            mix["full"] += 1
        elif roll < 93:
            paid.append((invoice.kid, invoice.total.ore // 2))
            mix["partly"] += 1
        elif roll < 96:
            paid += [(invoice.kid, invoice.total.ore), (invoice.kid, invoice.total.ore)]
            mix["twice"] += 1
        elif roll < 98:
            mix["unpaid"] += 1
        else:
            paid.append((f"9{invoice.invoice_number:013d}0", invoice.total.ore))  # mistyped: no invoice
            mix["unknown_kid"] += 1
    return write_ocr_giro(paid, PAID_ON), mix


def payment_import_stage(seeded: Seeded) -> dict[str, Any]:
    content, mix = ocr_file(seeded.invoices)
    before = seeded.snapshot("before_payment_import")

    def once(on: Seeded) -> tuple[float, PaymentImport]:
        started = time.perf_counter()
        result = import_payments(on.make(), read_payment_file, content, "ocr-term-1.txt")
        return time.perf_counter() - started, result

    timings, result = seeded.attempts(before, once)
    assert not result.already_imported and result.payments == result.matched + result.unmatched
    again = import_payments(seeded.make(), read_payment_file, content, "ocr-term-1.txt")
    assert again.already_imported and again.matched == result.matched
    # Read-only: how long parsing alone takes (part of the import above), to see where the time goes.
    parse_started = time.perf_counter()
    read_payment_file(content, "ocr-term-1.txt")
    parse_seconds = time.perf_counter() - parse_started
    paying = ledger_entries.c.kind.in_(("payment", "unidentified_payment"))
    paying_ids = select(ledger_entries.c.entry_id).where(paying).scalar_subquery()
    floors = floor_seconds(
        seeded,
        [
            (payment_files, None),
            (payments, None),
            (ledger_entries, paying),
            (ledger_postings, ledger_postings.c.entry_id.in_(paying_ids)),
            (platform_tables.outbox, None),
        ],
        before,
    )
    return stage_figures(
        result.payments,
        timings,
        floors,
        parse_seconds=round(parse_seconds, 2),
        file_bytes=len(content),
        total_nok=str(result.total.nok),
        matched=result.matched,
        fully_paid=result.fully_paid,
        partly_paid=result.partly_paid,
        overpaid=result.overpaid,
        unmatched=result.unmatched,
        mix=mix,
    )


# The stages in the order they run on the same database; a new stage is one more (name, function) here.
STAGES: tuple[tuple[str, Callable[[Seeded], dict[str, Any] | None]], ...] = (
    ("payment_import", payment_import_stage),
    ("reminder_run", reminder_run_stage),
)


def run(recipients: int) -> dict[str, Any]:
    cluster = ThrowawayCluster.start()
    try:
        database = "collection"
        url = create_database(cluster.admin_url, database)
        upgrade_to_head(SPEC.migrations_dir, url)
        engine = create_db_engine(url)
        sessions = session_factory(engine)
        started = time.perf_counter()
        issued = seed(sessions, recipients)
        seed_seconds = time.perf_counter() - started
        # The seeded term (135,000 invoices with their lines) is the benchmark's own, kept for the figures; a
        # service importing a file or running reminders does not carry it, so the collector is not to walk
        # it again and again inside the timed stages.
        gc.freeze()
        seeded = Seeded(engine, sessions, issued, cluster.admin_url, database)
        stages: dict[str, Any] = {}
        for name, stage in STAGES:
            figures = stage(seeded)
            if figures is not None:
                stages[name] = figures
        engine.dispose()
    finally:
        cluster.stop()
    return {
        "benchmark": "collection",
        "database": "postgresql (throwaway cluster, fsync off)",
        "recipients": recipients,
        "invoices": len(issued),
        "seed_seconds": round(seed_seconds, 2),
        "stages": stages,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipients", type=int, default=135_000)
    parser.add_argument("--report", type=Path, default=Path("reports/collection.json"))
    args = parser.parse_args(argv)
    write_report(run(args.recipients), args.report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
