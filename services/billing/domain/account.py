"""Invoice recipients (fakturamottakere): who pays for which properties, how invoices reach them, and
how often they are invoiced."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RecipientKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


class Channel(StrEnum):
    EHF = "ehf"  # Peppol BIS Billing 3.0, for organisations
    EFAKTURA = "efaktura"  # persons who have signed up in their online bank
    PRINT = "print"  # paper (or digital mailbox) for persons


def default_channel(kind: RecipientKind) -> Channel:
    return Channel.EHF if kind == RecipientKind.ORGANISATION else Channel.PRINT


def allowed_channels(kind: RecipientKind) -> frozenset[Channel]:
    return (
        frozenset({Channel.EHF})
        if kind == RecipientKind.ORGANISATION
        else frozenset({Channel.PRINT, Channel.EFAKTURA})
    )


@dataclass(frozen=True)
class Account:
    account_id: str  # assessment's opaque owner reference
    kind: RecipientKind
    name: str
    organisation_number: str  # organisations only
    address_line: str
    postcode: str
    city: str
    channel: Channel
    # Kundenummer: short, sequential, given by billing when it creates the recipient and never changed.
    # 0 until then (a recipient being made from an owner has none yet).
    customer_number: int = 0


def delivery_problem(account: Account) -> str:
    """Why a document cannot reach the recipient through its channel, or "" when it can: a paper invoice
    needs a complete postal address (street, postcode, city); an EHF invoice goes through Peppol to the
    organisation number (scheme 0192). eFaktura reaches persons through the agreement they made in their
    online bank, which billing does not hold: nothing to check here. A document that cannot be delivered
    is held, not issued, until the recipient's details are complete (see application/term_plan.py)."""
    if account.channel == Channel.EHF:
        number = account.organisation_number.strip()
        if not (len(number) == 9 and number.isdigit()):
            return "EHF invoice without an organisation number (Peppol id 0192)"
        return ""
    if account.channel == Channel.PRINT:
        missing = [
            name
            for name, value in (
                ("street address", account.address_line),
                ("postcode", account.postcode),
                ("city", account.city),
            )
            if not value.strip()
        ]
        if missing:
            return f"paper invoice without a complete postal address (no {', '.join(missing)})"
    return ""
