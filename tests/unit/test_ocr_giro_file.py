"""OCR giro files read into payments: netsgiro's real test file exactly, and broken files refused by line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from services.billing.adapters.ocr_giro_file import read_ocr_giro
from services.billing.domain.payments import PaymentFileFormat
from services.platform.errors import InvalidInput
from services.platform.money import Money

DATA = Path(__file__).resolve().parents[1] / "data" / "payments"
SAMPLE = (DATA / "netsgiro_ocr_giro_transactions.txt").read_bytes()


def lines() -> list[str]:
    return SAMPLE.decode("iso-8859-1").splitlines()


def joined(records: list[str]) -> bytes:
    return ("\n".join(records) + "\n").encode("iso-8859-1")


def refusal(content: bytes) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        read_ocr_giro(content)
    return {violation.field: violation.description for violation in caught.value.violations}


def test_netsgiros_sample_gives_its_twenty_payments_exactly() -> None:
    payments_file = read_ocr_giro(SAMPLE)

    assert payments_file.format == PaymentFileFormat.OCR_GIRO
    assert payments_file.file_reference == "0170031"
    assert payments_file.created_on == date(1992, 1, 20)
    assert payments_file.creditor_account == "99991042764"
    assert len(payments_file.payments) == 20
    assert payments_file.total == Money(5144900)
    first, text_payment, last = (
        payments_file.payments[0],
        payments_file.payments[1],
        payments_file.payments[-1],
    )
    assert (first.line, first.kid, first.amount, first.paid_on) == (
        3,
        "0000531",
        Money(102000),
        date(1992, 1, 20),
    )
    assert (first.reference, first.payer_account, first.payer_name) == ("099038562", "99990512341", "")
    # Transaction type 21 carries an amount item 3 (text) on line 5: the next payment starts on line 6.
    assert (text_payment.line, text_payment.kid, text_payment.amount) == (6, "0036633", Money(102000))
    assert (last.line, last.kid, last.amount, last.reference) == (
        42,
        "02311291133188",
        Money(54000),
        "091308861",
    )
    assert [p.kid for p in payments_file.payments][7:11] == [
        "02212291038306",
        "02311291038304",
        "02310291038308",
        "000149012",
    ]


def test_the_shared_format_sample_reads_the_same() -> None:
    shared = Path("/work/shared/data/formats/ocr_giro_sample.txt")
    if (
        shared.is_file()
    ):  # the shared folder is beside the clone in CI; the copy in tests/data is the same file
        assert read_ocr_giro(shared.read_bytes()) == read_ocr_giro(SAMPLE)
    assert SAMPLE.startswith(b"NY000010")


def test_windows_line_ends_and_no_final_newline_are_the_same_file() -> None:
    crlf = "\r\n".join(lines()).encode("iso-8859-1")

    assert read_ocr_giro(crlf) == read_ocr_giro(SAMPLE)


def test_a_line_cut_short_is_refused_by_its_line() -> None:
    records = lines()
    records[9] = records[9][:61]

    assert refusal(joined(records)) == {
        "line 10": "the record is 61 characters long; OCR giro records are 80"
    }


def test_a_changed_amount_fails_both_totals_naming_each_end_record_and_figures() -> None:
    records = lines()
    # line 3: amount item 1 of the first payment, 1 020,00 kr → 1 030,00 kr (amount in columns 33–49)
    records[2] = records[2][:32] + "00000000000103000" + records[2][49:]

    violations = refusal(joined(records))

    assert violations == {
        "line 44": "the assignment end (record type 88) gives a total of 51 449,00 kr; its transactions sum "
        "to 51 459,00 kr",
        "line 45": "the transmission end (record type 89) gives a total of 51 449,00 kr; its transactions "
        "sum to 51 459,00 kr",
    }


def test_a_missing_transaction_fails_the_counts() -> None:
    records = lines()
    del records[41:43]  # lines 42–43: the last payment's amount items 1 and 2

    with pytest.raises(InvalidInput) as caught:
        read_ocr_giro(joined(records))

    assert [(v.field, v.description) for v in caught.value.violations] == [
        ("line 42", "the assignment end (record type 88) gives 20 transactions; there are 19"),
        ("line 42", "the assignment end (record type 88) gives 43 records; there are 41"),
        (
            "line 42",
            "the assignment end (record type 88) gives a total of 51 449,00 kr; its transactions sum to "
            "50 909,00 kr",
        ),
        ("line 43", "the transmission end (record type 89) gives 20 transactions; there are 19"),
        ("line 43", "the transmission end (record type 89) gives 45 records; there are 43"),
        (
            "line 43",
            "the transmission end (record type 89) gives a total of 51 449,00 kr; its transactions "
            "sum to 50 909,00 kr",
        ),
    ]


def test_a_wrong_record_type_is_refused_by_its_line() -> None:
    records = lines()
    records[5] = records[5][:6] + "55" + records[5][8:]

    assert refusal(joined(records)) == {
        "line 6": "record type '55' (columns 7–8) is not one of an OCR giro file"
    }


def test_bad_digits_in_a_record_are_refused_with_the_record_named() -> None:
    records = lines()
    records[2] = records[2][:40] + "x" + records[2][41:]

    description = refusal(joined(records))["line 3"]

    assert description.startswith("the amount item 1 (record type 30) is malformed")


def test_an_impossible_nets_date_is_refused_by_its_line() -> None:
    records = lines()
    records[2] = records[2][:15] + "320192" + records[2][21:]  # 32 January

    assert refusal(joined(records))["line 3"].startswith("the amount item 1 (record type 30) is malformed: ")


def test_a_file_without_its_transmission_end_is_refused() -> None:
    records = lines()[:-1]

    assert refusal(joined(records)) == {
        "line 44": "the file ends without a transmission end (record type 89)"
    }


def test_an_avtalegiro_file_is_not_a_payment_file() -> None:
    content = (DATA / "netsgiro_avtalegiro_payment_request.txt").read_bytes()

    violations = refusal(content)

    assert violations["line 2"].startswith("the assignment start (record type 20) has service code 21")


def test_a_reversal_is_refused() -> None:
    records = lines()
    records[5:7] = [r[:4] + "18" + r[6:] for r in records[5:7]]  # lines 6–7: transaction type 10 → 18

    violations = refusal(joined(records))

    assert violations["line 6"].startswith("transaction type 18 is a reversal, not a payment")


def test_a_transmission_without_transactions_is_refused() -> None:
    empty = [
        "NY000010000080800170031000102000000000000000000000000000000000000000000000000000",
        "NY090020001008566000000299991042764000000000000000000000000000000000000000000000",
        "NY090088000000000000000200000000000000000200192200192200192000000000000000000000",
        "NY000089000000000000000400000000000000000200192000000000000000000000000000000000",
    ]

    assert refusal(joined(empty)) == {"file": "holds no payments: the transmission has no transactions"}


def test_an_empty_file_is_refused() -> None:
    assert refusal(b"\n\n") == {"file": "is empty: an OCR giro file has at least its start and end records"}


def test_every_bad_line_is_named_at_once() -> None:
    records = lines()
    records[3] = records[3][:79]
    records[7] = "XX" + records[7][2:]

    assert set(refusal(joined(records))) == {"line 4", "line 8"}
