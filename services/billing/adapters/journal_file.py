"""The invoice journal of a billing run, as CSV (bookkeeping reads it)."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

COLUMNS = [
    "invoice_number",
    "kid",
    "account_id",
    "property_ids",
    "issue_date",
    "due_date",
    "period_start",
    "period_end",
    "amount_nok",
    "kind",
]


def journal_path(directory: Path, year: int, month: int, run_id: str) -> Path:
    return directory / f"invoice-journal-{year}-{month:02d}-{run_id[:8]}.csv"


def write_journal(path: Path, rows: Sequence[Mapping[str, Any]]) -> None:
    """Written to a temporary name and renamed, so a reader never sees half a journal."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with partial.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    partial.replace(path)
