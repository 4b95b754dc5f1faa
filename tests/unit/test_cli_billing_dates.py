"""Billing's date flags read dates as people type them (2024-05-06 or 06.05.2024) and refuse an impossible
one before anything is sent, named by its flag (issue 12), as assessment's and appeals' do."""

from __future__ import annotations

import pytest

from services.cli import build_parser, main

# Each billing date flag once: the command line up to the flag, and the attribute it fills.
FLAGS = [
    (["billing", "run", "start", "2024", "5"], "--issue-date", "issue_date"),
    (["billing", "run", "preview", "2024", "5"], "--issue-date", "issue_date"),
    (["billing", "invoices", "find"], "--from", "issued_from"),
    (["billing", "invoices", "find"], "--to", "issued_to"),
    (
        ["billing", "recipients", "update", "1001", "--interval", "monthly"],
        "--interval-from",
        "interval_from",
    ),
]


@pytest.mark.parametrize(("argv", "flag", "attribute"), FLAGS)
def test_a_billing_date_is_read_either_way(argv: list[str], flag: str, attribute: str) -> None:
    for typed in ("2024-05-01", "01.05.2024"):
        assert getattr(build_parser().parse_args([*argv, flag, typed]), attribute) == "2024-05-01"


@pytest.mark.parametrize(("argv", "flag", "attribute"), FLAGS)
def test_an_impossible_billing_date_is_a_usage_error_naming_its_flag(
    argv: list[str], flag: str, attribute: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([*argv, flag, "30.02.2024"])
    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert f"argument {flag}: 30.02.2024 is not a date (February 2024 has 29 days)" in err, err
    assert "Traceback" not in err
