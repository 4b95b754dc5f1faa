"""The receivables ledger (reskontro) in double entry: what recipients owe is never a field that is updated,
it is the sum of postings. Every entry's postings add up to zero, so the whole ledger always balances.

Shapes:
- an Entry is one business event (an invoice issued, a payment received, a reminder fee, interest, a
  refund, a set-off, a write-off), dated by its business date `posted_on`, with two or more Postings;
- a Posting moves an amount (whole øre, debit positive, credit negative) on one ledger account; postings on
  RECEIVABLES name the recipient (`account_id`) and the claim they concern (`claim`) with its component
  (principal, reminder fee or interest), so each claim's open amount is derived by adding them up. A
  posting may carry a value date (`value_on`) earlier than its entry's: the day the movement took effect
  when it is booked later (a payment allocated by hand after the day it was paid, a credit set off after
  it arose); late-payment interest is reckoned by it.

A claim is a document of the one number series (an invoice, or a credit note: negative, a credit) or a
payment not (wholly) applied to an invoice (negative: money the recipient has to its credit, or money not
yet identified, on UNIDENTIFIED_PAYMENTS). Reminder fees and interest are components of the invoice claim
they arose from, so an invoice's open amount is its principal, fees and interest still unpaid.

Source: bokføringsloven § 4 (double entry, a complete and traceable ledger); the account names follow
Norsk Standard kontoplan NS 4102 (1500 kundefordringer, 1920 bank, 2400/2900, 2700 utgående mva, 3xxx
salg, 8050 renteinntekt, 7830 tap på fordringer).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from services.platform.money import Money


class LedgerAccount(StrEnum):
    """The general-ledger accounts the receivables ledger posts to (NS 4102 numbers in comments)."""

    RECEIVABLES = "receivables"  # 1500 kundefordringer: what recipients owe, per claim
    BANK = "bank"  # 1920 bankinnskudd: the municipality's collection account
    UNIDENTIFIED_PAYMENTS = "unidentified_payments"  # 2900 uidentifiserte innbetalinger (suspense)
    REVENUE = "revenue"  # 3xxx salgsinntekt, an invoice's net (per charge code in the run's journal)
    VAT_PAYABLE = "vat_payable"  # 2700 utgående merverdiavgift
    FEE_INCOME = "fee_income"  # 3900 purregebyr og andre gebyrer
    INTEREST_INCOME = "interest_income"  # 8050 renteinntekt (forsinkelsesrente)
    BAD_DEBT = "bad_debt"  # 7830 tap på fordringer (write-offs)


class Component(StrEnum):
    """What part of a claim a receivables posting concerns; payments cover fees first, then interest, then
    the principal (the order of cover in Norwegian collection practice, inkassoforskriften § 1-2 (4))."""

    FEE = "fee"
    INTEREST = "interest"
    PRINCIPAL = "principal"


COVER_ORDER: tuple[Component, ...] = (Component.FEE, Component.INTEREST, Component.PRINCIPAL)


class EntryKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"  # matched by KID, wholly or partly to an invoice; a remainder is a credit
    UNIDENTIFIED_PAYMENT = "unidentified_payment"  # unknown KID: to the suspense account
    ALLOCATION = "allocation"  # an unidentified payment allocated by hand (or when its invoice arrived)
    SET_OFF = "set_off"  # a credit (credit note, overpayment) applied to an open invoice
    REMINDER_FEE = "reminder_fee"
    INTEREST = "interest"
    REFUND = "refund"  # a credit paid back to the recipient's bank account
    WRITE_OFF = "write_off"


def document_claim(number: int) -> str:
    """The claim key of an invoice or credit note (one number series)."""
    return f"D{number}"


def payment_claim(payment_id: str) -> str:
    """The claim key of a payment's unapplied part (a credit balance, or a payment not yet identified)."""
    return f"P{payment_id}"


def claim_document_number(claim: str) -> int | None:
    """The document number a claim key names, or None for a payment's claim."""
    return int(claim[1:]) if claim.startswith("D") else None


