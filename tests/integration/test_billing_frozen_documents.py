"""An issued document never changes: after the recipient moves (and an organisation is renamed) and the
office changes its seller file (another bank account), GetInvoiceDocument and a re-run of the run's
document step give the very bytes first issued, showing the old address and account number; on SQLite
and PostgreSQL. Also: invoices issued before the snapshots existed are back-filled by the migration."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import grpc
import pytest
import yaml
from alembic import command
from sqlalchemy import insert

from propertytax.billing.v1 import billing_pb2
from services.billing.adapters.orm import accounts, invoice_lines, invoices
from services.billing.adapters.repository import PropertyTaxRepository
from services.billing.adapters.run_documents import DEFAULT_SELLER_FILE, RunOutput
from services.billing.adapters.unit_of_work import SqlBillingUnitOfWork
from services.billing.application.record_property_tax import record_property_tax
from services.billing.application.run_billing import get_billing_run
from services.billing.application.run_output import write_run_output
from services.billing.domain.billing_run import CREDIT_NOTE, INVOICE
from services.billing.domain.property_tax import PropertyTax
from services.billing.service import SPEC, invoice_document
from services.platform.auth import Role
from services.platform.db import create_db_engine, session_factory
from services.platform.migrations import alembic_config, upgrade_to_head
from services.platform.money import Money
from services.platform.runtime import ServiceRuntime
from tests.integration.billing_fixtures import Api, billing_service, run_month, seed_recipients
from tests.pdf_text import pdf_text

SECRET = "billing-test-secret-0123456789abcdefghij"
FIRST_BANK_ACCOUNT, LATER_BANK_ACCOUNT = "12345678903", "98765432106"
PERSON, ORGANISATION, MONTHLY = "acc-02", "acc-05", "acc-01"  # see seed_recipients


def _seller_file(directory: Path, bank_account: str, street: str) -> Path:
    seller = yaml.safe_load(DEFAULT_SELLER_FILE.read_text(encoding="utf-8"))
    path = directory / f"seller-{bank_account}.yaml"
    path.write_text(yaml.safe_dump({**seller, "bank_account": bank_account, "street": street}), "utf-8")
    return path


@contextmanager
def _service(
    database_url: str, kafka: str, var_dir: Path, seller: Path
) -> Iterator[tuple[ServiceRuntime, Api]]:
    with billing_service(database_url, kafka, var_dir, SECRET, seller_file=seller) as service:
        channel = grpc.insecure_channel(f"127.0.0.1:{service.server.port}")
        try:
            yield service, Api(channel, SECRET, Role.BILLING_OFFICER)
        finally:
            channel.close()


def _move(api: Any, account_id: str, address: str, postcode: str, city: str) -> None:
    api.UpdateAccount(
        billing_pb2.UpdateAccountRequest(
            account_id=account_id, address_line=address, postcode=postcode, city=city
        )
    )


def _documents(api: Any, numbers: list[int]) -> dict[int, bytes]:
    return {
        n: api.GetInvoiceDocument(billing_pb2.GetInvoiceDocumentRequest(invoice_number=n)).content
        for n in numbers
    }


def _numbers_of(run: Any, service: ServiceRuntime) -> dict[tuple[str, str], int]:
    """The run's document numbers by recipient and kind."""
    with SqlBillingUnitOfWork(session_factory(service.engine)) as uow:
        return {(i.account_id, i.kind): i.invoice_number for i in uow.invoices.for_run(run.run_id)}


