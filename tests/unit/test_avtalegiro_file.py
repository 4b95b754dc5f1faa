"""AvtaleGiro files through netsgiro: claims written exactly as Nets' sample, agreements read by line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import netsgiro
import pytest

from services.billing.adapters.avtalegiro_file import avtalegiro_claims, read_agreements
from services.billing.domain.avtalegiro import AgreementChange, DirectDebitClaim
from services.platform.errors import InvalidInput
from services.platform.money import Money

DATA = Path(__file__).resolve().parents[1] / "data" / "payments"
REQUEST_SAMPLE = (DATA / "netsgiro_avtalegiro_payment_request.txt").read_text(encoding="iso-8859-1")
AGREEMENTS = (DATA / "netsgiro_avtalegiro_agreements.txt").read_bytes()
OUR_SAMPLE_PATH = (
    Path(__file__).resolve().parents[2] / "data" / "samples" / "avtalegiro-agreements-2024-03-20.txt"
)
OUR_SAMPLE = OUR_SAMPLE_PATH.read_bytes()
NETS_DAY = date(2017, 4, 19)  # the date in Nets' sample's transmission end record
NETS_TRANSMISSION = "00008080/1091949"  # its transmission start's data transmitter and transmission number
HEADER = {
    "data_transmitter": "55555555",
    "data_recipient": "00008080",
    "transmission_number": "1000081",
    "assignment_number": "4000086",
    "assignment_account": "88888888888",
}


def sample_claim(kid: str, invoice: str | None, notify: bool = True) -> DirectDebitClaim:
    text = (
        f" Gjelder Faktura: {invoice}  Dato: 19/03/04                  ForfallsDato: 17/06/04"
        if invoice
        else ""
    )
    return DirectDebitClaim(kid, Money(100), date(2004, 6, 17), "NAVN", "", notify, text)


SAMPLE_CLAIMS = [
    sample_claim("008000011688373", "168837"),
    sample_claim("008000021688389", "168838"),
    sample_claim("008000031688395", None),
    sample_claim("008000041688401", None),
    sample_claim("008000051688416", "168841"),
    sample_claim("008000061688422", None, notify=False),
]


def test_the_claims_of_nets_sample_are_written_as_the_sample_byte_for_byte() -> None:
    written = avtalegiro_claims(SAMPLE_CLAIMS, **HEADER)

    assert written == REQUEST_SAMPLE


def test_written_claims_parse_back_with_netsgiro_with_their_totals() -> None:
    claims = [
        DirectDebitClaim(
            "000000000001206",
            Money(448000),
            date(2026, 3, 20),
            "Kari Nordmann",
            "Faktura 120",
            True,
            "Faktura 120\nBeløp 4 480,00 kr",
        ),
        DirectDebitClaim("000000000001214", Money(224150), date(2026, 3, 31), "Ola", "Faktura 121", False),
    ]

    written = avtalegiro_claims(claims, **HEADER)
    transmission = netsgiro.parse(written)

    assert all(len(line) == 80 for line in written.splitlines())
    assert transmission.date == date(2026, 3, 20)  # the earliest due date
    assert transmission.get_total_amount() == 6721.50
    [assignment] = transmission.assignments
    first, second = assignment.transactions
    assert isinstance(first, netsgiro.PaymentRequest) and isinstance(second, netsgiro.PaymentRequest)
    assert (first.kid, first.amount_in_cents, first.date) == ("000000000001206", 448000, date(2026, 3, 20))
    assert (first.payer_name, first.reference) == ("Kari Nordm", "Faktura 120")
    assert first.type == netsgiro.TransactionType.AVTALEGIRO_WITH_BANK_NOTIFICATION
    assert first.text is not None
    assert first.text.splitlines()[1].rstrip() == "Beløp 4 480,00 kr"
    assert second.type == netsgiro.TransactionType.AVTALEGIRO_WITH_PAYEE_NOTIFICATION


def test_bad_claims_and_header_are_refused_by_name_before_anything_is_written() -> None:
    claims = [
        DirectDebitClaim("12A4", Money(100), date(2026, 3, 20), "X", "", False),
        DirectDebitClaim("1234", Money(0), date(2026, 3, 20), "X", "", False),
    ]

    with pytest.raises(InvalidInput) as caught:
        avtalegiro_claims(claims, **{**HEADER, "assignment_account": "8888"})

    assert [v.field for v in caught.value.violations] == [
        "assignment_account",
        "claims[0].kid",
        "claims[1].amount",
    ]


def test_no_claims_no_file() -> None:
    with pytest.raises(InvalidInput) as caught:
        avtalegiro_claims([], **HEADER)

    assert caught.value.violations[0].field == "claims"


def test_nets_agreements_file_reads_to_sixteen_changes() -> None:
    changes = read_agreements(AGREEMENTS)

    assert len(changes) == 16
    assert changes[0] == AgreementChange(
        line=3,
        kid="000112000507155",
        active=True,
        notify=True,
        sent_on=NETS_DAY,
        transmission=NETS_TRANSMISSION,
    )
    assert changes[1] == AgreementChange(
        line=4,
        kid="001006300507304",
        active=True,
        notify=False,
        sent_on=NETS_DAY,
        transmission=NETS_TRANSMISSION,
    )
    assert changes[-1] == AgreementChange(
        line=18,
        kid="001186100509492",
        active=True,
        notify=False,
        sent_on=NETS_DAY,
        transmission=NETS_TRANSMISSION,
    )
    assert sum(change.notify for change in changes) == 11


def test_a_deleted_agreement_is_inactive() -> None:
    lines = AGREEMENTS.decode("iso-8859-1").splitlines()
    lines[2] = lines[2][:15] + "2" + lines[2][16:]  # registration type 2: deleted

    assert read_agreements("\n".join(lines).encode("iso-8859-1"))[0].active is False


def agreements_file(*records: tuple[str, netsgiro.AvtaleGiroRegistrationType, bool]) -> bytes:
    """An agreements file as the bank writes it (netsgiro), one agreement per (KID, registration type,
    notify)."""
    transmission = netsgiro.Transmission(
        number="1000001", data_transmitter="00008080", data_recipient="55555555", date=date(2024, 3, 20)
    )
    assignment = netsgiro.Assignment(
        service_code=netsgiro.ServiceCode.AVTALEGIRO,
        type=netsgiro.AssignmentType.AVTALEGIRO_AGREEMENTS,
        number="4000001",
        account="88888888888",
    )
    transmission.assignments.append(assignment)
    for number, (kid, registration_type, notify) in enumerate(records, start=1):
        assignment.transactions.append(
            netsgiro.Agreement(
                service_code=netsgiro.ServiceCode.AVTALEGIRO,
                number=number,
                registration_type=registration_type,
                kid=kid,
                notify=notify,
            )
        )
    return (transmission.to_ocr() + "\n").encode("iso-8859-1")


def test_a_full_list_of_active_agreements_reads_as_such_and_changes_do_not() -> None:
    SENT = date(2024, 3, 20)  # noqa: N806  (the files' own date, from their transmission end records)
    kinds = netsgiro.AvtaleGiroRegistrationType
    full = agreements_file(("18", kinds.ACTIVE_AGREEMENT, True), ("26", kinds.ACTIVE_AGREEMENT, False))
    changes = agreements_file(
        ("18", kinds.NEW_OR_UPDATED_AGREEMENT, True), ("26", kinds.DELETED_AGREEMENT, False)
    )

    def read(line: int, kid: str, active: bool, notify: bool, complete_list: bool) -> AgreementChange:
        # each record carries the file's date (end record) and transmission (start record)
        return AgreementChange(line, kid, active, notify, complete_list, SENT, "00008080/1000001")

    assert read_agreements(full) == [read(3, "18", True, True, True), read(4, "26", True, False, True)]
    assert read_agreements(changes) == [read(3, "18", True, True, False), read(4, "26", False, False, False)]
    # Nets' sample and ours are changes (type 1): no agreement they leave out ends
    assert not any(change.complete_list for change in read_agreements(AGREEMENTS))
    assert not any(change.complete_list for change in read_agreements(OUR_SAMPLE))
    assert {change.sent_on for change in read_agreements(OUR_SAMPLE)} == {date(2024, 3, 20)}  # its end record


def test_the_full_list_sample_lists_customers_1_and_3_and_leaves_out_2() -> None:
    full = (OUR_SAMPLE_PATH.parent / "avtalegiro-agreements-full-2024-06-03.txt").read_bytes()
    changes = read_agreements(full)
    assert all(change.complete_list and change.active for change in changes)
    assert [(change.kid, change.notify) for change in changes] == [("18", True), ("34", False)]


def refusal(lines: list[str]) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInput) as caught:
        read_agreements("\n".join(lines).encode("iso-8859-1"))
    return [(v.field, v.description) for v in caught.value.violations]


def test_a_broken_agreement_record_is_refused_by_line() -> None:
    lines = AGREEMENTS.decode("iso-8859-1").splitlines()
    lines[4] = lines[4][:41] + "X" + lines[4][42:]  # the notify flag must be J or N

    [(field, description)] = refusal(lines)

    assert field == "line 5"
    assert description.startswith("the agreement (record type 70) is malformed")


def test_a_bad_registration_type_and_a_date_that_is_no_day_are_said_in_the_file_s_terms() -> None:
    lines = AGREEMENTS.decode("iso-8859-1").splitlines()
    lines[4] = lines[4][:15] + "7" + lines[4][16:]  # registration type: 0, 1 or 2
    lines[-1] = lines[-1][:41] + "320824" + lines[-1][47:]  # the bank's date: 32 August

    assert refusal(lines) == [
        (
            "line 5",
            "the agreement (record type 70) is malformed: registration type 7 (column 16) is not 0 (listed "
            "as active), 1 (new or changed) or 2 (deleted)",
        ),
        (
            "line 20",
            "the transmission end (record type 89) is malformed: a date in it is not a day written DDMMYY "
            "(columns 42–47 hold 320824)",
        ),
    ]


def test_a_missing_agreement_fails_both_counts() -> None:
    lines = AGREEMENTS.decode("iso-8859-1").splitlines()
    del lines[5]

    assert refusal(lines) == [
        ("line 18", "the assignment end (record type 88) gives 16 agreements; there are 15"),
        ("line 18", "the assignment end (record type 88) gives 18 records; there are 17"),
        ("line 19", "the transmission end (record type 89) gives 16 agreements; there are 15"),
        ("line 19", "the transmission end (record type 89) gives 20 records; there are 19"),
    ]


def test_a_payment_request_file_is_not_an_agreements_file() -> None:
    violations = refusal(REQUEST_SAMPLE.splitlines())

    assert violations[0] == ("line 3", "record type '30' (columns 7–8) is not one of an agreements file")
    assert len(violations) == 18  # each payment request's records 30, 31 and 49


def test_an_assignment_of_payment_requests_is_refused_in_an_agreements_file() -> None:
    lines = AGREEMENTS.decode("iso-8859-1").splitlines()
    lines[1] = "NY2100" + lines[1][6:]

    assert refusal(lines) == [
        (
            "line 2",
            "the assignment is of type 00; an agreements file's are of type 24 (AvtaleGiro agreements)",
        )
    ]


def test_a_short_line_and_an_empty_file_are_refused() -> None:
    lines = AGREEMENTS.decode("iso-8859-1").splitlines()
    lines[6] = lines[6][:50]

    assert refusal(lines) == [("line 7", "the record is 50 characters long; AvtaleGiro records are 80")]
    with pytest.raises(InvalidInput) as caught:
        read_agreements(b"")
    assert caught.value.violations[0].field == "file"
