"""What a billing run writes once its documents are issued: each document its recipient gets (EHF for
organisations that take EHF; a PDF for the others, unless PDFs for persons are off), the run's journal, and
its report of the documents it held (beside its documents; none when nothing was held).

Every document is rendered from its stored invoice and the parties stored with it at issue (recipient and
seller as they stood then, and what the recipient's credits paid of it then: DocumentParties.prepaid),
never from today's account, seller file or ledger: a re-run after a crash, or GetInvoiceDocument years
later, gives the same bytes. How the files are rendered and where they go is up to the RunFiles the
service is wired with."""

from __future__ import annotations

from services.billing.application.ports import BillingUnitOfWork, HeldLine, RunFiles
from services.billing.domain.account import Channel
from services.billing.domain.billing_run import BillingRun


def write_run_output(uow: BillingUnitOfWork, run: BillingRun, output: RunFiles) -> None:
    """Idempotent: written again, the files come out the same."""
    with uow:
        rows = uow.invoices.journal(run.run_id)
        issued = uow.invoices.for_run(run.run_id, None if output.pdf_for_persons else Channel.EHF)
        parties = uow.invoices.parties([i.invoice_number for i in issued])
    output.write_documents(run, [(invoice, parties[invoice.invoice_number]) for invoice in issued])
    output.write_journal(run, rows)
    write_held_report(uow, run, output)


def write_held_report(uow: BillingUnitOfWork, run: BillingRun, output: RunFiles) -> None:
    """The run's report of documents it held (not issued: they cannot be delivered through the recipient's
    channel), one line per recipient and tax year, naming the recipient as it stands now."""
    with uow:
        held = uow.invoices.held.for_run(run.run_id)
        names = uow.accounts.get_many([h.account_id for h in held]) if held else {}
    lines = []
    for h in held:
        account = names.get(h.account_id)
        lines.append(HeldLine(h, account.name if account else "", account.channel.value if account else ""))
    output.write_held_report(run, lines)
