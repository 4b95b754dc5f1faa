"""What collection needs from storage for the ledger and the payments (part of the billing unit of work).

The SQL implementations are adapters/ledger_repository.py (LedgerRepository, PaymentRepository);
tests/fakes/ledger.py keeps them in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from services.billing.domain.ledger import ClaimBalance, Entry, EntryKind
from services.billing.domain.payments import (
    ImportedPaymentFile,
    PaymentFile,
    PaymentFileFormat,
    PaymentState,
)
from services.billing.domain.year_end_share import Credited
from services.platform.money import Money

# A bank file's bytes and name → the parsed file, every bad line named (InvalidInput, field "line N").
# The real one is adapters/payment_file.read_payment_file (OCR giro or camt.054, recognised by content).
PaymentFileReader = Callable[[bytes, str], PaymentFile]


@dataclass(frozen=True)
class OpenInvoice:
    """An issued invoice with something still open on it, as collection sees it."""

    document_number: int
    account_id: str
    kid: str
    issue_date: date
    due_date: date  # as issued (a reminder's new due date is on its collection step)
    total: Money  # as issued, VAT included
    balance: ClaimBalance  # open now, per component
    charge_codes: tuple[str, ...]  # the codes of its lines (property_tax, water, …), sorted
    property_ids: tuple[str, ...]
    # Its lines' amounts per code (net of VAT): how its principal splits over codes with and without interest.
    amounts_by_code: Mapping[str, Money] = field(default_factory=dict)


@dataclass(frozen=True)
class DocumentRef:
    """An issued document as a payment's KID names it."""

    number: int
    account_id: str
    kind: str  # billing_run.INVOICE or CREDIT_NOTE
    total: Money  # as issued, VAT included (negative for a credit note)
    balance: ClaimBalance | None = None  # its claim's balance now (None: nothing posted on it)


@dataclass(frozen=True)
class StatementRow:
    """One ledger entry as it touches a recipient's receivables: its RECEIVABLES postings for the recipient
    added up by sign (a set-off moves an amount from a credit to an invoice: both debit and credit)."""

    entry_id: str
    kind: EntryKind
    posted_on: date
    reference: str
    description: str
    debit: Money  # ≥ 0: what the recipient owes more
    credit: Money  # ≥ 0: what the recipient owes less
    recorded_at: datetime
    # The earliest value date of those postings when before posted_on (a payment allocated or a credit set
    # off after it took effect: interest goes by it, so the officer must see it); None otherwise.
    value_on: date | None = None


@dataclass(frozen=True)
class DueGroup:
    """Open invoices sharing a due date (a run's invoices share one): how many, and what is open on them."""

    due_date: date
    count: int
    open: Money


@dataclass(frozen=True)
class YearEndInvoice:
    """An invoice issued in a year: what it charged per charge code (VAT included, from its lines:
    domain/ledger_entries.charged_by_code), how much of its principal payments and overpayments set off had
    covered by 31 December, and what each credit note set off against it had taken off by then (with the
    credit note's charge codes)."""

    number: int
    by_code: Mapping[str, Money]
    paid: Money
    credited: tuple[Credited, ...] = ()


