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
