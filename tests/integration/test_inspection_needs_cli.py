"""`propertytax assessment inspections needs|import-history|record` against a running assessment service: the
needs as a table with a footer counting each reason and as a JSON file, the history import and its refusals
by line, a field result recorded into a proposal with its trace and the adopt command to run, and ordinary
mistakes named by the flag the user typed, never a traceback."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.synthetic_register import OSLO_ZONES
from services.cli import main
from services.platform.runtime import ServiceRuntime
from tests.integration.assessment_cli import said_to_people, serving_assessment

pytestmark = pytest.mark.kafka

REGISTER = """property_id,category,units,housing_value,bra_m2,plot_m2,lon,lat
0301-10/1/0/0,housing,1,6500000,120,300,10.75,59.92
0301-10/2/0/0,holiday_home,1,,40,500,10.75,59.92
0301-10/3/0/0,commercial,0,,300,800,10.75,59.92
"""


@pytest.fixture
def assessment(
    sqlite_url: str,
    kafka_bootstrap: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[ServiceRuntime]:
    with serving_assessment(sqlite_url, kafka_bootstrap, tmp_path, capsys, monkeypatch) as runtime:
        register = tmp_path / "register.csv"
        register.write_text(REGISTER)
        assert main(["assessment", "import", "zones", str(OSLO_ZONES)]) == 0
        assert main(["assessment", "import", "properties", str(register), "--year", "2024"]) == 0
        capsys.readouterr()
        yield runtime


def test_needs_history_and_a_recorded_inspection_from_the_command_line(
    assessment: ServiceRuntime, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    history = tmp_path / "history.csv"
    history.write_text(
        "property_id;event;date\n0301-10/3/0/0;inspected;01.05.2014\n0301-10/3/0/0;inspected;2014-05-01\n"
    )
    assert main(["assessment", "inspections", "import-history", str(history)]) == 0
    out, _ = said_to_people(capsys)
    assert re.search(r"Rows\s+1", out) and re.search(r"New inspections\s+1", out), out

    assert main(["assessment", "inspections", "needs", "--on", "2024-05-06"]) == 0
    out, _ = said_to_people(capsys)
    assert re.search(r"4\s+0301-10/2/0/0\s+.*never inspected", out), out
    assert re.search(r"5\s+0301-10/3/0/0\s+.*general revaluation\s+01\.05\.2024", out), out
    assert "last inspected 01.05.2014: general revaluation every 10 years" in out  # dates as in the table
    assert "0301-10/1/0/0" not in out  # the tax authority values it
    assert "2 needs: never inspected 1, general revaluation 1" in out
    assert "Showing" not in out  # all of them fit in the default --limit

    # A city's list: the most urgent from one call, the counts of every reason, and how to see the rest.
    assert main(["assessment", "inspections", "needs", "--on", "2024-05-06", "--limit", "1"]) == 0
    out, _ = said_to_people(capsys)
    assert "0301-10/2/0/0" in out and "0301-10/3/0/0" not in out, out
    assert "2 needs: never inspected 1, general revaluation 1" in out
    assert "Showing the 1 most urgent of 2; --limit 0 for all" in out
    argv = ["assessment", "inspections", "needs", "--on", "2024-05-06", "--reason", "general_revaluation"]
    assert main(argv) == 0
    out, _ = said_to_people(capsys)
    assert "0301-10/2/0/0" not in out and "1 need of the reason general revaluation" in out, out
    assert "2 needs: never inspected 1, general revaluation 1" in out  # the counts are of every reason

    listed = tmp_path / "needs.json"
    assert main(["assessment", "inspections", "needs", "--on", "2024-05-06", "--json", str(listed)]) == 0
    document = json.loads(listed.read_text())
    assert (document["on"], document["total"]) == ("2024-05-06", 2)
    assert list(document["by_reason"].items()) == [("never_inspected", 1), ("general_revaluation", 1)]
    needs = document["needs"]
    assert [(n["property_id"], n["reason"], n["since"]) for n in needs] == [
        ("0301-10/2/0/0", "never_inspected", needs[0]["since"]),
        ("0301-10/3/0/0", "general_revaluation", "2024-05-01"),
    ]

    argv = ["assessment", "inspections", "record", "0301-10/2/0/0", "--on", "2024-05-06", "--assessor", "A1"]
    extra = [
        "--floor",
        "1=42,5",
        "--inner-factor",
        "0,9",
        "--inner-reason",
        "slitt bad",
        "--photo",
        "IMG_1.jpg",
    ]
    assert main([*argv, *extra]) == 0
    out, _ = said_to_people(capsys)
    assert re.search(r"Proposed value of 0301-10/2/0/0: [\d ]+,\d\d kr \(version 2, not adopted\)", out), out
    assert re.search(r"inner factor \(IF\)\s+0\.9\s+befaring 2024-05-06, A1: slitt bad", out), out
    assert re.search(r"photo\s+IMG_1\.jpg", out), out
    assert "propertytax assessment adopt --property 0301-10/2/0/0" in out

    assert main(["assessment", "inspections", "needs", "--on", "2024-05-06"]) == 0
    out, _ = said_to_people(capsys)
    assert "0301-10/2/0/0" not in out and "1 need: general revaluation 1" in out


def test_ordinary_mistakes_name_the_flag_or_the_line(
    assessment: ServiceRuntime, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    history = tmp_path / "history.csv"
    history.write_text(
        "property_id,event,date\n0301-99/1/0/0,inspected,2020-01-01\n0301-10/3/0/0,flood,2020-01-01\n"
    )
    assert main(["assessment", "inspections", "import-history", str(history)]) == 1
    _, err = said_to_people(capsys)
    assert "line 2: property_id: no property 0301-99/1/0/0" in err or "line 3: event" in err, err
    assert "Traceback" not in err

    argv = ["assessment", "inspections", "record", "0301-10/2/0/0", "--assessor", "A1"]
    assert main([*argv, "--on", "2099-01-01", "--inner-factor", "0,8"]) == 1
    _, err = said_to_people(capsys)
    assert "--on: cannot be after today" in err and "--inner-reason: an inner factor other than 1" in err, err
    assert main([*argv, "--on", "2024-05-06", "--notes", "Eier 31129956715"]) == 1
    _, err = said_to_people(capsys)
    assert "--notes: contains a national identity number" in err and "31129956715" not in err
    with pytest.raises(SystemExit) as usage:
        main([*argv, "--on", "2024-05-06", "--floor", "1:40"])
    assert usage.value.code == 2
    _, err = said_to_people(capsys)
    assert "argument --floor: '1:40': give LEVEL=BRA_M2" in err
