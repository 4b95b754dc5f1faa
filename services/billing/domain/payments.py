"""Incoming payments as a bank file reports them (OCR giro or camt.054), before billing matches them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from services.platform.money import Money


class PaymentFileFormat(StrEnum):
    OCR_GIRO = "ocr_giro"  # Nets OCR giro, 80-character "NY" records
    CAMT_054 = "camt054"  # ISO 20022 BankToCustomerDebitCreditNotification


@dataclass(frozen=True, slots=True)
class IncomingPayment:
    """One credited payment of a file."""

    line: int  # the file's line (1-based) where the payment starts, for errors and the unmatched queue
    kid: str  # the payment reference as given, stripped ("" when the payer gave none)
    amount: Money  # positive
    paid_on: date  # the bank's date of the payment (Nets date; camt BookgDt/ValDt)
    reference: str  # the bank's archive reference (OCR archive reference, camt AcctSvcrRef)
    payer_account: str = ""  # the payer's bank account when the file gives it (for refunds)
    payer_name: str = ""  # as the file gives it (camt Dbtr/Nm; OCR has none)


@dataclass(frozen=True)
class PaymentFile:
    """A whole parsed file: counts and totals already reconciled against its end records / control sums."""

    format: PaymentFileFormat
    file_reference: str  # transmission number (OCR) or message id (camt)
    created_on: date  # the file's date (OCR transmission/settlement date, camt CreDtTm)
    creditor_account: str  # the account credited (our collection account), as the file names it
    payments: tuple[IncomingPayment, ...]
    data_transmitter: str = ""  # OCR: who numbered the transmission (Nets' customer unit); camt: ""

    @property
    def total(self) -> Money:
        return Money(sum(p.amount.ore for p in self.payments))

    @property
    def identity(self) -> str:
        """What the bank calls this file, as payment_files.file_reference keeps it: a transmission number
        is unique only per data transmitter (OCR: "00008080/0502001"); a camt.054 MsgId is unique per
        sender, and the sender is our bank."""
        if self.format == PaymentFileFormat.OCR_GIRO and self.data_transmitter:
            return f"{self.data_transmitter}/{self.file_reference}"
        return self.file_reference

    def identities(self) -> tuple[str, ...]:
        """The identity, and for OCR the bare transmission number that files imported before the data
        transmitter was kept (migration 0017) are stored under."""
        if self.identity != self.file_reference:
            return (self.identity, self.file_reference)
        return (self.identity,)


def shown_reference(file_format: PaymentFileFormat, identity: str) -> str:
    """The reference people see (transmission number, message id) from a stored identity."""
    if file_format == PaymentFileFormat.OCR_GIRO:
        return identity.rpartition("/")[2]
    return identity


def described(file_format: PaymentFileFormat, identity: str) -> str:
    """The file's identity in a sentence: "transmission 0502001 from data transmitter 00008080"."""
    if file_format == PaymentFileFormat.OCR_GIRO:
        transmitter, _, number = identity.rpartition("/")
        return f"transmission {number}" + (f" from data transmitter {transmitter}" if transmitter else "")
    return f"camt.054 message {identity}"


@dataclass(frozen=True)
class ImportedPaymentFile:
    """An imported file as found by its identity: enough to say when and as what it came."""

    file_name: str
    file_reference: str  # its stored identity
    imported_at: datetime


class PaymentState(StrEnum):
    MATCHED = "matched"  # its KID named an invoice: applied to it (a remainder stays as a credit)
    UNMATCHED = "unmatched"  # unknown or mistyped KID: on the suspense account, in the queue
    ALLOCATED = "allocated"  # was unmatched, allocated (by an officer, or when its invoice was issued)
    RETURNED = "returned"  # was unmatched, paid back to the payer