@pytest.mark.kafka
def test_documents_keep_the_address_and_seller_they_were_issued_with(
    database_url: str, kafka_bootstrap: str, tmp_path: Path
) -> None:
    first = _seller_file(tmp_path, FIRST_BANK_ACCOUNT, "Postboks 1, Sentrum")
    later = _seller_file(tmp_path, LATER_BANK_ACCOUNT, "Rådhusplassen 1")
    with _service(database_url, kafka_bootstrap, tmp_path, first) as (service, api):
        seed_recipients(service)
        _move(api, PERSON, "Storgata 1", "0155", "Oslo")
        _move(api, ORGANISATION, "Kirkegata 5", "0153", "Oslo")
        _move(api, MONTHLY, "Tollbugata 3", "0152", "Oslo")
        april = run_month(api, 2024, 4, "2024-04-05")
        uow = SqlBillingUnitOfWork(session_factory(service.engine))
        with uow:  # p1's tax is corrected down: acc-01 (monthly) gets a credit note in May
            record_property_tax(
                PropertyTaxRepository(uow.session),
                PropertyTax("p1", 2024, 2, "TAX_STATUS_TAXED", Money.of(600), Money(0), 4, "e-corr"),
            )
            uow.commit()
        may = run_month(api, 2024, 5, "2024-05-06")
        in_april, in_may = _numbers_of(april, service), _numbers_of(may, service)
        numbers = [in_april[PERSON, INVOICE], in_april[ORGANISATION, INVOICE], in_may[MONTHLY, CREDIT_NOTE]]
        issued = _documents(api, numbers)
        written = {n: next((tmp_path / "invoices").glob(f"*/{n}.*")).read_bytes() for n in numbers}
        assert issued == written

        # After issue: everyone moves, the organisation is renamed, and the office changes its seller.
        _move(api, PERSON, "Nyveien 99", "5003", "Bergen")
        _move(api, ORGANISATION, "Strandkaien 2", "5013", "Bergen")
        _move(api, MONTHLY, "Fjellveien 7", "5019", "Bergen")
        with uow:
            renamed = uow.accounts.get(ORGANISATION)
            assert renamed is not None
            uow.accounts.save(replace(renamed, name="Nytt Navn AS"))
            uow.commit()
    with _service(database_url, kafka_bootstrap, tmp_path, later) as (service, api):
        assert _documents(api, numbers) == issued
        for run in (april, may):  # a crash after the documents: the run's document step runs again
            again = RunOutput(
                journals=tmp_path / "again" / "journals", documents=tmp_path / "again" / "invoices"
            )
            write_run_output(
                SqlBillingUnitOfWork(session_factory(service.engine)),
                get_billing_run(SqlBillingUnitOfWork(session_factory(service.engine)), run.run_id),
                again,
            )
        for n in numbers:
            assert next((tmp_path / "again" / "invoices").glob(f"*/{n}.*")).read_bytes() == issued[n]

    person = pdf_text(issued[in_april[PERSON, INVOICE]])
    assert "Storgata 1" in person and "0155 Oslo" in person and "1234.56.78903" in person
    assert "Nyveien" not in person and "9876.54.32106" not in person
    assert re.search(r"Kundenummer \d+", person) and "Betalingsinformasjon" in person  # snapshotted at issue
    credit_note = pdf_text(issued[in_may[MONTHLY, CREDIT_NOTE]])
    assert "Kreditnota" in credit_note and "Tollbugata 3" in credit_note and "Fjellveien" not in credit_note
    ehf = issued[in_april[ORGANISATION, INVOICE]].decode()
    assert "Kirkegata 5" in ehf and "Eier 5" in ehf and FIRST_BANK_ACCOUNT in ehf and "Postboks 1" in ehf
    assert "Strandkaien" not in ehf and "Nytt Navn" not in ehf and LATER_BANK_ACCOUNT not in ehf


def test_the_migration_backfills_invoices_issued_before_it(database_url: str) -> None:
    """An invoice issued before 0006 keeps rendering: its recipient and seller are those of the day of the
    upgrade (the best there is), and from then on they no longer follow the account."""
    command.upgrade(alembic_config(SPEC.migrations_dir, database_url), "0005")
    engine = create_db_engine(database_url)
    try:
        now = datetime.now(UTC)
        with engine.begin() as connection:
            connection.execute(
                insert(accounts).values(
                    account_id="acc-old",
                    kind="person",
                    name="Kari Nordmann",
                    organisation_number="",
                    address_line="Storgata 1",
                    postcode="0155",
                    city="Oslo",
                    channel="print",
                    created_at=now,
                )
            )
            quarter = (date(2024, 1, 1), date(2024, 4, 1))
            connection.execute(
                insert(invoices).values(
                    invoice_number=1,
                    kind="invoice",
                    run_id="run-old",
                    account_id="acc-old",
                    channel="print",
                    kid="000000000000018",
                    issue_date=date(2024, 1, 10),
                    due_date=date(2024, 1, 31),
                    period_start=quarter[0],
                    period_end=quarter[1],
                    net_ore=112000,
                    vat_ore=0,
                    total_ore=112000,
                    created_at=now,
                )
            )
            connection.execute(
                insert(invoice_lines).values(
                    invoice_number=1,
                    line_no=1,
                    account_id="acc-old",
                    property_id="p1",
                    code="property_tax",
                    description="Eiendomsskatt 2024",
                    period_start=quarter[0],
                    period_end=quarter[1],
                    amount_ore=112000,
                    vat_rate=Decimal(0),
                )
            )
        upgrade_to_head(SPEC.migrations_dir, database_url)
        uow = SqlBillingUnitOfWork(session_factory(engine))
        before = invoice_document(uow, 1).content
        with uow:
            account = uow.accounts.get("acc-old")
            assert account is not None
            uow.accounts.save(replace(account, address_line="Nyveien 99", postcode="5003", city="Bergen"))
            uow.commit()
        assert invoice_document(uow, 1).content == before
        text = pdf_text(before)
        assert "Kari Nordmann Storgata 1 0155 Oslo" in text and "1234.56.78903" in text
    finally:
        engine.dispose()
