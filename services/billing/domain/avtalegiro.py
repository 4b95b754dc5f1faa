"""AvtaleGiro (Nets direct debit): recipients' agreements and the claims billing sends the bank for them.

A recipient signs an AvtaleGiro agreement in the online bank, naming the municipality and a KID that
identifies the recipient: the recipient's fixed KID, its customer number with a MOD10 check digit (the
customer number never changes, so neither does the KID). Nets reports new, changed and deleted agreements
in an agreements file (adapters/avtalegiro_file.py: read_agreements), or, when the payee asks, the complete
list of active agreements (full_list: an agreement missing from it has ended); billing then sends each issued
invoice of such a recipient as a claim (DirectDebitClaim) in a payment-request file instead of a paper
invoice, and the bank debits it on the due date. The payment comes back in the OCR giro file with the
invoice's KID (transaction type 15, "from AvtaleGiro") and is matched like any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum, StrEnum

from services.billing.domain.kid import KidMethod, is_valid_kid, with_check_digit
from services.platform.errors import InvalidInput
from services.platform.money import Money

# What the payment-request record holds (Nets AvtaleGiro system specification, amount item 2).
PAYER_NAME_LENGTH = 10  # "kortnavn": the payer's short name
REFERENCE_LENGTH = 25  # "fremmedreferanse": shown on the payer's account statement

# Nets rejects a claim whose due date gives the payer less than 4 calendar days' notice from the day the
# file is sent (AvtaleGiro specification; netsgiro.utils.get_minimum_due_date, the same rule). A file sent
# after Nets' 14:00 cut-off counts from the next day: billing knows business dates, not hours, so an officer
# sending late must give the next day as the file's date.
NOTICE_DAYS = 4


def earliest_due_date(sent_on: date) -> date:
    """The earliest due date the bank takes in a payment-request file sent on `sent_on`."""
    return sent_on + timedelta(days=NOTICE_DAYS)


def recipient_kid(customer_number: int) -> str:
    """The recipient's fixed KID: the customer number and a MOD10 check digit (DOMAIN.md §5)."""
    if customer_number <= 0:
        raise ValueError("a recipient's KID needs its customer number (given when the recipient is made)")
    return with_check_digit(str(customer_number), KidMethod.MOD10)


def customer_number_of(kid: str) -> int | None:
    """The customer number a recipient's fixed KID carries, or None when kid is no such KID (wrong check
    digit, not digits, zero). Zeros in front, as a payer may type them, change neither the number nor the
    MOD10 check digit."""
    if not is_valid_kid(kid, KidMethod.MOD10):
        return None
    number = int(kid[:-1])
    return number if number > 0 else None


class EndedBy(StrEnum):
    """Why an agreement ended: what the officer tells the payer who asks why the bank stopped paying."""

    PAYER = "payer"  # the payer deleted it in their bank (registration type 2)
    FULL_LIST = "full_list"  # the bank's full list of active agreements left it out


@dataclass(frozen=True)
class AgreementChange:
    """One agreement as the bank's agreements file reports it."""

    line: int  # the file's line (1-based), for errors
    kid: str  # the recipient's fixed KID as the payer registered it, stripped
    active: bool  # False: the payer deleted the agreement
    notify: bool  # the payer wants the bank to notify each claim before debiting it
    # registration type 0: the record is one of the payee's complete list of active agreements (sent when
    # the payee asks for it), so an agreement the list leaves out has ended at the bank
    complete_list: bool = False
    sent_on: date | None = None  # the file's date (its transmission end record): the day the bank reported it
    # the file's transmission, "data transmitter/transmission number" (its transmission start record): a
    # bank never sends the same one twice
    transmission: str = ""
    # not a record of the file: an active agreement its full list leaves out, ended by that (line 0)
    left_out: bool = False

    @property
    def ended_by(self) -> EndedBy | None:
        """Who ended the agreement this change ends (None: it does not end one)."""
        if self.active:
            return None
        return EndedBy.FULL_LIST if self.left_out else EndedBy.PAYER


def full_list(changes: Sequence[AgreementChange]) -> bool:
    """Whether the records are the bank's complete list of active agreements (all of registration type 0,
    at least one). Raises InvalidInput naming the first change record (type 1 or 2) of a file that also
    lists agreements as active: read as a full list it would end agreements it does not mention, read as
    changes it would not, so neither reading is safe."""
    listed = [change for change in changes if change.complete_list]
    if not listed:
        return False
    changed = next((change for change in changes if not change.complete_list), None)
    if changed is not None:
        raise InvalidInput.single(
            f"line {changed.line}",
            "a full agreements list (registration type 0) cannot carry changes (types 1 and 2): "
            f"line {listed[0].line} lists an agreement as active, this line changes or deletes one",
        )
    return True


@dataclass(frozen=True)
class Agreement:
    """A recipient's agreement as billing keeps it (one per KID; a deleted agreement stays, inactive)."""

    kid: str
    account_id: str
    active: bool
    notify: bool
    # Business date of the agreements file that made it active (its "active since"), or ended it, or moved
    # it to another recipient; a change of the bank-notice choice alone keeps it.
    registered_on: date
    # The day it last became active (made, signed again or moved), kept once it ends; None when not known
    # (ended before it was kept).
    active_since: date | None = None
    ended_by: EndedBy | None = None  # why it ended (None while active, or ended before it was kept)


class ChangeKind(Enum):
    """What an agreement record does to what billing already has."""

    ADDED = "added"  # a KID with no agreement in force: never had one, or signed again after it ended
    CHANGED = "changed"  # in force before and after: notify or the recipient differ
    ENDED = "ended"  # a deletion of an agreement in force
    UNCHANGED = "unchanged"  # the same agreement again (a file imported twice, or a "listed as active")


def change_kind(known: Agreement | None, change: AgreementChange, account_id: str) -> ChangeKind:
    """Whether `change` (for the recipient `account_id`) adds, changes, ends or repeats the known agreement.
    A deletion ends the agreement in force; with none in force (never registered, or ended already) it
    changes nothing."""
    if not change.active:
        return ChangeKind.ENDED if known is not None and known.active else ChangeKind.UNCHANGED
    if known is None or not known.active:
        return ChangeKind.ADDED
    same = (known.account_id, known.notify) == (account_id, change.notify)
    return ChangeKind.UNCHANGED if same else ChangeKind.CHANGED


@dataclass(frozen=True)
class DirectDebitClaim:
    """One invoice sent to the bank as an AvtaleGiro payment request."""

    kid: str  # the invoice's KID: the payment comes back with it and is matched to the invoice
    amount: Money  # positive: what the ledger has open on the invoice when the file is written
    due_date: date  # the bank debits the payer's account on this day
    payer_name: str  # short name; the file keeps the first 10 characters
    reference: str  # text on the payer's statement; the file keeps the first 25 characters
    notify: bool  # the bank notifies the payer (as the payer chose in the agreement)
    text: str = ""  # the notification's text when notify (at most 42 lines of 80 characters)
    invoice_number: int = 0  # the invoice it sends, for the officer's report (not in the file)
