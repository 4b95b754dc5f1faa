"""Billing officers find invoice recipients and read billing in kroner (real gRPC on SQLite and
PostgreSQL, real broker): FindAccounts by name, property, organisation number and customer number, its bad
filters refused with field violations, and the CLI's `recipients find|show|update`, `invoices find|show`
and `get-property` in people's form (or --json), with ordinary mistakes answered in one line."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import grpc
import pytest

from propertytax.billing.v1 import billing_pb2
from services.billing.adapters.unit_of_work import SqlBillingUnitOfWork
from services.billing.domain.billing_property import BillingProperty
from services.cli import main
from services.platform.auth import Role, TokenAuthority
from services.platform.db import session_factory
from services.platform.grpc_status import field_violations
from services.platform.runtime import ServiceRuntime
from tests.integration.billing_fixtures import (
    ORGANISATION_NUMBER,
    Api,
    billing_service,
    run_month,
    seed_recipients,
)

pytestmark = pytest.mark.kafka
SECRET = "billing-recipients-secret-0123456789abcdef"
# The in-process service logs to the same stdout and stderr: its lines are left out of what the CLI said.
_LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[")


def _said(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not _LOG_LINE.match(line))


class Billing:
    def __init__(self, service: ServiceRuntime, channel: grpc.Channel) -> None:
        self.service = service
        self.api = Api(channel, SECRET, Role.BILLING_OFFICER)
        self.target = f"127.0.0.1:{service.server.port}"


@pytest.fixture
def billing(database_url: str, kafka_bootstrap: str, tmp_path: Path) -> Iterator[Billing]:
    with billing_service(database_url, kafka_bootstrap, tmp_path, SECRET) as service:
        seed_recipients(service)  # acc-01 … acc-10 get customer numbers 1 … 10, in the order created
        channel = grpc.insecure_channel(f"127.0.0.1:{service.server.port}")
        try:
            yield Billing(service, channel)
        finally:
            channel.close()


@pytest.fixture
def cli(billing: Billing, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    monkeypatch.setenv("PROPERTYTAX_TOKEN", TokenAuthority(SECRET).mint("kari", [Role.BILLING_OFFICER]))
    monkeypatch.setenv("PROPERTYTAX_BILLING_TARGET", billing.target)

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(["billing", *argv])
        said = capsys.readouterr()
        assert "Traceback" not in said.err, said.err
        return code, _said(said.out), _said(said.err)

    return run


def _fields(out: str) -> dict[str, str]:
    """A record's "Label   value" lines as a dict (up to the first blank line)."""
    fields: dict[str, str] = {}
    for line in out.split("\n\n")[0].splitlines():
        label, gap, value = line.partition("  ")
        if gap and label.strip():
            fields[label] = value.strip()
    return fields


def _find(api: Api, **filters: Any) -> list[tuple[int, str]]:
    found = api.FindAccounts(billing_pb2.FindAccountsRequest(**filters))
    return [(a.customer_number, a.account_id) for a in found.accounts]


def test_find_accounts_by_each_filter(billing: Billing) -> None:
    api = billing.api
    # Name: any part, any case; "eier 1" is in "Eier 1" and "Eier 10".
    assert _find(api, name="eier 1") == [(1, "acc-01"), (10, "acc-10")]
    assert _find(api, name="EIER 7") == [(7, "acc-07")]
    assert _find(api, name="100 %") == []  # LIKE's wildcards are matched as themselves
    assert _find(api, property_id="p11") == [(1, "acc-01")]
    assert _find(api, organisation_number="974 683 520") == [(5, "acc-05"), (10, "acc-10")]
    assert _find(api, customer_number=3) == [(3, "acc-03")]
    assert _find(api, name="eier", organisation_number=ORGANISATION_NUMBER) == [(5, "acc-05"), (10, "acc-10")]
    (first,) = api.FindAccounts(billing_pb2.FindAccountsRequest(customer_number=1)).accounts
    assert (first.kind, first.properties, first.interval) == (
        "person",
        2,
        billing_pb2.INVOICE_INTERVAL_MONTHLY,
    )
    assert (first.postcode, first.city, first.channel) == ("0150", "Oslo", billing_pb2.CHANNEL_PRINT)

    page = api.FindAccounts(billing_pb2.FindAccountsRequest(name="eier", page_size=4))
    seen = [a.customer_number for a in page.accounts]
    while page.next_page_token:
        page = api.FindAccounts(
            billing_pb2.FindAccountsRequest(name="eier", page_size=4, page_token=page.next_page_token)
        )
        seen += [a.customer_number for a in page.accounts]
    assert seen == list(range(1, 11))


