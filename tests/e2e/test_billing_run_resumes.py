"""Issue 4's end to end: a levy in assessment, owners who become invoice recipients in billing, and the
April billing run killed midway (SIGKILL) and resumed by the restarted service on its own. Every
recipient (all are new owners, settled by the first run) then has exactly one invoice, the numbers run
1..N without a gap, and the journal's amounts are the levied taxes' share for the months billed, to the
øre."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import grpc
import pytest
from sqlalchemy import create_engine, select

from devstack.scenario import (
    YEAR,
    billed_tax,
    connect,
    give_postal_address,
    levy_register,
    numbered_owner,
    record_owner,
    wait,
    wait_for_accounts,
)
from devstack.stack import Stack
from propertytax.billing.v1 import billing_pb2, billing_pb2_grpc
from services.billing.adapters.orm import holdings, invoice_lines, invoices
from services.client import Caller
from services.platform.auth import Role
from services.platform.db import normalise_url
from services.platform.money import Money
from tests.e2e.checks import billing_has_register, count, owed

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

# Property ids of this test's own (other tests share the broker and billing's consumer group).
MUNICIPALITY = "4601"
REGISTER = 200  # properties imported and levied
PROPERTIES = 72  # of them, taxed ones that get owners
ACCOUNTS = 60  # owner n holds properties n and n + 60: the first 12 hold two
MINIMUM_ANNUAL_TAX = Money.of(1000)  # so that every due recipient owes more than billing's 50 NOK minimum
MONTH, ISSUE_DATE = 4, "2024-04-05"

# The April run: quarterly recipients (the default) start a period Apr-Jun and owe January to June;
# monthly ones start April and owe January to April; half-yearly ones start no period in April.
QUARTERLY, MONTHLY, HALF_YEARLY = "quarterly", "monthly", "half_yearly"
# Every owner is new since 1 January, so April's run, the first, settles each to the end of the term
# April falls in, whatever the interval (README, "ownership changes"): a half-yearly recipient not due
# in April is invoiced January–June.
MONTHS_OWED = {QUARTERLY: 6, MONTHLY: 4, HALF_YEARLY: 6}
LAST_DAY_BILLED = {QUARTERLY: date(2024, 6, 30), MONTHLY: date(2024, 4, 30), HALF_YEARLY: date(2024, 6, 30)}
INTERVALS = {
    MONTHLY: billing_pb2.INVOICE_INTERVAL_MONTHLY,
    HALF_YEARLY: billing_pb2.INVOICE_INTERVAL_HALF_YEARLY,
}


def _interval(owner: int) -> str:
    return {4: MONTHLY, 5: HALF_YEARLY}.get(owner % 6, QUARTERLY)


def _record_owners(assessor: Caller, property_ids: list[str]) -> list[str]:
    """Owner n (every fourth an organisation) owns property_ids[n] and [n + ACCOUNTS] from 1 January;
    returns the owners' references, which billing uses as account ids."""
    refs: dict[int, str] = {}
    for index, property_id in enumerate(property_ids):
        n = index % ACCOUNTS
        recorded = record_owner(assessor, property_id, numbered_owner(n))
        refs.setdefault(n, recorded)
        assert refs[n] == recorded  # the same owner is the same recipient
    return [refs[n] for n in range(ACCOUNTS)]


def _billing_has_everything(
    billing: Caller, billing_url: str, taxes: dict[str, Money], property_ids: list[str], accounts: list[str]
) -> None:
    """Waits until billing has received every event of this test: the register's properties and tax bases
    (so that none is left over for a later test), each owned property's tax as levied, the recipients and
    their holdings."""
    wait(
        lambda: billing_has_register(billing_url, MUNICIPALITY, REGISTER),
        90,
        "billing to receive the register and its tax bases",
    )

    def tax_in_billing(property_id: str) -> Money | None:
        found = billed_tax(billing, property_id)
        return Money(found.annual_tax.ore) if found else None

    untaxed = list(property_ids)

    def taxed() -> bool:
        while untaxed and tax_in_billing(untaxed[-1]) == taxes[untaxed[-1]]:
            untaxed.pop()
        return not untaxed

    wait(taxed, 30, "billing to have each owned property's tax as levied")

    wait_for_accounts(billing, accounts, 30, "billing to know every recipient")
    for account_id in accounts:
        give_postal_address(billing, account_id)
    wait(
        lambda: count(billing_url, holdings, holdings.c.property_id.in_(property_ids)) == len(property_ids),
        30,
        "billing to record every holding",
    )


