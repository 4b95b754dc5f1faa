"""`propertytax appeals …` against an appeals service in this process: the secretariat's day from the
year's calendar to a decision letter, and bad input printed with its field violations."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from services.cli import main
from services.cli.common import kroner
from services.platform.runtime import ServiceRuntime
from services.platform.settings import DEVELOPMENT_AUTH_SECRET
from tests.integration.appeals_fixtures import appeals_service, envelope, feed, tax_base_determined
from tests.pdf_text import pdf_text

PROPERTY = "0301-208/1/0/0"


@pytest.fixture
def service(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServiceRuntime]:
    with appeals_service(sqlite_url, tmp_path, DEVELOPMENT_AUTH_SECRET) as running:
        levied = datetime(2024, 2, 20, 9, tzinfo=UTC)
        feed(running, envelope(tax_base_determined(PROPERTY, 2024, 900_000_000), PROPERTY, levied))
        monkeypatch.setenv("PROPERTYTAX_APPEALS_TARGET", f"127.0.0.1:{running.server.port}")
        yield running


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    """Runs a command that must succeed; returns the JSON it printed with --json (the service logs to
    stdout too)."""
    assert main(["appeals", *argv, "--json"]) == 0, capsys.readouterr().err
    lines = capsys.readouterr().out.splitlines()
    start = lines.index("{")
    return json.loads("\n".join(lines[start : lines.index("}", start) + 1]))


def test_the_secretariat_takes_a_complaint_to_a_decision_letter(
    service: ServiceRuntime,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    assert main(["token", "mint", "--subject", "sekretariatet", "--role", "secretariat"]) == 0
    monkeypatch.setenv("PROPERTYTAX_TOKEN", capsys.readouterr().out.strip())
    _run(capsys, "calendar", "2024", "--announced", "2024-02-26")
    assert _run(capsys, "deadline", PROPERTY, "2024")["deadline"] == "2024-04-08"
    committee = _run(capsys, "committee", "create", "--name", "Sakkyndig nemnd", "--kind", "valuation")[
        "committee"
    ]
    members = [
        _run(
            capsys,
            "committee",
            "add-member",
            committee["committee_id"],
            "--name",
            name,
            "--role",
            role,
            "--from",
            "2023-01-01",
            "--to",
            "2027-12-31",
        )["member"]["member_id"]
        for name, role in (("Leder", "chair"), ("Medlem", "member"), ("Medlem 2", "member"))
    ]
    meeting = _run(
        capsys,
        "meeting",
        "create",
        committee["committee_id"],
        "--date",
        "2024-05-15",
        "--location",
        "Rådhuset",
    )["meeting"]
    case = _run(
        capsys,
        "register",
        "--property",
        PROPERTY,
        "--year",
        "2024",
        "--name",
        "Kari Nordmann",
        "--address",
        "Storgata 1",
        "--address",
        "0155 Oslo",
        "--received",
        "2024-03-20",
        "--channel",
        "email",
        "--ground",
        "area:BRA er 80 m²",
        "--attachment",
        "arkiv/17:Plantegning",
    )["case"]
    assert (case["state"], case["deadline"]) == ("APPEAL_CASE_STATE_REGISTERED", "2024-04-08")
    case_id = case["case_id"]
    _run(capsys, "prepare", case_id, "--recommendation", "Medhold: arealet er feil.", "--on", "2024-04-10")
    _run(capsys, "schedule", case_id, meeting["meeting_id"], "--on", "2024-04-12")
    quorum = _run(capsys, "meeting", "quorum", meeting["meeting_id"], case_id, "--member", members[0])
    assert quorum.get("quorate", False) is False and quorum["required"] == 2
    # Upheld on the area without a new value would change nothing: refused (exit 1), naming the flag.
    upheld_alone = ["decide", case_id, "--meeting", meeting["meeting_id"], "--outcome", "upheld"]
    assert main(["appeals", *upheld_alone, "--reasons", "Arealet er 80 m."]) == 1
    refusal = capsys.readouterr().err
    assert refusal.startswith("error: --new-value-nok: a complaint about the value")
    assert "new_value" not in refusal
    decided = _run(
        capsys,
        "decide",
        case_id,
        "--meeting",
        meeting["meeting_id"],
        "--outcome",
        "upheld",
        "--new-value-nok",
        "7200000",
        "--reasons",
        "Arealet er 80 m².",
        "--member",
        members[0],
        "--member",
        members[1],
    )["case"]
    assert decided["state"] == "APPEAL_CASE_STATE_CLOSED" and decided["value_in_force"]["ore"] == 720_000_000
    listed = _run(capsys, "list", "--state", "closed", "--year", "2024")
    assert [c["case_id"] for c in listed["cases"]] == [case_id]
    letter = tmp_path / "vedtak.pdf"
    written = _run(capsys, "letter", case_id, "decision", "--out", str(letter))
    assert written["bytes"] == len(letter.read_bytes()) and letter.read_bytes().startswith(b"%PDF")
    assert "Klagen tas til følge." in pdf_text(letter.read_bytes())
    minutes = _run(capsys, "meeting", "document", meeting["meeting_id"], "minutes", "--out", str(tmp_path))
    assert Path(minutes["out"]).name == "protokoll-2024-05-15.pdf"
    figures = _run(capsys, "statistics", "2024", "--as-of", "2025-01-01")
    assert figures["valuation_committee"]["share_decided_by_year_end"] == "100.0"
    history = _run(capsys, "show", case_id)["history"]
    assert {h["actor"] for h in history} == {"sekretariatet"}
    assert [(h["action"], h["on"]) for h in history][1:3] == [
        ("prepare", "2024-04-10"),
        ("schedule", "2024-04-12"),
    ]

    # A day that does not exist is a usage error naming the flag, found before anything is sent (exit 2).
    with pytest.raises(SystemExit) as refused:
        main(["appeals", "calendar", "2024", "--announced", "2024-02-30"])
    assert (
        refused.value.code == 2
        and "argument --announced: 2024-02-30 is not a date (February 2024 has 29 days)"
        in capsys.readouterr().err
    )
    # An amount that is not one is refused before anything is sent, also with exit code 2.
    decide = ["appeals", "decide", case_id, "--meeting", "m", "--outcome", "upheld", "--reasons", "r"]
    for amount in ("7,5x", "7,505"):
        with pytest.raises(SystemExit) as refused:
            main([*decide, "--new-value-nok", amount])
        assert refused.value.code == 2
        assert "--new-value-nok: an amount in kroner" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("given", "ore"), [("7200000", 720_000_000), ("7,5", 750), ("7.5", 750), ("7 200 000,50", 720_000_050)]
)
def test_amounts_in_kroner_take_a_decimal_comma_or_point(given: str, ore: int) -> None:
    assert kroner(given).ore == ore
