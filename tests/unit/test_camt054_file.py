"""camt.054 credit notifications read into payments: the Bits-shaped sample exactly, version .08, and broken
notifications refused by line (XML, schema, currency, totals)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from services.billing.adapters.camt054_file import read_camt054
from services.billing.domain.payments import IncomingPayment, PaymentFileFormat
from services.platform.errors import InvalidInput
from services.platform.money import Money

DATA = Path(__file__).resolve().parents[1] / "data" / "payments"
SAMPLE = (DATA / "camt054_001_02_kid_payments.xml").read_text(encoding="utf-8")

V08 = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr>
      <MsgId>N08-1</MsgId>
      <CreDtTm>2026-04-02T07:00:00+02:00</CreDtTm>
    </GrpHdr>
    <Ntfctn>
      <Id>N08-1-1</Id>
      <Acct>
        <Id><IBAN>NO8315032080119</IBAN></Id>
      </Acct>
      <Ntry>
        <Amt Ccy="NOK">250.75</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <ValDt><Dt>2026-04-01</Dt></ValDt>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>
          <TxDtls>
            <Refs><AcctSvcrRef>A-77</AcctSvcrRef></Refs>
            <Amt Ccy="NOK">250.75</Amt>
            <CdtDbtInd>CRDT</CdtDbtInd>
            <RltdPties>
              <Dbtr><Pty><Nm>KARI NORDMANN</Nm></Pty></Dbtr>
              <DbtrAcct><Id><Othr><Id>30001234567</Id></Othr></Id></DbtrAcct>
            </RltdPties>
            <RmtInf><Strd><CdtrRefInf><Ref>000000000001230</Ref></CdtrRefInf></Strd></RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="NOK">49.00</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-04-01</Dt></BookgDt>
        <BkTxCd><Domn><Cd>ACMT</Cd><Fmly><Cd>MDOP</Cd><SubFmlyCd>CHRG</SubFmlyCd></Fmly></Domn></BkTxCd>
      </Ntry>
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>
"""


def refusal(text: str) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInput) as caught:
        read_camt054(text.encode("utf-8"))
    return [(violation.field, violation.description) for violation in caught.value.violations]


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """The 1-based line of the fragment's nth occurrence."""
    position = -1
    for _ in range(occurrence):
        position = text.index(fragment, position + 1)
    return text.count("\n", 0, position) + 1


def at(text: str, fragment: str, before: int = 0) -> str:
    """The violation field of the line `before` lines above the fragment's first line."""
    return f"line {line_of(text, fragment) - before}"


def test_the_bits_shaped_sample_gives_its_four_payments_exactly() -> None:
    notification = read_camt054(SAMPLE.encode("utf-8"))

    assert notification.format == PaymentFileFormat.CAMT_054
    assert notification.file_reference == "CAMT054-20260305-000173"
    assert notification.created_on == date(2026, 3, 5)
    assert notification.creditor_account == "15032080119"
    assert notification.total == Money(948000)
    assert notification.payments == (
        IncomingPayment(
            line=line_of(SAMPLE, "<TxDtls>", 1),
            kid="000000000001206",
            amount=Money(448000),
            paid_on=date(2026, 3, 4),
            reference="90310004117",
            payer_account="30001234567",
            payer_name="KARI NORDMANN",
        ),
        IncomingPayment(
            line=line_of(SAMPLE, "<TxDtls>", 2),
            kid="000000000001214",
            amount=Money(224150),
            paid_on=date(2026, 3, 4),
            reference="90310004118",
            payer_account="60110512344",
            payer_name="OLA NORDMANN",
        ),
        IncomingPayment(
            line=line_of(SAMPLE, "<TxDtls>", 3),
            kid="000000000001222",
            amount=Money(175850),
            paid_on=date(2026, 3, 4),
            reference="90310004121",
            payer_account="NO9386011117947",
            payer_name="BORETTSLAGET SOLSIDEN",
        ),
        IncomingPayment(
            line=line_of(SAMPLE, "<TxDtls>", 4),
            kid="",  # the payer wrote free text instead of the KID: the unmatched queue's
            amount=Money(100000),
            paid_on=date(2026, 3, 5),
            reference="90310004140",
            payer_account="12345678903",
            payer_name="PER HANSEN",
        ),
    )
    assert [payment.line for payment in notification.payments] == [90, 135, 197, 257]


def test_version_08_reads_its_amount_and_party_and_passes_over_debits() -> None:
    notification = read_camt054(V08.encode("utf-8"))

    assert notification.created_on == date(2026, 4, 2)
    assert notification.creditor_account == "NO8315032080119"
    assert notification.payments == (
        IncomingPayment(
            line=line_of(V08, "<TxDtls>"),
            kid="000000000001230",
            amount=Money(25075),
            paid_on=date(2026, 4, 1),  # no booking date: the value date
            reference="A-77",
            payer_account="30001234567",
            payer_name="KARI NORDMANN",
        ),
    )


