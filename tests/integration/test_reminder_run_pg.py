"""A small reminder run on PostgreSQL through its job runner: interest and fees posted in the ledger, steps
and events stored in the run's chunks, the letters written under the run's folder and read back with
pdftotext; a second start on the same date returns the same run, and the ledger still balances."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from services.billing.adapters.collection_rules_file import load_collection_rules
from services.billing.adapters.orm import interest_charges, ledger_postings, platform_tables
from services.billing.adapters.reminder_letters import ReminderLetterFiles
from services.billing.adapters.reminder_workers import ReminderWorkerProcesses
from services.billing.adapters.unit_of_work import SqlUnitOfWorkFactory as UowFactory
from services.billing.application.collection_holds import register_objection
from services.billing.application.run_reminders import (
    get_reminder_run,
    preview_reminders,
    reminder_runner,
    start_reminder_run,
)
from services.billing.domain.ledger import document_claim
from services.billing.domain.reminders import RunState
from services.billing.domain.seller import EXAMPLE_SELLER
from services.platform.money import Money
from tests.collection_scene import DUE, issue, pay, recipient
from tests.integration.billing_units import sql_billing_units

RULES = load_collection_rules()
RUN_ON = date(2025, 12, 4)


@pytest.fixture
def make(postgres_url: str) -> Iterator[UowFactory]:
    with sql_billing_units(postgres_url) as units:
        yield units


def pdftotext(path: Path) -> str:
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


def test_a_reminder_run_on_postgresql_writes_its_letters(make: UowFactory, tmp_path: Path) -> None:
    first = issue(make(), recipient("A1", "Kari Nordmann"), 1, [("p1", "property_tax", "1000")])
    issue(make(), recipient("A2", "Ola Hansen"), 2, [("p2", "waste", "3200")])
    paid = issue(make(), recipient("A3"), 3, [("p3", "property_tax", "500")])
    pay(make(), paid, "500", DUE)
    pay(make(), first, "200", DUE)
    issue(make(), recipient("A4"), 4, [("p4", "property_tax", "700")])
    register_objection(make(), 4, disputed=None, reason="Ikke min eiendom", on=DUE)
    preview = preview_reminders(make(), RULES, RUN_ON)
    assert (preview.reminders, preview.fees) == (2, Money.of(70))

    letters = ReminderLetterFiles(tmp_path)
    runner = reminder_runner(make, RULES, 2, letters)
    run = start_reminder_run(make(), RUN_ON)
    assert start_reminder_run(make(), RUN_ON).run_id == run.run_id
    while not runner._step(run.run_id):  # one job stepped by hand, chunk by chunk
        pass
    done = get_reminder_run(make(), run.run_id)
    assert (done.state, done.reminders, done.fees) == (RunState.COMPLETED, 2, Money.of(70))
    # 800 × 13 × 12.5 % / 365 = 3.56; 3200 → 14.25; 700 (held, interest still runs) → 3.12
    assert done.interest == Money.of("20.93")

    folder = tmp_path / "2025-12-04"
    assert sorted(p.name for p in folder.iterdir()) == ["reminder-1-1.pdf", "reminder-1-2.pdf"]
    text = pdftotext(folder / "reminder-1-1.pdf")
    for expected in ("Betalingspåminnelse", "Kari Nordmann", "800,00 kr", "35,00 kr", "3,56 kr", "838,56 kr"):
        assert expected in text, expected
    assert "torsdag 18. desember 2025" in text

    with make() as uow:
        balance = uow.ledger.claim_balances([document_claim(1)])["D1"]
        assert (balance.fee, balance.interest, balance.principal) == (
            Money.of(35),
            Money.of("3.56"),
            Money.of(800),
        )
        session = uow.session  # type: ignore[attr-defined]
        assert session.scalar(select(func.sum(ledger_postings.c.amount_ore))) == 0
        assert session.scalar(select(func.count()).select_from(interest_charges)) == 3
        outbox = platform_tables.outbox
        types = session.scalars(select(outbox.c.event_type)).all()
        assert sum(1 for t in types if t.endswith("ReminderIssued")) == 2


def test_a_run_in_lanes_taken_by_worker_processes_at_once_comes_to_the_same(
    make: UowFactory, postgres_url: str, tmp_path: Path
) -> None:
    scene = [("A1", 1, "1000"), ("A2", 2, "3200"), ("A3", 3, "500"), ("A4", 4, "700"), ("A5", 5, "900")]
    for account_id, number, amount in scene:
        invoice = issue(make(), recipient(account_id), number, [(f"p{number}", "property_tax", amount)])
        if account_id == "A3":
            pay(make(), invoice, amount, DUE)
    workers = ReminderWorkerProcesses(postgres_url, RULES, EXAMPLE_SELLER, 1, processes=2)
    try:
        workers.start()
        runner = reminder_runner(make, RULES, 1, ReminderLetterFiles(tmp_path), workers=workers)
        run = start_reminder_run(make(), RUN_ON, lanes=workers.processes)
        steps = 0
        while not runner._step(run.run_id):  # each step: one chunk in each lane, in two processes at once
            steps += 1
    finally:
        workers.close()
    done = get_reminder_run(make(), run.run_id)
    # four reminded, 35 kr each; interest as one process would charge it: (1000 + 3200 + 700 + 900) kr ×
    # 13 days × 12.5 % / 365, per invoice rounded: 4.45 + 14.25 + 3.12 + 4.01
    assert (done.state, done.reminders, done.fees, done.interest) == (
        RunState.COMPLETED, 4, Money.of(140), Money.of("25.83"),
    )  # fmt: skip
    assert steps <= 2  # two lanes of two or three recipients, a chunk of one each at a time
    with make() as uow:
        lanes = uow.collection.lanes_of(run.run_id)
        assert [(lane.through, lane.done) for lane in lanes] == [(lanes[0].through, True), (None, True)]
        assert sorted(s.document_number for s in uow.collection.steps_of_run(run.run_id)) == [1, 2, 4, 5]
        session = uow.session  # type: ignore[attr-defined]
        assert session.scalar(select(func.sum(ledger_postings.c.amount_ore))) == 0
    assert sorted(p.name for p in (tmp_path / "2025-12-04").iterdir()) == [
        f"reminder-1-{n}.pdf" for n in (1, 2, 4, 5)
    ]


def test_worker_processes_start_afresh_after_one_died(make: UowFactory, postgres_url: str) -> None:
    issue(make(), recipient("A1"), 1, [("p1", "property_tax", "1000")])
    workers = ReminderWorkerProcesses(postgres_url, RULES, EXAMPLE_SELLER, 1, processes=2)
    try:
        workers.start()
        run = start_reminder_run(make(), RUN_ON, lanes=workers.processes)
        pool = workers._started()
        os.kill(next(iter(pool._processes)), signal.SIGKILL)  # type: ignore[arg-type]
        with pytest.raises(BrokenProcessPool):
            workers.chunks(run.run_id)
        while get_reminder_run(make(), run.run_id).state == RunState.RUNNING:
            workers.chunks(run.run_id)  # new workers, the same run's lanes
    finally:
        workers.close()
    done = get_reminder_run(make(), run.run_id)
    assert (done.state, done.reminders, done.fees) == (RunState.WRITTEN, 1, Money.of(35))
