"""The CLI on odd files and odd numbers: one line naming the flag or argument and the file, exit 2, never
a traceback (issue 11's hostile trial: an .xlsx renamed .yaml, a missing file, --units with 29 digits)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.cli import build_parser, main
from services.cli.common import flag_for, read_input, write_document

pytestmark = pytest.mark.unit

# The start of an .xlsx (a zip): not UTF-8 from its 11th byte.
XLSX = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xa4\x9f\xee\xfe" + bytes(range(256))


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    # The commands read their files before any call: the service is never reached.
    monkeypatch.setenv("PROPERTYTAX_TOKEN", "not-used")


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code = main([*argv, "--target", "127.0.0.1:1", "--timeout", "1"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    return err


@pytest.fixture
def xlsx_as_yaml(tmp_path: Path) -> Path:
    path = tmp_path / "f.yaml"
    path.write_bytes(XLSX)
    return path


def test_set_decision_with_a_spreadsheet_named_yaml_names_the_file(
    xlsx_as_yaml: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused(["assessment", "set-decision", str(xlsx_as_yaml)], capsys)
    assert err.startswith(f"error: file {xlsx_as_yaml}: not UTF-8 text")


def test_simulate_with_a_spreadsheet_as_decision_names_the_flag(
    xlsx_as_yaml: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused(["assessment", "simulate", "--decision", str(xlsx_as_yaml)], capsys)
    assert err.startswith(f"error: --decision {xlsx_as_yaml}: not UTF-8 text")


def test_fee_schedule_put_with_a_spreadsheet_names_the_file(
    xlsx_as_yaml: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused(["billing", "schedule", "put", str(xlsx_as_yaml)], capsys)
    assert err.startswith(f"error: file {xlsx_as_yaml}: not UTF-8 text")


@pytest.mark.parametrize(
    "argv",
    [
        ["assessment", "set-decision", "/nonexistent.yaml"],
        ["assessment", "import", "properties", "/nonexistent.csv"],
        ["assessment", "simulate", "--decision", "/nonexistent.yaml"],
        ["billing", "schedule", "put", "/nonexistent.yaml"],
    ],
)
def test_a_missing_file_is_one_line_naming_it(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    err = _refused(argv, capsys)
    assert "/nonexistent." in err and "no such file" in err


def test_a_directory_given_as_a_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _refused(["assessment", "import", "zones", str(tmp_path), "--format", "geojson"], capsys)
    assert err == f"error: {tmp_path} is a folder, not a file: give the file to import\n"


def test_an_output_in_a_missing_directory_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "missing" / "list.csv"
    err = _refused(["assessment", "tax-list", "2024", "--out", str(out)], capsys)
    assert err == f"error: --out {out}: cannot write it: no such file\n"


def test_read_input_gives_text_without_a_bom_and_bytes_as_they_are(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_bytes("\ufeffyear: 2024\nnavn: Ås\n".encode())
    assert read_input(path, "file", text=True) == "year: 2024\nnavn: Ås\n"
    assert read_input(path, "file") == path.read_bytes()


def test_out_dash_writes_the_document_to_stdout(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert write_document("-", "--out", b"%PDF-1.7 ...", "invoice-1001.pdf") == "-"
    assert capsysbinary.readouterr().out == b"%PDF-1.7 ..."


def test_out_as_a_directory_takes_the_documents_file_name(tmp_path: Path) -> None:
    assert write_document(str(tmp_path), "--out", b"x", "invoice-1001.pdf") == str(
        tmp_path / "invoice-1001.pdf"
    )
    assert (tmp_path / "invoice-1001.pdf").read_bytes() == b"x"


def test_a_run_of_the_cli_on_a_missing_file_prints_no_traceback() -> None:
    ran = subprocess.run(
        [
            sys.executable,
            "-m",
            "services.cli",
            "assessment",
            "set-decision",
            "/nonexistent.yaml",
            "--token",
            "x",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ran.returncode == 2
    assert ran.stderr == "error: file /nonexistent.yaml: cannot read it: no such file\n"


# Every numeric argument of the CLI: (the command before it, the flag or positional name, how it is given).
NUMERIC_ARGUMENTS = [
    (
        [
            "assessment",
            "register-property",
            "--cadastral-id",
            "0301-1/1",
            "--address",
            "A 1",
            "--category",
            "housing",
        ],
        "--units",
    ),
    (
        [
            "assessment",
            "register-property",
            "--cadastral-id",
            "0301-1/1",
            "--address",
            "A 1",
            "--category",
            "housing",
        ],
        "--lon",
    ),
    (
        [
            "assessment",
            "register-property",
            "--cadastral-id",
            "0301-1/1",
            "--address",
            "A 1",
            "--category",
            "housing",
        ],
        "--lat",
    ),
    (["assessment", "get-property", "p-1"], "--timeout"),
    (["token", "mint", "--role", "assessor"], "--hours"),
    (["admin", "dead-letters", "list"], "--timeout"),
    (["assessment", "find"], "--page-size"),
    (["assessment", "correct", "p-1", "--year", "2024", "--reason", "r"], "--value-nok"),
    (["assessment", "correct", "p-1", "--value-nok", "1", "--reason", "r"], "--year"),
    (["billing", "fee-facts", "p-1"], "--chimneys"),
]


@pytest.mark.parametrize(("before", "flag"), NUMERIC_ARGUMENTS)
@pytest.mark.parametrize(
    "text", ["12345678901234567890123456789", "nan", "1e400", "inf", "-1e400", "１２", ""]
)
def test_absurd_numbers_are_usage_errors_naming_the_flag(
    before: list[str], flag: str, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args([*before, f"{flag}={text}"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {flag}:" in err and "Traceback" not in err


@pytest.mark.parametrize(("before", "flag"), NUMERIC_ARGUMENTS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=60), st.from_regex(r"[-+]?[0-9 ,.eE]{0,45}", fullmatch=True)))
def test_any_text_for_a_numeric_argument_is_accepted_or_a_usage_error_naming_it(
    before: list[str], flag: str, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        args = build_parser().parse_args([*before, f"{flag}={text}"])
    except SystemExit as exited:
        assert exited.code == 2
        assert f"argument {flag}:" in capsys.readouterr().err
        return
    value = getattr(args, flag.removeprefix("--").replace("-", "_"))
    assert value == value  # not nan
    if isinstance(value, float):
        assert abs(value) <= 86400


def test_register_property_takes_coordinates_as_people_write_them() -> None:
    before = NUMERIC_ARGUMENTS[0][0]
    args = build_parser().parse_args([*before, "--lon", "10,7522", "--lat", "59.9139", "--units", "12"])
    assert (args.lon, args.lat, args.units) == (10.7522, 59.9139, 12)


def test_a_lone_coordinate_is_refused_naming_both_flags(capsys: pytest.CaptureFixture[str]) -> None:
    err = _refused([*NUMERIC_ARGUMENTS[0][0], "--lon", "10.75"], capsys)
    assert err.startswith("error: --lon and --lat")


@pytest.mark.parametrize(
    ("field", "flags", "shown"),
    [
        ("facts.address", {"facts.address": "--address"}, "--address"),
        ("complainant.address_lines[1]", {"complainant.address_lines": "--address"}, "--address #2"),
        ("grounds[0].text", {"grounds": "--ground"}, "--ground #1"),
        ("corrected_on", {}, "corrected_on"),
    ],
)
def test_a_refused_field_is_named_by_its_flag(field: str, flags: dict[str, str], shown: str) -> None:
    assert flag_for(field, flags) == shown
