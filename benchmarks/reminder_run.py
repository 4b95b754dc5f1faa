"""The "reminder_run" stage of benchmarks/collection.py: a reminder run over every recipient after the term's
payments were imported, chunk by chunk through the SQL unit of work as the job runner drives it, against
its floor.

Timed: start_reminder_run and every reminder_chunk until the run is written (interest charged on each
overdue invoice, reminder fees, steps with their letters' content, ReminderIssued events, the lanes'
cursors), the chunks taken as the service takes them: in lanes, by as many worker processes as the
service starts by default (adapters/reminder_workers.py: one per core and one more), started before the
timing as a running service has them. rounds_of_chunks in the figures: how many times the workers each
took a chunk (up to chunk_size recipients with something to do; the rest of a lane is passed over unread).
Not timed: the letters (PDF rendering is CPU work outside the database, done after the run's chunks);
they are measured apart on a sample (letters_sample, letter_seconds_each) and said so in the figures.

The floor: the rows the run wrote (its steps, its lanes, its interest and fee entries and their postings,
its interest charges, its outbox rows, its run row) written by one bare COPY each in one transaction into
the tables as the run found them (a copy of the database taken before it; collection_stage.floor_seconds).
"""

from __future__ import annotations

import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from benchmarks.collection_stage import Seeded, floor_seconds, stage_figures
from services.billing.adapters.collection_rules_file import load_collection_rules
from services.billing.adapters.orm import (
    collection_run_lanes,
    collection_runs,
    collection_steps,
    interest_charges,
    ledger_entries,
    ledger_postings,
    platform_tables,
)
from services.billing.adapters.reminder_letters import ReminderLetterFiles
from services.billing.adapters.reminder_workers import ReminderWorkerProcesses, worker_count
from services.billing.application.run_reminders import get_reminder_run, start_reminder_run
from services.billing.domain.reminders import CollectionRun, RunState
from services.billing.domain.seller import EXAMPLE_SELLER

CHUNK = 5_000  # recipients per chunk, as the service's reminder runner takes them
LETTERS_SAMPLE = 200


def reminder_run_stage(seeded: Seeded) -> dict[str, Any]:
    rules = load_collection_rules()
    due = max(i.due_date for i in seeded.invoices)
    run_on = due + timedelta(days=rules.grace_days + 6)
    with seeded.sessions() as session:
        outbox_before = session.scalar(select(func.coalesce(func.max(platform_tables.outbox.c.id), 0))) or 0
    # A run comes days after the payments it reminds on, when autovacuum has gone over what the import
    # wrote: the database is vacuumed as it would be by then (on a copy taken straight after the import,
    # the run measured twice its time, setting hint bits and reading heap pages for what it scanned).
    with seeded.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    before = seeded.snapshot("before_reminder_run")

    processes = worker_count(0)

    def once(on: Seeded) -> tuple[float, tuple[CollectionRun, int]]:
        workers = ReminderWorkerProcesses(on.url_of(on.database), rules, EXAMPLE_SELLER, CHUNK, processes)
        try:
            workers.start()
            started = time.perf_counter()
            run = start_reminder_run(on.make(), run_on, workers.processes)
            rounds = 0
            while run.state == RunState.RUNNING:
                workers.chunks(run.run_id)  # one chunk in each lane, in every worker at once
                run = get_reminder_run(on.make(), run.run_id)
                rounds += 1
            seconds = time.perf_counter() - started
        finally:
            workers.close()
        assert run.state == RunState.WRITTEN, run
        return seconds, (run, rounds)

    timings, (run, rounds) = seeded.attempts(before, once)

    with seeded.make() as uow:
        steps = uow.collection.steps_of_run(run.run_id)
    letters_seconds = _letters(run, steps[:LETTERS_SAMPLE])

    entries_of_run = ledger_entries.c.kind.in_(("interest", "reminder_fee")) & (
        ledger_entries.c.posted_on == run_on
    )
    entry_ids = select(ledger_entries.c.entry_id).where(entries_of_run).scalar_subquery()
    floors = floor_seconds(
        seeded,
        [
            (collection_runs, collection_runs.c.run_id == run.run_id),
            (collection_run_lanes, collection_run_lanes.c.run_id == run.run_id),
            (collection_steps, collection_steps.c.run_id == run.run_id),
            (ledger_entries, entries_of_run),
            (ledger_postings, ledger_postings.c.entry_id.in_(entry_ids)),
            (interest_charges, interest_charges.c.period_end == run_on),
            (platform_tables.outbox, platform_tables.outbox.c.id > outbox_before),
        ],
        before,
    )
    return stage_figures(
        len(seeded.invoices),  # recipients gone through
        timings,
        floors,
        run_on=run_on.isoformat(),
        worker_processes=processes,
        rounds_of_chunks=rounds,
        chunk_size=CHUNK,
        reminders=run.reminders,
        notices=run.notices,
        handed_over=run.handed_over,
        fees_nok=str(run.fees.nok),
        interest_nok=str(run.interest.nok),
        letters="not in the timed stage (PDF rendering after the run's chunks); measured apart on a sample",
        letters_sample=len(steps[:LETTERS_SAMPLE]),
        letter_seconds_each=round(letters_seconds / max(1, len(steps[:LETTERS_SAMPLE])), 4),
    )


def _letters(run: Any, steps: list[Any]) -> float:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        ReminderLetterFiles(Path(folder)).write(run, steps)
        return time.perf_counter() - started
