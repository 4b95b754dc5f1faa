"""A bank file of incoming payments (OCR giro or camt.054) imported all or nothing and matched by KID.

In one transaction: the file's row, a row per payment, the ledger entries (domain/ledger_entries.py) and
the events PaymentReceived (each payment) and InvoicePaid (each invoice whose open amount reached 0).
A KID naming an issued invoice pays it in cover order up to what is open on it; the rest, and a second
payment of the same KID, is a credit of the recipient (an overpayment, to refund or set off). A KID that
names no document puts the payment on the suspense account and in the unmatched queue; if its invoice is
issued later, the billing run allocates it (post_documents.py): a payment before its invoice is held.

The same file again (the same bytes: sha256) answers with its first import's figures, already_imported,
and changes nothing. Another file with the same bank identity (OCR giro: data transmitter and
transmission number; camt.054: GrpHdr/MsgId) is refused (AlreadyExists): a bank never sends the same
transmission twice, so it is a copy (saved with other line ends, edited) whose payments are booked
already. A file the reader refuses (InvalidInput, "line N") writes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from services.billing.application.ledger_ports import (
    PaymentFileReader,
    StoredPayment,
    StoredPaymentFile,
)
from services.billing.application.ports import BillingUnitOfWork
from services.billing.domain.billing_run import INVOICE
from services.billing.domain.collection_events import InvoicePaid, PaymentReceived
from services.billing.domain.ledger import ClaimBalance, Entry, document_claim
from services.billing.domain.ledger_entries import claim_after, payment_entry, unidentified_payment_entry
from services.billing.domain.payments import (
    PaymentFile,
    PaymentFileFormat,
    PaymentState,
    described,
    shown_reference,
)
from services.platform.clock import oslo_date
from services.platform.cycle_collector import cycle_collection_paused
from services.platform.errors import AlreadyExists
from services.platform.ids import new_id
from services.platform.money import Money


@dataclass(frozen=True)
class PaymentImport:
    """What an import did (or, with already_imported, what the first import of the same file did)."""

    file_id: str
    format: PaymentFileFormat
    file_reference: str
    already_imported: bool
    payments: int
    total: Money
    matched: int  # payments whose KID named an issued document
    fully_paid: int  # invoices this file settled (their open amount reached 0)
    partly_paid: int  # invoices it paid something of, still open after it
    overpaid: int  # matched payments leaving a credit (more than was open, or the KID paid again)
    unmatched: int  # payments whose KID named no document: in the unmatched queue
    unmatched_total: Money

    def figures(self) -> dict[str, int]:
        return {
            "matched": self.matched,
            "fully_paid": self.fully_paid,
            "partly_paid": self.partly_paid,
            "overpaid": self.overpaid,
            "unmatched": self.unmatched,
            "unmatched_total_ore": self.unmatched_total.ore,
        }


def _earlier(stored: StoredPaymentFile) -> PaymentImport:
    f = stored.figures
    return PaymentImport(
        file_id=stored.file_id,
        format=stored.format,
        file_reference=shown_reference(stored.format, stored.file_reference),
        already_imported=True,
        payments=stored.payments,
        total=stored.total,
        matched=f.get("matched", 0),
        fully_paid=f.get("fully_paid", 0),
        partly_paid=f.get("partly_paid", 0),
        overpaid=f.get("overpaid", 0),
        unmatched=f.get("unmatched", 0),
        unmatched_total=Money(f.get("unmatched_total_ore", 0)),
    )


def _refuse_a_second_copy(uow: BillingUnitOfWork, parsed: PaymentFile) -> None:
    earlier = uow.payments.file_by_identity(parsed.format, parsed.identities())
    if earlier is None:
        return
    sent = "message" if parsed.format == PaymentFileFormat.CAMT_054 else "transmission"
    raise AlreadyExists(
        f"{described(parsed.format, parsed.identity)} was imported on "
        f"{oslo_date(earlier.imported_at):%d.%m.%Y} from {earlier.file_name}; a bank never sends the "
        f"same {sent} twice: this file (other bytes: other line ends, or edited) is refused and nothing "
        "is stored"
    )


def import_payments(
    uow: BillingUnitOfWork, read: PaymentFileReader, content: bytes, file_name: str
) -> PaymentImport:
    """Imports the file (see above). Raises InvalidInput, naming the lines, for a file the reader refuses."""
    digest = hashlib.sha256(content).hexdigest()
    with uow, cycle_collection_paused():
        earlier = uow.payments.file_by_sha256(digest)
        if earlier is not None:
            return _earlier(earlier)
        parsed = read(content, file_name)  # InvalidInput before anything is written
        _refuse_a_second_copy(uow, parsed)
        file_id = new_id()
        documents = uow.ledger.documents_by_kid(sorted({p.kid for p in parsed.payments if p.kid}))
        balances: dict[str, ClaimBalance] = {
            document_claim(d.number): d.balance
            for d in documents.values()
            if d.kind == INVOICE and d.balance is not None
        }
        entries: list[Entry] = []
        stored: list[StoredPayment] = []
        paid_now: dict[str, int] = {}  # the invoices this file pays something of → their number
        matched = overpaid = unmatched = unmatched_ore = fully_paid = 0
        for payment in parsed.payments:
            payment_id = new_id()  # also the id of the entry that receives it (ids are unique per table)
            document = documents.get(payment.kid) if payment.kid else None
            if document is None:
                entry = unidentified_payment_entry(
                    payment_id, payment_id, payment.amount, payment.paid_on, payment.kid
                )
                state, account_id, number, applied = PaymentState.UNMATCHED, "", None, Money(0)
                unmatched += 1
                unmatched_ore += payment.amount.ore
            else:
                claim = document_claim(document.number)
                before = balances.get(claim) if document.kind == INVOICE else None
                entry = payment_entry(
                    payment_id,
                    payment_id,
                    document.account_id,
                    payment.amount,
                    payment.paid_on,
                    payment.kid,
                    before,
                )
                state, account_id, number = PaymentState.MATCHED, document.account_id, document.number
                after = claim_after(before, entry) if before is not None else None
                applied = before.total - after.total if before is not None and after is not None else Money(0)
                matched += 1
                if applied != payment.amount:
                    overpaid += 1
                if after is not None and applied.ore:
                    balances[claim] = after
                    paid_now[claim] = document.number
                    if balances[claim].total.ore == 0:
                        fully_paid += 1
                        uow.record(InvoicePaid(document.number, account_id, payment.paid_on, document.total))
            entries.append(entry)
            stored.append(
                StoredPayment(
                    payment_id=payment_id,
                    file_id=file_id,
                    line=payment.line,
                    kid=payment.kid,
                    amount=payment.amount,
                    paid_on=payment.paid_on,
                    reference=payment.reference,
                    payer_account=payment.payer_account,
                    payer_name=payment.payer_name,
                    state=state,
                    account_id=account_id,
                    document_number=number,
                )
            )
            uow.record(
                PaymentReceived(
                    payment_id,
                    account_id,
                    payment.kid,
                    payment.amount,
                    payment.paid_on,
                    number,
                    state,
                    applied,
                )
            )
        result = PaymentImport(
            file_id=file_id,
            format=parsed.format,
            file_reference=parsed.file_reference,
            already_imported=False,
            payments=len(parsed.payments),
            total=parsed.total,
            matched=matched,
            fully_paid=fully_paid,
            partly_paid=sum(1 for claim in paid_now if balances[claim].total.ore > 0),
            overpaid=overpaid,
            unmatched=unmatched,
            unmatched_total=Money(unmatched_ore),
        )
        at = uow.now()
        uow.payments.add_file(
            StoredPaymentFile(
                file_id=file_id,
                sha256=digest,
                format=parsed.format,
                file_name=file_name,
                file_reference=parsed.identity,
                created_on=parsed.created_on,
                payments=result.payments,
                total=result.total,
                figures=result.figures(),
            ),
            at,
        )
        uow.payments.add_many(stored, at)
        uow.ledger.post(entries, at)
        uow.commit()
    return result
