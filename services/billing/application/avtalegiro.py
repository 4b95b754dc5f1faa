"""Commands for AvtaleGiro: read the bank's agreements file into the recipients' agreements, and make the
direct-debit claims of a billing run's invoices for recipients with an active agreement.

An agreement names the recipient by its fixed KID (domain/avtalegiro.py: recipient_kid = customer number +
MOD10 check digit); a KID that names no recipient is refused by its line, and then nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from services.billing.application.accounts import CUSTOMER_NUMBER_MAX
from services.billing.application.avtalegiro_ports import AgreementsReader
from services.billing.application.ports import BillingUnitOfWork
from services.billing.domain.avtalegiro import (
    PAYER_NAME_LENGTH,
    AgreementChange,
    DirectDebitClaim,
    customer_number_of,
    recipient_kid,
)
from services.billing.domain.billing_run import INVOICE, Invoice
from services.platform.errors import NotFound, Violations
from services.platform.written_dates import written_day


@dataclass(frozen=True)
class AgreementImport:
    """What an agreements file changed."""

    agreements: int  # changes applied (a KID reported twice counts twice)
    active: int  # of those, agreements new, changed or listed as active
    deleted: int  # of those, agreements the payer deleted
    accounts: tuple[str, ...]  # the recipients concerned, sorted


def import_agreements(
    uow: BillingUnitOfWork, read: AgreementsReader, content: bytes, on: date
) -> AgreementImport:
    """Store the agreements an agreements file reports, as of business date `on`.

    read: adapters/avtalegiro_file.read_agreements (InvalidInput "line N" for a bad file). Each KID must be
    a recipient's fixed KID (leading zeros as the payer typed them are allowed); the agreement is stored
    under the recipient's KID as billing writes it. Raises InvalidInput "line N" for each KID that names no
    recipient (check digit wrong, or no recipient with that customer number); nothing is stored then.
    """
    changes = read(content)  # a bad file is refused before the transaction opens
    violations = Violations()
    with uow:
        accounts: dict[str, str] = {}
        stored: list[AgreementChange] = []
        for change in changes:
            number = customer_number_of(change.kid)
            # a number past what customer numbers reach names no one (and must not reach the query)
            known = number is not None and number <= CUSTOMER_NUMBER_MAX
            account = uow.accounts.by_customer_number(number) if known and number is not None else None
            if account is None:
                violations.add(
                    f"line {change.line}",
                    f"KID {change.kid} names no recipient: a recipient's AvtaleGiro KID is its customer "
                    "number with a MOD10 check digit"
                    + ("" if number is not None else " (this KID's check digit is wrong)"),
                )
                continue
            kid = recipient_kid(account.customer_number)
            accounts[kid] = account.account_id
            stored.append(replace(change, kid=kid))
        violations.raise_if_any()
        uow.agreements.apply(stored, accounts, on, uow.now())
        uow.commit()
    return AgreementImport(
        agreements=len(stored),
        active=sum(1 for change in stored if change.active),
        deleted=sum(1 for change in stored if not change.active),
        accounts=tuple(sorted(set(accounts.values()))),
    )


def direct_debit_claims(uow: BillingUnitOfWork, run_id: str) -> list[DirectDebitClaim]:
    """One claim per invoice of the run (credit notes and invoices of nothing left out) whose recipient has
    an active agreement: the invoice's KID, total and due date, the recipient's short name, "Faktura N" as
    the reference, and, when the payer asked the bank to notify, a notification text in bokmål.
    Ordered by invoice number. Raises NotFound when the run does not exist."""
    with uow:
        if uow.runs.get(run_id) is None:
            raise NotFound(f"no billing run {run_id}")
        invoices = [i for i in uow.invoices.for_run(run_id) if i.kind == INVOICE and i.total.ore > 0]
        account_ids = sorted({invoice.account_id for invoice in invoices})
        agreements = uow.agreements.active_for(account_ids)
        accounts = uow.accounts.get_many(sorted(agreements))
    claims: list[DirectDebitClaim] = []
    for invoice in sorted(invoices, key=lambda i: i.invoice_number):
        agreement = agreements.get(invoice.account_id)
        if agreement is None:
            continue
        account = accounts.get(invoice.account_id)
        claims.append(
            DirectDebitClaim(
                kid=invoice.kid,
                amount=invoice.total,
                due_date=invoice.due_date,
                payer_name=(account.name if account is not None else "")[:PAYER_NAME_LENGTH],
                reference=f"Faktura {invoice.invoice_number}",
                notify=agreement.notify,
                text=notification_text(invoice) if agreement.notify else "",
                invoice_number=invoice.invoice_number,
            )
        )
    return claims


def notification_text(invoice: Invoice) -> str:
    """The bank's notice to the payer before it debits the claim (lines of at most 80 characters)."""
    return "\n".join(
        (
            f"Faktura {invoice.invoice_number} datert {written_day(invoice.issue_date)}",
            f"Beløp {invoice.total.kroner()} trekkes fra kontoen din {written_day(invoice.due_date)}.",
            f"KID {invoice.kid}",
        )
    )
