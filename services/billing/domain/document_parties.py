"""Who an issued document names: its recipient and its issuer, as they stood on the day it was issued.

An invoice number must always show the same address and the same bank account, however often its
document is rendered again. So both are copied when the invoice is issued and kept with it; a later move,
rename or new seller file reaches the next invoices, never the issued ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.billing.domain.account import Account
from services.billing.domain.seller import Seller


@dataclass(frozen=True)
class RecipientSnapshot:
    """What a document shows of its recipient. Billing holds no personal identity numbers (an account
    is assessment's opaque owner reference), and a document needs none: persons are named and addressed."""

    name: str
    organisation_number: str  # organisations only: their EHF endpoint (Peppol 0192) and legal id
    address_line: str
    postcode: str
    city: str

    @classmethod
    def of(cls, account: Account) -> RecipientSnapshot:
        return cls(
            account.name, account.organisation_number, account.address_line, account.postcode, account.city
        )


@dataclass(frozen=True)
class DocumentParties:
    recipient: RecipientSnapshot
    seller: Seller
