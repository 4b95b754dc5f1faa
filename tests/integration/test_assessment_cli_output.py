"""Issue 12, items 2 and 3, for the assessors' commands: against a running assessment service each command
answers people in words, tables, kroner ("12 320,00 kr") and dates ("20.02.2024"), --json gives the machine
form, and every ordinary mistake is one line naming what the user typed, with exit 1 (refused by the
service) or 2 (found before calling), never a traceback."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devstack.synthetic_register import OSLO_2024_DECISION, OSLO_ZONES
from services.assessment.service import SPEC
from services.cli import main
from services.platform.runtime import ServiceRuntime
from services.platform.service_builder import build_runtime
from services.platform.settings import Settings

pytestmark = pytest.mark.kafka

REGISTER = """property_id,category,units,housing_value,bra_m2,plot_m2,lon,lat
0301-10/1/0/0,housing,1,6500000,120,300,10.75,59.92
0301-10/2/0/0,housing,1,13000000,150,300,10.75,59.92
0301-10/5/0/0,housing,1,,,300,10.75,59.92
"""


@pytest.fixture
def assessment(
    sqlite_url: str,
    kafka_bootstrap: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[ServiceRuntime]:
    main(["token", "mint", "--role", "assessor"])  # before the service logs to the same stdout
    monkeypatch.setenv("PROPERTYTAX_TOKEN", capsys.readouterr().out.strip())
    runtime = build_runtime(
        SPEC, Settings(database_url=sqlite_url, kafka_bootstrap=kafka_bootstrap, var_dir=tmp_path)
    )
    runtime.start()
    monkeypatch.setenv("PROPERTYTAX_ASSESSMENT_TARGET", f"127.0.0.1:{runtime.server.port}")
    yield runtime
    runtime.stop()


def _said(capsys: pytest.CaptureFixture[str]) -> str:
    """What a command printed for people (the in-process service logs to the same stdout: left out)."""
    return "\n".join(
        line.rstrip()
        for line in capsys.readouterr().out.splitlines()
        if not re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[", line)
    )


def _json(capsys: pytest.CaptureFixture[str]) -> Any:
    lines = capsys.readouterr().out.splitlines()
    start = lines.index("{")
    return json.loads("\n".join(lines[start : lines.index("}", start) + 1]))


def _refused(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err, err
    return err


def _usage_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """An argparse usage error: exit 2 and its message."""
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


@pytest.fixture
def levied(
    assessment: ServiceRuntime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[Path, str]:
    """Zones, three properties (one not valued), adopted, the 2024 decision, levied on 20.02.2024: the
    decision's file and what `levy start --wait` said."""
    register = tmp_path / "register.csv"
    register.write_text(REGISTER)
    decision = tmp_path / "decision.yaml"
    decision.write_text(OSLO_2024_DECISION)
    assert main(["assessment", "import", "zones", str(OSLO_ZONES)]) == 0
    assert main(["assessment", "import", "properties", str(register), "--year", "2024"]) == 0
    assert main(["assessment", "adopt", "--reference", "sak 1/2024"]) == 0
    assert main(["assessment", "set-decision", str(decision)]) == 0
    capsys.readouterr()
    assert main(["assessment", "levy", "start", "2024", "--wait", "--on", "2024-02-20"]) == 0
    return decision, _said(capsys)


