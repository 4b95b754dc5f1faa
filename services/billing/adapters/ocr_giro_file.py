"""Nets OCR giro files (incoming payments) → PaymentFile, records parsed by netsgiro, every error by line.

Format (Nets, "OCR giro – System manual"; DOMAIN.md §6): ISO-8859-1 text, one 80-character record a line,
each starting "NY", the record type in columns 7–8: 10 transmission start, 20 assignment start, 30/31/32
amount items 1/2/3 of a transaction, 88 assignment end, 89 transmission end. The end records carry counts
and totals, which must agree with what they close: a file that disagrees with itself was cut or changed on
its way and is refused whole.

netsgiro (otovo, Apache-2.0) parses each record (netsgiro.records) and assembles each transaction
(netsgiro.Transaction); this module keeps each record's line so that every refusal names it, and checks the
structure and the totals that netsgiro's whole-file `parse` leaves unchecked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from netsgiro import RecordType, ServiceCode, TransactionType
from netsgiro.converters import to_date
from netsgiro.records import (
    AssignmentEnd,
    AssignmentStart,
    Record,
    TransactionAmountItem1,
    TransactionAmountItem2,
    TransactionAmountItem3,
    TransmissionEnd,
    TransmissionStart,
)

from services.billing.domain.payments import IncomingPayment, PaymentFile, PaymentFileFormat
from services.platform.errors import InvalidInput, Violations
from services.platform.money import Money

RECORD_LENGTH = 80
ENCODING = "iso-8859-1"

_RECORD_NAMES = {
    RecordType.TRANSMISSION_START: "transmission start (record type 10)",
    RecordType.ASSIGNMENT_START: "assignment start (record type 20)",
    RecordType.TRANSACTION_AMOUNT_ITEM_1: "amount item 1 (record type 30)",
    RecordType.TRANSACTION_AMOUNT_ITEM_2: "amount item 2 (record type 31)",
    RecordType.TRANSACTION_AMOUNT_ITEM_3: "amount item 3 (record type 32)",
    RecordType.ASSIGNMENT_END: "assignment end (record type 88)",
    RecordType.TRANSMISSION_END: "transmission end (record type 89)",
}
_RECORD_CLASSES: dict[RecordType, type[Record]] = {
    RecordType.TRANSMISSION_START: TransmissionStart,
    RecordType.ASSIGNMENT_START: AssignmentStart,
    RecordType.TRANSACTION_AMOUNT_ITEM_1: TransactionAmountItem1,
    RecordType.TRANSACTION_AMOUNT_ITEM_2: TransactionAmountItem2,
    RecordType.TRANSACTION_AMOUNT_ITEM_3: TransactionAmountItem3,
    RecordType.ASSIGNMENT_END: AssignmentEnd,
    RecordType.TRANSMISSION_END: TransmissionEnd,
}
_BY_CODE = {f"{int(kind):02d}": kind for kind in _RECORD_CLASSES}
# Reversals take money back from us: they are not payments, and the ledger has no way to book one from a
# file (the officer books it by hand after asking the bank), so a file with one is refused.
_REVERSALS = {TransactionType.REVERSING_WITH_KID, TransactionType.REVERSING_WITH_TEXT}


@dataclass(frozen=True, slots=True)
class _Item:
    """An amount item (record type 30, 31 or 32) as netsgiro's own record pattern reads it (its named
    groups). Why not netsgiro's record objects for these: building them (attrs converters and validators,
    a strptime per date) took 12 s for a term's 135,000 payments on this machine; matching the same
    patterns and converting only the fields used takes well under half of that. Records that do not
    match go through netsgiro's record classes, whose errors name what is wrong."""

    record_type: RecordType
    transaction_type: TransactionType
    transaction_number: int
    fields: re.Match[str]  # the pattern's match: fields["kid"] is the named group's text


@dataclass
class _Numbered:
    line: int
    record: Record | _Item


@dataclass
class _Assignment:
    start: _Numbered
    body: list[_Numbered] = field(default_factory=list)
    end: _Numbered | None = None

    @property
    def account(self) -> str:
        record = self.start.record
        assert isinstance(record, AssignmentStart)
        return record.assignment_account


