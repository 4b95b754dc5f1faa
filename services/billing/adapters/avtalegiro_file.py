"""AvtaleGiro files, both ways, through netsgiro: the payment requests billing sends the bank, and the
agreements file the bank sends back.

Format: Nets, "AvtaleGiro systemspesifikasjon" (80-character "NY" records like OCR giro, service code 21).
Payment requests: transmission start (10), an assignment (20, type 00) of claims, each amount item 1 (30:
due date, amount in øre, KID), amount item 2 (31: payer's short name, reference) and, when the bank is to
notify the payer, specification records (49) with the text; assignment end (88) and transmission end (89)
with counts and totals, which netsgiro computes. Agreements: an assignment of type 24 whose records (70)
each give a KID, a registration type (0 listed as active in a full list of the payee's agreements, 1 new
or changed, 2 deleted) and whether the payer wants notification (J/N).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from netsgiro import AssignmentType, AvtaleGiroRegistrationType, ServiceCode, Transmission
from netsgiro.records import (
    AssignmentEnd,
    AssignmentStart,
    AvtaleGiroAgreement,
    Record,
    TransmissionEnd,
    TransmissionStart,
)

from services.billing.adapters.ocr_giro_file import ENCODING, RECORD_LENGTH, netsgiro_reason, record_lines
from services.billing.domain.avtalegiro import (
    PAYER_NAME_LENGTH,
    REFERENCE_LENGTH,
    AgreementChange,
    DirectDebitClaim,
)
from services.platform.errors import InvalidInput, Violations

_KID_LENGTH = 25
_SPECIFICATION_LINES = 42
_SPECIFICATION_WIDTH = 80

_AGREEMENT_RECORDS: dict[str, tuple[type[Record], str]] = {
    "10": (TransmissionStart, "transmission start (record type 10)"),
    "20": (AssignmentStart, "assignment start (record type 20)"),
    "70": (AvtaleGiroAgreement, "agreement (record type 70)"),
    "88": (AssignmentEnd, "assignment end (record type 88)"),
    "89": (TransmissionEnd, "transmission end (record type 89)"),
}


def avtalegiro_claims(
    claims: Sequence[DirectDebitClaim],
    *,
    data_transmitter: str,
    data_recipient: str,
    transmission_number: str,
    assignment_number: str,
    assignment_account: str,
) -> str:
    """The payment-request transmission for claims, as Nets takes it (lines joined by "\\n", ending with
    one; encode as ISO-8859-1).

    data_transmitter: our Nets customer id (8 digits); data_recipient: Nets' id (8 digits, "00008080");
    transmission_number and assignment_number: 7 digits, unique per transmission/assignment we send;
    assignment_account: the account credited (11 digits). The transmission's date and every count and total
    are netsgiro's, from the claims. The payer name and reference are cut to what the record holds.
    Raises InvalidInput naming the bad argument ("claims[i].kid", "assignment_account", ...) and changes
    nothing; an empty claims list is refused too (Nets rejects an empty assignment).
    """
    violations = Violations()
    for name, value, length in (
        ("data_transmitter", data_transmitter, 8),
        ("data_recipient", data_recipient, 8),
        ("transmission_number", transmission_number, 7),
        ("assignment_number", assignment_number, 7),
        ("assignment_account", assignment_account, 11),
    ):
        if not (len(value) == length and value.isdigit()):
            violations.add(name, f"must be {length} digits, got {value!r}")
    if not claims:
        violations.add("claims", "are empty: a payment-request file needs at least one claim")
    for index, claim in enumerate(claims):
        _check_claim(f"claims[{index}]", claim, violations)
    violations.raise_if_any()

    transmission = Transmission(
        number=transmission_number, data_transmitter=data_transmitter, data_recipient=data_recipient
    )
    assignment = transmission.add_assignment(
        service_code=ServiceCode.AVTALEGIRO,
        assignment_type=AssignmentType.TRANSACTIONS,
        number=assignment_number,
        account=assignment_account,
    )
    for claim in claims:
        assignment.add_payment_request(
            kid=claim.kid,
            due_date=claim.due_date,
            amount=claim.amount.nok,
            payer_name=claim.payer_name[:PAYER_NAME_LENGTH] or None,
            reference=_ascii_safe(claim.reference[:REFERENCE_LENGTH]) or None,
            # a text asks the bank to notify with it; True alone asks it to notify with its own words
            bank_notification=(claim.text or True) if claim.notify else False,
        )
    return transmission.to_ocr() + "\n"


def _check_claim(where: str, claim: DirectDebitClaim, violations: Violations) -> None:
    if not (claim.kid.isdigit() and 2 <= len(claim.kid) <= _KID_LENGTH):
        violations.add(f"{where}.kid", f"must be 2 to {_KID_LENGTH} digits, got {claim.kid!r}")
    if claim.amount.ore <= 0:
        violations.add(f"{where}.amount", f"must be above zero, got {claim.amount.kroner()}")
    if claim.amount.ore >= 10**17:
        violations.add(f"{where}.amount", "does not fit the record's 17 digits of øre")
    lines = claim.text.splitlines()
    if len(lines) > _SPECIFICATION_LINES or any(len(line) > _SPECIFICATION_WIDTH for line in lines):
        violations.add(
            f"{where}.text",
            f"a notification holds at most {_SPECIFICATION_LINES} lines of {_SPECIFICATION_WIDTH} characters",
        )
    for field, text in (
        ("payer_name", claim.payer_name),
        ("reference", claim.reference),
        ("text", claim.text),
    ):
        try:
            text.encode(ENCODING)
        except UnicodeEncodeError:
            violations.add(f"{where}.{field}", "has characters that ISO-8859-1 (the file's encoding) lacks")


def _ascii_safe(text: str) -> str:
    # The record's 25 characters are fixed width: a newline or tab would break the 80-character layout.
    return " ".join(text.split())


def read_agreements(content: bytes) -> list[AgreementChange]:
    """The agreements the bank reports, in file order.

    content: the agreements file's bytes (ISO-8859-1). Each record type 70 gives an AgreementChange: its
    line, the KID stripped, active (False for registration type 2, deleted), notify (J/N), complete_list
    (True for registration type 0: the record is one of the payee's full list of active agreements),
    sent_on (the file's date, from its transmission end record).
    Raises InvalidInput: one "line N" violation per bad record (length, record type, layout, service code
    other than 21, an assignment that is not of agreements), per end record whose counts disagree; "file"
    when the file is empty or holds no agreement. Nothing is returned unless the whole file is good.
    """
    lines = record_lines(content.decode(ENCODING))
    if not lines:
        raise InvalidInput.single(
            "file", "is empty: an agreements file has at least its start and end records"
        )
    violations = Violations()
    parsed = [
        (number, _agreement_record(number, line, violations)) for number, line in enumerate(lines, start=1)
    ]
    violations.raise_if_any()  # counts are checked over good records only: one broken line is one violation
    changes: list[AgreementChange] = []
    assignment_start: int | None = None
    assignment_agreements = 0
    agreements_in_transmission = 0
    seen_end = False
    sent_on: date | None = None
    transmission = ""
    for number, record in parsed:
        where = f"line {number}"
        assert record is not None
        if seen_end:
            violations.add(where, "a record follows the transmission end, which must be the last record")
        elif isinstance(record, TransmissionStart):
            if number != 1:
                violations.add(where, "a transmission start may only be the file's first record")
            transmission = f"{record.data_transmitter}/{record.transmission_number}"
        elif number == 1:
            violations.add(where, "the file must start with a transmission start (record type 10)")
        elif isinstance(record, AssignmentStart):
            if record.assignment_type != AssignmentType.AVTALEGIRO_AGREEMENTS:
                violations.add(
                    where,
                    f"the assignment is of type {int(record.assignment_type):02d}; an agreements file's "
                    "are of type 24 (AvtaleGiro agreements)",
                )
            assignment_start, assignment_agreements = number, 0
        elif isinstance(record, AvtaleGiroAgreement):
            if assignment_start is None:
                violations.add(where, "the agreement stands outside an assignment")
            assignment_agreements += 1
            agreements_in_transmission += 1
            changes.append(
                AgreementChange(
                    line=number,
                    kid=record.kid or "",
                    active=record.registration_type != AvtaleGiroRegistrationType.DELETED_AGREEMENT,
                    notify=record.notify,
                    complete_list=record.registration_type == AvtaleGiroRegistrationType.ACTIVE_AGREEMENT,
                )
            )
        elif isinstance(record, AssignmentEnd):
            if assignment_start is None:
                violations.add(where, "an assignment end without its assignment start")
            else:
                _check_counts(
                    where,
                    "assignment end (record type 88)",
                    record,
                    assignment_agreements,
                    number - assignment_start + 1,
                    violations,
                )
            assignment_start = None
        elif isinstance(record, TransmissionEnd):
            seen_end = True
            sent_on = record.nets_date
            _check_counts(
                where,
                "transmission end (record type 89)",
                record,
                agreements_in_transmission,
                number,  # the transmission end is the last record: its line is the count of records
                violations,
            )
    if not seen_end:
        violations.add(f"line {len(lines)}", "the file ends without a transmission end (record type 89)")
    violations.raise_if_any()
    if not changes:
        raise InvalidInput.single("file", "holds no agreements (no record type 70)")
    return [replace(change, sent_on=sent_on, transmission=transmission) for change in changes]


def _agreement_record(number: int, line: str, violations: Violations) -> Record | None:
    where = f"line {number}"
    if len(line) != RECORD_LENGTH:
        violations.add(where, f"the record is {len(line)} characters long; AvtaleGiro records are 80")
        return None
    if not line.startswith("NY"):
        violations.add(where, f"the record starts {line[:2]!r}; AvtaleGiro records start with 'NY'")
        return None
    known = _AGREEMENT_RECORDS.get(line[6:8])
    if known is None:
        violations.add(where, f"record type {line[6:8]!r} (columns 7–8) is not one of an agreements file")
        return None
    cls, name = known
    try:
        record = cls.from_string(line)
    except ValueError as error:
        violations.add(where, f"the {name} is malformed: {netsgiro_reason(error, line)}")
        return None
    if cls not in (TransmissionStart, TransmissionEnd) and record.service_code != ServiceCode.AVTALEGIRO:
        violations.add(where, f"the {name} has service code {line[2:4]}; AvtaleGiro uses 21")
        return None
    return record


def _check_counts(
    where: str,
    name: str,
    record: AssignmentEnd | TransmissionEnd,
    agreements: int,
    records: int,
    violations: Violations,
) -> None:
    if record.num_transactions != agreements:
        violations.add(
            where, f"the {name} gives {record.num_transactions} agreements; there are {agreements}"
        )
    if record.num_records != records:
        violations.add(where, f"the {name} gives {record.num_records} records; there are {records}")
