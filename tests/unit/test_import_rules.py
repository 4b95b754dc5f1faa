"""The import rules of the four rooms, checked by import-linter against the contracts in pyproject.toml.

One test per contract, so a failure names the service and the room (`pytest -k billing` checks one
service); the message is import-linter's report: each forbidden import with its chain and line numbers.
The contract ids are listed here rather than read from pyproject.toml, so that a contract deleted or
renamed there fails this test instead of silently no longer being checked.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

REPOSITORY = Path(__file__).resolve().parents[2]
SERVICES = ("assessment", "billing", "appeals")
CONTRACTS = [
    *(
        f"{service}-{rule}"
        for service in SERVICES
        for rule in ("domain-pure", "application-through-ports", "entrypoints-without-adapters")
    ),
    "services-independent",
]


def _lint_imports() -> Path:
    # The console script installed beside this interpreter (the project's virtual environment).
    return Path(sys.executable).with_name("lint-imports")


@pytest.mark.parametrize("contract", CONTRACTS)
def test_contract_is_kept(contract: str) -> None:
    completed = subprocess.run(
        [
            str(_lint_imports()),
            "--config",
            str(REPOSITORY / "pyproject.toml"),
            "--contract",
            contract,
            "--no-cache",
            "--no-logo",
        ],
        cwd=REPOSITORY,
        # Wide lines, so that every import chain reads on one line.
        env={**os.environ, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    report = completed.stdout + completed.stderr
    assert completed.returncode == 0, f"import contract {contract!r} is broken:\n{report}"
    assert "1 kept, 0 broken" in report, report