@dataclass
class _Transmission:
    start: _Numbered | None = None
    assignments: list[_Assignment] = field(default_factory=list)
    end: _Numbered | None = None
    lines: int = 0


def looks_like_ocr_giro(text: str) -> bool:
    """Whether text is laid out as an OCR giro file (for recognising a file's format by its content): its
    first record starts "NY" and six digits (service code, transmission type, record type). A file that
    only starts so is still read as OCR giro and then refused by its lines, which says more than
    "unknown format"."""
    lines = record_lines(text)
    return bool(lines) and lines[0].startswith("NY") and lines[0][2:8].isdigit()


def read_ocr_giro(content: bytes) -> PaymentFile:
    """The payments of an OCR giro transmission.

    content: the file's bytes (ISO-8859-1; LF or CRLF line ends). Returns a PaymentFile: file_reference =
    the transmission number, data_transmitter = the transmission start's (the two name the file),
    created_on = the transmission end's Nets date (else the first assignment end's, else the earliest
    payment's), creditor_account = the first assignment's account (11 digits), one IncomingPayment
    per transaction: line of its amount item 1, the KID stripped ("" if none), the amount in øre, the Nets
    date, the archive reference, and the debit account when the bank gives one.
    Raises InvalidInput with one violation "line N" per bad record (length, record type, format, order),
    per end record whose count or total disagrees, for reversals and negative amounts, and field "file"
    when the file holds no record or no payment. Nothing is returned unless the whole file is good.
    """
    text = content.decode(ENCODING)
    lines = record_lines(text)
    if not lines:
        raise InvalidInput.single("file", "is empty: an OCR giro file has at least its start and end records")
    violations = Violations()
    numbered = list(_records(lines, violations))
    violations.raise_if_any()
    transmission = _structure(numbered, len(lines), violations)
    violations.raise_if_any()
    payments = _payments(transmission, violations)
    violations.raise_if_any()
    _reconcile(transmission, payments, violations)
    violations.raise_if_any()
    if not payments:
        raise InvalidInput.single("file", "holds no payments: the transmission has no transactions")
    start, end = transmission.start, transmission.end
    assert start is not None and end is not None
    assert isinstance(start.record, TransmissionStart) and isinstance(end.record, TransmissionEnd)
    return PaymentFile(
        format=PaymentFileFormat.OCR_GIRO,
        file_reference=start.record.transmission_number,
        created_on=_created_on(transmission, end.record, payments),
        creditor_account=transmission.assignments[0].account,
        payments=tuple(payment for _, payment in payments),
        data_transmitter=start.record.data_transmitter,
    )


def record_lines(text: str) -> list[str]:
    """The file's records, one a line, whatever its line ends; blank lines at the end dropped."""
    # Files end with or without a newline, on Windows with CRLF; blank lines at the end are no records.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _records(lines: list[str], violations: Violations) -> Iterator[_Numbered]:
    for number, line in enumerate(lines, start=1):
        item = _amount_item(line)
        if item is not None:
            yield _Numbered(number, item)
            continue
        where = f"line {number}"
        if len(line) != RECORD_LENGTH:
            violations.add(where, f"the record is {len(line)} characters long; OCR giro records are 80")
            continue
        if not line.startswith("NY"):
            violations.add(where, f"the record starts {line[:2]!r}; OCR giro records start with 'NY'")
            continue
        code = line[6:8]
        record_type = _BY_CODE.get(code)
        if record_type is None:
            violations.add(where, f"record type {code!r} (columns 7–8) is not one of an OCR giro file")
            continue
        try:
            record = _RECORD_CLASSES[record_type].from_string(line)
        except ValueError as error:  # netsgiro: no format matched, or a field's converter refused it
            violations.add(
                where, f"the {_RECORD_NAMES[record_type]} is malformed: {netsgiro_reason(error, line)}"
            )
            continue
        if record_type not in (RecordType.TRANSMISSION_START, RecordType.TRANSMISSION_END) and (
            record.service_code != ServiceCode.OCR_GIRO
        ):
            violations.add(
                where,
                f"the {_RECORD_NAMES[record_type]} has service code {line[2:4]}; OCR giro uses 09 "
                "(21 is AvtaleGiro: not a payment file)",
            )
            continue
        if record_type in _AMOUNT_ITEMS:  # netsgiro read it, but _amount_item did not: not a payment type
            violations.add(
                where,
                f"the {_RECORD_NAMES[record_type]} has transaction type {line[4:6]}; OCR giro payments have "
                "types 10–21",
            )
            continue
        yield _Numbered(number, record)


