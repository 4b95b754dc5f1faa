"""Property tests of the receivables ledger (hypothesis): for any sequence of invoices, credit notes,
payments (matching, partial, over, unknown KID), allocations, set-offs, reminder fees, interest, refunds and
write-offs, built with domain/ledger_entries.py as the application builds them, the ledger balances and no
open amount goes wrong."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from services.billing.domain.billing_run import CREDIT_NOTE
from services.billing.domain.ledger import (
    ClaimBalance,
    Component,
    Entry,
    EntryKind,
    LedgerAccount,
    Posting,
    account_totals,
    claim_balances,
    document_claim,
    payment_claim,
    recipient_balances,
)
from services.billing.domain.ledger_entries import (
    allocation_entry,
    invoice_entry,
    payment_entry,
    refund_entry,
    set_off_entry,
    unidentified_payment_entry,
    write_off_entry,
)
from services.platform.money import Money
from tests.fakes.ledger import an_invoice

ACCOUNTS = ("acc-a", "acc-b", "acc-c")
ON = date(2024, 3, 1)


@dataclass
class Ledger:
    """The ledger as a list of entries, and what the test knows of what happened."""

    entries: list[Entry] = field(default_factory=list)
    invoices: dict[int, str] = field(default_factory=dict)  # number → account
    charged: dict[int, int] = field(default_factory=lambda: defaultdict(int))  # total, fees, interest
    paid: dict[str, int] = field(default_factory=dict)  # payment id → amount
    unidentified: list[str] = field(default_factory=list)
    next_number: int = 1

    def postings(self) -> list[Posting]:
        return [p for e in self.entries for p in e.postings]

    def balances(self) -> dict[str, ClaimBalance]:
        return claim_balances(p for p in self.postings() if p.ledger_account == LedgerAccount.RECEIVABLES)

    def balance(self, number: int) -> ClaimBalance:
        claim = document_claim(number)
        return self.balances().get(claim, ClaimBalance(claim, self.invoices[number]))

    def open_of(self, account: str) -> list[ClaimBalance]:
        return [
            self.balance(n)
            for n in sorted(self.invoices)
            if self.invoices[n] == account and self.balance(n).total.ore > 0
        ]

    def credits_of(self, account: str) -> list[ClaimBalance]:
        return sorted(
            (b for b in self.balances().values() if b.account_id == account and b.total.ore < 0),
            key=lambda b: b.claim,
        )

    def post(self, entry: Entry | None) -> None:
        if entry is not None:
            self.entries.append(entry)


def _apply(ledger: Ledger, step: tuple[str, int, int]) -> None:
    action, pick, amount = step
    account = ACCOUNTS[pick % len(ACCOUNTS)]
    n_id = str(len(ledger.entries))
    numbers = sorted(ledger.invoices)
    number = numbers[pick % len(numbers)] if numbers else None
    if action in ("invoice", "credit_note"):
        sign = -1 if action == "credit_note" else 1
        invoice = an_invoice(
            ledger.next_number,
            account,
            {"property_tax": sign * amount, "water": sign * (amount // 3)},
            kind=CREDIT_NOTE if action == "credit_note" else "invoice",
        )
        ledger.next_number += 1
        entry = invoice_entry(n_id, invoice)
        ledger.post(entry)
        if action == "invoice" and entry is not None:
            ledger.invoices[invoice.invoice_number] = account
            ledger.charged[invoice.invoice_number] += invoice.total.ore
    elif action == "pay" and number is not None:
        payment_id = f"pay{n_id}"
        ledger.paid[payment_id] = amount
        ledger.post(
            payment_entry(
                n_id, payment_id, ledger.invoices[number], Money(amount), ON, "kid", ledger.balance(number)
            )
        )
    elif action == "pay_unknown":
        payment_id = f"pay{n_id}"
        ledger.paid[payment_id] = amount
        ledger.unidentified.append(payment_id)
        ledger.post(unidentified_payment_entry(n_id, payment_id, Money(amount), ON, "999"))
    elif action == "allocate" and ledger.unidentified:
        payment_id = ledger.unidentified.pop(pick % len(ledger.unidentified))
        ledger.post(
            allocation_entry(
                n_id,
                payment_id,
                account,
                Money(ledger.paid[payment_id]),
                ON,
                "",
                ledger.open_of(account),
                paid_on=ON,
                issued_on={},
            )
        )
    elif action == "set_off":
        for credit in ledger.credits_of(account):
            ledger.post(
                set_off_entry(
                    f"{n_id}-{credit.claim}", ON, credit, ledger.open_of(account), arose_on=ON, issued_on={}
                )
            )
    elif action in ("fee", "interest") and number is not None:
        component = Component.FEE if action == "fee" else Component.INTEREST
        income = LedgerAccount.FEE_INCOME if action == "fee" else LedgerAccount.INTEREST_INCOME
        ledger.charged[number] += amount
        ledger.post(
            Entry(
                n_id,
                EntryKind.REMINDER_FEE if action == "fee" else EntryKind.INTEREST,
                ON,
                (
                    Posting(
                        LedgerAccount.RECEIVABLES,
                        Money(amount),
                        ledger.invoices[number],
                        document_claim(number),
                        component,
                    ),
                    Posting(income, Money(-amount)),
                ),
            )
        )
    elif action == "refund":
        credits = ledger.credits_of(account)
        available = -sum(c.total.ore for c in credits)
        if available > 0:
            ledger.post(
                refund_entry(n_id, ON, account, credits, Money(1 + amount % available), "1234.56.78903")
            )
    elif action == "write_off" and number is not None:
        ledger.post(write_off_entry(n_id, ON, ledger.balance(number), "tap"))


STEPS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "invoice",
                "invoice",
                "credit_note",
                "pay",
                "pay",
                "pay_unknown",
                "allocate",
                "set_off",
                "fee",
                "interest",
                "refund",
                "write_off",
            ]
        ),
        st.integers(0, 50),
        st.integers(1, 300_000),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(STEPS)
def test_the_ledger_balances_and_no_open_amount_goes_wrong(steps: list[tuple[str, int, int]]) -> None:
    ledger = Ledger()
    for step in steps:
        _apply(ledger, step)

        postings = ledger.postings()
        for entry in ledger.entries:  # Entry refuses to exist unbalanced; checked again all the same
            assert sum(p.amount.ore for p in entry.postings) == 0
        totals = account_totals(postings)
        assert sum(m.ore for m in totals.values()) == 0
        # Every invoice's open amount lies between 0 and what was charged on it (total, fees, interest).
        for number in ledger.invoices:
            assert 0 <= ledger.balance(number).total.ore <= ledger.charged[number]
            for component in Component:
                assert ledger.balance(number).of(component).ore >= 0
        # The claims on RECEIVABLES add up to the account, and per recipient to its balance.
        balances = ledger.balances()
        receivables = totals.get(LedgerAccount.RECEIVABLES, Money(0))
        assert sum(b.total.ore for b in balances.values()) == receivables.ore
        per_recipient: dict[str, int] = defaultdict(int)
        for b in balances.values():
            per_recipient[b.account_id] += b.total.ore
        assert {a: m.ore for a, m in recipient_balances(postings).items()} == dict(per_recipient)
        # What was applied of each payment never exceeds what was paid; the bank holds what came in less
        # what was refunded; unidentified money is what is not yet allocated.
        for payment_id, amount in ledger.paid.items():
            applied = -sum(
                p.amount.ore
                for e in ledger.entries
                if e.reference == payment_id
                for p in e.postings
                if p.ledger_account == LedgerAccount.RECEIVABLES and p.claim != payment_claim(payment_id)
            )
            assert 0 <= applied <= amount
        refunded = sum(
            -p.amount.ore
            for e in ledger.entries
            if e.kind == EntryKind.REFUND
            for p in e.postings
            if p.ledger_account == LedgerAccount.BANK
        )
        assert totals.get(LedgerAccount.BANK, Money(0)).ore == sum(ledger.paid.values()) - refunded
        assert -totals.get(LedgerAccount.UNIDENTIFIED_PAYMENTS, Money(0)).ore == sum(
            ledger.paid[p] for p in ledger.unidentified
        )
