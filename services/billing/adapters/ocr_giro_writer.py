"""An OCR giro transmission of incoming payments as Nets would send it, written with netsgiro: for the
demo, tests and benchmarks (the service only ever reads such files: adapters/payment_file.py).

One assignment to the creditor account; each payment one transaction (amount items 1 and 2, transaction
type 10, from a giro debited account), numbered from 1; the end records' counts and totals are netsgiro's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import netsgiro

CREDITOR_ACCOUNT = "86011117947"


def write_ocr_giro(
    payments: Sequence[tuple[str, int]],
    paid_on: date,
    *,
    transmission_number: str = "1000001",
    creditor_account: str = CREDITOR_ACCOUNT,
    payer_account: str = "12345678903",
) -> bytes:
    """The file's bytes (ISO-8859-1) for payments given as (KID, amount in øre), all paid on `paid_on`."""
    transmission = netsgiro.Transmission(
        number=transmission_number, data_transmitter="00008080", data_recipient="00012345", date=paid_on
    )
    assignment = transmission.add_assignment(
        service_code=netsgiro.ServiceCode.OCR_GIRO,
        assignment_type=netsgiro.AssignmentType.TRANSACTIONS,
        number="4000086",
        account=creditor_account,
        date=paid_on,
    )
    for number, (kid, ore) in enumerate(payments, start=1):
        assignment.transactions.append(
            netsgiro.Transaction(
                service_code=netsgiro.ServiceCode.OCR_GIRO,
                type=netsgiro.TransactionType.FROM_GIRO_DEBITED_ACCOUNT,
                number=number,
                date=paid_on,
                amount=Decimal(ore) / 100,
                kid=kid,
                reference=f"{number:09d}",
                text=None,
                centre_id="01",
                day_code=paid_on.day,
                partial_settlement_number=1,
                partial_settlement_serial_number="00001",
                sign="0",
                form_number="9636827194",
                bank_date=None,
                debit_account=payer_account,
                filler=None,
            )
        )
    return str(transmission.to_ocr()).encode("iso-8859-1")
