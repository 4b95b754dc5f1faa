"""A completed run's documents on disk: EHF for organisations, PDF for persons, and the journal.

Every document is rendered from its stored invoice and the parties stored with it at issue (recipient
and seller as they stood then), never from today's account or seller file: a re-run after a crash, or
GetInvoiceDocument years later, gives the same bytes.

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
from services.billing.adapters.unit_of_work import SqlBillingUnitOfWork
from services.billing.domain.account import Channel
from services.billing.domain.billing_run import BillingRun, Invoice
from services.billing.domain.document_parties import DocumentParties
from services.billing.domain.seller import Seller

DEFAULT_SELLER_FILE = Path(__file__).resolve().parents[1] / "seller.yaml"


def load_seller(path: Path | None = None) -> Seller:
    """The issuer from its file; invoices issued from now on name it (issued ones keep theirs)."""
    raw = yaml.safe_load((path or DEFAULT_SELLER_FILE).read_text(encoding="utf-8"))
    return Seller(**{key: str(raw[key]) for key in Seller.__dataclass_fields__})


PARALLEL_FROM = 5000  # documents; below that, starting workers (about 3 s) costs more than it saves
_BATCH = 500  # documents per task sent to a worker


@dataclass(frozen=True)
class RunOutput:
    journals: Path
    documents: Path
    pdf_for_persons: bool = True
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)

    def run_directory(self, run: BillingRun) -> Path:
        return self.documents / f"{run.year}-{run.month:02d}-{run.run_id[:8]}"


def document_for(invoice: Invoice, parties: DocumentParties) -> tuple[str, bytes]:
    """The invoice's document as its recipient gets it: EHF (XML) for organisations that take EHF, else
    a PDF. Rendered from the stored, never-changed invoice and its parties as they stood at issue, so it
    can be rendered again at any time and comes out the same."""
    if invoice.channel == Channel.EHF and parties.recipient.organisation_number:
        return "xml", ehf_invoice(invoice, parties.recipient, parties.seller)
    return "pdf", invoice_pdf(invoice, parties.recipient, parties.seller)


def _write_documents(jobs: Sequence[tuple[Invoice, DocumentParties]], directory: Path) -> None:
    for invoice, parties in jobs:
        suffix, content = document_for(invoice, parties)
        (directory / f"{invoice.invoice_number}.{suffix}").write_bytes(content)


def write_run_output(uow: SqlBillingUnitOfWork, run: BillingRun, output: RunOutput) -> None:
    with uow:
        rows = uow.invoices.journal(run.run_id)
        issued = uow.invoices.for_run(run.run_id, None if output.pdf_for_persons else Channel.EHF)
        parties = uow.invoices.parties([i.invoice_number for i in issued])
    directory = output.run_directory(run)
    directory.mkdir(parents=True, exist_ok=True)
    jobs = [(invoice, parties[invoice.invoice_number]) for invoice in issued]
    if output.workers > 1 and len(jobs) >= PARALLEL_FROM:
        batches = [jobs[start : start + _BATCH] for start in range(0, len(jobs), _BATCH)]
        with ProcessPoolExecutor(output.workers, mp_context=get_context("spawn")) as pool:
            list(pool.map(_write_documents, batches, repeat(directory)))
    else:
        _write_documents(jobs, directory)
    write_journal(journal_path(output.journals, run.year, run.month, run.run_id), rows)
    write_held_report(uow, run, directory)


HELD_REPORT = "held.csv"


def write_held_report(uow: SqlBillingUnitOfWork, run: BillingRun, directory: Path) -> None:
    """The run's report of documents it held (not issued: they cannot be delivered through the recipient's
    channel), one line per recipient and tax year with the reason, what the held documents carry of the year
    and the period their lines of the year cover, beside its documents; none when nothing was held."""
    with uow:
        held = uow.invoices.held.for_run(run.run_id)
        names = uow.accounts.get_many([h.account_id for h in held]) if held else {}
    if not held:
        return
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(
        ["account_id", "name", "channel", "reason", "documents", "total_nok", "tax_year", "period"]
    )
    for h in held:
        account = names.get(h.account_id)
        period = h.period.first_to_last() if h.period else ""  # first and last day, as the invoice prints it
        writer.writerow(
            [
                h.account_id,
                account.name if account else "",
                account.channel.value if account else "",
                h.reason,
                h.documents,
                h.total.nok,
                h.tax_year,
                period,
            ]
        )
    (directory / HELD_REPORT).write_text(text.getvalue(), encoding="utf-8")
