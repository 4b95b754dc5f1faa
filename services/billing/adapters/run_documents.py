"""A completed run's files on disk (application/ports.py RunFiles): its documents, EHF for organisations
that take EHF and PDF for the others, its journal and its report of held documents; and the issuer's file.
What a run writes is decided in application/run_output.py.

Rendering is CPU work, one document at a time: a large run renders in worker processes, one per core
(spawned, not forked: the service has threads), each writing its own files."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import repeat
from multiprocessing import get_context
from pathlib import Path

import yaml

from services.billing.adapters.ehf_document import ehf_invoice
from services.billing.adapters.invoice_pdf import invoice_pdf
from services.billing.adapters.journal_file import journal_path, write_journal
from services.billing.application.ports import HeldLine, JournalRow
from services.billing.domain.billing_run import BillingRun, Invoice
from services.billing.domain.document_parties import DocumentParties, delivered_as_ehf
from services.billing.domain.seller import Seller

DEFAULT_SELLER_FILE = Path(__file__).resolve().parents[1] / "seller.yaml"


def load_seller(path: Path | None = None) -> Seller:
    """The issuer from its file; invoices issued from now on name it (issued ones keep theirs)."""
    raw = yaml.safe_load((path or DEFAULT_SELLER_FILE).read_text(encoding="utf-8"))
    return Seller(**{key: str(raw[key]) for key in Seller.__dataclass_fields__})


PARALLEL_FROM = 5000  # documents; below that, starting workers (about 3 s) costs more than it saves
_BATCH = 500  # documents per task sent to a worker
HELD_REPORT = "held.csv"


class InvoiceDocuments:
    """Renders an issued invoice's document (application/ports.py InvoiceRenderer) from what was stored
    at issue: the parties and what the recipient's credits paid of it then (DocumentParties.prepaid)."""

    def pdf(self, invoice: Invoice, parties: DocumentParties) -> bytes:
        return invoice_pdf(invoice, parties.recipient, parties.seller, parties.prepaid)

    def ehf(self, invoice: Invoice, parties: DocumentParties) -> bytes:
        return ehf_invoice(invoice, parties.recipient, parties.seller, parties.prepaid)


def _write_documents(jobs: Sequence[tuple[Invoice, DocumentParties]], directory: Path) -> None:
    """Each document as its recipient gets it; a module function, so that a spawned worker can run it."""
    documents = InvoiceDocuments()
    for invoice, parties in jobs:
        if delivered_as_ehf(invoice.channel, parties.recipient):
            suffix, content = "xml", documents.ehf(invoice, parties)
        else:
            suffix, content = "pdf", documents.pdf(invoice, parties)
        (directory / f"{invoice.invoice_number}.{suffix}").write_bytes(content)


@dataclass(frozen=True)
class RunOutput:
    """A run's documents under `documents` (a directory per run), its journal under `journals`."""

    journals: Path
    documents: Path
    pdf_for_persons: bool = True
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)

    def run_directory(self, run: BillingRun) -> Path:
        return self.documents / f"{run.year}-{run.month:02d}-{run.run_id[:8]}"

    def journal_path(self, run: BillingRun) -> Path:
        return journal_path(self.journals, run.year, run.month, run.run_id)

    def write_documents(self, run: BillingRun, documents: Sequence[tuple[Invoice, DocumentParties]]) -> None:
        directory = self.run_directory(run)
        directory.mkdir(parents=True, exist_ok=True)
        jobs = list(documents)
        if self.workers > 1 and len(jobs) >= PARALLEL_FROM:
            batches = [jobs[start : start + _BATCH] for start in range(0, len(jobs), _BATCH)]
            with ProcessPoolExecutor(self.workers, mp_context=get_context("spawn")) as pool:
                list(pool.map(_write_documents, batches, repeat(directory)))
        else:
            _write_documents(jobs, directory)

    def write_journal(self, run: BillingRun, rows: Sequence[JournalRow]) -> None:
        write_journal(self.journal_path(run), rows)

    def write_held_report(self, run: BillingRun, held: Sequence[HeldLine]) -> None:
        """One line per recipient and tax year with the reason, what the held documents carry of the year
        and the period their lines of the year cover, beside the run's documents; none when none."""
        if not held:
            return
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(
            ["account_id", "name", "channel", "reason", "documents", "total_nok", "tax_year", "period"]
        )
        for line in held:
            h = line.hold
            period = (
                h.period.first_to_last() if h.period else ""
            )  # first and last day, as the invoice prints it
            writer.writerow(
                [
                    h.account_id,
                    line.name,
                    line.channel,
                    h.reason,
                    h.documents,
                    h.total.nok,
                    h.tax_year,
                    period,
                ]
            )
        directory = self.run_directory(run)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / HELD_REPORT).write_text(text.getvalue(), encoding="utf-8")
