"""Issue 12's trial of the secretariat's commands: a case is found by the number people see, history and
statistics read as words, decision letters are named in Norwegian and dated in the PDF, an unknown
property and an unknown flag are said plainly."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.platform.runtime import ServiceRuntime
from tests.integration.test_appeals_cli_output import (
    PROPERTY,
    _committee,
    _fields,
    _json,
    _refused,
    _register,
    _rows,
    _said,
    calendar,
    service,
)
from tests.pdf_info import pdf_info, pdf_pages

__all__ = ["calendar", "service"]  # the fixtures, used by name


def test_every_case_command_takes_the_case_number(
    service: ServiceRuntime, calendar: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _register(capsys, "--received", "2024-03-20")
    number = "2024-00001"
    assert _fields(_said(capsys, "show", number))["Status"] == "registered"
    _said(capsys, "preliminary-answer", number, "--reason", "Befaring", "--expected", "2024-06-01",
          "--on", "2024-03-25")  # fmt: skip
    assert "prepared for the committee" in _said(capsys, "prepare", number, "--recommendation", "Nei",
                                                  "--on", "2024-04-10")  # fmt: skip
    valuation, judges = _committee(capsys, "Sakkyndig nemnd", "valuation")
    meeting = _json(capsys, "meeting", "create", valuation, "--date", "2024-05-15", "--location", "Rådhuset")
    meeting_id = meeting["meeting"]["meeting_id"]
    _said(capsys, "schedule", number, meeting_id, "--on", "2024-04-12")
    _said(capsys, "decide", number, "--meeting", meeting_id, "--outcome", "not_upheld",
          "--reasons", "Arealet er riktig.", "--member", judges[0], "--member", judges[1])  # fmt: skip

    shown = _said(capsys, "show", number)
    history = _rows(shown[shown.index("History") :])
    assert history[-1][-1] == "not upheld: Arealet er riktig."

    for kind, name, dated in (
        ("acknowledgement", "kvittering-2024-00001.pdf", "Mar 20"),
        ("preliminary_answer", "forelopig-svar-2024-00001.pdf", "Mar 25"),
        ("decision", "vedtak-2024-00001-nemnd.pdf", "May 15"),
    ):
        _said(capsys, "letter", number, kind, "--out", str(tmp_path))
        pdf = (tmp_path / name).read_bytes()
        lines = [line.strip() for line in pdf_pages(pdf)[0].splitlines()]
        assert f"Vår referanse: {number}" in lines, kind
        info = pdf_info(pdf)
        assert f"{dated} 00:00:00 2024" in info["CreationDate"], (kind, info["CreationDate"])
        assert info["Author"] == "Oslo kommune (eksempel)"
    _said(capsys, "meeting", "document", meeting_id, "minutes", "--out", str(tmp_path))
    minutes = pdf_info((tmp_path / "protokoll-2024-05-15.pdf").read_bytes())
    assert "May 15 00:00:00 2024" in minutes["CreationDate"]
    assert minutes["Title"] == "Møteprotokoll – Sakkyndig nemnd – møte 15.05.2024"


def test_a_year_without_cases_has_no_share(
    service: ServiceRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    figures = _rows(_said(capsys, "statistics", "2099", "--as-of", "2099-06-01"))
    assert figures[0][:5] == ["Valuation committee", "0", "0", "0", "–"]
    assert (
        _json(capsys, "statistics", "2099")["valuation_committee"].get("share_decided_by_year_end", "") == ""
    )


def test_an_unknown_property_and_an_unknown_flag_are_said_plainly(
    service: ServiceRuntime, calendar: None, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["register", "--year", "2024", "--name", "Ola", "--address", "Gata 1", "--channel", "email"]
    argv += ["--ground", "area:BRA", "--received", "2024-03-20"]
    code, err = _refused(capsys, *argv, "--property", "0301-999/9/0/0")
    assert (code, err) == (
        1,
        "error: no property 0301-999/9/0/0 is known to appeals (no tax for it has been levied)\n",
    )
    code, err = _refused(capsys, *argv, "--property", PROPERTY, "--national-id", "01010112345")
    assert code == 2 and err.startswith("usage: propertytax appeals register")
    assert err.endswith(
        "propertytax appeals register: error: unrecognized arguments: --national-id 01010112345; identity "
        "numbers are not taken: the complainant is kept by --name and --address\n"
    )
    code, err = _refused(capsys, "show", "2024-00001", "--bogus")
    assert code == 2 and err.startswith("usage: propertytax appeals show")
