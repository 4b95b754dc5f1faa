"""Incoming payments as a bank file reports them (OCR giro or camt.054), before billing matches them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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

    @property
    def total(self) -> Money:
        return Money(sum(p.amount.ore for p in self.payments))


class PaymentState(StrEnum):
    MATCHED = "matched"  # its KID named an invoice: applied to it (a remainder stays as a credit)
    UNMATCHED = "unmatched"  # unknown or mistyped KID: on the suspense account, in the queue
    ALLOCATED = "allocated"  # was unmatched, allocated (by an officer, or when its invoice was issued)
    RETURNED = "returned"  # was unmatched, paid back to the payer
