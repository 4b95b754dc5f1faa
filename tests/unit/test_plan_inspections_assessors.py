"""Issue 14 item 2: the assessors file — comma or semicolon, UTF-8 with or without BOM, all or nothing,
every bad row named by line and column (adapters/assessor_files.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.assessment.adapters.assessor_files import read_assessors
from services.assessment.domain.inspection_planning import Transport
from services.platform.errors import InvalidInput

pytestmark = pytest.mark.unit

HEADER = "assessor_id,name,transport,start_lon,start_lat,minutes_per_day\n"
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples" / "assessors.csv"


def _problems(content: bytes) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInput) as caught:
        read_assessors(content)
    return [(v.field, v.description) for v in caught.value.violations]


def test_the_sample_file_is_read_with_norwegian_and_sami_letters() -> None:
    assessors = read_assessors(SAMPLE.read_bytes())
    assert [a.assessor_id for a in assessors] == ["A1", "A2", "A3", "A4"]
    assert assessors[3].name == "Ánte Somby" and assessors[3].transport == Transport.FOOT
    assert assessors[0].start.lon == pytest.approx(10.76) and assessors[3].minutes_per_day == 360


def test_semicolons_a_bom_and_decimal_commas_are_read() -> None:
    content = (
        "\ufeffassessor_id;name;transport;start_lon;start_lat;minutes_per_day\nB1;Åse;EBike;10,75;59,91;480\n"
    )
    [assessor] = read_assessors(content.encode("utf-8"))
    assert assessor.transport == Transport.EBIKE and assessor.start.lat == pytest.approx(59.91)


def test_every_bad_row_is_named_by_line_and_column_and_nothing_is_taken() -> None:
    content = HEADER + (
        "A1,Kari,car,10.75,59.91,420\n"
        "A1,Ola,car,10.75,59.91,420\n"  # the same id again
        "A3,,boat,10.75,59.91,420\n"  # no name, unknown transport
        "A4,Per,foot,59.91,10.75,420\n"  # lon and lat swapped
        "A5,Liv,bike,18.0,40.0,420\n"  # outside Norway
        "A6,Siv,car,10.75,59.91,30\n"  # under an hour
        "A7,Tor,car,10.75,,721\n"
    )
    problems = _problems(content.encode())
    assert ("line 3", "assessor_id: A1 is already on line 2") in problems
    columns = {(field, text.split(":")[0]) for field, text in problems}
    assert {
        ("line 4", "name"),
        ("line 4", "transport"),
        ("line 5", "start_lon"),
        ("line 6", "start_lon"),
    } <= columns
    assert {("line 7", "minutes_per_day"), ("line 8", "start_lat"), ("line 8", "minutes_per_day")} <= columns
    assert "swapped" in dict(problems)["line 5"]
    assert not any(field == "line 2" for field, _ in problems)


def test_a_file_without_the_columns_or_without_assessors_is_refused() -> None:
    assert _problems(b"assessor_id,name\nA1,Kari\n") == [
        ("line 1", "missing columns: minutes_per_day, start_lat, start_lon, transport")
    ]
    assert _problems(HEADER.encode()) == [("line 1", "assessor_id: the file lists no assessor")]