@dataclass(frozen=True, slots=True)
class Posting:
    ledger_account: LedgerAccount
    amount: Money  # debit positive, credit negative
    account_id: str = ""  # the recipient, on RECEIVABLES (and on REVENUE for reports); "" otherwise
    claim: str = ""  # on RECEIVABLES and UNIDENTIFIED_PAYMENTS: document_claim(n) or payment_claim(id)
    component: Component = Component.PRINCIPAL
    value_on: date | None = None  # the day it took effect when earlier than the entry's; None: posted_on


def value_date(booked_on: date, took_effect: date | None) -> date | None:
    """The value date of a posting booked on `booked_on` for a movement that took effect on `took_effect`:
    that day when it is earlier, else None (the booking date is the value date)."""
    return took_effect if took_effect is not None and took_effect < booked_on else None


class UnbalancedEntry(ValueError):
    """An entry whose postings do not add up to zero: a programming error, never stored."""


@dataclass(frozen=True)
class Entry:
    entry_id: str
    kind: EntryKind
    posted_on: date  # the business date: issue date, the bank's payment date, the reminder's date, …
    postings: tuple[Posting, ...]
    account_id: str = ""  # the recipient the entry concerns ("" for an unidentified payment)
    reference: str = ""  # what it comes from: a document number, a payment id, a reminder id
    description: str = ""  # in Norwegian, as a statement of account shows it

    def __post_init__(self) -> None:
        if len(self.postings) < 2:
            raise UnbalancedEntry(f"entry {self.entry_id} ({self.kind}) has fewer than two postings")
        total = sum(p.amount.ore for p in self.postings)
        if total != 0:
            raise UnbalancedEntry(f"entry {self.entry_id} ({self.kind}) is off by {total} øre")


@dataclass(frozen=True)
class ClaimBalance:
    """A claim's open amount per component (positive: owed; negative: a credit)."""

    claim: str
    account_id: str
    fee: Money = Money(0)
    interest: Money = Money(0)
    principal: Money = Money(0)

    @property
    def total(self) -> Money:
        return self.fee + self.interest + self.principal

    def of(self, component: Component) -> Money:
        return {Component.FEE: self.fee, Component.INTEREST: self.interest}.get(component, self.principal)


def claim_balances(postings: Iterable[Posting]) -> dict[str, ClaimBalance]:
    """Each claim's open amount from the RECEIVABLES and UNIDENTIFIED_PAYMENTS postings (others ignored)."""
    sums: dict[tuple[str, str, Component], int] = defaultdict(int)
    for posting in postings:
        if posting.claim and posting.ledger_account in (
            LedgerAccount.RECEIVABLES,
            LedgerAccount.UNIDENTIFIED_PAYMENTS,
        ):
            sums[(posting.claim, posting.account_id, posting.component)] += posting.amount.ore
    by_claim: dict[str, dict[Component, int]] = defaultdict(lambda: defaultdict(int))
    owner: dict[str, str] = {}
    for (claim, account_id, component), ore in sums.items():
        by_claim[claim][component] += ore
        owner[claim] = owner.get(claim) or account_id
    return {
        claim: ClaimBalance(
            claim,
            owner[claim],
            Money(parts[Component.FEE]),
            Money(parts[Component.INTEREST]),
            Money(parts[Component.PRINCIPAL]),
        )
        for claim, parts in by_claim.items()
    }


def recipient_balances(postings: Iterable[Posting]) -> dict[str, Money]:
    """Each recipient's balance on RECEIVABLES: positive owes, negative has a credit."""
    sums: dict[str, int] = defaultdict(int)
    for posting in postings:
        if posting.ledger_account == LedgerAccount.RECEIVABLES and posting.account_id:
            sums[posting.account_id] += posting.amount.ore
    return {account_id: Money(ore) for account_id, ore in sums.items()}


def account_totals(postings: Iterable[Posting]) -> Mapping[LedgerAccount, Money]:
    """Each ledger account's balance (debit positive); over a whole ledger they add up to zero."""
    sums: dict[LedgerAccount, int] = defaultdict(int)
    for posting in postings:
        sums[posting.ledger_account] += posting.amount.ore
    return {account: Money(ore) for account, ore in sums.items()}
