"""Issue 12, item 4: the README's per-user sections work when pasted. Each ```sh block marked
`<!-- readme-test: NAME -->` is run as written, in the README's order, by bash in one working folder (with
the checkout's data/ beside it, as from the checkout), against a started stack, with `propertytax` on PATH
as `source .venv/bin/activate` puts it. Each block must exit 0 and show what its section promises."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from devstack.stack import SERVICES, Stack

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

REPO = Path(__file__).resolve().parents[2]
MARKED_BLOCK = re.compile(r"<!-- readme-test: (?P<name>[^>]+?) -->\n```sh\n(?P<script>.*?)\n```", re.S)


def readme_sections() -> list[tuple[str, str]]:
    """(name, script) of each marked block, in the README's order."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return [(m["name"], m["script"]) for m in MARKED_BLOCK.finditer(text)]


def test_the_readme_marks_a_runnable_block_for_each_user() -> None:
    sections = readme_sections()
    assert [name for name, _ in sections] == [
        "assessor",
        "billing officer",
        "secretariat",
        "inspections",
        "reader",
        "valuation quality",
    ]
    for name, script in sections:
        # A tested block is typed as it stands: ids come from shell variables, not placeholders to fill in.
        assert not re.search(r"<[a-z_ ]+>", script), f"the {name} block has a placeholder"
        assert ".venv/bin/" not in script, f"the {name} block does not use propertytax from PATH"


def _run(block: str, folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", block],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_each_user_section_runs_as_written(stack: Stack, tmp_path: Path) -> None:
    folder = tmp_path / "checkout"
    folder.mkdir()
    (folder / "data").symlink_to(REPO / "data")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROPERTYTAX_")}
    env |= {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        "PROPERTYTAX_KAFKA_BOOTSTRAP": stack.kafka_bootstrap,
        "COLUMNS": "200",  # wide enough that no answer line the assertions read is wrapped
        **{f"PROPERTYTAX_{s.upper()}_TARGET": stack.target(s) for s in SERVICES},
    }
    expected = {
        "assessor": [
            "Imported 28 properties",
            "0301-229/6/0/0",
            "Recorded 17 ownership changes for 16 properties (20 owners).",
            "Alfaset Utvikling AS",
            "Nordstrandveien 45 B, 1163 Oslo",
            "Levy 2024 done on 20.02.2024",
            "Wrote skatteliste-2024.pdf",
        ],
        "billing officer": [
            "billing run 2024-04 completed",
            "Ola Nordmann",
            "Wrote faktura-",
            "was imported before",
            "Statement of account",
        ],
        "secretariat": [
            "not upheld",
            "partly upheld, new value 7 100 000,00 kr",
            "Wrote vedtak.pdf",
            "Wrote klagenemnd-protokoll.pdf",
        ],
        "inspections": [
            "Inspection history imported from data/samples/inspection-history.csv.",
            "10 needs: new building 1, division 1, sectioning 1, fire or demolition 1, never inspected 2, "
            "general revaluation 4",
            "2 notices sent to owners who asked to be told",
            "plan-map.html",
            "moved",
            "Proposed value of 0301-160/51/0/0",
            "befaring 2024-09-04",
            "Adopted 1 valuation (Sakkyndig nemnd sak 31/2024).",
            "9 needs: new building 1, division 1, sectioning 1, fire or demolition 1, never inspected 2, "
            "general revaluation 3",
        ],
        "reader": ["Trondheimsveien 3, 0560 Oslo", "Ola Nordmann", "closed"],
        "valuation quality": [
            "Ratio study (residential: COD at most 15; 95 % intervals)",
            "written to ratio-study.json, ratio-study.pdf",
            "Calibration to 2015-05-27: ratio study of the held-out sales",
            "calibration.pdf",
        ],
    }
    for name, block in readme_sections():
        done = _run(block, folder, env)
        assert done.returncode == 0, f"the {name} block failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
        assert "Traceback" not in done.stderr
        shown = done.stdout + done.stderr  # a job's progress and final line go to stderr
        for text in expected[name]:
            assert text in shown, f"the {name} block did not show {text!r}:\n{shown[-4000:]}"
    for document in (
        "skatteliste-2024.pdf",
        "vedtak.pdf",
        "klagenemnd-protokoll.pdf",
        "ratio-study.pdf",
        "calibration.pdf",
    ):
        assert (folder / document).read_bytes().startswith(b"%PDF")
    for version in ("inspections", "inspections-2"):
        assert (folder / version / "plan-map.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        sheets = list((folder / version).glob("route-*.pdf")) + list((folder / version).glob("notice-*.pdf"))
        assert sheets and all(sheet.read_bytes().startswith(b"%PDF") for sheet in sheets)
    invoices = list(folder.glob("faktura-*.pdf"))
    assert len(invoices) == 1 and invoices[0].read_bytes().startswith(b"%PDF")
