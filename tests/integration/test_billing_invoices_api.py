"""Finding issued invoices, reading one, and getting its document over gRPC, on SQLite and PostgreSQL: the
filters, paging, the errors a caller can cause, and documents equal to the ones the billing run wrote."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from propertytax.billing.v1 import billing_pb2
from services.platform.auth import Role
from services.platform.grpc_status import field_violations
from services.platform.money import Money
from services.platform.runtime import ServiceRuntime
from tests.integration.billing_fixtures import Api, billing_service, run_month, seed_recipients

pytestmark = pytest.mark.kafka
SECRET = "billing-test-secret-0123456789abcdefghij"


class Issued:
    """The billing service after a February and an April run, with clients for three roles."""

    def __init__(self, service: ServiceRuntime, channel: grpc.Channel, var_dir: Path) -> None:
        self.service = service
        self.officer = Api(channel, SECRET, Role.BILLING_OFFICER)
        self.reader = Api(channel, SECRET, Role.READER)
        self.assessor = Api(channel, SECRET, Role.ASSESSOR)
        self.var_dir = var_dir
        self.february = run_month(self.officer, 2024, 2, "2024-02-05")
        self.april = run_month(self.officer, 2024, 4, "2024-04-05")

    def journal(self, run: Any) -> dict[int, dict[str, str]]:
        rows = csv.DictReader(Path(run.journal_path).read_text(encoding="utf-8").splitlines())
        return {int(r["invoice_number"]): r for r in rows}

    def written(self, run: Any, number: int) -> Path:
        (directory,) = (self.var_dir / "invoices").glob(f"{run.year}-{run.month:02d}-{run.run_id[:8]}")
        (path,) = directory.glob(f"{number}.*")
        return path


@pytest.fixture
def issued(database_url: str, kafka_bootstrap: str, tmp_path: Path) -> Iterator[Issued]:
    with billing_service(database_url, kafka_bootstrap, tmp_path, SECRET) as service:
        seed_recipients(service)
        channel = grpc.insecure_channel(f"127.0.0.1:{service.server.port}")
        try:
            yield Issued(service, channel, tmp_path)
        finally:
            channel.close()


def _numbers(api: Any, **filters: Any) -> list[int]:
    found = api.FindInvoices(billing_pb2.FindInvoicesRequest(**filters))
    assert found.next_page_token == ""
    return [i.invoice_number for i in found.invoices]


def _violations(call: Any, request: Any) -> dict[str, str]:
    with pytest.raises(grpc.RpcError) as bad:
        call(request)
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT, bad.value.details()
    return field_violations(bad.value)


def test_find_by_each_filter_and_the_summaries_match_the_journal(issued: Issued) -> None:
    api = issued.reader  # readers may look
    february = issued.journal(issued.february)
    april = issued.journal(issued.april)
    assert len(february) >= 1 and len(april) >= 2
    everything = sorted([*february, *april])
    assert _numbers(api) == everything == list(range(1, len(everything) + 1))

    assert _numbers(api, run_id=issued.february.run_id) == sorted(february)
    assert _numbers(api, run_id=issued.april.run_id) == sorted(april)
    monthly = [n for n in everything if {**february, **april}[n]["account_id"] == "acc-01"]
    assert len(monthly) == 2
    assert _numbers(api, account_id="acc-01") == monthly
    assert _numbers(api, property_id="p11") == monthly  # acc-01's second property
    assert _numbers(api, property_id="p3") == [n for n, r in april.items() if r["account_id"] == "acc-03"]
    assert _numbers(api, property_id="p99") == []
    assert _numbers(api, kind="invoice") == everything
    assert _numbers(api, kind="credit_note") == []
    assert _numbers(api, issued_from="2024-03-01") == sorted(april)
    assert _numbers(api, issued_to="2024-02-05") == sorted(february)
    assert _numbers(api, issued_from="2024-02-05", issued_to="2024-02-05") == sorted(february)
    assert _numbers(api, issued_from="2024-04-06") == []
    assert _numbers(api, account_id="acc-01", issued_from="2024-03-01") == [monthly[1]]
    assert _numbers(api, account_id="acc-01", run_id=issued.february.run_id, kind="invoice") == [monthly[0]]

    found = api.FindInvoices(billing_pb2.FindInvoicesRequest()).invoices
    for summary in found:
        row = {**february, **april}[summary.invoice_number]
        assert summary.kid == row["kid"] and summary.account_id == row["account_id"]
        assert " ".join(summary.property_ids) == row["property_ids"]
        assert (summary.issue_date, summary.due_date) == (row["issue_date"], row["due_date"])
        assert (summary.period_start, summary.period_end) == (row["period_start"], row["period_end"])
        assert summary.total.ore == Money.of(row["amount_nok"]).ore and summary.kind == row["kind"]
        assert summary.net.ore + summary.vat.ore == summary.total.ore
        run = issued.february if summary.invoice_number in february else issued.april
        assert summary.run_id == run.run_id
        organisation = summary.account_id in ("acc-05", "acc-10")
        assert summary.channel == (billing_pb2.CHANNEL_EHF if organisation else billing_pb2.CHANNEL_PRINT)
    assert list(next(s for s in found if s.invoice_number == monthly[1]).property_ids) == ["p1", "p11"]


def test_paging_walks_every_invoice_once(issued: Issued) -> None:
    api = issued.officer
    everything = _numbers(api)
    seen: list[int] = []
    token = ""
    pages = 0
    while True:
        page = api.FindInvoices(billing_pb2.FindInvoicesRequest(page_size=1, page_token=token))
        seen.extend(i.invoice_number for i in page.invoices)
        pages += 1
        token = page.next_page_token
        if not token:
            break
        assert pages <= len(everything)
    assert seen == everything and pages == len(everything)

    april = sorted(issued.journal(issued.april))
    first = api.FindInvoices(
        billing_pb2.FindInvoicesRequest(run_id=issued.april.run_id, page_size=len(april) - 1)
    )
    assert [i.invoice_number for i in first.invoices] == april[:-1] and first.next_page_token
    rest = api.FindInvoices(
        billing_pb2.FindInvoicesRequest(
            run_id=issued.april.run_id, page_size=len(april) - 1, page_token=first.next_page_token
        )
    )
    assert [i.invoice_number for i in rest.invoices] == april[-1:] and rest.next_page_token == ""


def test_one_invoice_with_its_lines(issued: Issued) -> None:
    api = issued.reader
    (number,) = [n for n, r in issued.journal(issued.april).items() if r["account_id"] == "acc-01"]
    answer = api.GetInvoice(billing_pb2.GetInvoiceRequest(invoice_number=number))
    assert answer.invoice.invoice_number == number and answer.invoice.account_id == "acc-01"
    assert sorted({line.property_id for line in answer.lines}) == ["p1", "p11"]
    assert sum(line.amount.ore for line in answer.lines) == answer.invoice.net.ore
    for line in answer.lines:
        assert line.code and line.description and line.vat_rate in ("0", "0.00", "0.25")
        assert line.period_start <= line.period_end <= answer.invoice.period_end
        assert line.period_start >= answer.invoice.period_start
    tax = [line for line in answer.lines if line.code == "property_tax"]
    assert {line.property_id for line in tax} == {"p1", "p11"} and all(line.vat_rate == "0" for line in tax)


def test_missing_invoices_are_not_found(issued: Issued) -> None:
    for call, request in (
        (issued.officer.GetInvoice, billing_pb2.GetInvoiceRequest(invoice_number=9999)),
        (issued.officer.GetInvoiceDocument, billing_pb2.GetInvoiceDocumentRequest(invoice_number=9999)),
    ):
        with pytest.raises(grpc.RpcError) as missing:
            call(request)
        assert missing.value.code() == grpc.StatusCode.NOT_FOUND


def test_bad_input_names_the_fields(issued: Issued) -> None:
    api = issued.officer
    everything = _violations(
        api.FindInvoices,
        billing_pb2.FindInvoicesRequest(
            kind="bill", issued_from="2024-13-01", issued_to="soon", page_size=-1, page_token="x"
        ),
    )
    assert set(everything) == {"kind", "issued_from", "issued_to", "page_size", "page_token"}
    assert set(_violations(api.FindInvoices, billing_pb2.FindInvoicesRequest(page_size=1001))) == {
        "page_size"
    }
    reversed_range = billing_pb2.FindInvoicesRequest(issued_from="2024-04-05", issued_to="2024-04-01")
    assert set(_violations(api.FindInvoices, reversed_range)) == {"issued_to"}
    assert set(_violations(api.GetInvoice, billing_pb2.GetInvoiceRequest())) == {"invoice_number"}
    assert set(_violations(api.GetInvoice, billing_pb2.GetInvoiceRequest(invoice_number=-3))) == {
        "invoice_number"
    }
    assert set(
        _violations(api.GetInvoiceDocument, billing_pb2.GetInvoiceDocumentRequest(invoice_number=1, format=7))  # type: ignore[arg-type]
    ) == {"format"}
    person = next(n for n, r in issued.journal(issued.april).items() if r["account_id"] == "acc-02")
    ehf_for_a_person = billing_pb2.GetInvoiceDocumentRequest(
        invoice_number=person, format=billing_pb2.DOCUMENT_FORMAT_EHF
    )
    assert set(_violations(api.GetInvoiceDocument, ehf_for_a_person)) == {"format"}


def test_only_billing_officers_and_readers_may_read_invoices(issued: Issued) -> None:
    for call, request in (
        (issued.assessor.FindInvoices, billing_pb2.FindInvoicesRequest()),
        (issued.assessor.GetInvoice, billing_pb2.GetInvoiceRequest(invoice_number=1)),
        (issued.assessor.GetInvoiceDocument, billing_pb2.GetInvoiceDocumentRequest(invoice_number=1)),
    ):
        with pytest.raises(grpc.RpcError) as denied:
            call(request)
        assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert issued.reader.GetInvoiceDocument(billing_pb2.GetInvoiceDocumentRequest(invoice_number=1)).content


def test_documents_equal_what_the_run_wrote(issued: Issued) -> None:
    from services.billing.adapters.ehf_validation import EhfValidator, is_valid

    api = issued.reader
    april = issued.journal(issued.april)
    person = next(n for n, r in april.items() if r["account_id"] == "acc-02")
    organisation = next(n for n, r in april.items() if r["account_id"] == "acc-05")

    pdf = api.GetInvoiceDocument(billing_pb2.GetInvoiceDocumentRequest(invoice_number=person))
    assert (pdf.media_type, pdf.file_name) == ("application/pdf", f"faktura-{person}.pdf")
    assert pdf.content.startswith(b"%PDF")
    assert pdf.content == issued.written(issued.april, person).read_bytes()

    ehf = api.GetInvoiceDocument(billing_pb2.GetInvoiceDocumentRequest(invoice_number=organisation))
    assert (ehf.media_type, ehf.file_name) == ("application/xml", f"faktura-{organisation}.xml")
    assert ehf.content == issued.written(issued.april, organisation).read_bytes()
    assert april[organisation]["kid"].encode() in ehf.content
    validator = EhfValidator()
    try:
        findings = validator.validate_bytes(ehf.content)
    finally:
        validator.close()
    assert is_valid(findings), [f for f in findings if f.flag == "fatal"]

    as_pdf = api.GetInvoiceDocument(
        billing_pb2.GetInvoiceDocumentRequest(
            invoice_number=organisation, format=billing_pb2.DOCUMENT_FORMAT_PDF
        )
    )
    assert as_pdf.media_type == "application/pdf" and as_pdf.file_name == f"faktura-{organisation}.pdf"
    assert as_pdf.content.startswith(b"%PDF")
    same = api.GetInvoiceDocument(
        billing_pb2.GetInvoiceDocumentRequest(invoice_number=person, format=billing_pb2.DOCUMENT_FORMAT_PDF)
    )
    assert same.content == pdf.content
    explicit_ehf = api.GetInvoiceDocument(
        billing_pb2.GetInvoiceDocumentRequest(
            invoice_number=organisation, format=billing_pb2.DOCUMENT_FORMAT_EHF
        )
    )
    assert explicit_ehf.content == ehf.content


def test_a_credit_note_is_found_by_kind_and_names_the_invoice_it_corrects(issued: Issued) -> None:
    from services.billing.adapters.repository import PropertyTaxRepository
    from services.billing.adapters.unit_of_work import SqlBillingUnitOfWork
    from services.billing.application.record_property_tax import record_property_tax
    from services.billing.domain.property_tax import PropertyTax
    from services.platform.db import session_factory

    uow = SqlBillingUnitOfWork(session_factory(issued.service.engine))
    with uow:  # p1's tax is corrected down to 600 NOK: acc-01 (monthly) was over-invoiced
        record_property_tax(
            PropertyTaxRepository(uow.session),
            PropertyTax("p1", 2024, 2, "TAX_STATUS_TAXED", Money.of(600), Money(0), 4, "e-corr"),
        )
        uow.commit()
    may = run_month(issued.officer, 2024, 5, "2024-05-06")
    api = issued.reader
    (credit,) = api.FindInvoices(billing_pb2.FindInvoicesRequest(kind="credit_note")).invoices
    assert credit.account_id == "acc-01" and credit.run_id == may.run_id and credit.total.ore < 0
    assert credit.corrects_invoice_number in _numbers(api, account_id="acc-01", run_id=issued.april.run_id)
    assert credit.invoice_number not in _numbers(api, kind="invoice")
    assert _numbers(api, kind="credit_note", property_id="p1") == [credit.invoice_number]
    row = issued.journal(may)[credit.invoice_number]
    assert row["kind"] == "credit_note" and Money.of(row["amount_nok"]).ore == credit.total.ore

    document = api.GetInvoiceDocument(
        billing_pb2.GetInvoiceDocumentRequest(invoice_number=credit.invoice_number)
    )
    assert document.file_name == f"kreditnota-{credit.invoice_number}.pdf"
    assert document.content == issued.written(may, credit.invoice_number).read_bytes()