def test_xml_that_is_not_well_formed_is_refused_by_line() -> None:
    broken = SAMPLE.replace("<NtryRef>2</NtryRef>", "<NtryRef>2</NtryRf>")

    [(field, description)] = refusal(broken)

    assert field == at(SAMPLE, "<NtryRef>2</NtryRef>")
    assert description.startswith("is not well-formed XML: ")


def test_a_schema_violation_is_refused_by_line() -> None:
    invalid = SAMPLE.replace("<CdtDbtInd>CRDT</CdtDbtInd>\n        <Sts>BOOK</Sts>", "<Sts>BOOK</Sts>", 1)

    violations = refusal(invalid)

    assert violations[0][0] == at(SAMPLE, "<Sts>BOOK</Sts>", before=1)
    assert violations[0][1].startswith("breaks the camt.054.001.02 schema: ")
    assert "Sts" in violations[0][1]


def test_an_amount_in_another_currency_is_refused_by_line() -> None:
    swedish = SAMPLE.replace('<Amt Ccy="NOK">1000.00</Amt>', '<Amt Ccy="SEK">1000.00</Amt>')

    violations = refusal(swedish)

    assert (
        at(SAMPLE, '<Amt Ccy="NOK">1000.00</Amt>'),
        "the amount is in SEK; payments are in NOK only",
    ) in violations


def test_a_changed_transaction_amount_fails_the_entry_batch_and_summary_totals_by_line() -> None:
    changed = SAMPLE.replace('<Amt Ccy="NOK">2241.50</Amt>', '<Amt Ccy="NOK">2241.00</Amt>')

    violations = refusal(changed)

    assert violations == [
        (
            at(SAMPLE, "<Btch>"),
            "the batch (Btch) gives a total of 6 721,50 kr; its transactions sum to 6 721,00 kr",
        ),
        (
            at(SAMPLE, '<Amt Ccy="NOK">6721.50</Amt>'),
            "the entry's amount is 6 721,50 kr; its transactions (TxDtls) sum to 6 721,00 kr",
        ),
    ]


def test_a_changed_entry_amount_fails_the_entry_and_the_summary() -> None:
    changed = SAMPLE.replace(
        '<Amt Ccy="NOK">1758.50</Amt>\n        <CdtDbtInd>',
        '<Amt Ccy="NOK">1785.50</Amt>\n        <CdtDbtInd>',
    )

    violations = refusal(changed)

    assert violations == [
        (
            at(SAMPLE, '<Amt Ccy="NOK">1758.50</Amt>'),
            "the entry's amount is 1 785,50 kr; its transactions (TxDtls) sum to 1 758,50 kr",
        ),
        (
            at(SAMPLE, "<TtlCdtNtries>"),
            "the summary of credited entries (TtlCdtNtries) gives a sum of 9480.00; the credited entries sum "
            "to 9507.00",
        ),
    ]


def test_a_batch_count_that_disagrees_is_refused() -> None:
    changed = SAMPLE.replace("<NbOfTxs>2</NbOfTxs>", "<NbOfTxs>3</NbOfTxs>")

    assert refusal(changed) == [(at(SAMPLE, "<Btch>"), "the batch (Btch) gives 3 transactions; there are 2")]


def test_fractions_of_an_ore_are_refused() -> None:
    changed = SAMPLE.replace('<Amt Ccy="NOK">1000.00</Amt>', '<Amt Ccy="NOK">1000.005</Amt>')

    violations = refusal(changed)

    assert (
        at(SAMPLE, '<Amt Ccy="NOK">1000.00</Amt>'),
        "the amount '1000.005' is not whole øre",
    ) in violations


def test_another_camt054_version_is_refused_by_name() -> None:
    other = SAMPLE.replace("camt.054.001.02", "camt.054.001.04")

    [(field, description)] = refusal(other)

    assert field == "file"
    assert description.startswith("is in namespace urn:iso:std:iso:20022:tech:xsd:camt.054.001.04; camt.054")


def test_a_notification_with_only_debits_holds_no_payments() -> None:
    only_debit = (
        V08[: V08.index("      <Ntry>")] + V08[V08.index('      <Ntry>\n        <Amt Ccy="NOK">49.00') :]
    )

    assert refusal(only_debit) == [("file", "holds no credited payments (no Ntry with CdtDbtInd CRDT)")]


def test_a_reversal_entry_is_refused() -> None:
    reversed_entry = V08.replace(
        "<CdtDbtInd>CRDT</CdtDbtInd>\n        <Sts>",
        "<CdtDbtInd>CRDT</CdtDbtInd>\n        <RvslInd>true</RvslInd>\n        <Sts>",
    )

    assert refusal(reversed_entry) == [
        (
            at(reversed_entry, '<Amt Ccy="NOK">250.75</Amt>', before=1),
            "the entry is a reversal (RvslInd), not a payment: the file is refused",
        )
    ]
