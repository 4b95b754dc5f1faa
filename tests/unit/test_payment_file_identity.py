"""A payment file is one bank transmission: the same bytes again are recognised, and other bytes with the
same identity (a CRLF copy, a copy with a KID changed, a camt.054 with the same MsgId) are refused with
nothing stored (trial, issue 16)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from services.billing.adapters.payment_file import read_payment_file
from services.billing.application.import_payments import import_payments
from services.billing.domain.payments import IncomingPayment, PaymentFile, PaymentFileFormat
from services.platform.errors import AlreadyExists
from services.platform.money import Money
from tests.fakes.billing import FakeBillingUnitOfWork

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples" / "ocr-giro-2024-05-02.txt"


def _counts(uow: FakeBillingUnitOfWork) -> tuple[int, int, int, int]:
    return len(uow.payments.files), len(uow.payments.rows), len(uow.ledger.entries), len(uow.events)


def test_a_crlf_ocr_file_reads_as_the_same_transmission() -> None:
    content = SAMPLE.read_bytes()
    crlf = content.replace(b"\n", b"\r\n")

    lf_file, crlf_file = read_payment_file(content, "a.txt"), read_payment_file(crlf, "b.txt")

    assert crlf_file == lf_file
    assert (lf_file.data_transmitter, lf_file.file_reference) == ("00008080", "0502001")
    assert lf_file.identity == "00008080/0502001"


def test_a_crlf_copy_of_an_imported_ocr_file_is_refused_and_stores_nothing() -> None:
    uow = FakeBillingUnitOfWork()
    content = SAMPLE.read_bytes()
    first = import_payments(uow, read_payment_file, content, "OCR.D020524.txt")
    before = _counts(uow)

    with pytest.raises(AlreadyExists) as refused:
        import_payments(uow, read_payment_file, content.replace(b"\n", b"\r\n"), "OCR.D020524-kopi.txt")

    assert str(refused.value) == (
        f"transmission 0502001 from data transmitter 00008080 was imported on "
        f"{uow.now().date():%d.%m.%Y} from OCR.D020524.txt; a bank never sends the same transmission "
        "twice: this file (other bytes: other line ends, or edited) is refused and nothing is stored"
    )
    assert _counts(uow) == before
    assert first.file_reference == "0502001" and uow.payments.files[first.file_id].file_reference == (
        "00008080/0502001"
    )
    again = import_payments(uow, read_payment_file, content, "same-bytes.txt")
    assert again.already_imported and again.file_reference == "0502001" and _counts(uow) == before


def test_a_copy_with_a_kid_changed_is_refused() -> None:
    uow = FakeBillingUnitOfWork()
    content = SAMPLE.read_bytes()
    import_payments(uow, read_payment_file, content, "ocr.txt")
    lines = content.decode("iso-8859-1").split("\n")
    # Amount item 1 of the second payment: a KID of other digits (the totals still agree).
    lines[4] = lines[4][:49] + lines[4][49:74].replace("2024", "2025") + lines[4][74:]
    edited = "\n".join(lines).encode("iso-8859-1")
    assert (
        edited != content
        and read_payment_file(edited, "x").payments != read_payment_file(content, "x").payments
    )

    with pytest.raises(AlreadyExists, match="transmission 0502001 from data transmitter 00008080"):
        import_payments(uow, read_payment_file, edited, "ocr-edited.txt")


def _camt(message_id: str, kid: str) -> PaymentFile:
    payment = IncomingPayment(line=20, kid=kid, amount=Money(10_000), paid_on=date(2024, 5, 2), reference="r")
    return PaymentFile(PaymentFileFormat.CAMT_054, message_id, date(2024, 5, 2), "NO93", (payment,))


def test_a_camt_message_with_a_message_id_seen_before_is_refused_and_other_ids_are_imported() -> None:
    uow = FakeBillingUnitOfWork()
    first = _camt("MSG-1/2024", "12")
    import_payments(uow, lambda content, name: first, b"<one/>", "camt1.xml")

    with pytest.raises(
        AlreadyExists, match=r"^camt.054 message MSG-1/2024 was imported on .* from camt1.xml"
    ):
        import_payments(uow, lambda content, name: replace(first, payments=()), b"<two/>", "camt2.xml")
    other = import_payments(uow, lambda content, name: _camt("MSG-2", "12"), b"<three/>", "camt3.xml")

    assert not other.already_imported and len(uow.payments.files) == 2


def test_an_ocr_file_stored_under_its_bare_transmission_number_still_refuses_a_copy() -> None:
    """Files imported before the data transmitter was kept (migration 0017) have the bare number."""
    uow = FakeBillingUnitOfWork()
    content = SAMPLE.read_bytes()
    first = import_payments(uow, read_payment_file, content, "old.txt")
    stored = uow.payments.files[first.file_id]
    uow.payments.files[first.file_id] = replace(stored, file_reference="0502001")

    with pytest.raises(AlreadyExists, match=r"from old\.txt"):
        import_payments(uow, read_payment_file, content + b"\n", "new.txt")