_AMOUNT_ITEMS = (
    RecordType.TRANSACTION_AMOUNT_ITEM_1,
    RecordType.TRANSACTION_AMOUNT_ITEM_2,
    RecordType.TRANSACTION_AMOUNT_ITEM_3,
)
# The first pattern of each amount item is OCR giro's (service code 09); the others are AvtaleGiro's.
_ITEM_PATTERNS = {
    code: _RECORD_CLASSES[kind]._PATTERNS[0] for code, kind in _BY_CODE.items() if kind in _AMOUNT_ITEMS
}
_OCR_TRANSACTION_TYPES = {f"{int(kind):02d}": kind for kind in TransactionType if 10 <= int(kind) <= 21}


def _amount_item(line: str) -> _Item | None:
    """The line as an amount item when netsgiro's OCR giro pattern for its record type matches it and its
    transaction type and date are good; else None, and the line goes the slow way (netsgiro's record
    classes), which names what is wrong."""
    pattern = _ITEM_PATTERNS.get(line[6:8])
    if pattern is None or len(line) != RECORD_LENGTH:
        return None
    match = pattern.match(line)
    if match is None:
        return None
    transaction_type = _OCR_TRANSACTION_TYPES.get(match["transaction_type"])
    if transaction_type is None:
        return None
    record_type = _BY_CODE[line[6:8]]
    if record_type == RecordType.TRANSACTION_AMOUNT_ITEM_1 and _nets_date(match["nets_date"]) is None:
        return None
    return _Item(record_type, transaction_type, int(match["transaction_number"]), match)


@cache
def _nets_date(text: str) -> date | None:
    """DDMMYY as netsgiro converts it; a file has few distinct dates, so each is converted once."""
    try:
        return to_date(text)
    except ValueError:
        return None


_NOT_VALID = re.compile(r"^'?(.*?)'? is not a valid (\w+)$")
_ENUM_WORDS = {  # netsgiro's enum, what its value is, the values it may take
    "AvtaleGiroRegistrationType": "registration type {} (column 16) is not 0 (listed as active), 1 (new or "
    "changed) or 2 (deleted)",
    "TransactionType": "transaction type {} (columns 5–6) is not one of OCR giro or AvtaleGiro",
    "ServiceCode": "service code {} (columns 3–4) is not one of Nets' (09 OCR giro, 21 AvtaleGiro)",
    "AssignmentType": "assignment type {} is not one of Nets'",
}


# Where Nets' records keep their dates, by record type (columns 7–8; 0-based, end exclusive): an amount
# item's or payment request's columns 16–21, an assignment end's 42–47, 48–53 and 54–59, a transmission
# end's 42–47.
_DATE_COLUMNS = {"30": ((15, 21),), "88": ((41, 47), (47, 53), (53, 59)), "89": ((41, 47),)}


def netsgiro_reason(error: ValueError, line: str) -> str:
    """netsgiro's refusal of the record `line` (a regex that did not match, a date strptime refused, an enum
    value it does not know) said in the file's own terms, not netsgiro's or Python's."""
    message = str(error)
    if "did not match" in message:
        return (
            "its fields do not have the layout of the record type (digits, spaces or zeros in wrong places)"
        )
    if "unconverted data remains" in message or "does not match format" in message:
        found = [
            f"columns {start + 1}–{end} hold {line[start:end]}"
            for start, end in _DATE_COLUMNS.get(line[6:8], ())
            if line[start:end].isdigit()
            and line[start:end] != "000000"
            and _nets_date(line[start:end]) is None
        ]
        return "a date in it is not a day written DDMMYY" + (f" ({'; '.join(found)})" if found else "")
    not_valid = _NOT_VALID.match(message)
    if not_valid:
        value, enum = not_valid.groups()
        return _ENUM_WORDS.get(enum, "the value {} is not one the record type allows").format(value)
    return "a field holds a value the record type does not allow"