# Chunks of 5 recipients with a pause between them, so that the kill lands while the run issues.
@pytest.mark.parametrize(
    "stack",
    [{"PROPERTYTAX_BILLING_CHUNK_SIZE": "5", "PROPERTYTAX_BILLING_CHUNK_PAUSE_SECONDS": "0.5"}],
    indirect=True,
)
def test_billing_run_killed_midway_resumes_and_invoices_each_due_recipient_once(stack: Stack) -> None:
    assessor = connect(stack, "assessment", "e2e", Role.ASSESSOR, timeout=120)
    taxes = levy_register(assessor, REGISTER, MUNICIPALITY)
    property_ids = sorted(p for p, tax in taxes.items() if tax >= MINIMUM_ANNUAL_TAX)[:PROPERTIES]
    assert len(property_ids) == PROPERTIES
    accounts = _record_owners(assessor, property_ids)
    assessor.close()
    assert len(set(accounts)) == ACCOUNTS

    billing_url = stack.database_urls["billing"]
    billing = connect(stack, "billing", "e2e", Role.BILLING_OFFICER)
    stub = billing_pb2_grpc.BillingServiceStub(billing.channel)
    _billing_has_everything(billing, billing_url, taxes, property_ids, accounts)
    interval = {account_id: _interval(n) for n, account_id in enumerate(accounts)}
    for account_id, chosen in interval.items():
        if chosen in INTERVALS:
            billing.call(
                stub.UpdateAccount,
                billing_pb2.UpdateAccountRequest(
                    account_id=account_id, interval=INTERVALS[chosen], interval_from=f"{YEAR}-01-01"
                ),
            )

    # What each recipient owes to the end of its term in April, from the levied taxes alone.
    held: dict[str, list[str]] = {}
    for index, property_id in enumerate(property_ids):
        held.setdefault(accounts[index % ACCOUNTS], []).append(property_id)
    expected = {
        account_id: sum(owed(taxes[p], MONTHS_OWED[interval[account_id]]) for p in held[account_id])
        for account_id in accounts
        if interval[account_id] in MONTHS_OWED
    }
    assert len(expected) == ACCOUNTS and len(set(interval.values())) == 3

    run = billing.call(
        stub.StartBillingRun,
        billing_pb2.StartBillingRunRequest(year=YEAR, month=MONTH, issue_date=ISSUE_DATE),
    ).run

    def status() -> billing_pb2.BillingRun:
        found: billing_pb2.BillingRun = billing.call(
            stub.GetBillingRun, billing_pb2.GetBillingRunRequest(run_id=run.run_id)
        ).run
        return found

    wait(lambda: status().invoices > 0, 60, "the run's first invoices")
    stack.kill("billing")
    billing.close()
    issued = invoices.c.run_id == run.run_id
    midway = count(billing_url, invoices, issued)
    assert 0 < midway < len(expected)  # the kill did land in the middle of the run

    stack.start_service("billing")  # resumes the unfinished run on its own: no second StartBillingRun
    billing = connect(stack, "billing", "e2e", Role.BILLING_OFFICER)
    stub = billing_pb2_grpc.BillingServiceStub(billing.channel)
    wait(lambda: status().state != billing_pb2.BILLING_RUN_STATE_RUNNING, 90, "the resumed run to finish")
    done = status()
    assert done.state == billing_pb2.BILLING_RUN_STATE_COMPLETED, done.error

    # Every due recipient exactly once, no one else, numbers 1..N, each for what it owes.
    engine = create_engine(normalise_url(billing_url))
    with engine.connect() as conn:
        rows = conn.execute(
            select(invoices.c.invoice_number, invoices.c.account_id, invoices.c.total_ore, invoices.c.kind)
            .where(issued)
            .order_by(invoices.c.invoice_number)
        ).all()
        all_numbers = list(
            conn.scalars(select(invoices.c.invoice_number).order_by(invoices.c.invoice_number))
        )
        lines = conn.execute(
            select(invoice_lines.c.invoice_number, invoice_lines.c.property_id).where(
                invoice_lines.c.invoice_number.in_([r.invoice_number for r in rows])
            )
        ).all()
    engine.dispose()
    invoiced = Counter(r.account_id for r in rows)
    assert set(invoiced) == set(expected)
    assert set(invoiced.values()) == {1}
    due = len(expected)
    assert [r.invoice_number for r in rows] == list(range(1, due + 1))
    assert all_numbers == list(range(1, due + 1))  # the killed chunk's numbers were given back
    assert {r.account_id: r.total_ore for r in rows} == expected
    assert {r.kind for r in rows} == {"invoice"}
    account_of = {r.invoice_number: r.account_id for r in rows}
    properties_of: dict[str, set[str]] = {}
    for number, property_id in lines:
        properties_of.setdefault(account_of[number], set()).add(property_id)
    assert properties_of == {a: set(held[a]) for a in expected}
    assert done.invoices == due
    assert done.below_minimum == 0
    assert done.total.ore == sum(expected.values())

    # The journal: one row per invoice, in number order, its amounts the charges.
    with Path(done.journal_path).open(encoding="utf-8", newline="") as handle:
        journal = list(csv.DictReader(handle))
    assert [int(r["invoice_number"]) for r in journal] == list(range(1, due + 1))
    assert {r["account_id"]: Money.of(r["amount_nok"]).ore for r in journal} == expected
    assert sum(Money.of(r["amount_nok"]).ore for r in journal) == done.total.ore == sum(expected.values())
    for r in journal:
        account_id = r["account_id"]
        assert r["property_ids"].split() == sorted(held[account_id])
        assert r["kind"] == "invoice"
        assert r["issue_date"] == ISSUE_DATE
        assert r["period_start"] == f"{YEAR}-01-01"  # nothing was invoiced before: it covers January on
        assert r["period_end"] == LAST_DAY_BILLED[interval[account_id]].isoformat()
    assert len({r["kid"] for r in journal}) == due

    # The documents: EHF for the organisations (every fourth owner), PDF for the persons.
    organisations = set(accounts[::4])
    documents = stack.var_dir / "invoices" / f"{YEAR}-{MONTH:02d}-{run.run_id[:8]}"
    assert sorted(f.name for f in documents.iterdir()) == sorted(
        f"{number}.{'xml' if account_id in organisations else 'pdf'}"
        for number, account_id in account_of.items()
    )

    # A completed run is not run again: started again it is returned as it stands, issuing nothing more;
    # with another issue date the start is refused.
    again = billing.call(
        stub.StartBillingRun,
        billing_pb2.StartBillingRunRequest(year=YEAR, month=MONTH, issue_date=ISSUE_DATE),
    ).run
    assert again.run_id == run.run_id and again.state == billing_pb2.BILLING_RUN_STATE_COMPLETED
    assert again.invoices == len(account_of)
    with pytest.raises(grpc.RpcError) as refused:
        billing.call(
            stub.StartBillingRun,
            billing_pb2.StartBillingRunRequest(year=YEAR, month=MONTH, issue_date="2024-04-06"),
        )
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert ISSUE_DATE in (refused.value.details() or "")
    assert len(list(documents.iterdir())) == len(account_of)
    billing.close()