def test_imports_are_summarised_in_words_with_the_properties_not_valued_as_a_table(
    assessment: ServiceRuntime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assessment", "import", "zones", str(OSLO_ZONES)]) == 0
    assert re.search(r"^Imported \d+ zones \(they replace the earlier ones\)", _said(capsys), re.M)
    register = tmp_path / "register.csv"
    register.write_text(REGISTER)
    assert main(["assessment", "import", "properties", str(register), "--year", "2024"]) == 0
    said = _said(capsys)
    assert (
        "Imported 3 properties (3 new, 0 updated): 2 valuations proposed, waiting for adoption; "
        "1 not valued (need a valuation)." in said
    ), said
    assert re.search(r"Property\s+Line\s+Reason\s+Detail", said), said
    assert re.search(r"0301-10/5/0/0\s+4\s+no dwelling area \(BRA\)\s+\S", said), said

    assert main(["assessment", "import", "properties", str(register), "--year", "2024", "--json"]) == 0
    answer = _json(capsys)
    assert (answer["rows"], answer["created"], answer["updated"]) == (3, 0, 3)
    assert [(n["line"], n["reason"]) for n in answer["not_valued"]] == [(4, "no_dwelling_area")]

    values = tmp_path / "values.csv"
    values.write_text("property_id,unit,value_nok\n0301-10/2/0/0,H0101,14000000\n")
    assert main(["assessment", "import", "housing-values", str(values), "--year", "2024"]) == 0
    assert (
        "Read 1 housing value for 2024: 1 property given a new valuation, waiting for adoption; "
        "0 not valued (need a valuation)." in _said(capsys)
    )


def test_an_import_refused_lists_its_problems_by_line_and_column_once(
    assessment: ServiceRuntime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("property_id,category,units\n0301-5/5,castle,1\n0301-5/6,housing,many\n")
    assert main(["assessment", "import", "properties", str(bad)]) == 1
    err = _refused(capsys)
    assert re.search(r"line 2: category: .*castle", err) and re.search(r"line 3: units: ", err), err
    assert err.count("line 2") == 1 and err.count("line 3") == 1, err


def test_a_file_that_is_no_decision_is_named_and_said_to_be_none(
    assessment: ServiceRuntime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    register = tmp_path / "register.csv"
    register.write_text(REGISTER)  # one line of CSV: YAML reads it as a text, not a mapping
    assert main(["assessment", "set-decision", str(register)]) == 1
    assert _refused(capsys) == (
        f"error: {register}: not a decision file (YAML with year, rates_per_mille, basic_deduction_nok, …)\n"
    )
    # A long CSV is refused by the YAML reader first; the file is still named and said to be no decision.
    register.write_text("property_id," + ",".join(f"column_{n}" for n in range(300)) + "\n0301-1/1/0/0\n")
    assert main(["assessment", "set-decision", str(register)]) == 1
    err = _refused(capsys)
    assert err.startswith(f"error: {register}: not a decision file (YAML with year, rates_per_mille"), err
    assert "line 1: a value is longer than 1,000 characters" in err and "file:" not in err, err
    # A decision with a mistake in it is still read as a decision: its own field is named.
    register.write_text("year: 2024\nrates_per_mille: {housing: 2.8\n")
    assert main(["assessment", "set-decision", str(register)]) == 1
    assert "not a decision file" not in _refused(capsys)


def test_files_that_cannot_be_read_or_told_apart_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROPERTYTAX_TOKEN", "not-used: nothing is called")
    no_extension = tmp_path / "soner"
    no_extension.write_bytes(OSLO_ZONES.read_bytes())
    assert main(["assessment", "import", "zones", str(no_extension)]) == 2
    err = _refused(capsys)
    assert "--format" in err and "GeoJSON or GeoPackage (.geojson, .gpkg)" in err, err
    assert main(["assessment", "import", "properties", str(tmp_path / "missing.csv")]) == 2
    assert "missing.csv: cannot read it: no such file" in _refused(capsys)
    # A folder is said as a folder, with or without --format (not "cannot tell the format of data").
    assert main(["assessment", "import", "properties", str(tmp_path), "--format", "csv"]) == 2
    assert _refused(capsys) == f"error: {tmp_path} is a folder, not a file: give the file to import\n"
    assert main(["assessment", "import", "properties", f"{tmp_path}/"]) == 2
    assert _refused(capsys) == f"error: {tmp_path} is a folder, not a file: give the file to import\n"
    assert main(["assessment", "set-decision", str(tmp_path / "missing.yaml")]) == 2
    assert "missing.yaml: cannot read it" in _refused(capsys)
    help_text = _help(capsys, ["assessment", "import", "--help"])
    assert "zones           zone polygons: GeoJSON or GeoPackage file (.geojson, .gpkg)" in help_text


def _help(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 0
    return capsys.readouterr().out


def test_dates_and_numbers_are_checked_before_calling_and_named_by_their_flag(
    capsys: pytest.CaptureFixture[str],
) -> None:
    err = _usage_error(capsys, ["assessment", "levy", "start", "2024", "--on", "2024-02-30"])
    assert "argument --on: 2024-02-30 is not a date (February 2024 has 29 days)" in err, err
    err = _usage_error(capsys, ["assessment", "levy", "start", "2023", "--on", "29.02.2023"])
    assert "argument --on: 29.02.2023 is not a date (February 2023 has 28 days)" in err, err
    correct = ["assessment", "correct", "p", "--reason", "r"]
    err = _usage_error(capsys, [*correct, "--year", "2024", "--value-nok", "1e400", "--on", "2024-05-02"])
    assert "argument --value-nok:" in err, err
    err = _usage_error(capsys, [*correct, "--year", "20245", "--value-nok", "1"])
    assert "argument --year:" in err, err
    assert "argument --page-size:" in _usage_error(capsys, ["assessment", "find", "--page-size", "5000"])
    assert "argument YEAR_OR_JOB:" in _usage_error(capsys, ["assessment", "levy", "status", "99999"])


def test_levy_says_what_it_did_and_its_status_by_year(
    levied: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    said = levied[1]  # `levy start 2024 --wait --on 2024-02-20`: a progress bar on a terminal, then this
    assert re.fullmatch(
        r"Levy 2024 done on 20\.02\.2024: 3 properties, 2 taxed, 0 exempt, 1 not valued; "
        r"total \d{1,3}( \d{3})*,\d\d kr",
        said,
    ), said
    assert "0/3" not in said

    assert main(["assessment", "levy", "status", "2024"]) == 0
    said = _said(capsys)
    assert said.startswith("Levy 2024 done on 20.02.2024: 3 properties, 2 taxed"), said
    assert re.search(r"^State\s+completed$", said, re.M) and re.search(r"^Job\s+\S+$", said, re.M), said
    # The figures once: the summary line says them, no field repeats them.
    assert said.count("20.02.2024") == 1 and said.count(" kr") == 1, said
    assert not re.search(r"^(Taxed|Exempt|Not valued|Levied on|Properties|Total tax)\b", said, re.M), said

    assert main(["assessment", "levy", "status", "2024", "--json"]) == 0
    job = _json(capsys)
    assert (job["tax_year"], job["state"], job["levied_on"]) == (
        2024,
        "LEVY_JOB_STATE_COMPLETED",
        "2024-02-20",
    )
    assert set(job["total_tax"]) == {"ore", "nok"}
    assert main(["assessment", "levy", "status", job["job_id"]]) == 0
    assert _said(capsys).startswith("Levy 2024 done on 20.02.2024")

    assert main(["assessment", "levy", "status", "2031"]) == 1
    assert "2031" in _refused(capsys)
    assert main(["assessment", "levy", "start", "2024", "--on", "2024-03-01"]) == 1
    err = _refused(capsys)
    assert "levied_on" not in err and err.count("\n") == 1, err
    assert main(["assessment", "levy", "start", "2024", "--on", "2199-01-01"]) == 1
    assert _refused(capsys) == "error: --on: cannot be in the future\n"
    assert main(["assessment", "levy", "start", "2024", "--wait"]) == 1
    assert _refused(capsys) == "error: the levy for 2024 is complete; correct single tax bases instead\n"


def test_tax_list_says_what_it_wrote_and_writes_to_stdout(
    levied: tuple[Path, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "skatteliste.pdf"
    assert main(["assessment", "tax-list", "2024", "--out", str(out)]) == 0
    assert _said(capsys) == f"Wrote {out} (public tax list 2024, PDF)"
    assert out.read_bytes().startswith(b"%PDF")
    monkeypatch.chdir(tmp_path)
    assert main(["assessment", "tax-list", "2024"]) == 0
    assert _said(capsys) == "Wrote skatteliste-2024.csv (public tax list 2024, 2 properties)"
    assert main(["assessment", "tax-list", "2024", "--list", "exempt"]) == 0
    assert _said(capsys) == "Wrote fritaksliste-2024.csv (exempt list 2024, 0 properties)"
    assert main(["assessment", "tax-list", "2024", "--out", "-"]) == 0
    assert (tmp_path / "skatteliste-2024.csv").read_text(encoding="utf-8") in capsys.readouterr().out

    assert main(["assessment", "tax-list", "2024", "--out", str(tmp_path / "no" / "such" / "dir.csv")]) == 2
    assert "--out " in _refused(capsys)
    # A folder gets the list under its usual name, as `invoices document` does.
    folder = tmp_path / "lists"
    folder.mkdir()
    assert main(["assessment", "tax-list", "2024", "--out", str(folder), "--format", "pdf"]) == 0
    assert _said(capsys) == f"Wrote {folder / 'skatteliste-2024.pdf'} (public tax list 2024, PDF)"
    assert (folder / "skatteliste-2024.pdf").read_bytes().startswith(b"%PDF")
    assert main(["assessment", "tax-list", "2024", "--out", str(folder), "--list", "exempt"]) == 0
    assert (folder / "fritaksliste-2024.csv").is_file()
    capsys.readouterr()
    assert main(["assessment", "tax-list", "2019", "--out", str(tmp_path / "2019.csv")]) == 1
    _refused(capsys)
    assert not (tmp_path / "2019.csv").exists()  # a refusal leaves no empty file


def test_simulate_and_correct_speak_in_kroner_and_dates(
    levied: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assessment", "simulate", "--decision", str(levied[0])]) == 0
    said = _said(capsys)
    # 13 M → 12 320 kr under the Oslo decision; 6.5 M is under the deduction.
    assert re.search(r"^Total revenue\s+12 320,00 kr$", said, re.M), said
    assert re.search(r"^Current decision\s+12 320,00 kr \(change 0,00 kr\)$", said, re.M), said
    assert "NOK" not in said
    assert main(["assessment", "simulate", "--decision", str(levied[0]), "--by-property", str(tmp_path)]) == 2
    assert "--by-property" in _refused(capsys)

    correct = ["assessment", "correct", "0301-10/2/0/0", "--year", "2024", "--value-nok", "14 000 000"]
    assert main([*correct, "--reason", "Målt på nytt", "--on", "02.05.2024"]) == 0
    said = _said(capsys)
    assert said.startswith("Corrected the tax base of 0301-10/2/0/0 for 2024 (version 2)."), said
    assert re.search(r"^Corrected on\s+02\.05\.2024$", said, re.M), said
    assert re.search(r"^Value\s+14 000 000,00 kr$", said, re.M), said
    assert re.search(r"^Status\s+taxed$", said, re.M) and re.search(r"^Tax\s+\d", said, re.M), said
    assert main([*correct, "--reason", "Igjen", "--on", "2024-01-02"]) == 1
    err = _refused(capsys)
    assert err.startswith("error: --on: ") and "corrected_on" not in err, err
    assert main([*correct, "--reason", "Igjen", "--on", "2024-01-02", "--json"]) == 1
    error = json.loads(capsys.readouterr().err)["error"]  # asked for JSON: the refusal is JSON too
    assert [v["field"] for v in error["violations"]] == ["--on"] and "corrected_on" not in error["message"]
    assert main([*correct, "--reason", "x" * 1001]) == 1
    assert _refused(capsys).startswith("error: --reason: ")


def test_find_adopt_and_unvalued_answer_in_tables_and_sentences(
    levied: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assessment", "find", "--text", "0301-10/"]) == 0
    said = _said(capsys)
    assert re.search(r"Property\s+Cadastral id\s+Address\s+Category\s+Units\s+Zone", said), said
    assert re.search(r"^0301-10/1/0/0\s.*\shousing\s+1\s", said, re.M), said
    assert main(["assessment", "find", "--text", "xyz"]) == 0
    assert _said(capsys) == "No property matches 'xyz'."
    assert main(["assessment", "find", "--text", "0301-10/", "--page-size", "1"]) == 0
    assert "The first 1 property shown; more match" in _said(capsys)
    assert main(["assessment", "find", "--text", "0301-10/1/", "--json"]) == 0
    assert [p["property_id"] for p in _json(capsys)["properties"]] == ["0301-10/1/0/0"]

    assert main(["assessment", "adopt", "--reference", "sak 2/2024"]) == 0
    assert _said(capsys) == "No proposed valuation to adopt: nothing changed."
    assert main(["assessment", "adopt", "--reference", "sak 12345678901 " * 20]) == 1
    assert _refused(capsys).startswith("error: --reference: ")

    assert main(["assessment", "unvalued"]) == 0
    said = _said(capsys)
    assert re.search(r"^0301-10/5/0/0\s+no dwelling area \(BRA\)\s+\S", said, re.M), said
    assert said.endswith("1 property needs a valuation.")