@pytest.mark.parametrize(
    ("request_fields", "field"),
    [
        ({}, "name"),  # no filter at all: not a search
        ({"name": "x" * 201}, "name"),
        ({"name": "Kari 15.03.32 900 36"}, "name"),  # an identity number is never searched for
        ({"organisation_number": "12345"}, "organisation_number"),
        ({"property_id": "p" * 65}, "property_id"),
        ({"customer_number": -1}, "customer_number"),
        ({"name": "eier", "page_size": 5000}, "page_size"),
        ({"name": "eier", "page_token": "not-a-token"}, "page_token"),
    ],
)
def test_bad_filters_are_invalid_argument_naming_the_field(
    billing: Billing, request_fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        billing.api.FindAccounts(billing_pb2.FindAccountsRequest(**request_fields))
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in field_violations(refused.value)
    assert "900 36" not in (refused.value.details() or "")


def test_get_account_by_customer_number_with_properties_and_latest_invoices(billing: Billing) -> None:
    run_month(billing.api, 2024, 4, "2024-04-05")
    answer = billing.api.GetAccount(billing_pb2.GetAccountRequest(customer_number=1))
    assert (answer.account.account_id, answer.account.customer_number) == ("acc-01", 1)
    assert [h.property_id for h in answer.account.holdings] == ["p1", "p11"]
    (latest,) = answer.latest_invoices
    assert latest.account_id == "acc-01" and latest.issue_date == "2024-04-05"
    with pytest.raises(grpc.RpcError) as missing:
        billing.api.GetAccount(billing_pb2.GetAccountRequest(customer_number=99))
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND


def test_recipients_find_and_show_in_peoples_form(billing: Billing, cli: Any) -> None:
    run_month(billing.api, 2024, 4, "2024-04-05")
    code, out, _ = cli("recipients", "find", "--name", "EIER 1")
    assert code == 0
    lines = out.splitlines()
    assert "Customer no." in lines[0] and "Name" in lines[0] and "Properties" in lines[0]
    rows = [line.split() for line in lines[2:]]
    assert [row[:3] for row in rows] == [["1", "Eier", "1"], ["10", "Eier", "10"]]
    assert "monthly" in lines[2] and "0150 Oslo" in lines[2] and "print" in lines[2]
    assert "974683520" in lines[3] and "organisation" in lines[3] and "ehf" in lines[3]

    code, out, _ = cli("recipients", "find", "--name", "nobody")
    assert (code, out) == (0, "No invoice recipient matches.\n")

    code, out, _ = cli("recipients", "find", "--customer-number", "3", "--json")
    (found,) = json.loads(out)["accounts"]
    assert (found["account_id"], found["customer_number"], found["properties"]) == ("acc-03", "3", 1)

    code, out, _ = cli("recipients", "show", "1")
    assert code == 0
    shown = _fields(out)
    assert (shown["Customer number"], shown["Name"], shown["Kind"]) == ("1", "Eier 1", "person")
    assert (shown["Address"], shown["Channel"], shown["Interval changes"]) == (
        "Testveien 1",
        "print",
        "monthly from 01.01.2024",
    )
    assert "0150 Oslo" in out and shown["Interval"] == "monthly (in force today)"
    assert "p11" in out and "01.01.2024" in out and "whole" in out
    invoice_line = next(line for line in out.splitlines() if "05.04.2024" in line)
    assert "invoice" in invoice_line and invoice_line.rstrip().endswith(" kr")
    # The latest invoice's amount as the invoice API gives it, written the Norwegian way.
    latest = billing.api.GetAccount(billing_pb2.GetAccountRequest(account_id="acc-01")).latest_invoices[0]
    kroner, ore = divmod(latest.total.ore, 100)
    assert f"{kroner:,}".replace(",", " ") + f",{ore:02d} kr" in invoice_line

    code, out, _ = cli("account", "get", "acc-01", "--json")  # the older name, for scripts
    assert json.loads(out)["account"]["customer_number"] == "1"


def test_recipients_update_by_customer_number_and_its_mistakes(billing: Billing, cli: Any) -> None:
    code, out, _ = cli("recipients", "update", "2", "--interval", "monthly", "--interval-from", "2099-03-01")
    assert code == 0
    assert out.startswith("Updated invoice recipient 2 (Eier 2).\n")
    assert "quarterly (in force today)" in out and "monthly from 01.03.2099" in out

    code, _, err = cli("recipients", "update", "2", "--interval", "monthly", "--interval-from", "2025-03-02")
    assert (code, err) == (1, "error: --interval-from: the first day of a month, e.g. 2025-01-01\n")
    code, _, err = cli("recipients", "update", "2", "--postcode", "12", "--channel", "ehf")
    assert code == 1 and err.startswith("error: --postcode: four digits\n") and err.count("error") == 1
    code, _, err = cli("recipients", "update", "2", "--channel", "ehf")
    assert (
        code == 1 and err.startswith("error: --channel: a person can be invoiced by") and err.count("\n") == 1
    )
    code, _, err = cli("recipients", "show", "99")
    assert code == 1 and err == "error: no customer number 99\n"
    code, _, err = cli("recipients", "find")
    assert code == 2 and err.startswith("error: say whom to find: --name") and err.count("\n") == 1
    code, _, err = cli("recipients", "find", "--organisation-number", "12")
    assert (code, err) == (1, "error: --organisation-number: nine digits, e.g. 974683520\n")
    code, _, err = cli("recipients", "find", "--name", "x" * 201)
    assert (code, err) == (1, "error: --name: at most 200 characters\n")


def test_invoices_and_property_in_peoples_form(
    billing: Billing, cli: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_month(billing.api, 2024, 4, "2024-04-05")
    code, out, _ = cli("invoices", "find", "--account", "acc-01")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["Number", "Kind", "Issued", "Due", "Recipient", "Amount"]
    assert lines[2].split()[1:7] == ["invoice", "05.04.2024", "26.04.2024", "1", "Eier", "1"]
    assert lines[2].rstrip().endswith(" kr") and "," in lines[2]
    number = lines[2].split()[0]
    code, out, _ = cli("invoices", "find", "--account", "acc-01", "--from", "2030-01-01")
    assert out == "No invoices match.\n"
    with pytest.raises(SystemExit) as stopped:  # caught before calling, named by its flag
        cli("invoices", "find", "--from", "2024-13-01")
    assert stopped.value.code == 2
    assert "argument --from: 2024-13-01 is not a date (there is no month 13)" in capsys.readouterr().err
    code, out, _ = cli(
        "invoices", "find", "--account", "acc-01", "--from", "01.04.2024", "--to", "05.04.2024"
    )
    assert code == 0 and "05.04.2024" in out  # dates as people write them

    code, out, _ = cli("invoices", "show", number)
    assert code == 0
    shown = _fields(out)
    assert (shown["Number"], shown["Kind"], shown["Issued"], shown["Recipient"]) == (
        number,
        "invoice",
        "05.04.2024",
        "1 Eier 1",
    )
    assert shown["To pay"].endswith(" kr") and shown["VAT"] == "0,00 kr" and "Lines" in out
    line = next(line for line in out.splitlines() if " p11 " in line)
    assert line.split() == [
        "Eiendomsskatt",
        "2024",
        "p11",
        "01.01.2024–30.04.2024",
        "4",
        "400,00",
        "kr",
        "0",
        "%",
    ]

    code, out, _ = cli("invoices", "document", number, "--out", str(tmp_path))
    assert code == 0 and out.startswith(f"Wrote {tmp_path}/faktura-{number}.pdf (")

    uow = SqlBillingUnitOfWork(session_factory(billing.service.engine))
    with uow:
        uow.properties.add(
            BillingProperty("p1", "301-10/2", "Storgata 1", "housing", 1, "e1", Decimal("132.5"))
        )
        uow.commit()
    code, out, _ = cli("get-property", "p1")
    shown = _fields(out)
    assert (shown["Cadastral id"], shown["Address"], shown["Usable area (BRA)"]) == (
        "301-10/2",
        "Storgata 1",
        "132,5 m²",
    )
    tax = next(line for line in out.splitlines() if line.lstrip().startswith("2024"))
    assert "1 200,00 kr" in tax and "taxed" in tax
    holder = next(line for line in out.splitlines() if "acc-01" in line)
    assert holder.split() == ["acc-01", "whole", "01.01.2024", "–"]
    # The property's cadastral id and address now show beside it in its recipient's view.
    code, out, _ = cli("recipients", "show", "acc-01")
    assert next(line for line in out.splitlines() if line.startswith("p1 ")).split()[:4] == [
        "p1",
        "301-10/2",
        "Storgata",
        "1",
    ]
    code, _, err = cli("get-property", "nowhere")
    assert code == 1 and err == "error: billing has no property nowhere\n"


def test_a_run_started_from_the_command_line_in_peoples_form(
    billing: Billing, cli: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:  # caught before calling, named by its flag
        cli("run", "start", "2024", "4", "--issue-date", "2024-04-31")
    assert stopped.value.code == 2
    assert (
        "argument --issue-date: 2024-04-31 is not a date (April 2024 has 30 days)" in capsys.readouterr().err
    )
    code, out, err = cli("run", "start", "2024", "4", "--issue-date", "05.04.2024", "--wait")
    assert code == 0
    assert err.startswith("billing run 2024-04 completed: 10 invoices, 0 credit notes issued (")
    assert out.startswith("Billing run 2024-04\n")
    shown = _fields(out.split("\n", 1)[1])
    assert (shown["State"], shown["Issue date"], shown["Invoices"]) == ("completed", "05.04.2024", "10")
    assert shown["Total"].endswith(" kr") and "," in shown["Total"]
    assert shown["Recipients"] == "10 of 10 gone through"
    code, out, _ = cli("run", "status", shown["Run id"], "--json")
    assert (
        json.loads(out)["total"]["ore"]
        == billing.api.GetBillingRun(billing_pb2.GetBillingRunRequest(run_id=shown["Run id"])).run.total.ore
    )
    code, _, err = cli("invoices", "document", "1", "--out", str(tmp_path / "missing" / "f.pdf"))
    assert code == 2 and err.startswith("error: --out ") and err.count("\n") == 1
