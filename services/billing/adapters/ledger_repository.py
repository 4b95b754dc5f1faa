"""The receivables ledger in SQL (application/ledger_ports.py; payments are in payment_repository.py).

Entries and postings are only ever inserted (COPY on PostgreSQL); every balance is an aggregate over
ledger_postings (GROUP BY claim, component), joined to the invoices it concerns in a second query by number,
so that a chunk of 5,000 recipients costs three queries, not one per recipient.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, String, and_, case, cast, func, literal, select
from sqlalchemy.orm import Session

from services.billing.adapters.orm import (
    invoice_lines,
    invoices,
    ledger_entries,
    ledger_postings,
)
from services.billing.application.ledger_ports import (
    DocumentRef,
    DueGroup,
    OpenInvoice,
    StatementRow,
    YearEndInvoice,
)
from services.billing.domain.billing_run import INVOICE
from services.billing.domain.ledger import (
    ClaimBalance,
    Component,
    Entry,
    EntryKind,
    LedgerAccount,
    claim_document_number,
    document_claim,
)
from services.billing.domain.ledger_entries import charged_by_code
from services.billing.domain.year_end_share import Credited
from services.platform.bulk import bulk_insert
from services.platform.db import one_of
from services.platform.money import Money

_RECEIVABLES = LedgerAccount.RECEIVABLES.value
_FEE, _INTEREST, _PRINCIPAL = Component.FEE.value, Component.INTEREST.value, Component.PRINCIPAL.value
_ACCOUNT_TEXT = {a: a.value for a in LedgerAccount}
_COMPONENT_TEXT = {c: c.value for c in Component}
_CLAIM_ACCOUNTS = (LedgerAccount.RECEIVABLES.value, LedgerAccount.UNIDENTIFIED_PAYMENTS.value)
# What covers an invoice's principal for the year-end share: payments and set-offs (overpayments applied
# count as paid, credit notes as taken off what was invoiced), never write-offs.
_PAYING_KINDS = (EntryKind.PAYMENT.value, EntryKind.ALLOCATION.value, EntryKind.SET_OFF.value)


def entry_rows(entries: Sequence[Entry], at: datetime) -> list[dict[str, Any]]:
    return [
        {
            "entry_id": e.entry_id,
            "kind": e.kind.value,
            "posted_on": e.posted_on,
            "account_id": e.account_id,
            "reference": e.reference,
            "description": e.description,
            "recorded_at": at,
        }
        for e in entries
    ]


def posting_rows(entries: Sequence[Entry]) -> list[dict[str, Any]]:
    # Plain str for the enums (StrEnum .value per posting costs seconds over a billing run's million).
    account_of, component_of = _ACCOUNT_TEXT, _COMPONENT_TEXT
    return [
        {
            "entry_id": e.entry_id,
            "line": n,
            "ledger_account": account_of[p.ledger_account],
            "account_id": p.account_id,
            "claim": p.claim,
            "component": component_of[p.component],
            "amount_ore": p.amount.ore,
            "posted_on": e.posted_on,
            "value_on": p.value_on,
        }
        for e in entries
        for n, p in enumerate(e.postings, start=1)
    ]


@dataclass(frozen=True)
class _SummedLine:
    """An invoice's lines of one code and VAT rate added up (what charged_by_code reads)."""

    code: str
    amount: Money
    vat_rate: Decimal


_SLOTS = {_FEE: 1, _INTEREST: 2, _PRINCIPAL: 3}  # a component's place in _balances' running sums


def _balances(rows: Iterable[Any]) -> dict[str, ClaimBalance]:
    """(claim, account_id, component, ore) rows → each claim's balance (its owner the non-empty account:
    an unidentified payment's claim has none until it is allocated)."""
    sums: dict[str, list[Any]] = {}  # claim → [owner, fee, interest, principal]: a payment file's 135,000
    for claim, account_id, component, ore in rows:
        running = sums.get(claim)
        if running is None:
            running = sums[claim] = [account_id, 0, 0, 0]
        elif not running[0]:
            running[0] = account_id
        running[_SLOTS[component]] += int(ore)
    return {
        claim: ClaimBalance(claim, owner, Money(fee), Money(interest), Money(principal))
        for claim, (owner, fee, interest, principal) in sums.items()
    }


class LedgerRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def post(self, entries: Sequence[Entry], at: datetime) -> None:
        bulk_insert(self._session, ledger_entries, entry_rows(entries, at))
        bulk_insert(self._session, ledger_postings, posting_rows(entries))

    def claim_balances(self, claims: Sequence[str]) -> dict[str, ClaimBalance]:
        if not claims:
            return {}
        p = ledger_postings.c
        rows = self._session.execute(
            select(p.claim, p.account_id, p.component, func.sum(p.amount_ore))
            .where(one_of(self._session, p.claim, list(claims)), p.ledger_account.in_(_CLAIM_ACCOUNTS))
            .group_by(p.claim, p.account_id, p.component)
        ).all()
        return _balances(rows)

    def principal_changes(self, claims: Sequence[str], before: date) -> dict[str, list[tuple[date, Money]]]:
        if not claims:
            return {}
        p = ledger_postings.c
        took_effect = func.coalesce(p.value_on, p.posted_on)
        found: dict[str, list[tuple[date, Money]]] = defaultdict(list)
        for claim, on, ore in self._session.execute(
            select(p.claim, took_effect, func.sum(p.amount_ore))
            .where(
                one_of(self._session, p.claim, list(claims)),
                p.ledger_account == _RECEIVABLES,
                p.component == _PRINCIPAL,
                p.posted_on <= before,
                took_effect < before,
            )
            .group_by(p.claim, took_effect)
            .order_by(p.claim, took_effect)
        ).all():
            found[claim].append((on, Money(int(ore))))
        return dict(found)

    def _receivable_claims(
        self, account_ids: Sequence[str], as_of: date | None, documents_only: bool, sign: int = 0
    ) -> dict[str, ClaimBalance]:
        """The recipients' claims on RECEIVABLES whose total is open (sign 1), a credit (-1) or either (0):
        settled claims (most of a recipient's history) are left out in the query, not in Python."""
        if not account_ids:
            return {}
        p = ledger_postings.c
        total = func.sum(p.amount_ore)
        kept = {1: total > 0, -1: total < 0}.get(sign, total != 0)
        query = (
            select(
                p.claim,
                func.max(p.account_id),
                func.sum(case((p.component == _FEE, p.amount_ore), else_=0)),
                func.sum(case((p.component == _INTEREST, p.amount_ore), else_=0)),
                total,
            )
            .where(one_of(self._session, p.account_id, list(account_ids)), p.ledger_account == _RECEIVABLES)
            .group_by(p.claim)
            .having(kept)
        )
        if documents_only:
            query = query.where(p.claim.like("D%"))
        if as_of is not None:
            query = query.where(p.posted_on <= as_of)
        return {
            claim: ClaimBalance(
                claim, owner, Money(int(fee)), Money(int(interest)), Money(int(t - fee - interest))
            )
            for claim, owner, fee, interest, t in self._session.execute(query).all()
        }

    def accounts_with_overdue(
        self, after: str, due_before: date, limit: int, through: str | None = None
    ) -> list[str]:
        p, i = ledger_postings.c, invoices.c
        within = (
            p.account_id > after if through is None else and_(p.account_id > after, p.account_id <= through)
        )
        open_claims = (
            select(p.claim, p.account_id)
            .where(p.ledger_account == _RECEIVABLES, p.claim.like("D%"), within)
            # In ix_ledger_postings_account's order, so that the read stops once `limit` recipients are found.
            .group_by(p.account_id, p.claim)
            .having(func.sum(p.amount_ore) > 0)
            .subquery()
        )
        # The due date looked up per open claim (a subquery, not a join): a join makes PostgreSQL hash every
        # invoice and every claim after the cursor before it can stop, each chunk again.
        due = (
            select(i.due_date)
            .where(
                i.invoice_number == cast(func.substr(open_claims.c.claim, 2), BigInteger), i.kind == INVOICE
            )
            .scalar_subquery()
        )
        found = self._session.execute(
            select(open_claims.c.account_id)
            .where(due < due_before)
            .group_by(open_claims.c.account_id)
            .order_by(open_claims.c.account_id)
            .limit(limit)
        ).scalars()
        return list(found)

    def receivable_balances(self, account_ids: Sequence[str]) -> dict[str, ClaimBalance]:
        return self._receivable_claims(account_ids, None, documents_only=False)

    def open_invoices(
        self,
        account_ids: Sequence[str],
        due_before: date | None = None,
        *,
        as_of: date | None = None,
        balances: Mapping[str, ClaimBalance] | None = None,
    ) -> list[OpenInvoice]:
        if balances is None:
            balances = self._receivable_claims(account_ids, as_of, documents_only=True, sign=1)
        balances_of = {
            number: b
            for claim, b in balances.items()
            if b.total.ore > 0 and (number := claim_document_number(claim)) is not None
        }
        numbers = list(balances_of)
        if not numbers:
            return []
        i = invoices.c
        query = select(i.invoice_number, i.account_id, i.kid, i.issue_date, i.due_date, i.total_ore).where(
            one_of(self._session, i.invoice_number, numbers), i.kind == INVOICE
        )
        if due_before is not None:
            query = query.where(i.due_date < due_before)
        found = self._session.execute(query).all()
        amounts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        properties: dict[int, set[str]] = defaultdict(set)
        if found:
            lines = invoice_lines.c
            for number, code, property_id, ore in self._session.execute(
                select(lines.invoice_number, lines.code, lines.property_id, func.sum(lines.amount_ore))
                .where(one_of(self._session, lines.invoice_number, [r[0] for r in found]))
                .group_by(lines.invoice_number, lines.code, lines.property_id)
            ).all():
                amounts[number][code] += int(ore)
                properties[number].add(property_id)
        result = [
            OpenInvoice(
                document_number=number,
                account_id=account_id,
                kid=kid,
                issue_date=issue_date,
                due_date=due_date,
                total=Money(total_ore),
                balance=balances_of[number],
                charge_codes=tuple(sorted(amounts[number])),
                property_ids=tuple(sorted(properties[number])),
                amounts_by_code={code: Money(ore) for code, ore in sorted(amounts[number].items())},
            )
            for number, account_id, kid, issue_date, due_date, total_ore in found
        ]
        return sorted(result, key=lambda o: (o.account_id, o.due_date, o.document_number))

    def credits(self, account_ids: Sequence[str], *, as_of: date | None = None) -> list[ClaimBalance]:
        found = self._receivable_claims(account_ids, as_of, documents_only=False, sign=-1).values()
        return sorted(found, key=lambda b: (b.account_id, b.claim))

    def charges_posted(self, claims: Sequence[str]) -> dict[str, list[tuple[date, Money]]]:
        if not claims:
            return {}
        p = ledger_postings.c
        found: dict[str, list[tuple[date, Money]]] = defaultdict(list)
        for claim, day, ore in self._session.execute(
            select(p.claim, p.posted_on, func.sum(p.amount_ore))
            .where(
                one_of(self._session, p.claim, list(claims)),
                p.ledger_account == _RECEIVABLES,
                p.component.in_((_FEE, _INTEREST)),
                p.amount_ore > 0,
            )
            .group_by(p.claim, p.posted_on)
            .order_by(p.claim, p.posted_on)
        ).all():
            found[claim].append((day, Money(int(ore))))
        return dict(found)

    def credits_arose_on(self, claims: Sequence[str]) -> dict[str, date]:
        if not claims:
            return {}
        p = ledger_postings.c
        rows = self._session.execute(
            select(p.claim, func.max(func.coalesce(p.value_on, p.posted_on)))
            .where(
                one_of(self._session, p.claim, list(claims)),
                p.ledger_account == _RECEIVABLES,
                p.amount_ore < 0,
            )
            .group_by(p.claim)
        ).all()
        return {claim: day for claim, day in rows}

    def documents_by_kid(self, kids: Sequence[str]) -> dict[str, DocumentRef]:
        if not kids:
            return {}
        i, p = invoices.c, ledger_postings.c
        named = (
            select(i.kid, i.invoice_number, i.account_id, i.kind, i.total_ore)
            .where(one_of(self._session, i.kid, list(kids)))
            .subquery()
        )
        d = named.c
        # Joined on the claim key (not read by a second query naming 135,000 claims): one pass however
        # many postings the ledger holds.
        claim = literal("D") + cast(d.invoice_number, String)
        rows = self._session.execute(
            select(d.kid, d.invoice_number, d.account_id, d.kind, d.total_ore, p.account_id, p.component)
            .add_columns(func.sum(p.amount_ore))
            .join_from(
                named,
                ledger_postings,
                and_(p.claim == claim, p.ledger_account.in_(_CLAIM_ACCOUNTS)),
                isouter=True,
            )
            .group_by(d.kid, d.invoice_number, d.account_id, d.kind, d.total_ore, p.account_id, p.component)
        )
        documents: dict[str, tuple[int, str, str, int]] = {}
        postings: list[tuple[str, str, str, int]] = []
        for kid, number, account_id, kind, total_ore, owner, component, ore in rows:
            documents[kid] = (number, account_id, kind, total_ore)
            if component is not None:
                postings.append((document_claim(number), owner, component, ore))
        balances = _balances(postings)
        return {
            kid: DocumentRef(number, account_id, kind, Money(total_ore), balances.get(document_claim(number)))
            for kid, (number, account_id, kind, total_ore) in documents.items()
        }

    def statement_rows(self, account_id: str, to_date: date) -> list[StatementRow]:
        p, e = ledger_postings.c, ledger_entries.c
        rows = self._session.execute(
            select(
                e.entry_id,
                e.kind,
                e.posted_on,
                e.reference,
                e.description,
                e.recorded_at,
                func.sum(case((p.amount_ore > 0, p.amount_ore), else_=0)).label("debit"),
                func.sum(case((p.amount_ore < 0, -p.amount_ore), else_=0)).label("credit"),
                func.min(func.coalesce(p.value_on, p.posted_on)).label("value_on"),
            )
            .join_from(ledger_postings, ledger_entries, p.entry_id == e.entry_id)
            .where(p.account_id == account_id, p.ledger_account == _RECEIVABLES, p.posted_on <= to_date)
            .group_by(e.entry_id, e.kind, e.posted_on, e.reference, e.description, e.recorded_at)
            .order_by(e.posted_on, e.recorded_at, e.entry_id)
        ).all()
        return [
            StatementRow(
                r.entry_id,
                EntryKind(r.kind),
                r.posted_on,
                r.reference,
                r.description,
                Money(int(r.debit)),
                Money(int(r.credit)),
                r.recorded_at,
                r.value_on if r.value_on is not None and r.value_on < r.posted_on else None,
            )
            for r in rows
        ]

    def open_by_due_date(self, as_of: date) -> list[DueGroup]:
        p, i = ledger_postings.c, invoices.c
        open_claims = (
            select(p.claim, func.sum(p.amount_ore).label("open_ore"))
            .where(p.ledger_account == _RECEIVABLES, p.claim.like("D%"), p.posted_on <= as_of)
            .group_by(p.claim)
            .having(func.sum(p.amount_ore) > 0)
            .subquery()
        )
        number = cast(func.substr(open_claims.c.claim, 2), BigInteger)
        rows = self._session.execute(
            select(i.due_date, func.count(), func.sum(open_claims.c.open_ore))
            .join_from(open_claims, invoices, i.invoice_number == number)
            .where(i.kind == INVOICE, i.issue_date <= as_of)
            .group_by(i.due_date)
            .order_by(i.due_date)
        ).all()
        return [DueGroup(due_date, int(count), Money(int(ore))) for due_date, count, ore in rows]

    def year_end_invoices(self, year: int) -> list[YearEndInvoice]:
        p, e, i, lines = ledger_postings.c, ledger_entries.c, invoices.c, invoice_lines.c
        first, last = date(year, 1, 1), date(year, 12, 31)
        of_year = (i.kind == INVOICE, i.issue_date.between(first, last), i.total_ore != 0)
        vat_of = dict(self._session.execute(select(i.invoice_number, i.vat_ore).where(*of_year)).all())
        if not vat_of:
            return []
        summed: dict[int, list[_SummedLine]] = defaultdict(list)
        for number, code, rate, ore in self._session.execute(
            select(lines.invoice_number, lines.code, lines.vat_rate, func.sum(lines.amount_ore))
            .join_from(invoice_lines, invoices, i.invoice_number == lines.invoice_number)
            .where(*of_year)
            .group_by(lines.invoice_number, lines.code, lines.vat_rate)
        ):
            summed[number].append(_SummedLine(code, Money(int(ore)), Decimal(rate)))
        by_code = {n: charged_by_code(summed[n], Money(vat_of[n])) for n in vat_of}
        paid: dict[str, int] = defaultdict(int)
        credited: dict[str, list[tuple[str, int]]] = defaultdict(list)  # claim → (credit note's claim, øre)
        claims = [document_claim(n) for n in by_code]
        # A set-off names the credit it used (its entry's reference): a document's is a credit note's.
        credit_note = case(
            (and_(e.kind == EntryKind.SET_OFF.value, e.reference.like("D%")), e.reference), else_=""
        )
        for claim, credit, ore in self._session.execute(
            select(p.claim, credit_note, func.sum(p.amount_ore))
            .join_from(ledger_postings, ledger_entries, p.entry_id == e.entry_id)
            .where(
                one_of(self._session, p.claim, claims),
                p.ledger_account == _RECEIVABLES,
                p.component == Component.PRINCIPAL.value,
                p.posted_on <= last,
                e.kind.in_(_PAYING_KINDS),
            )
            .group_by(p.claim, credit_note)
        ).all():
            if credit:
                credited[claim].append((credit, -int(ore)))
            else:
                paid[claim] = -int(ore)
        codes = self._codes_of([c for found in credited.values() for c, _ in found])
        found = []
        for n in sorted(by_code):
            claim = document_claim(n)
            credits = tuple(
                Credited(Money(ore), codes.get(c, frozenset())) for c, ore in sorted(credited[claim])
            )
            found.append(YearEndInvoice(n, by_code[n], Money(paid[claim]), credits))
        return found

    def _codes_of(self, claims: Sequence[str]) -> dict[str, frozenset[str]]:
        """The charge codes of the documents the claims are of."""
        numbers = sorted({n for c in claims if (n := claim_document_number(c)) is not None})
        if not numbers:
            return {}
        lines = invoice_lines.c
        found: dict[str, set[str]] = defaultdict(set)
        for number, code in self._session.execute(
            select(lines.invoice_number, lines.code)
            .where(one_of(self._session, lines.invoice_number, numbers))
            .distinct()
        ):
            found[document_claim(number)].add(code)
        return {claim: frozenset(codes) for claim, codes in found.items()}
