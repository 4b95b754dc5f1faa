"""`propertytax appeals …` as the secretariat reads it, against an appeals service in this process: one
complaint through both committees with the CLI alone (ids read from --json), what each step says in
words (dates dd.mm.yyyy, kroner, state words), the tables and their empty sentences, and ordinary
mistakes answered with one line naming what the user typed, never a traceback."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from services.cli import main
from services.cli.output import day, number
from services.platform.clock import oslo_today
from services.platform.runtime import ServiceRuntime
from services.platform.settings import DEVELOPMENT_AUTH_SECRET
from tests.integration.appeals_fixtures import appeals_service, envelope, feed, tax_base_determined

PROPERTY = "0301-208/1/0/0"
TERM = ("--from", "2023-01-01", "--to", "2027-12-31")


@pytest.fixture
def service(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[ServiceRuntime]:
    with appeals_service(sqlite_url, tmp_path, DEVELOPMENT_AUTH_SECRET) as running:
        levied = datetime(2024, 2, 20, 9, tzinfo=UTC)
        feed(running, envelope(tax_base_determined(PROPERTY, 2024, 900_000_000), PROPERTY, levied))
        monkeypatch.setenv("PROPERTYTAX_APPEALS_TARGET", f"127.0.0.1:{running.server.port}")
        capsys.readouterr()  # the service's log lines
        assert main(["token", "mint", "--subject", "sekretariatet", "--role", "secretariat"]) == 0
        monkeypatch.setenv("PROPERTYTAX_TOKEN", capsys.readouterr().out.strip())
        yield running


@pytest.fixture
def calendar(service: ServiceRuntime, capsys: pytest.CaptureFixture[str]) -> None:
    """The year's calendar recorded, as registering needs."""
    _said(capsys, "calendar", "2024", "--announced", "2024-02-26")


def _said(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Runs a command that must succeed; returns what it printed for people."""
    capsys.readouterr()
    code = main(["appeals", *argv])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.err == ""
    return captured.out


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    """Runs a command with --json; returns the answer parsed (the service logs to stdout too: the JSON
    is the block from the line "{" to the line "}")."""
    lines = _said(capsys, *argv, "--json").splitlines()
    start = lines.index("{")
    return json.loads("\n".join(lines[start : lines.index("}", start) + 1]))


def _fields(text: str) -> dict[str, str]:
    """A record's "Label   value" lines as a dict (the service's log lines have no two-space gap)."""
    found = {}
    for line in text.splitlines():
        label, gap, value = line.strip().partition("  ")
        if gap and not line.startswith(" ") and "[info" not in line:
            found[label] = value.strip()
    return found


def _rows(text: str) -> list[list[str]]:
    """A table's rows under its heading rule, cells split where two spaces or more part them."""
    lines = text.splitlines()
    rule = next(n for n, line in enumerate(lines) if line.startswith("─"))
    return [
        re.split(r"\s{2,}", line.strip())
        for line in lines[rule + 1 :]
        if line.strip() and "[info" not in line
    ]


