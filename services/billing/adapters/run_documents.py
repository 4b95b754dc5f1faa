"""A completed run's documents on disk: EHF for organisations, PDF for persons, and the journal.

Rendering is CPU work, one document at a time: a large run renders in worker processes, one per core
(spawned, not forked: the service has threads), each writing its own files."""

from __future__ import annotations

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
from services.billing.domain.account import Account, Channel
from services.billing.domain.billing_run import BillingRun, Invoice
from services.billing.domain.seller import Seller

DEFAULT_SELLER_FILE = Path(__file__).resolve().parents[1] / "seller.yaml"


def load_seller(path: Path | None = None) -> Seller:
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


def document_for(invoice: Invoice, account: Account, seller: Seller) -> tuple[str, bytes]:
    """The invoice's document as its recipient gets it: EHF (XML) for organisations that take EHF, else
    a PDF. Rendered from the stored, never-changed invoice, so it can be rendered again at any time."""
    if invoice.channel == Channel.EHF and account.organisation_number:
        return "xml", ehf_invoice(invoice, account, seller)
    return "pdf", invoice_pdf(invoice, account, seller)


def _write_documents(jobs: Sequence[tuple[Invoice, Account]], seller: Seller, directory: Path) -> None:
    for invoice, account in jobs:
        suffix, content = document_for(invoice, account, seller)
        (directory / f"{invoice.invoice_number}.{suffix}").write_bytes(content)


def write_run_output(uow: SqlBillingUnitOfWork, run: BillingRun, seller: Seller, output: RunOutput) -> None:
    with uow:
        rows = uow.invoices.journal(run.run_id)
        issued = uow.invoices.for_run(run.run_id, None if output.pdf_for_persons else Channel.EHF)
        accounts = uow.accounts.get_many(sorted({i.account_id for i in issued}))
    directory = output.run_directory(run)
    directory.mkdir(parents=True, exist_ok=True)
    jobs = [(invoice, accounts[invoice.account_id]) for invoice in issued]
    if output.workers > 1 and len(jobs) >= PARALLEL_FROM:
        batches = [jobs[start : start + _BATCH] for start in range(0, len(jobs), _BATCH)]
        with ProcessPoolExecutor(output.workers, mp_context=get_context("spawn")) as pool:
            list(pool.map(_write_documents, batches, repeat(seller), repeat(directory)))
    else:
        _write_documents(jobs, seller, directory)
    write_journal(journal_path(output.journals, run.year, run.month, run.run_id), rows)