def _structure(records: list[_Numbered], line_count: int, violations: Violations) -> _Transmission:
    """Transmission start, assignments (start, transactions, end), transmission end; in that order."""
    transmission = _Transmission(lines=line_count)
    current: _Assignment | None = None
    for item in records:
        record, where = item.record, f"line {item.line}"
        name = _RECORD_NAMES[record.record_type if isinstance(record, _Item) else record.RECORD_TYPE]
        if isinstance(record, TransmissionStart):
            if transmission.start is not None or item.line != 1:
                violations.add(where, f"a {name} may only be the file's first record")
            transmission.start = item
        elif transmission.start is None:
            violations.add(where, f"the file starts with a {name}; it must start with a transmission start")
            return transmission
        elif transmission.end is not None:
            violations.add(where, f"a {name} follows the transmission end, which must be the last record")
        elif isinstance(record, TransmissionEnd):
            if current is not None:
                violations.add(
                    where, f"the {name} comes before the assignment from line {current.start.line} ends"
                )
            transmission.end = item
        elif isinstance(record, AssignmentStart):
            if current is not None:
                violations.add(
                    where, f"a new assignment starts before the one from line {current.start.line} ends"
                )
            current = _Assignment(start=item)
            transmission.assignments.append(current)
        elif current is None:
            violations.add(where, f"the {name} stands outside an assignment (no assignment start before it)")
        elif isinstance(record, AssignmentEnd):
            current.end = item
            current = None
        else:
            current.body.append(item)
    if transmission.start is not None and transmission.end is None:
        violations.add(f"line {line_count}", "the file ends without a transmission end (record type 89)")
    return transmission


def _payments(
    transmission: _Transmission, violations: Violations
) -> list[tuple[_Assignment, IncomingPayment]]:
    payments: list[tuple[_Assignment, IncomingPayment]] = []
    for assignment in transmission.assignments:
        for group in _transactions(assignment.body, violations):
            payment = _payment(group, violations)
            if payment is not None:
                payments.append((assignment, payment))
    return payments


def _transactions(body: list[_Numbered], violations: Violations) -> Iterator[list[_Numbered]]:
    """The body's records grouped by transaction: amount item 1, amount item 2, and amount item 3 when the
    transaction type carries text; each group's records share the transaction number."""
    group: list[_Numbered] = []
    for numbered in body:
        item = numbered.record
        assert isinstance(item, _Item)  # _records reads every body record that is good as an _Item
        if item.record_type == RecordType.TRANSACTION_AMOUNT_ITEM_1:
            if group:
                yield group
            group = [numbered]
            continue
        expected = (
            RecordType.TRANSACTION_AMOUNT_ITEM_2 if len(group) == 1 else RecordType.TRANSACTION_AMOUNT_ITEM_3
        )
        first = group[0].record if group else None
        if not group or item.record_type != expected or len(group) > 2:
            violations.add(
                f"line {numbered.line}",
                f"the {_RECORD_NAMES[item.record_type]} is out of order: a transaction is amount item 1, "
                "amount item 2 and, for text transactions, amount item 3",
            )
        elif isinstance(first, _Item) and item.transaction_number != first.transaction_number:
            violations.add(
                f"line {numbered.line}",
                f"the {_RECORD_NAMES[item.record_type]} has transaction number "
                f"{item.transaction_number}; its amount item 1 on line {group[0].line} has "
                f"{first.transaction_number}",
            )
        group.append(numbered)
    if group:
        yield group