def _refused(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """Runs a command that must fail; returns its exit code and stderr (a usage error exits via
    SystemExit from argparse)."""
    capsys.readouterr()
    try:
        code = main(["appeals", *argv])
    except SystemExit as stopped:
        code = int(stopped.code or 0)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def _committee(capsys: pytest.CaptureFixture[str], name: str, kind: str) -> tuple[str, list[str]]:
    committee = _json(capsys, "committee", "create", "--name", name, "--kind", kind)["committee"][
        "committee_id"
    ]
    members = [
        _json(capsys, "committee", "add-member", committee, "--name", who, "--role", role, *TERM)["member"][
            "member_id"
        ]
        for who, role in ((f"{name} leder", "chair"), (f"{name} medlem", "member"), (f"{name} tre", "member"))
    ]
    return committee, members


def _register(capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    argv = ["register", "--property", PROPERTY, "--year", "2024", "--name", "Kari Nordmann"]
    argv += ["--address", "Storgata 1", "--address", "0155 Oslo", "--channel", "email"]
    argv += ["--ground", "area:BRA er 80 m²", *extra]
    return str(_json(capsys, *argv)["case"]["case_id"])


def test_one_complaint_through_both_committees_with_the_cli_alone(
    service: ServiceRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    said = _said(capsys, "calendar", "2024", "--announced", "26.02.2024")
    assert (
        "Recorded for 2024: the tax list was announced 26.02.2024; the bills went out with the levy." in said
    )
    said = _said(capsys, "deadline", PROPERTY, "2024")
    assert (
        f"The deadline for {PROPERTY} in 2024 is 08.04.2024 "
        "(six weeks from the tax list's announcement 26.02.2024)." in said
    )
    valuation, judges = _committee(capsys, "Sakkyndig nemnd", "valuation")
    appeals, appellate = _committee(capsys, "Klagenemnda", "appeals")
    first = _json(capsys, "meeting", "create", valuation, "--date", "2024-05-15", "--location", "Rådhuset")
    second = _json(capsys, "meeting", "create", appeals, "--date", "2024-09-10", "--location", "Bystyresalen")
    first_id, second_id = first["meeting"]["meeting_id"], second["meeting"]["meeting_id"]

    case_id = _register(capsys, "--received", "2024-03-20")
    said = _said(capsys, "preliminary-answer", case_id, "--reason", "Befaring", "--expected", "2024-06-01",
                 "--on", "2024-03-25")  # fmt: skip
    assert "preliminary answer sent 25.03.2024, decision expected 01.06.2024." in said
    said = _said(capsys, "prepare", case_id, "--recommendation", "Ikke medhold.", "--on", "2024-04-10")
    assert "prepared for the committee on 10.04.2024." in said
    said = _said(capsys, "schedule", case_id, first_id, "--on", "2024-04-12")
    assert "scheduled for the meeting of 15.05.2024 (Sakkyndig nemnd, Rådhuset) on 12.04.2024." in said
    said = _said(capsys, "decide", case_id, "--meeting", first_id, "--outcome", "not_upheld",
                 "--reasons", "Arealet er riktig.", "--member", judges[0], "--member", judges[1])  # fmt: skip
    assert "decided on 15.05.2024 by the valuation committee" in said
    assert (
        ": not upheld. Value in force: 9 000 000,00 kr. "
        "The complainant may ask for the appeals committee by 05.06.2024.\n"
    ) in said
    said = _said(capsys, "forward", case_id, "--requested-on", "2024-05-20")
    assert "forwarded to the appeals committee: the complainant asked on 20.05.2024." in said
    said = _said(capsys, "schedule", case_id, second_id, "--on", "2024-05-22")
    assert "scheduled for the meeting of 10.09.2024 (Klagenemnda, Bystyresalen) on 22.05.2024." in said
    decided = _json(capsys, "decide", case_id, "--meeting", second_id, "--outcome", "upheld",
                    "--new-value-nok", "7 200 000", "--reasons", "Arealet er 80 m².",
                    "--member", appellate[0], "--member", appellate[2])["case"]  # fmt: skip
    assert decided["state"] == "APPEAL_CASE_STATE_CLOSED"
    assert decided["value_in_force"] == {"ore": 720_000_000, "nok": "7200000.00"}

    shown = _said(capsys, "show", case_id)
    fields = _fields(shown)
    assert fields["Received"] == "20.03.2024 by email"
    assert fields["Deadline"] == "08.04.2024 (six weeks from the tax list's announcement 26.02.2024)"
    assert (fields["Status"], fields["Outcome"]) == ("closed", "upheld")
    assert fields["Grounds"] == "area: BRA er 80 m²"
    assert fields["Value complained about"] == "9 000 000,00 kr"
    assert fields["Value in force"] == fields["New value"] == "7 200 000,00 kr"
    assert (fields["Committee"], fields["Appeals committee"]) == ("Sakkyndig nemnd", "Klagenemnda")
    assert fields["Closed"] == "10.09.2024: final decision"
    history = _rows(shown[shown.index("History") :])
    assert history[:2] == [
        ["20.03.2024", "register", "registered", "sekretariatet", "received 20.03.2024 by email"],
        ["25.03.2024", "send preliminary answer", "preliminary answer sent", "sekretariatet",
         "Befaring (expected 01.06.2024)"],
    ]  # fmt: skip
    assert [(h[0], h[1], h[2]) for h in history[-2:]] == [
        ("22.05.2024", "schedule", "appeals scheduled"),
        ("10.09.2024", "decide", "closed"),
    ]
    listed = _rows(_said(capsys, "list", "--year", "2024"))
    assert listed == [
        ["2024-00001", PROPERTY, "2024", "Kari Nordmann", "20.03.2024", "closed", "08.04.2024", "no"]
    ]
    figures = _said(capsys, "statistics", "2024", "--as-of", "2025-01-01")
    assert _fields(figures)["Received"] == "1"
    assert _rows(figures)[:2] == [
        ["Valuation committee", "1", "1", "1", "100,0 %", "56", "56", "56"],
        ["Appeals committee", "1", "1", "1", "100,0 %", "113", "113", "113"],
    ]
    committees = _rows(_said(capsys, "committee", "list"))
    assert committees == [
        ["Klagenemnda", "appeals committee", "3 members", appeals],
        ["Sakkyndig nemnd", "valuation committee", "3 members", valuation],
    ]
    members = _rows(_said(capsys, "committee", "show", valuation))
    assert members[0] == ["Sakkyndig nemnd leder", "chair", "01.01.2023–31.12.2027", judges[0]]
    meetings = _rows(_said(capsys, "meeting", "list", "--committee", appeals))
    assert meetings == [["10.09.2024", "Klagenemnda", "Bystyresalen", "1", "1", second_id]]
    agenda = _said(capsys, "meeting", "show", first_id)
    assert _fields(agenda)["Date"] == "15.05.2024"
    assert _rows(agenda) == [["1", "2024-00001", PROPERTY, "closed", "yes"]]
    quorum = _said(capsys, "meeting", "quorum", first_id, case_id, "--member", judges[0])
    assert "They may not decide the case.\n" in quorum
    assert (_fields(quorum)["Needed"], _fields(quorum)["May vote"]) == ("2", "1")


def test_an_empty_list_is_said_in_words_and_json_is_the_machine_form(
    service: ServiceRuntime, calendar: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "No complaints match.\n" in _said(capsys, "list", "--year", "2024")
    assert "No committees yet.\n" in _said(capsys, "committee", "list")
    assert "No meetings match.\n" in _said(capsys, "meeting", "list")
    assert _json(capsys, "list") == {"cases": [], "next_page_token": ""}
    case_id = _register(capsys, "--received", "20.03.2024")
    registered = _said(capsys, "show", case_id)
    assert _fields(registered)["Status"] == "registered"
    assert _fields(registered)["Preliminary answer"].startswith("due ")
    assert _fields(registered)["Value in force"] == "9 000 000,00 kr"
    late = _said(capsys, "list", "--late")
    assert "No complaints match.\n" in late


def test_ordinary_mistakes_are_one_line_naming_what_was_typed(
    service: ServiceRuntime, calendar: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    case_id = _register(capsys, "--received", "2024-03-20")

    # A day that does not exist: a usage error naming the flag, before anything is sent.
    code, err = _refused(capsys, "prepare", case_id, "--recommendation", "r", "--on", "2024-02-30")
    assert code == 2 and "argument --on: 2024-02-30 is not a date (February 2024 has 29 days)" in err
    # The service refuses a step dated before the complaint came: named by --on, never prepared_on.
    code, err = _refused(capsys, "prepare", case_id, "--recommendation", "r", "--on", "2024-03-01")
    assert (code, err) == (1, "error: --on: cannot be before the complaint was received\n")
    code, err = _refused(capsys, "forward", case_id, "--requested-on", "2024-03-01")
    assert code == 1 and err.startswith("error: ") and err.count("error:") == 1 and "requested_on" not in err
    # A complaint received in the future: --received.
    argv = ["register", "--property", PROPERTY, "--year", "2024", "--name", "Ola", "--address", "Gata 1"]
    argv += ["--channel", "email", "--ground", "area:BRA", "--received", "2199-01-01"]
    code, err = _refused(capsys, *argv)
    assert (code, err) == (1, "error: --received: cannot be in the future\n")
    # An unknown case: exit 1 with a sentence.
    code, err = _refused(capsys, "show", "no-such-case")
    assert (code, err) == (1, "error: no appeal case no-such-case\n")
    code, err = _refused(capsys, "committee", "show", "no-such-committee")
    assert code == 1 and err.startswith("error: no committee no-such-committee")
    # Where the letter cannot be written: a missing directory, a path through a file.
    missing = tmp_path / "nowhere" / "kvittering.pdf"
    code, err = _refused(capsys, "letter", case_id, "acknowledgement", "--out", str(missing))
    assert (code, err) == (2, f"error: --out {missing}: cannot write it: no such file\n")
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    code, err = _refused(capsys, "letter", case_id, "acknowledgement", "--out", str(blocker / "x.pdf"))
    assert (
        code == 2
        and err
        == f"error: --out {blocker / 'x.pdf'}: cannot write it: a part of the path is not a directory\n"
    )
    # A term that ends before it starts: named by --to and --from, not term_end.
    committee = _json(capsys, "committee", "create", "--name", "Nemnda", "--kind", "valuation")["committee"]
    code, err = _refused(capsys, "committee", "add-member", committee["committee_id"], "--name", "A",
                         "--role", "member", "--from", "2025-01-01", "--to", "2024-01-01")  # fmt: skip
    assert (code, err) == (1, "error: --to: cannot be before the first day of the term\n")
    # A ground of no known kind: a usage error listing the kinds.
    code, err = _refused(
        capsys, "register", *argv[1:-2], "--received", "2024-03-20", "--ground", "colour:blue"
    )
    assert code == 2 and "argument --ground: 'colour' is not a ground; kinds: area, zone" in err

    # Written into a directory: the letter's own file name, said in a sentence.
    written = _said(capsys, "letter", case_id, "acknowledgement", "--out", str(tmp_path))
    (letter,) = tmp_path.glob("*.pdf")
    assert f"Wrote {letter} ({number(letter.stat().st_size)} bytes).\n" in written


def test_registering_and_the_other_steps_are_said_in_words(
    service: ServiceRuntime, calendar: None, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["register", "--property", PROPERTY, "--year", "2024", "--name", "Advokat Lie", "--represents"]
    argv += ["Kari Nordmann", "--address", "Postboks 1", "--channel", "post", "--received", "22.04.2024"]
    argv += ["--postmarked", "2024-04-19", "--ground", "zone:Feil sone", "--on", "2024-04-23"]
    registered = _said(capsys, *argv)
    assert "Registered case 2024-00001.\n" in registered
    fields = _fields(registered)
    case_id = fields["Case id"]
    assert (
        fields["Deadline"] == "08.04.2024 (six weeks from the tax list's announcement 26.02.2024); came late"
    )
    assert (fields["Late"], fields["Status"]) == ("yes", "registered")
    assert fields["Acknowledgement"] == (
        f"ready, dated 23.04.2024: propertytax appeals letter {case_id} acknowledgement --out DIR"
    )
    valuation, judges = _committee(capsys, "Sakkyndig nemnd", "valuation")
    steps = [
        (["admit-late", case_id, "--reasons", "Postgang", "--on", "2024-04-24"],
         "Case 2024-00001: the late complaint was admitted on 24.04.2024."),
        (["assign", case_id, "--officer", "Saksbehandler", "--committee", valuation, "--on", "2024-04-25"],
         "Case 2024-00001 assigned on 25.04.2024: case officer Saksbehandler, committee Sakkyndig nemnd."),
        (["inspection", "request", case_id, "--note", "Mål opp", "--on", "2024-04-26"],
         "Case 2024-00001: re-inspection requested on 26.04.2024."),
        (["inspection", "complete", case_id, "--findings", "80 m²", "--on", "2024-05-02"],
         "Case 2024-00001: re-inspection completed on 02.05.2024."),
        # Without --on a step is dated today by the service, and said so (from the case's history).
        (["disqualify", case_id, judges[1], "--reason", "Nabo"],
         f"Case 2024-00001: disqualification recorded on {day(oslo_today())}."),
        (["withdraw", case_id, "--reason", "Enige"], f"Case 2024-00001 withdrawn on {day(oslo_today())}."),
    ]  # fmt: skip
    for step, sentence in steps:
        assert f"{sentence}\n" in _said(capsys, *step)
    shown = _fields(_said(capsys, "show", case_id))
    assert shown["Complainant"] == "Advokat Lie for Kari Nordmann"
    assert shown["Received"] == "22.04.2024 by post, postmarked 19.04.2024"
    assert (shown["Status"], shown["Outcome"], shown["Inspection"]) == (
        "withdrawn",
        "withdrawn",
        "done 02.05.2024",
    )
    assert shown["Deadline"].endswith("came late, admitted: Postgang")
