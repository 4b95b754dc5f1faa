"""Commands: objections registered on invoices (innsigelse) and appeal cases on property tax hold reminders
on the disputed amount until settled or closed (domain/collection_holds.py).

An appeal names a property and a tax year; its hold is put on every issued invoice carrying property-tax
lines of that property and year, disputing those lines' amount (VAT-free: property tax bears none).
"""

from __future__ import annotations

from datetime import date

from services.billing.application.ports import BillingUnitOfWork
from services.billing.domain.billing_run import INVOICE
from services.billing.domain.collection_holds import CollectionHold, HoldSource
from services.billing.domain.ledger import document_claim
from services.platform.errors import FailedPrecondition, InvalidInput, NotFound, Violations
from services.platform.identity import REASON_LENGTH, check_free_text
from services.platform.ids import new_id
from services.platform.money import Money

PROPERTY_TAX = "property_tax"  # the code of a property-tax line (application/term_plan.py)
_MAX_INVOICES_SEARCHED = 1_000


def register_objection(
    uow: BillingUnitOfWork, invoice_number: int, *, disputed: Money | None, reason: str, on: date
) -> CollectionHold:
    """Hold reminders on `disputed` of the invoice (None: all that is open) from `on`. InvalidInput for no
    reason, a disputed amount not above 0 or above the open amount, or a day (registered_on) before the
    invoice was issued; NotFound for an unknown invoice; FailedPrecondition for a credit note, an invoice
    with nothing open, or one with an objection active already.

    One active objection per invoice: domain/collection_holds.py sums the disputed amounts of active holds
    because an appeal's holds and an objection may stand together, but a second objection while one is
    active is a registration made twice (the trial's case) or a new claim of what is disputed — for that,
    settle the first and register the new one, so that one hold says what the recipient disputes."""
    problems = Violations()
    if not reason.strip():
        problems.add("reason", "is required: what the recipient objects to")
    else:  # kept and shown in lists: never an identity number, whatever the recipient wrote
        check_free_text(problems, "reason", reason.strip(), REASON_LENGTH)
    if disputed is not None and disputed.ore <= 0:
        problems.add(
            "disputed",
            f"is {disputed.kroner()}: must be above 0 kr (leave it out to dispute all that is open)",
        )
    problems.raise_if_any()
    with uow:
        invoice = uow.invoices.by_number(invoice_number)
        if invoice is None:
            raise NotFound(f"no invoice {invoice_number}")
        if invoice.kind != INVOICE:
            raise FailedPrecondition(
                f"document {invoice_number} is a credit note; only invoices are objected to"
            )
        if on < invoice.issue_date:
            raise InvalidInput.single(
                "registered_on",
                f"{on.isoformat()} is before invoice {invoice_number} was issued "
                f"({invoice.issue_date.isoformat()}): an objection to it is registered on or after that day",
            )
        active = [
            h
            for h in uow.collection.holds_on([invoice_number])
            if h.source == HoldSource.OBJECTION and h.until_date is None
        ]
        if active:
            held = active[0]
            what = "all that is open" if held.disputed.ore == 0 else held.disputed.kroner()
            raise FailedPrecondition(
                f"invoice {invoice_number} has an active objection already: hold {held.hold_id} from "
                f"{held.from_date.isoformat()} on {what} ({held.reason}); settle it first "
                f"(objections settle {held.hold_id} --on DATE) and register the new one"
            )
        balance = uow.ledger.claim_balances([document_claim(invoice_number)]).get(
            document_claim(invoice_number)
        )
        open_now = balance.total if balance is not None else invoice.total
        if open_now.ore <= 0:
            raise FailedPrecondition(f"invoice {invoice_number} has nothing open to hold")
        if disputed is not None and disputed.ore > open_now.ore:
            raise InvalidInput.single(
                "disputed", f"{disputed.kroner()} is more than the {open_now.kroner()} open on the invoice"
            )
        hold = CollectionHold(
            hold_id=new_id(),
            account_id=invoice.account_id,
            document_number=invoice_number,
            source=HoldSource.OBJECTION,
            reference="",
            disputed=disputed or Money(0),
            reason=reason.strip(),
            from_date=on,
        )
        uow.collection.add_holds([hold])
        uow.commit()
    return hold


def settle_objection(uow: BillingUnitOfWork, hold_id: str, on: date) -> CollectionHold:
    """End an objection's hold on `on` (reminders resume after it). NotFound for an unknown hold;
    FailedPrecondition for an appeal's hold (it ends when the case closes) or one already ended."""
    with uow:
        hold = uow.collection.get_hold(hold_id)
        if hold is None:
            raise NotFound(f"no hold {hold_id}")
        if hold.source != HoldSource.OBJECTION:
            raise FailedPrecondition(
                f"hold {hold_id} is an appeal's; it ends when appeal {hold.reference} closes"
            )
        if hold.until_date is not None:
            raise FailedPrecondition(f"hold {hold_id} was settled on {hold.until_date.isoformat()}")
        if on < hold.from_date:
            raise InvalidInput.single(
                "settled_on", f"{on.isoformat()} is before the hold began ({hold.from_date.isoformat()})"
            )
        uow.collection.end_holds([hold_id], on)
        uow.commit()
        return uow.collection.get_hold(hold_id) or hold


def holds_of(uow: BillingUnitOfWork, account_id: str) -> list[CollectionHold]:
    """The recipient's holds, open and ended, newest first."""
    if not account_id:
        raise InvalidInput.single("account_id", "is required")
    with uow:
        holds = uow.collection.holds_of_account(account_id)
    return sorted(holds, key=lambda h: (h.from_date, h.hold_id), reverse=True)


def appeal_registered(
    uow: BillingUnitOfWork, case_id: str, property_id: str, tax_year: int, reason: str, on: date
) -> list[CollectionHold]:
    """Hold the property's tax of the year on the invoices carrying it, from `on`, until the case closes.
    A case seen before changes nothing (events are delivered at least once). Works in the caller's
    transaction when `uow` joins one (the consumer's)."""
    with uow:
        if uow.collection.holds_by_reference(HoldSource.APPEAL, case_id):
            return []
        holds: list[CollectionHold] = []
        for invoice in uow.invoices.search(
            property_id=property_id, kind=INVOICE, limit=_MAX_INVOICES_SEARCHED
        ):
            disputed = sum(
                (
                    line.amount.ore
                    for line in invoice.lines
                    if line.code == PROPERTY_TAX
                    and line.property_id == property_id
                    and line.period.start.year == tax_year
                ),
                0,
            )
            if disputed > 0:
                holds.append(
                    CollectionHold(
                        hold_id=new_id(),
                        account_id=invoice.account_id,
                        document_number=invoice.invoice_number,
                        source=HoldSource.APPEAL,
                        reference=case_id,
                        disputed=Money(disputed),
                        reason=reason or f"Klage på eiendomsskatt {tax_year}",
                        from_date=on,
                        property_id=property_id,
                        tax_year=tax_year,
                    )
                )
        uow.collection.add_holds(holds)
        uow.commit()
    return holds


def appeal_closed(uow: BillingUnitOfWork, case_id: str, on: date) -> int:
    """End the case's holds on `on`; how many were open (0 for a case never held or already closed)."""
    with uow:
        open_holds = [
            h.hold_id
            for h in uow.collection.holds_by_reference(HoldSource.APPEAL, case_id)
            if h.until_date is None
        ]
        if open_holds:
            uow.collection.end_holds(open_holds, on)
        uow.commit()
    return len(open_holds)