def _payment(group: list[_Numbered], violations: Violations) -> IncomingPayment | None:
    line = group[0].line
    item1, item2 = group[0].record, group[1].record if len(group) > 1 else None
    if not isinstance(item2, _Item) or item2.record_type != RecordType.TRANSACTION_AMOUNT_ITEM_2:
        violations.add(
            f"line {line}", "the transaction has no amount item 2 (record type 31) after its item 1"
        )
        return None
    assert isinstance(item1, _Item)
    if item1.transaction_type in _REVERSALS:
        violations.add(
            f"line {line}",
            f"transaction type {int(item1.transaction_type)} is a reversal, not a payment: the file is "
            "refused; book the reversal by hand after asking the bank",
        )
        return None
    if item1.fields["sign"] == "-":
        violations.add(f"line {line}", "the amount item 1 has a negative amount (sign '-'): not a payment")
        return None
    amount = int(item1.fields["amount"])  # øre
    if amount <= 0:
        violations.add(f"line {line}", "the amount item 1 has amount 0: not a payment")
        return None
    paid_on = _nets_date(item1.fields["nets_date"])
    assert paid_on is not None  # _amount_item took only good dates
    debit_account = item2.fields["debit_account"]
    return IncomingPayment(
        line=line,
        kid=item1.fields["kid"].strip(),
        amount=Money(amount),
        paid_on=paid_on,
        reference=item2.fields["reference"].strip(),  # the archive reference
        payer_account="" if not debit_account.strip("0") else debit_account,
    )


def _reconcile(
    transmission: _Transmission,
    payments: list[tuple[_Assignment, IncomingPayment]],
    violations: Violations,
) -> None:
    """Each assignment end's counts and total against its own transactions and records (start and end
    included), the transmission end's against the whole file."""
    all_records = 2  # the transmission's start and end
    for assignment in transmission.assignments:
        records = 2 + len(assignment.body)
        all_records += records
        assert assignment.end is not None  # _structure refused a missing one
        end = assignment.end.record
        assert isinstance(end, AssignmentEnd)
        own = [payment for owner, payment in payments if owner is assignment]
        _check_end(
            _Stated(
                assignment.end.line,
                "assignment end (record type 88)",
                end.num_transactions,
                end.num_records,
                end.total_amount,
            ),
            own,
            records,
            violations,
        )
    assert transmission.end is not None
    end_record = transmission.end.record
    assert isinstance(end_record, TransmissionEnd)
    _check_end(
        _Stated(
            transmission.end.line,
            "transmission end (record type 89)",
            end_record.num_transactions,
            end_record.num_records,
            end_record.total_amount,
        ),
        [payment for _, payment in payments],
        all_records,
        violations,
    )


@dataclass(frozen=True)
class _Stated:
    """What an end record says of what it closes."""

    line: int
    name: str
    transactions: int
    records: int
    total_ore: int | None  # None: the record has no total (never for OCR giro, kept as netsgiro types it)


def _check_end(
    stated: _Stated, payments: list[IncomingPayment], records: int, violations: Violations
) -> None:
    where = f"line {stated.line}"
    if stated.transactions != len(payments):
        violations.add(
            where, f"the {stated.name} gives {stated.transactions} transactions; there are {len(payments)}"
        )
    if stated.records != records:
        violations.add(where, f"the {stated.name} gives {stated.records} records; there are {records}")
    total = Money(sum(payment.amount.ore for payment in payments))
    if stated.total_ore is not None and stated.total_ore != total.ore:
        violations.add(
            where,
            f"the {stated.name} gives a total of {Money(stated.total_ore).kroner()}; its transactions sum to "
            f"{total.kroner()}",
        )


def _created_on(
    transmission: _Transmission, end: TransmissionEnd, payments: list[tuple[_Assignment, IncomingPayment]]
) -> date:
    if end.nets_date is not None:
        return end.nets_date
    for assignment in transmission.assignments:
        assert assignment.end is not None
        assignment_end = assignment.end.record
        assert isinstance(assignment_end, AssignmentEnd)
        if assignment_end.nets_date is not None:
            return assignment_end.nets_date
    return min(payment.paid_on for _, payment in payments)
