"""The receivables ledger in SQL, on SQLite and PostgreSQL: a billing run's invoices are posted in its
chunks, and the aggregate queries (claim balances, open invoices, credits, KIDs, statement rows, ageing by
due date, the year-end share) answer as the postings add up; principal changes and the day a credit arose
go by the postings' value dates; payments are stored and their state changed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from services.billing.adapters.orm import ledger_entries, ledger_postings
from services.billing.adapters.unit_of_work import SqlUnitOfWorkFactory as UowFactory
from services.billing.application.ledger_ports import StoredPayment, StoredPaymentFile
from services.billing.application.run_billing import (
    BillingPolicy,
)
from services.billing.domain.billing_run import BillingRun, RunState
from services.billing.domain.ledger import (
    ClaimBalance,
    Component,
    Entry,
    EntryKind,
    LedgerAccount,
    Posting,
    document_claim,
    payment_claim,
)
from services.billing.domain.ledger_entries import (
    allocation_entry,
    payment_entry,
    set_off_entry,
    unidentified_payment_entry,
)
from services.billing.domain.payments import PaymentFileFormat, PaymentState
from services.billing.domain.property_tax import PropertyTax
from services.platform.money import Money
from tests.integration.billing_units import person, run_to_end, seed_holders, sql_billing_units

POLICY = BillingPolicy(minimum_amount=Money.of(50), payment_days=21)
AT = datetime(2024, 3, 1, tzinfo=UTC)


@pytest.fixture
def make(database_url: str) -> Iterator[UowFactory]:
    with sql_billing_units(database_url) as units:
        yield units


def _seed(make: UowFactory) -> None:
    """acc-a holds p1 (4,000 NOK tax 2024), acc-b p2 (8,000 NOK), both quarterly: 1,000 and 2,000 NOK."""
    seed_holders(
        make,
        [
            PropertyTax(pid, 2024, 1, "TAX_STATUS_TAXED", Money.of(nok), Money(0), 4, f"{pid}-2024")
            for pid, nok in (("p1", 4000), ("p2", 8000))
        ],
        [(pid, date(2024, 1, 1), person(holder)) for pid, holder in (("p1", "acc-a"), ("p2", "acc-b"))],
        AT,
        ["acc-a", "acc-b"],
    )


def _run(make: UowFactory, month: int, issue_date: date) -> BillingRun:
    return run_to_end(make, 2024, month, issue_date, POLICY, 1)


def test_a_runs_invoices_are_posted_and_the_aggregates_add_up(make: UowFactory) -> None:
    _seed(make)
    run = _run(make, 1, date(2024, 1, 10))
    assert run.state == RunState.COMPLETED

    with make() as uow:
        kids = {i.account_id: i for i in uow.invoices.for_run(run.run_id)}
        a, b = kids["acc-a"], kids["acc-b"]
        assert (a.total, b.total) == (Money(100_002), Money(200_001))  # the first quarter's days
        # Two entries of three postings (receivables, revenue, VAT 0 left out): nothing else.
        assert uow.session.scalar(select(func.count()).select_from(ledger_entries)) == 2
        assert uow.session.scalar(select(func.sum(ledger_postings.c.amount_ore))) == 0
        refs = uow.ledger.documents_by_kid([a.kid, b.kid, "000"])
        assert {k: (r.number, r.account_id, r.kind, r.total) for k, r in refs.items()} == {
            a.kid: (a.invoice_number, "acc-a", "invoice", a.total),
            b.kid: (b.invoice_number, "acc-b", "invoice", b.total),
        }
        # each with its claim's balance as the ledger has it: all of the invoice open
        assert {
            k: (r.balance.claim, r.balance.account_id, r.balance.total) for k, r in refs.items() if r.balance
        } == {
            a.kid: (document_claim(a.invoice_number), "acc-a", a.total),
            b.kid: (document_claim(b.invoice_number), "acc-b", b.total),
        }
        # acc-a pays 400 NOK of its invoice; acc-b pays 2,500 NOK (499.99 left as a credit); one unknown KID.
        da, db = document_claim(a.invoice_number), document_claim(b.invoice_number)
        balances = uow.ledger.claim_balances([da, db])
        uow.ledger.post(
            [
                payment_entry("e-pa", "pa", "acc-a", Money.of(400), date(2024, 2, 1), a.kid, balances[da]),
                payment_entry("e-pb", "pb", "acc-b", Money.of(2500), date(2024, 2, 15), b.kid, balances[db]),
                unidentified_payment_entry("e-px", "px", Money.of(99), date(2024, 2, 2), "12345"),
                Entry(
                    "e-fee",
                    EntryKind.REMINDER_FEE,
                    date(2024, 2, 20),
                    (
                        Posting(LedgerAccount.RECEIVABLES, Money.of(35), "acc-a", da, Component.FEE),
                        Posting(LedgerAccount.FEE_INCOME, Money.of(-35)),
                    ),
                    "acc-a",
                    "r1",
                    "Purregebyr",
                ),
            ],
            AT,
        )
        uow.commit()

    with make() as uow:
        ledger = uow.ledger
        assert ledger.claim_balances([da, payment_claim("px"), payment_claim("pb")]) == {
            da: ClaimBalance(da, "acc-a", Money.of(35), Money(0), Money(60_002)),
            payment_claim("px"): ClaimBalance(payment_claim("px"), "", principal=Money.of(-99)),
            payment_claim("pb"): ClaimBalance(payment_claim("pb"), "acc-b", principal=Money(-49_999)),
        }
        [open_a] = ledger.open_invoices(["acc-a", "acc-b"])
        assert (open_a.document_number, open_a.due_date, open_a.balance.total) == (
            a.invoice_number,
            date(2024, 1, 31),
            Money(63_502),
        )
        assert (open_a.charge_codes, open_a.property_ids) == (("property_tax",), ("p1",))
        assert ledger.open_invoices(["acc-a"], due_before=date(2024, 1, 31)) == []
        # As of 31 January nothing was paid: both invoices open in full.
        assert [
            o.balance.total for o in ledger.open_invoices(["acc-a", "acc-b"], as_of=date(2024, 1, 31))
        ] == [
            a.total,
            b.total,
        ]
        assert ledger.credits(["acc-a", "acc-b"]) == [
            ClaimBalance(payment_claim("pb"), "acc-b", principal=Money(-49_999))
        ]
        assert ledger.credits(["acc-b"], as_of=date(2024, 2, 14)) == []
        # what was charged on a claim besides its invoice: the fee, by its day (payments and the invoice not)
        assert ledger.charges_posted([da, db]) == {da: [(date(2024, 2, 20), Money.of(35))]}

        rows = ledger.statement_rows("acc-a", date(2024, 12, 31))
        assert [(r.kind, r.posted_on, r.description, r.debit, r.credit) for r in rows] == [
            (EntryKind.INVOICE, date(2024, 1, 10), f"Faktura {a.invoice_number}", a.total, Money(0)),
            (EntryKind.PAYMENT, date(2024, 2, 1), f"Innbetaling KID {a.kid}", Money(0), Money.of(400)),
            (EntryKind.REMINDER_FEE, date(2024, 2, 20), "Purregebyr", Money.of(35), Money(0)),
        ]
        assert len(ledger.statement_rows("acc-a", date(2024, 2, 1))) == 2

        groups = ledger.open_by_due_date(date(2024, 3, 1))
        assert [(g.due_date, g.count, g.open) for g in groups] == [(date(2024, 1, 31), 1, Money(63_502))]
        groups = ledger.open_by_due_date(date(2024, 1, 31))
        assert [(g.due_date, g.count, g.open) for g in groups] == [(date(2024, 1, 31), 2, a.total + b.total)]

        year = {y.number: y for y in ledger.year_end_invoices(2024)}
        assert year[a.invoice_number].by_code == {"property_tax": a.total}
        assert year[a.invoice_number].paid == Money.of(400)  # the fee is not what was invoiced
        assert year[b.invoice_number].paid == b.total
        assert ledger.year_end_invoices(2023) == []


def test_payments_are_stored_found_and_their_state_changed(make: UowFactory) -> None:
    stored = StoredPaymentFile(
        "f1",
        "ab" * 32,
        PaymentFileFormat.OCR_GIRO,
        "ocr.txt",
        "170604",
        date(2024, 2, 1),
        2,
        Money(300),
        {"x": 1},
    )
    first = StoredPayment(
        "p1", "f1", 3, "12345", Money(100), date(2024, 2, 1), "ref1", "", "", PaymentState.UNMATCHED, "", None
    )
    second = StoredPayment(
        "p2",
        "f1",
        5,
        "678",
        Money(200),
        date(2024, 1, 31),
        "ref2",
        "12345678903",
        "Ola",
        PaymentState.UNMATCHED,
        "",
        None,
    )
    with make() as uow:
        uow.payments.add_file(stored, AT)
        uow.payments.add_many([first, second], AT)
        uow.commit()
    with make() as uow:
        assert uow.payments.file_by_sha256("ab" * 32) == stored
        assert uow.payments.file_by_sha256("cd" * 32) is None
        assert uow.payments.get("p2") == second
        assert [(q.payment.payment_id, q.file_name) for q in uow.payments.unmatched()] == [
            ("p2", "ocr.txt"),
            ("p1", "ocr.txt"),
        ]
        assert [p.payment_id for p in uow.payments.unmatched_by_kid(["12345", "999"])] == ["p1"]
        uow.payments.set_state("p1", PaymentState.ALLOCATED, "acc-a", 7)
        uow.commit()
    with make() as uow:
        got = uow.payments.get("p1")
        assert got is not None and (got.state, got.account_id, got.document_number) == (
            PaymentState.ALLOCATED,
            "acc-a",
            7,
        )
        assert [q.payment.payment_id for q in uow.payments.unmatched(offset=0, limit=5)] == ["p2"]
        assert uow.payments.unmatched(offset=1) == []


def test_principal_changes_go_by_value_date_and_credits_arise_on_theirs(make: UowFactory) -> None:
    """A payment allocated by hand and a credit set off later than they took effect count from that day
    (value_on, stored and read back); a posting counts once booked, and only for days after it took
    effect."""
    d1, d2 = document_claim(1), document_claim(2)
    issued = {d1: date(2024, 1, 10)}
    invoice = Entry(
        "e-inv",
        EntryKind.INVOICE,
        date(2024, 1, 10),
        (
            Posting(LedgerAccount.RECEIVABLES, Money(100_000), "acc-a", d1),
            Posting(LedgerAccount.REVENUE, Money(-100_000)),
        ),
        "acc-a",
    )
    credit_note = Entry(
        "e-cn",
        EntryKind.CREDIT_NOTE,
        date(2024, 2, 25),
        (
            Posting(LedgerAccount.RECEIVABLES, Money(-20_000), "acc-a", d2),
            Posting(LedgerAccount.REVENUE, Money(20_000)),
        ),
        "acc-a",
    )
    open_d1 = ClaimBalance(d1, "acc-a", principal=Money(55_000))  # after the two payments by KID below
    with make() as uow:
        uow.ledger.post(
            [
                invoice,
                payment_entry(
                    "e-p1",
                    "p1",
                    "acc-a",
                    Money(40_000),
                    date(2024, 2, 1),
                    "k",
                    ClaimBalance(d1, "acc-a", principal=Money(100_000)),
                ),
                payment_entry(
                    "e-p2",
                    "p2",
                    "acc-a",
                    Money(5_000),
                    date(2024, 2, 20),
                    "k",
                    ClaimBalance(d1, "acc-a", principal=Money(60_000)),
                ),
                unidentified_payment_entry("e-u1", "u1", Money(30_000), date(2024, 2, 20), "999"),
                unidentified_payment_entry("e-u2", "u2", Money(5_000), date(2024, 2, 22), "999"),
                credit_note,
                # Allocated on 5 March: u1 to invoice 1, u2 to the recipient with nothing open (a credit).
                allocation_entry(
                    "e-a1",
                    "u1",
                    "acc-a",
                    Money(30_000),
                    date(2024, 3, 5),
                    "999",
                    [open_d1],
                    paid_on=date(2024, 2, 20),
                    issued_on=issued,
                ),
                allocation_entry(
                    "e-a2",
                    "u2",
                    "acc-a",
                    Money(5_000),
                    date(2024, 3, 5),
                    "999",
                    [],
                    paid_on=date(2024, 2, 22),
                    issued_on=issued,
                ),
                payment_entry(
                    "e-p3",
                    "p3",
                    "acc-a",
                    Money(1_000),
                    date(2024, 3, 10),
                    "k",
                    ClaimBalance(d1, "acc-a", principal=Money(25_000)),
                ),
            ],
            AT,
        )
        credit = uow.ledger.claim_balances([d2])[d2]
        arose = uow.ledger.credits_arose_on([d2, payment_claim("u2"), payment_claim("none")])
        assert arose == {d2: date(2024, 2, 25), payment_claim("u2"): date(2024, 2, 22)}
        set_off = set_off_entry(
            "e-so",
            date(2024, 3, 10),
            credit,
            [ClaimBalance(d1, "acc-a", principal=Money(24_000))],
            arose_on=arose[d2],
            issued_on=issued,
        )
        assert set_off is not None
        uow.ledger.post([set_off], AT)
        uow.commit()

    with make() as uow:
        p = ledger_postings.c
        stored = uow.session.execute(
            select(p.entry_id, p.value_on).where(p.claim == d1).order_by(p.entry_id)
        ).all()
        assert [(e, v) for e, v in stored] == [
            ("e-a1", date(2024, 2, 20)),
            ("e-inv", None),
            ("e-p1", None),
            ("e-p2", None),
            ("e-p3", None),
            ("e-so", date(2024, 2, 25)),
        ]
        changes = uow.ledger.principal_changes
        # On 10 March the set-off booked that day counts from 25 February; the payment of that day does not
        # count yet (interest up to the 10th is for the days before it).
        assert changes([d1, "D404"], date(2024, 3, 10)) == {
            d1: [
                (date(2024, 1, 10), Money(100_000)),
                (date(2024, 2, 1), Money(-40_000)),
                (date(2024, 2, 20), Money(-35_000)),  # p2 by KID and u1 allocated later, the same day
                (date(2024, 2, 25), Money(-20_000)),
            ]
        }
        assert changes([d1], date(2024, 3, 11))[d1][-1] == (date(2024, 3, 10), Money(-1_000))
        # Before the set-off was booked it is not known; before the allocation, neither is that.
        assert changes([d1], date(2024, 3, 9))[d1][-1] == (date(2024, 2, 20), Money(-35_000))
        assert changes([d1], date(2024, 3, 4))[d1] == [
            (date(2024, 1, 10), Money(100_000)),
            (date(2024, 2, 1), Money(-40_000)),
            (date(2024, 2, 20), Money(-5_000)),
        ]
        assert changes([], date(2024, 3, 10)) == {}
        assert uow.ledger.credits_arose_on([]) == {}
        # The statement shows when the allocation and the set-off took effect (the earliest value date of
        # the entry's postings on the recipient's receivables); entries booked the day they took effect
        # have none.
        rows = uow.ledger.statement_rows("acc-a", date(2024, 12, 31))
        assert [(r.entry_id, r.posted_on, r.value_on) for r in rows] == [
            ("e-inv", date(2024, 1, 10), None),
            ("e-p1", date(2024, 2, 1), None),
            ("e-p2", date(2024, 2, 20), None),
            ("e-cn", date(2024, 2, 25), None),
            ("e-a1", date(2024, 3, 5), date(2024, 2, 20)),
            ("e-a2", date(2024, 3, 5), date(2024, 2, 22)),
            ("e-p3", date(2024, 3, 10), None),
            ("e-so", date(2024, 3, 10), date(2024, 2, 25)),
        ]
