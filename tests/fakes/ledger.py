"""The ledger and payments in memory (services/billing/application/ledger_ports.py), answering as the SQL
repositories do: balances summed from the postings, documents looked up in the fake invoices."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from services.billing.application.ledger_ports import (
    DocumentRef,
    DueGroup,
    OpenInvoice,
    QueuedPayment,
    StatementRow,
    StoredPayment,
    StoredPaymentFile,
    YearEndInvoice,
)
from services.billing.domain.account import Account, Channel, RecipientKind
from services.billing.domain.billing_run import INVOICE, Invoice
from services.billing.domain.intervals import Period
from services.billing.domain.invoice_plan import ChargeLine
from services.billing.domain.kid import KidMethod, new_kid
from services.billing.domain.ledger import (
    ClaimBalance,
    Component,
    Entry,
    EntryKind,
    LedgerAccount,
    Posting,
    claim_balances,
    claim_document_number,
    document_claim,
)
from services.billing.domain.ledger_entries import charged_by_code
from services.billing.domain.payments import ImportedPaymentFile, PaymentFileFormat, PaymentState
from services.billing.domain.year_end_share import Credited
from services.platform.money import Money

if TYPE_CHECKING:
    from tests.fakes.billing import FakeBillingUnitOfWork, FakeInvoices

_PAYING_KINDS = (EntryKind.PAYMENT, EntryKind.ALLOCATION, EntryKind.SET_OFF)


class FakeLedger:
    def __init__(self, invoices: FakeInvoices | None = None) -> None:
        self.entries: list[Entry] = []
        self.recorded_at: dict[str, datetime] = {}
        self.invoices = invoices  # the uow's FakeInvoices: the documents the claims D<n> name

    def _documents(self) -> dict[int, Invoice]:
        if self.invoices is None:
            raise RuntimeError("FakeLedger needs the unit of work's invoices: FakeLedger(uow.invoices)")
        return self.invoices.rows

    def post(self, entries: Sequence[Entry], at: datetime) -> None:
        for entry in entries:
            if entry.entry_id in self.recorded_at:
                raise ValueError(f"entry {entry.entry_id} exists")
            self.recorded_at[entry.entry_id] = at
        self.entries.extend(entries)

    def postings(self, as_of: date | None = None) -> list[Posting]:
        return [p for e in self.entries if as_of is None or e.posted_on <= as_of for p in e.postings]

    def claim_balances(self, claims: Sequence[str]) -> dict[str, ClaimBalance]:
        wanted = set(claims)
        return {c: b for c, b in claim_balances(self.postings()).items() if c in wanted}

    def principal_changes(self, claims: Sequence[str], before: date) -> dict[str, list[tuple[date, Money]]]:
        wanted = set(claims)
        by_day: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
        for entry in self.entries:
            if entry.posted_on > before:
                continue
            for p in entry.postings:
                took_effect = p.value_on or entry.posted_on
                if (
                    p.claim in wanted
                    and p.ledger_account == LedgerAccount.RECEIVABLES
                    and p.component == Component.PRINCIPAL
                    and took_effect < before
                ):
                    by_day[p.claim][took_effect] += p.amount.ore
        return {c: [(on, Money(ore)) for on, ore in sorted(days.items())] for c, days in by_day.items()}

    def charges_posted(self, claims: Sequence[str]) -> dict[str, list[tuple[date, Money]]]:
        wanted = set(claims)
        summed: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
        for entry in self.entries:
            for p in entry.postings:
                if (
                    p.claim in wanted
                    and p.ledger_account == LedgerAccount.RECEIVABLES
                    and p.component in (Component.FEE, Component.INTEREST)
                    and p.amount.ore > 0
                ):
                    summed[p.claim][entry.posted_on] += p.amount.ore
        return {c: [(d, Money(o)) for d, o in sorted(days.items())] for c, days in summed.items()}

    def credits_arose_on(self, claims: Sequence[str]) -> dict[str, date]:
        wanted = set(claims)
        arose: dict[str, date] = {}
        for entry in self.entries:
            for p in entry.postings:
                if p.claim in wanted and p.ledger_account == LedgerAccount.RECEIVABLES and p.amount.ore < 0:
                    day = p.value_on or entry.posted_on
                    arose[p.claim] = max(day, arose.get(p.claim, day))
        return arose

    def _receivables(self, account_ids: Sequence[str], as_of: date | None) -> dict[str, ClaimBalance]:
        wanted = set(account_ids)
        return claim_balances(
            p
            for p in self.postings(as_of)
            if p.ledger_account == LedgerAccount.RECEIVABLES and p.account_id in wanted
        )

    def accounts_with_overdue(
        self, after: str, due_before: date, limit: int, through: str | None = None
    ) -> list[str]:
        wanted = {
            p.account_id
            for p in self.postings()
            if p.ledger_account == LedgerAccount.RECEIVABLES
            and p.account_id > after
            and (through is None or p.account_id <= through)
        }
        overdue = {o.account_id for o in self.open_invoices(sorted(wanted), due_before)}
        return sorted(overdue)[:limit]

    def receivable_balances(self, account_ids: Sequence[str]) -> dict[str, ClaimBalance]:
        return {c: b for c, b in self._receivables(account_ids, None).items() if b.total.ore != 0}

    def open_invoices(
        self,
        account_ids: Sequence[str],
        due_before: date | None = None,
        *,
        as_of: date | None = None,
        balances: Mapping[str, ClaimBalance] | None = None,
    ) -> list[OpenInvoice]:
        documents = self._documents()
        found = []
        claims = self._receivables(account_ids, as_of) if balances is None else balances
        for claim, balance in claims.items():
            number = claim_document_number(claim)
            invoice = documents.get(number) if number is not None else None
            if invoice is None or invoice.kind != INVOICE or balance.total.ore <= 0:
                continue
            if due_before is not None and invoice.due_date >= due_before:
                continue
            found.append(
                OpenInvoice(
                    document_number=invoice.invoice_number,
                    account_id=invoice.account_id,
                    kid=invoice.kid,
                    issue_date=invoice.issue_date,
                    due_date=invoice.due_date,
                    total=invoice.total,
                    balance=balance,
                    charge_codes=tuple(sorted({line.code for line in invoice.lines})),
                    property_ids=tuple(invoice.property_ids),
                    amounts_by_code=_amounts_by_code(invoice),
                )
            )
        return sorted(found, key=lambda o: (o.account_id, o.due_date, o.document_number))

    def credits(self, account_ids: Sequence[str], *, as_of: date | None = None) -> list[ClaimBalance]:
        found = [b for b in self._receivables(account_ids, as_of).values() if b.total.ore < 0]
        return sorted(found, key=lambda b: (b.account_id, b.claim))

    def documents_by_kid(self, kids: Sequence[str]) -> dict[str, DocumentRef]:
        wanted = set(kids)
        named = [i for i in self._documents().values() if i.kid in wanted]
        balances = self.claim_balances([document_claim(i.invoice_number) for i in named])
        return {
            i.kid: DocumentRef(
                i.invoice_number,
                i.account_id,
                i.kind,
                i.total,
                balances.get(document_claim(i.invoice_number)),
            )
            for i in named
        }

    def statement_rows(self, account_id: str, to_date: date) -> list[StatementRow]:
        rows = []
        for entry in self.entries:
            if entry.posted_on > to_date:
                continue
            postings = [
                p
                for p in entry.postings
                if p.ledger_account == LedgerAccount.RECEIVABLES and p.account_id == account_id
            ]
            touching = [p.amount.ore for p in postings]
            if touching:
                took_effect = min(p.value_on or entry.posted_on for p in postings)
                rows.append(
                    StatementRow(
                        entry.entry_id,
                        entry.kind,
                        entry.posted_on,
                        entry.reference,
                        entry.description,
                        Money(sum(ore for ore in touching if ore > 0)),
                        Money(-sum(ore for ore in touching if ore < 0)),
                        self.recorded_at[entry.entry_id],
                        took_effect if took_effect < entry.posted_on else None,
                    )
                )
        return sorted(rows, key=lambda r: (r.posted_on, r.recorded_at, r.entry_id))

    def open_by_due_date(self, as_of: date) -> list[DueGroup]:
        documents = self._documents()
        groups: dict[date, tuple[int, int]] = defaultdict(lambda: (0, 0))
        receivables = [p for p in self.postings(as_of) if p.ledger_account == LedgerAccount.RECEIVABLES]
        for claim, balance in claim_balances(receivables).items():
            number = claim_document_number(claim)
            invoice = documents.get(number) if number is not None else None
            if invoice is None or invoice.kind != INVOICE or invoice.issue_date > as_of:
                continue
            if balance.total.ore > 0:
                count, ore = groups[invoice.due_date]
                groups[invoice.due_date] = (count + 1, ore + balance.total.ore)
        return [DueGroup(d, count, Money(ore)) for d, (count, ore) in sorted(groups.items())]

    def year_end_invoices(self, year: int) -> list[YearEndInvoice]:
        last = date(year, 12, 31)
        by_code: dict[int, dict[str, Money]] = {}
        for invoice in self._documents().values():
            if invoice.kind == INVOICE and invoice.issue_date.year == year and invoice.total.ore != 0:
                by_code[invoice.invoice_number] = charged_by_code(invoice.lines, invoice.vat)
        paid: dict[str, int] = defaultdict(int)
        credited: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        claims = {document_claim(n) for n in by_code}
        documents = self._documents()
        for entry in self.entries:
            if entry.kind not in _PAYING_KINDS or entry.posted_on > last:
                continue
            credit_note = entry.kind == EntryKind.SET_OFF and entry.reference.startswith("D")
            for p in entry.postings:
                if (
                    p.ledger_account == LedgerAccount.RECEIVABLES
                    and p.claim in claims
                    and p.component == Component.PRINCIPAL
                ):
                    if credit_note:
                        credited[p.claim][entry.reference] -= p.amount.ore
                    else:
                        paid[p.claim] -= p.amount.ore

        def codes(claim: str) -> frozenset[str]:
            return frozenset(line.code for line in documents[int(claim[1:])].lines)

        return [
            YearEndInvoice(
                n,
                by_code[n],
                Money(paid[document_claim(n)]),
                tuple(Credited(Money(o), codes(c)) for c, o in sorted(credited[document_claim(n)].items())),
            )
            for n in sorted(by_code)
        ]


def _amounts_by_code(invoice: Invoice) -> dict[str, Money]:
    amounts: dict[str, int] = defaultdict(int)
    for line in invoice.lines:
        amounts[line.code] += line.amount.ore
    return {code: Money(ore) for code, ore in sorted(amounts.items())}


class FakePayments:
    def __init__(self) -> None:
        self.files: dict[str, StoredPaymentFile] = {}
        self.imported_at: dict[str, datetime] = {}
        self.rows: dict[str, StoredPayment] = {}

    def file_by_sha256(self, sha256: str) -> StoredPaymentFile | None:
        return next((f for f in self.files.values() if f.sha256 == sha256), None)

    def file_by_identity(
        self, file_format: PaymentFileFormat, identities: Sequence[str]
    ) -> ImportedPaymentFile | None:
        for file_id, f in self.files.items():
            if f.format == file_format and f.file_reference in identities:
                return ImportedPaymentFile(f.file_name, f.file_reference, self.imported_at[file_id])
        return None

    def add_file(self, stored: StoredPaymentFile, at: datetime) -> None:
        if self.file_by_sha256(stored.sha256) is not None:
            raise ValueError(f"a file with sha256 {stored.sha256} exists")  # unique, as in SQL
        if self.file_by_identity(stored.format, [stored.file_reference]) is not None:
            raise ValueError(f"a {stored.format} file {stored.file_reference} exists")  # unique, as in SQL
        self.files[stored.file_id] = stored
        self.imported_at[stored.file_id] = at

    def add_many(self, items: Sequence[StoredPayment], at: datetime) -> None:
        for payment in items:
            if payment.payment_id in self.rows:
                raise ValueError(f"payment {payment.payment_id} exists")
            self.rows[payment.payment_id] = payment

    def get(self, payment_id: str) -> StoredPayment | None:
        return self.rows.get(payment_id)

    def _queue(self) -> list[StoredPayment]:
        return sorted(
            (p for p in self.rows.values() if p.state == PaymentState.UNMATCHED),
            key=lambda p: (p.paid_on, p.file_id, p.line),
        )

    def unmatched(self, offset: int = 0, limit: int = 100) -> list[QueuedPayment]:
        return [
            QueuedPayment(p, self.files[p.file_id].file_name) for p in self._queue()[offset : offset + limit]
        ]

    def unmatched_by_kid(self, kids: Sequence[str]) -> list[StoredPayment]:
        wanted = set(kids)
        return [p for p in self._queue() if p.kid in wanted]

    def set_state(
        self, payment_id: str, state: PaymentState, account_id: str, document_number: int | None
    ) -> None:
        self.rows[payment_id] = replace(
            self.rows[payment_id], state=state, account_id=account_id, document_number=document_number
        )


# --- Builders for tests: documents as a billing run issues them ----------------------------------------


def an_invoice(
    number: int,
    account_id: str,
    amounts: Mapping[str, int] | None = None,
    *,
    issue_date: date = date(2024, 1, 10),
    due_date: date = date(2024, 1, 31),
    vat_rate: Decimal = Decimal(0),
    kind: str = INVOICE,
    property_id: str = "p1",
) -> Invoice:
    """An invoice (or, kind CREDIT_NOTE with negative amounts, a credit note) with one line per charge code
    (amounts in øre, net), its KID the MOD10 KID of its number."""
    lines = tuple(
        ChargeLine(
            property_id,
            code,
            code,
            Period(date(issue_date.year, 1, 1), date(issue_date.year, 4, 1)),
            Money(ore),
            vat_rate,
        )
        for code, ore in (amounts or {"property_tax": 100_000}).items()
    )
    net = sum(line.amount.ore for line in lines)
    vat = sum(int((Decimal(line.amount.ore) * line.vat_rate).to_integral_value()) for line in lines)
    return Invoice(
        invoice_number=number,
        kind=kind,
        run_id="run-1",
        account_id=account_id,
        channel=Channel.PRINT,
        kid=new_kid(number, KidMethod.MOD10),
        issue_date=issue_date,
        due_date=due_date,
        period=lines[0].period,
        lines=lines,
        net=Money(net),
        vat=Money(vat),
        total=Money(net + vat),
    )


def issue(uow: FakeBillingUnitOfWork, documents: Sequence[Invoice]) -> None:
    """The documents stored and posted as a billing chunk does (post_issued_documents), committed."""
    from services.billing.application.post_documents import post_issued_documents

    with uow:
        for invoice in documents:
            uow.invoices.rows[invoice.invoice_number] = invoice
            if uow.accounts.get(invoice.account_id) is None:
                uow.accounts.rows[invoice.account_id] = an_account(invoice.account_id)
        post_issued_documents(uow, documents)
        uow.commit()


def an_account(account_id: str) -> Account:
    return Account(
        account_id=account_id,
        kind=RecipientKind.PERSON,
        name=f"Mottaker {account_id}",
        organisation_number="",
        address_line="Testveien 1",
        postcode="0150",
        city="Oslo",
        channel=Channel.PRINT,
    )
