"""A billing term at Oslo's scale (135,000 invoice recipients, 240,000 properties) against PostgreSQL.

python -m benchmarks.billing_run [--accounts N] [--properties N] [--report reports/billing-run.json]

Billing's tables are filled as its event handlers would have left them (properties with area and units,
the year's property tax, owners as recipients with their holdings, the 2024 fee schedule, chimneys),
then the January run — every recipient is due, as all start quarterly — is issued chunk by chunk the way
the service's job runner does it, and measured:
- issue_seconds: until every invoice is numbered and stored with its lines and InvoiceIssued event;
- term_seconds: until the run is complete, EHF documents for the organisations and the journal written
  (the goal: under 120 s); the relay publishes the events meanwhile, as in the service;
- publish_seconds: until the relay has also delivered every event to Kafka;
- floor_seconds: the same number of invoice rows (and lines) written with a bare COPY into empty copies
  of the tables, in the same database: what storage alone costs.
Persons' PDFs are not part of the term (they go to a print service's batch); pdf_per_second reports
what rendering them costs.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import threading
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import text

from benchmarks.environment import local_servers, write_report
from infra.postgres.cluster import create_database
from services.billing.adapters.invoice_pdf import invoice_pdf
from services.billing.adapters.invoice_repository import invoice_rows, line_rows
from services.billing.adapters.orm import (
    accounts,
    billing_properties,
    customer_number_counter,
    fee_facts,
    fee_schedules,
    holdings,
    invoice_lines,
    invoices,
    platform_tables,
    property_taxes,
)
from services.billing.adapters.run_documents import RunOutput, load_seller
from services.billing.adapters.unit_of_work import SqlBillingUnitOfWork
from services.billing.application.run_billing import (
    BillingPolicy,
    billing_chunk,
    complete_billing_run,
    start_billing_run,
)
from services.billing.application.run_output import write_run_output
from services.billing.domain.account import Channel, RecipientKind
from services.billing.domain.billing_run import RunState
from services.billing.service import SPEC
from services.platform.bulk import bulk_insert
from services.platform.db import create_db_engine, session_factory
from services.platform.kafka_bus import make_producer
from services.platform.messaging.outbox_relay import OutboxRelay
from services.platform.migrations import upgrade_to_head
from services.platform.search_text import search_fold
from services.platform.settings import Settings

REPO = Path(__file__).resolve().parents[1]
FEES_2024 = REPO / "data" / "fee_schedules" / "oslo-2024.yaml"
NOW = datetime(2024, 1, 2, tzinfo=UTC)
PDF_SAMPLE = 200


def _seed(sessions: Any, recipients: int, properties: int, organisations_share: float) -> None:
    rng = random.Random(2024)
    with sessions() as session:
        bulk_insert(
            session,
            billing_properties,
            [
                {
                    "property_id": f"p{n:07d}",
                    "cadastral_id": f"0301-{n // 1000}/{n % 1000}/0/0",
                    "address": f"Gate {n}, 0150 Oslo",
                    "category": "PROPERTY_CATEGORY_HOUSING",
                    "dwelling_units": 1,
                    "source_event_id": f"e{n}",
                    "created_at": NOW,
                    "bra_m2": Decimal(rng.randrange(35, 240)),
                }
                for n in range(properties)
            ],
        )
        bulk_insert(
            session,
            property_taxes,
            [
                {
                    "property_id": f"p{n:07d}",
                    "tax_year": 2024,
                    "version": 1,
                    "status": "TAX_STATUS_TAXED",
                    "tax_ore": rng.randrange(0, 2_000_000),
                    "tax_base_ore": 0,
                    "terms": 4,
                    "is_current": True,
                    "source_event_id": f"t{n}",
                    "received_at": NOW,
                }
                for n in range(properties)
            ],
        )
        organisations = int(recipients * organisations_share)
        bulk_insert(
            session,
            accounts,
            [
                {
                    "account_id": f"a{n:07d}",
                    "kind": (RecipientKind.ORGANISATION if n < organisations else RecipientKind.PERSON).value,
                    "name": f"Eiendom {n} AS" if n < organisations else f"Eier {n}",
                    "organisation_number": "974683520" if n < organisations else "",
                    "address_line": f"Gate {n}",
                    "postcode": "0150",
                    "city": "Oslo",
                    "channel": (Channel.EHF if n < organisations else Channel.PRINT).value,
                    "created_at": NOW,
                    "customer_number": n + 1,
                    "name_search": search_fold(f"Eiendom {n} AS" if n < organisations else f"Eier {n}"),
                }
                for n in range(recipients)
            ],
        )
        session.execute(customer_number_counter.update().values(last_number=recipients))
        # Every recipient holds one property; the rest are spread over them (landlords, cabins, plots).
        holder = [n if n < recipients else rng.randrange(recipients) for n in range(properties)]
        bulk_insert(
            session,
            holdings,
            [
                {
                    "property_id": f"p{n:07d}",
                    "account_id": f"a{holder[n]:07d}",
                    "valid_from": date(2020, 1, 1),
                    "valid_to": None,
                    "share_numerator": 1,
                    "share_denominator": 1,
                }
                for n in range(properties)
            ],
        )
        bulk_insert(
            session,
            fee_facts,
            [
                {
                    "property_id": f"p{n:07d}",
                    "chimneys": 1,
                    "connected_to_water": True,
                    "summer_only": False,
                    "no_wc": False,
                    "updated_at": NOW,
                }
                for n in range(0, properties, 3)
            ],
        )
        bulk_insert(
            session,
            fee_schedules,
            [
                {
                    "year": 2024,
                    "version": 1,
                    "document": FEES_2024.read_text(encoding="utf-8"),
                    "stored_at": NOW,
                }
            ],
        )
        session.commit()
        session.execute(text("ANALYZE"))


def _floor(sessions: Any, invoice_rows: list[dict[str, Any]], line_rows: list[dict[str, Any]]) -> float:
    """The same rows, written by one bare COPY each into empty copies of the tables."""
    with sessions() as session:
        session.execute(text("CREATE TABLE floor_invoices (LIKE invoices INCLUDING ALL)"))
        session.execute(text("CREATE TABLE floor_invoice_lines (LIKE invoice_lines INCLUDING ALL)"))
        session.commit()
    floor_invoices = invoices.to_metadata(invoices.metadata, name="floor_invoices")
    floor_lines = invoice_lines.to_metadata(invoice_lines.metadata, name="floor_invoice_lines")
    started = time.perf_counter()
    with sessions() as session:
        bulk_insert(session, floor_invoices, invoice_rows)
        bulk_insert(session, floor_lines, line_rows)
        session.commit()
    return time.perf_counter() - started


def run(recipients: int, properties: int, chunk: int, organisations_share: float) -> dict[str, Any]:
    with local_servers() as (stack, cluster), tempfile.TemporaryDirectory() as output_dir:
        url = create_database(cluster.admin_url)
        upgrade_to_head(SPEC.migrations_dir, url)
        engine = create_db_engine(url)
        sessions = session_factory(engine)
        started = time.perf_counter()
        _seed(sessions, recipients, properties, organisations_share)
        seed_seconds = time.perf_counter() - started

        def make() -> SqlBillingUnitOfWork:
            return SqlBillingUnitOfWork(sessions)

        output = RunOutput(
            journals=Path(output_dir) / "journals",
            documents=Path(output_dir) / "invoices",
            pdf_for_persons=False,
        )
        policy = BillingPolicy(seller=load_seller())
        producer = make_producer(stack.kafka_bootstrap, "bench-relay")
        relay = OutboxRelay(engine, platform_tables.outbox, producer, batch_size=5000, poll_seconds=0.05)
        stop_relay = threading.Event()
        relay_thread = threading.Thread(target=relay.run, args=(stop_relay,))
        relay_thread.start()

        started = time.perf_counter()
        billing_run = start_billing_run(make(), 2024, 1, date(2024, 1, 10))
        # What the service's job runner does, step by step, on this thread.
        while billing_run.state == RunState.RUNNING:
            billing_run = billing_chunk(make(), billing_run.run_id, policy, chunk)
        issue_seconds = time.perf_counter() - started
        write_run_output(make(), billing_run, output)
        complete_billing_run(make(), billing_run.run_id)
        term_seconds = time.perf_counter() - started
        while relay.pending() > 0:
            time.sleep(0.05)
        publish_seconds = time.perf_counter() - started
        stop_relay.set()
        relay_thread.join()
        producer.close(timeout=10)

        with make() as uow:
            done = uow.runs.get(billing_run.run_id)
            assert done is not None and done.state == RunState.COMPLETED, done
            issued = uow.invoices.for_run(done.run_id)
        numbers = [i.invoice_number for i in issued]
        assert numbers == list(range(1, len(numbers) + 1)), "the series has a gap"
        ehf_files = len(list(output.documents.rglob("*.xml")))
        journal_files = list(output.journals.glob("*.csv"))
        line_count = sum(len(i.lines) for i in issued)

        floor_seconds = _floor(sessions, invoice_rows(issued, NOW), line_rows(issued))

        persons = [i for i in issued if i.channel != Channel.EHF][:PDF_SAMPLE]
        with make() as uow:
            parties = uow.invoices.parties([i.invoice_number for i in persons])
        pdf_started = time.perf_counter()
        for invoice in persons:
            stood = parties[invoice.invoice_number]
            invoice_pdf(invoice, stood.recipient, stood.seller)
        pdf_per_second = len(persons) / (time.perf_counter() - pdf_started)
        engine.dispose()
        return {
            "benchmark": "billing_run",
            "database": "postgresql (throwaway cluster, fsync off)",
            "recipients": recipients,
            "properties": properties,
            "organisations": int(recipients * organisations_share),
            "chunk_size": chunk,
            "seed_seconds": round(seed_seconds, 2),
            "invoices": done.invoices,
            "invoice_lines": line_count,
            "below_minimum": done.below_minimum,
            "total_nok": str(done.total.nok),
            "issue_seconds": round(issue_seconds, 2),
            "term_seconds": round(term_seconds, 2),
            "publish_seconds": round(publish_seconds, 2),
            "events_published": relay.published,
            "ehf_documents": ehf_files,
            "journals": len(journal_files),
            "floor_seconds": round(floor_seconds, 2),
            "pdf_per_second": round(pdf_per_second, 1),
            "goal_seconds": 120,
            "goal_met": term_seconds < 120,
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=135_000)
    parser.add_argument("--properties", type=int, default=240_000)
    parser.add_argument("--chunk", type=int, default=Settings().billing_chunk_size)
    parser.add_argument("--organisations", type=float, default=0.1, help="share of recipients (EHF)")
    parser.add_argument("--report", type=Path, default=Path("reports/billing-run.json"))
    args = parser.parse_args(argv)
    write_report(run(args.accounts, args.properties, args.chunk, args.organisations), args.report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