class LedgerStore(Protocol):
    """The receivables ledger: entries are added, never changed; balances are sums of postings."""

    def post(self, entries: Sequence[Entry], at: datetime) -> None:
        """Store balanced entries and their postings (bulk; in the caller's transaction)."""
        ...

    def claim_balances(self, claims: Sequence[str]) -> dict[str, ClaimBalance]:
        """The open amount of each named claim that has postings."""
        ...

    def principal_changes(self, claims: Sequence[str], before: date) -> dict[str, list[tuple[date, Money]]]:
        """Each claim's principal movements on RECEIVABLES as known on `before` (booked on or before it)
        that took effect before it, summed per value date (a posting's value_on, else its entry's
        posted_on), in value-date order: what late-payment interest up to `before` is reckoned on, day by
        day. A payment allocated or a credit set off on `before` itself counts from the day it took
        effect. Claims without any are left out."""
        ...

    def accounts_with_overdue(
        self, after: str, due_before: date, limit: int, through: str | None = None
    ) -> list[str]:
        """The first `limit` recipients after `after` (account-id order; not past `through` when given) with
        an invoice open and due before `due_before`: whom a reminder run must look at (one query over the
        open claims, not every recipient's)."""
        ...

    def receivable_balances(self, account_ids: Sequence[str]) -> dict[str, ClaimBalance]:
        """Every claim of the recipients on RECEIVABLES with something open or to their credit (invoices,
        credit notes, payments' credits; settled ones left out), with its balance per component, by claim:
        one aggregate for a chunk's recipients."""
        ...

    def open_invoices(
        self,
        account_ids: Sequence[str],
        due_before: date | None = None,
        *,
        as_of: date | None = None,
        balances: Mapping[str, ClaimBalance] | None = None,
    ) -> list[OpenInvoice]:
        """The recipients' invoices with a positive open amount (due before `due_before` if given), in
        (account_id, due date, number) order. With `as_of`, from the postings dated up to that day; with
        `balances` (receivable_balances' answer for these recipients), from those, not read again."""
        ...

    def credits(self, account_ids: Sequence[str], *, as_of: date | None = None) -> list[ClaimBalance]:
        """The recipients' claims with a negative open amount (credit notes, overpayments) to set off, in
        (account_id, claim) order. With `as_of`, from the postings dated up to that day."""
        ...

    def charges_posted(self, claims: Sequence[str]) -> dict[str, list[tuple[date, Money]]]:
        """Each claim's interest and fees charged (positive FEE and INTEREST postings on RECEIVABLES),
        summed per booking day, in day order: what a plan's invoices were charged after it was made. One
        query however many claims; claims without any are left out."""
        ...

    def credits_arose_on(self, claims: Sequence[str]) -> dict[str, date]:
        """The day each credit claim arose: the latest value date (value_on, else posted_on) of its negative
        movements on RECEIVABLES (a credit note's issue date, an overpayment's paid_on). One query however
        many claims; claims without any are left out."""
        ...

    def documents_by_kid(self, kids: Sequence[str]) -> dict[str, DocumentRef]:
        """The issued documents the KIDs name, each with its claim's balance now (what a payment of it meets;
        one query however many KIDs: a payment file names a term's invoices); unknown KIDs are left out."""
        ...

    def statement_rows(self, account_id: str, to_date: date) -> list[StatementRow]:
        """Every entry touching the recipient's receivables posted up to `to_date`, in (date, recorded)
        order."""
        ...

    def open_by_due_date(self, as_of: date) -> list[DueGroup]:
        """Invoices issued up to `as_of` with a positive open amount from the postings up to that day,
        grouped by due date (an aggregate query: a handful of rows for 135,000 invoices)."""
        ...

    def year_end_invoices(self, year: int) -> list[YearEndInvoice]:
        """The invoices (not credit notes) issued in `year`, each with what it charged per code and what
        PAYMENT, ALLOCATION and SET_OFF entries dated up to 31 December of the year covered of it."""
        ...


@dataclass(frozen=True)
class StoredPaymentFile:
    """An imported bank file and what its import reported (figures, by name: PaymentImport's counts)."""

    file_id: str
    sha256: str
    format: PaymentFileFormat
    file_name: str
    file_reference: str
    created_on: date
    payments: int
    total: Money
    figures: Mapping[str, int]


@dataclass(frozen=True)
class StoredPayment:
    """A payment of an imported file and what became of it (its money is in the ledger's postings)."""

    payment_id: str
    file_id: str
    line: int
    kid: str
    amount: Money
    paid_on: date
    reference: str
    payer_account: str
    payer_name: str
    state: PaymentState
    account_id: str  # "" while not identified
    document_number: int | None  # the invoice its KID (or an officer) named


@dataclass(frozen=True)
class QueuedPayment:
    """An unmatched payment with the name of the file it came in."""

    payment: StoredPayment
    file_name: str


class PaymentStore(Protocol):
    """Imported bank files and their payments."""

    def file_by_sha256(self, sha256: str) -> StoredPaymentFile | None: ...

    def file_by_identity(
        self, file_format: PaymentFileFormat, identities: Sequence[str]
    ) -> ImportedPaymentFile | None:
        """An imported file of the format whose file_reference is one of `identities` (payment_files is
        unique on the two: a bank never sends the same transmission or message twice)."""
        ...

    def add_file(self, stored: StoredPaymentFile, at: datetime) -> None: ...

    def add_many(self, payments: Sequence[StoredPayment], at: datetime) -> None:
        """Store payments (bulk; in the caller's transaction)."""
        ...

    def get(self, payment_id: str) -> StoredPayment | None: ...

    def unmatched(self, offset: int = 0, limit: int = 100) -> list[QueuedPayment]:
        """The unmatched queue, oldest first (paid_on, then file line)."""
        ...

    def unmatched_by_kid(self, kids: Sequence[str]) -> list[StoredPayment]:
        """Unmatched payments whose KID is one of `kids`, oldest first (held until their invoice came)."""
        ...

    def set_state(
        self, payment_id: str, state: PaymentState, account_id: str, document_number: int | None
    ) -> None:
        """What became of a payment: the one thing that changes on it (its money is in the postings)."""
        ...
