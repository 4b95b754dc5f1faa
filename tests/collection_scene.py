"""A small collection scene for reminder tests: recipients with issued invoices posted to the ledger, and
payments on them (the fake unit of work, or any BillingUnitOfWork)."""

from __future__ import annotations

from datetime import date

from services.billing.application.ports import BillingUnitOfWork
from services.billing.domain.account import Account, Channel, RecipientKind
from services.billing.domain.billing_run import Invoice
from services.billing.domain.document_parties import RecipientSnapshot
from services.billing.domain.intervals import Period
from services.billing.domain.invoice_plan import ChargeLine
from services.billing.domain.kid import KidMethod, new_kid
from services.billing.domain.ledger import document_claim
from services.billing.domain.ledger_entries import invoice_entry, payment_entry
from services.billing.domain.seller import EXAMPLE_SELLER
from services.platform.ids import new_id
from services.platform.money import Money

ISSUED = date(2025, 10, 30)
DUE = date(2025, 11, 20)
TERM = Period(date(2025, 10, 1), date(2026, 1, 1))


def recipient(account_id: str, name: str = "Kari Nordmann") -> Account:
    return Account(account_id, RecipientKind.PERSON, name, "", "Storgata 1", "0155", "Oslo", Channel.PRINT)


def issue(
    uow: BillingUnitOfWork,
    account: Account,
    number: int,
    lines: list[tuple[str, str, str]],  # (property_id, code, NOK)
    due: date = DUE,
    year: int = 2025,
) -> Invoice:
    """An invoice of the lines, issued and posted to the ledger (in its own transaction)."""
    period = Period(date(year, 10, 1), date(year + 1, 1, 1))
    charge_lines = tuple(ChargeLine(p, code, code, period, Money.of(nok)) for p, code, nok in lines)
    total = Money(sum(line.amount.ore for line in charge_lines))
    invoice = Invoice(
        invoice_number=number,
        kind="invoice",
        run_id="billing-run",
        account_id=account.account_id,
        channel=Channel.PRINT,
        kid=new_kid(number, KidMethod.MOD10),
        issue_date=ISSUED,
        due_date=due,
        period=period,
        lines=charge_lines,
        net=total,
        vat=Money(0),
        total=total,
    )
    with uow:
        if uow.accounts.get(account.account_id) is None:
            uow.accounts.add(account, uow.now())
        uow.invoices.add_many(
            [invoice], uow.now(), {account.account_id: RecipientSnapshot.of(account)}, EXAMPLE_SELLER
        )
        entry = invoice_entry(new_id(), invoice)
        assert entry is not None
        uow.ledger.post([entry], uow.now())
        uow.commit()
    return invoice


def pay(uow: BillingUnitOfWork, invoice: Invoice, nok: str, on: date) -> None:
    with uow:
        claim = document_claim(invoice.invoice_number)
        balance = uow.ledger.claim_balances([claim]).get(claim)
        entry = payment_entry(new_id(), new_id(), invoice.account_id, Money.of(nok), on, invoice.kid, balance)
        uow.ledger.post([entry], uow.now())
        uow.commit()
