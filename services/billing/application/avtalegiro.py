"""Commands for AvtaleGiro: read the bank's agreements file into the recipients' agreements, and make the
direct-debit claims of a billing run's invoices for recipients with an active agreement.

An agreement names the recipient by its fixed KID (domain/avtalegiro.py: recipient_kid = customer number +
MOD10 check digit); a KID that names no recipient is refused by its line, and then nothing is stored.
A claim is for what the ledger has open on the invoice when the file is written (a set-off or a payment
since the run lowers it; nothing open leaves the invoice out), and only for invoices falling due at least
the bank's notice (4 days) after the file's business date: the others must go on paper.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date

from services.billing.application.accounts import CUSTOMER_NUMBER_MAX
from services.billing.application.avtalegiro_ports import AgreementsReader
from services.billing.application.ports import BillingUnitOfWork
from services.billing.domain.avtalegiro import (
    PAYER_NAME_LENGTH,
    Agreement,
    AgreementChange,
    ChangeKind,
    DirectDebitClaim,
    change_kind,
    customer_number_of,
    earliest_due_date,
    full_list,
    recipient_kid,
)
from services.billing.domain.billing_run import INVOICE, Invoice
from services.billing.domain.ledger import document_claim
from services.platform.errors import AlreadyExists, InvalidInput, NotFound, Violations
from services.platform.money import Money
from services.platform.written_dates import written_day


@dataclass(frozen=True)
class EndedAgreement:
    """An agreement an agreements file ended: deleted by its payer, or left out of a full list."""

    kid: str
    customer_number: int  # the recipient's (the KID is it with a check digit)
    missing_from_full_list: bool  # False: the payer deleted it (a deletion record)


@dataclass(frozen=True)
class AgreementImport:
    """What an agreements file changed."""

    agreements: int  # agreement records read (a KID reported twice counts twice)
    active: int  # of those, agreements new, changed or listed as active
    deleted: int  # of those, deletions of agreements in force (ended by their payers)
    accounts: tuple[str, ...]  # the recipients concerned, sorted
    added: int = 0  # of the records, those making active a KID with no agreement in force (new or re-signed)
    changed: int = 0  # those changing an agreement in force and leaving it in force
    unchanged: int = 0  # those repeating what billing had (all of them when a file is imported again)
    ended: int = 0  # agreements billing had as active that a full list leaves out, switched off by it
    ended_agreements: tuple[EndedAgreement, ...] = ()  # every active agreement it ended, by customer
    already_read_on: date | None = None  # the same bytes were read as of this day: nothing changed now


def import_agreements(
    uow: BillingUnitOfWork, read: AgreementsReader, content: bytes, on: date
) -> AgreementImport:
    """Store the agreements an agreements file reports, as of business date `on`.

    read: adapters/avtalegiro_file.read_agreements (InvalidInput "line N" for a bad file). Each KID must be
    a recipient's fixed KID (leading zeros as the payer typed them are allowed); the agreement is stored
    under the recipient's KID as billing writes it. Raises InvalidInput "line N" for each KID that names no
    recipient (check digit wrong, or no recipient with that customer number); nothing is stored then.

    A full list (every record of registration type 0: the payee's complete list of active agreements, see
    domain full_list) also switches off every agreement billing has as active whose KID it leaves out,
    stored inactive as of `on` as a deletion would be (`ended`), in the same transaction: the bank no
    longer honours a claim on it, so the recipient goes back to paper invoices. A file mixing type 0 with
    changes is refused (InvalidInput naming the first change's line) before the transaction opens. The
    bank's files are read in the order it sent them: a file dated (`on`) before the last change billing has
    stored is refused (InvalidInput received_on), as is one the bank sent (its own date) before the last
    file read (InvalidInput content). The same bytes again change nothing (already_read_on says when they
    were read); other bytes carrying a transmission already read are refused (AlreadyExists).
    """
    changes = read(content)  # a bad file is refused before the transaction opens
    complete = full_list(changes)
    digest = hashlib.sha256(content).hexdigest()
    sent_on = max((c.sent_on for c in changes if c.sent_on is not None), default=None)
    violations = Violations()
    with uow:
        earlier = uow.agreements.file_received_on(digest)
        if earlier is not None:
            return AgreementImport(
                agreements=len(changes),
                active=sum(1 for change in changes if change.active),
                deleted=0,
                accounts=(),
                unchanged=len(changes),
                already_read_on=earlier,
            )
        transmission = next((c.transmission for c in changes if c.transmission), "")
        read_on = uow.agreements.transmission_received_on(transmission) if transmission else None
        if read_on is not None:
            transmitter, _, transmission_number = transmission.partition("/")
            raise AlreadyExists(
                f"the bank's transmission {transmission_number} from data transmitter {transmitter} was "
                f"read on {read_on:%d.%m.%Y} (the day that import was given) from another file: a bank "
                "never sends the same transmission twice, so this file (other bytes: edited, or saved with "
                "other line ends) is refused and nothing is stored"
            )
        last_file = uow.agreements.latest_file_sent_on()
        if sent_on is not None and last_file is not None and sent_on < last_file:
            raise InvalidInput.single(
                "content",
                f"the bank sent this file on {sent_on:%d.%m.%Y}, before the last agreements file read "
                f"({last_file:%d.%m.%Y}): files are read in the order the bank sent them (an older file "
                "would undo what a later one changed)",
            )
        latest = uow.agreements.latest_registered_on()
        if latest is not None and on < latest:
            raise InvalidInput.single(
                "received_on",
                f"{on:%d.%m.%Y} is before {latest:%d.%m.%Y}, the day of the last agreement change billing "
                "has: the bank's agreements files are read in the order it sent them (an older file would "
                "undo what a later one changed)",
            )
        accounts: dict[str, str] = {}
        named: list[AgreementChange] = []
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
            named.append(replace(change, kid=kid))
        violations.raise_if_any()
        before = uow.agreements.get_many(sorted(accounts))
        was_active = {kid for kid, agreement in before.items() if agreement.active}
        kinds, applied = _sorted_changes(named, accounts, dict(before), on)
        ended = _missing_from(uow, sorted(accounts)) if complete else []
        deleted_now = {c.kid for c in applied if not c.active and c.kid in was_active}
        # only what adds or changes is written: registered_on stays the day the agreement became what it is
        uow.agreements.apply(
            applied + [change for change, _ in ended],
            {**accounts, **{change.kid: account_id for change, account_id in ended}},
            on,
            uow.now(),
        )
        uow.agreements.add_file(digest, sent_on, on, uow.now(), transmission)
        uow.commit()
    return AgreementImport(
        agreements=len(named),
        active=sum(1 for change in named if change.active),
        deleted=kinds.count(ChangeKind.ENDED),
        accounts=tuple(sorted(set(accounts.values()))),
        added=kinds.count(ChangeKind.ADDED),
        changed=kinds.count(ChangeKind.CHANGED),
        unchanged=kinds.count(ChangeKind.UNCHANGED),
        ended=len(ended),
        ended_agreements=tuple(
            sorted(
                [EndedAgreement(kid, customer_number_of(kid) or 0, False) for kid in deleted_now]
                + [EndedAgreement(c.kid, customer_number_of(c.kid) or 0, True) for c, _ in ended],
                key=lambda e: e.customer_number,
            )
        ),
    )


def _missing_from(uow: BillingUnitOfWork, listed: list[str]) -> list[tuple[AgreementChange, str]]:
    """A deletion (line 0: no record of the file says it) for each active agreement the full list leaves
    out, with its recipient's account."""
    return [
        (
            AgreementChange(0, agreement.kid, active=False, notify=agreement.notify, left_out=True),
            agreement.account_id,
        )
        for agreement in uow.agreements.active_not_in(listed)
    ]


def _sorted_changes(
    read: list[AgreementChange], accounts: dict[str, str], known: dict[str, Agreement], on: date
) -> tuple[list[ChangeKind], list[AgreementChange]]:
    """Each record's kind against what billing had before it (earlier records of the file included), and the
    records that add or change an agreement."""
    kinds: list[ChangeKind] = []
    applied: list[AgreementChange] = []
    for change in read:
        account_id = accounts[change.kid]
        kind = change_kind(known.get(change.kid), change, account_id)
        kinds.append(kind)
        if kind is not ChangeKind.UNCHANGED:
            applied.append(change)
            known[change.kid] = Agreement(change.kid, account_id, change.active, change.notify, on)
    return kinds, applied


def recipient_agreement(uow: BillingUnitOfWork, account_id: str) -> Agreement | None:
    """The recipient's active AvtaleGiro agreement; else the one the bank last ended (deleted, or left out
    of a full list: `active` False, registered_on the day it ended), so an officer sees why the recipient
    is back on paper invoices; None when the recipient never had one."""
    with uow:
        active = uow.agreements.active_for([account_id]).get(account_id)
        if active is not None:
            return active
        account = uow.accounts.get(account_id)
        if account is None or account.customer_number <= 0:
            return None
        return uow.agreements.get(recipient_kid(account.customer_number))


@dataclass(frozen=True)
class ClaimFile:
    """The claims of a billing run for a file sent on a business date, and the run's invoices left out."""

    claims: list[DirectDebitClaim]  # by invoice number
    paid: int  # invoices left out: nothing open on them (paid, set off, credited)
    partly_settled: int  # claims for less than their invoice: part of it is settled already
    too_late: int  # invoices left out: due before earliest_due_date, too soon for the bank
    earliest_due_date: date  # the earliest due date the bank takes in a file sent that day


def direct_debit_claims(uow: BillingUnitOfWork, run_id: str, sent_on: date) -> ClaimFile:
    """One claim per invoice of the run (credit notes and invoices of nothing left out) whose recipient has
    an active agreement, for the invoice's principal the ledger has open when the file is written (every
    payment and set-off known by then lowers it, so nothing is debited twice; reminder fees and interest
    are reminded, not debited); an invoice with none open is left out (`paid`). An invoice
    falling due before earliest_due_date(sent_on), too soon for the bank, is left out too (`too_late`: it
    goes on paper).
    Each claim: the invoice's KID and due date, the recipient's short name, "Faktura N" as the reference,
    and, when the payer asked the bank to notify, a notification text in bokmål.
    Raises NotFound when the run does not exist."""
    earliest = earliest_due_date(sent_on)
    with uow:
        if uow.runs.get(run_id) is None:
            raise NotFound(f"no billing run {run_id}")
        invoices = [i for i in uow.invoices.for_run(run_id) if i.kind == INVOICE and i.total.ore > 0]
        agreements = uow.agreements.active_for(sorted({invoice.account_id for invoice in invoices}))
        invoices = [i for i in invoices if i.account_id in agreements]
        balances = uow.ledger.claim_balances([document_claim(i.invoice_number) for i in invoices])
        accounts = uow.accounts.get_many(sorted(agreements))
    claims: list[DirectDebitClaim] = []
    paid = partly_settled = too_late = 0
    for invoice in sorted(invoices, key=lambda i: i.invoice_number):
        balance = balances.get(document_claim(invoice.invoice_number))
        open_amount = Money(min(max(balance.principal.ore, 0), invoice.total.ore)) if balance else Money(0)
        if open_amount.ore <= 0:
            paid += 1
            continue
        if invoice.due_date < earliest:
            too_late += 1
            continue
        partly_settled += open_amount.ore < invoice.total.ore
        agreement = agreements[invoice.account_id]
        account = accounts.get(invoice.account_id)
        claims.append(
            DirectDebitClaim(
                kid=invoice.kid,
                amount=open_amount,
                due_date=invoice.due_date,
                payer_name=(account.name if account is not None else "")[:PAYER_NAME_LENGTH],
                reference=f"Faktura {invoice.invoice_number}",
                notify=agreement.notify,
                text=notification_text(invoice, open_amount) if agreement.notify else "",
                invoice_number=invoice.invoice_number,
            )
        )
    return ClaimFile(claims, paid, partly_settled, too_late, earliest)


def notification_text(invoice: Invoice, amount: Money | None = None) -> str:
    """The bank's notice to the payer before it debits the claim (lines of at most 80 characters).
    amount: what is debited, the invoice's open amount (default its total)."""
    debited = invoice.total if amount is None else amount
    lines = [
        f"Faktura {invoice.invoice_number} datert {written_day(invoice.issue_date)}",
        f"Beløp {debited.kroner()} trekkes fra kontoen din {written_day(invoice.due_date)}.",
    ]
    if debited != invoice.total:
        settled = invoice.total - debited
        lines.append(f"Fakturaen er på {invoice.total.kroner()}; {settled.kroner()} er allerede gjort opp.")
    lines.append(f"KID {invoice.kid}")
    return "\n".join(lines)
