"""Nets files as a bank would send them, written with netsgiro: an OCR giro transmission of incoming
payments and an AvtaleGiro agreements file, for the demo (devstack/scenario.py), tests and benchmarks (the
service only ever reads such files: adapters/payment_file.py, adapters/avtalegiro_file.py).

OCR giro: one assignment to the creditor account; each payment one transaction (amount items 1 and 2,
transaction type 10, from a giro debited account), numbered from 1; the end records' counts and totals are
netsgiro's. The defaults are the tests' and benchmarks' file; the demo passes its own parties and numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import netsgiro

CREDITOR_ACCOUNT = "86011117947"
ENCODING = "iso-8859-1"


def write_ocr_giro(
    payments: Sequence[tuple[str, int]],
    paid_on: date,
    *,
    transmission_number: str = "1000001",
    creditor_account: str = CREDITOR_ACCOUNT,
    payer_account: str = "12345678903",
    data_transmitter: str = "00008080",
    data_recipient: str = "00012345",
    assignment_number: str = "4000086",
    form_number: str = "9636827194",
    final_newline: bool = False,
) -> bytes:
    """The file's bytes (ISO-8859-1) for payments given as (KID, amount in øre), all paid on `paid_on`."""
    transmission = netsgiro.Transmission(
        number=transmission_number,
        data_transmitter=data_transmitter,
        data_recipient=data_recipient,
        date=paid_on,
    )
    assignment = transmission.add_assignment(
        service_code=netsgiro.ServiceCode.OCR_GIRO,
        assignment_type=netsgiro.AssignmentType.TRANSACTIONS,
        number=assignment_number,
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
                form_number=form_number,
                bank_date=None,
                debit_account=payer_account,
                filler=None,
            )
        )
    return _encoded(transmission, final_newline)


def write_avtalegiro_agreements(
    agreements: Sequence[tuple[str, bool]],
    sent_on: date,
    *,
    transmission_number: str,
    data_transmitter: str,
    data_recipient: str,
    account: str,
    final_newline: bool = True,
    full_list: bool = False,
) -> bytes:
    """The bank's AvtaleGiro agreements file (assignment type 24): for each (KID, notify) a new or changed
    agreement (registration type 1), or with `full_list` an active one of the payee's full list (type 0),
    the payer asking to be notified of each claim or not."""
    transmission = netsgiro.Transmission(
        number=transmission_number,
        data_transmitter=data_transmitter,
        data_recipient=data_recipient,
        date=sent_on,
    )
    assignment = transmission.add_assignment(
        service_code=netsgiro.ServiceCode.AVTALEGIRO,
        assignment_type=netsgiro.AssignmentType.AVTALEGIRO_AGREEMENTS,
        number="0000000",
        account=account,
    )
    for number, (kid, notify) in enumerate(agreements, start=1):
        assignment.transactions.append(
            netsgiro.Agreement(
                service_code=netsgiro.ServiceCode.AVTALEGIRO,
                number=number,
                registration_type=(
                    netsgiro.AvtaleGiroRegistrationType.ACTIVE_AGREEMENT
                    if full_list
                    else netsgiro.AvtaleGiroRegistrationType.NEW_OR_UPDATED_AGREEMENT
                ),
                kid=kid,
                notify=notify,
            )
        )
    return _encoded(transmission, final_newline)


def _encoded(transmission: netsgiro.Transmission, final_newline: bool) -> bytes:
    # netsgiro ends the last record without a line break; a bank's file (as the demo writes it) has one.
    return (str(transmission.to_ocr()) + ("\n" if final_newline else "")).encode(ENCODING)
