"""The assessors file's start points (adapters/assessor_files.py): a file in projected metres, or with
latitude and longitude swapped, is told what the file wants, not only that a number is out of range."""

from __future__ import annotations

import pytest

from services.assessment.adapters.assessor_files import read_assessors
from services.platform.errors import InvalidInput

pytestmark = pytest.mark.unit

HEADER = "assessor_id,name,transport,start_lon,start_lat,minutes_per_day\n"


def _problems(rows: str) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInput) as caught:
        read_assessors((HEADER + rows).encode())
    return [(v.field, v.description) for v in caught.value.violations]


def test_utm_metres_are_named_as_projected_metres_with_what_the_file_wants() -> None:
    [(field, text)] = _problems("A1,Kari,car,597000,6643000,420\n")
    assert field == "line 2"
    assert text == (
        "start_lon: '597000' and '6643000' look like projected metres (e.g. EPSG:25833, UTM zone 33N), "
        "not degrees: the file wants longitude and latitude in degrees (WGS 84), e.g. 10.75 and 59.91"
    )
    assert "out of range" not in text


def test_one_coordinate_in_metres_is_enough_and_a_missing_one_is_still_named() -> None:
    problems = _problems("A1,Kari,car,597000,,420\nA2,Ola,car,10.75,59.91,420\n")
    assert [field for field, _ in problems] == ["line 2", "line 2"]
    assert problems[0][1].startswith("start_lon: '597000' looks like projected metres")
    assert problems[1][1] == "start_lat: is required"


def test_swapped_degrees_keep_their_hint_and_other_bad_degrees_their_range() -> None:
    problems = _problems("A1,Kari,car,59.91,10.75,420\nA2,Ola,car,200,59.91,420\n")
    assert problems[0] == (
        "line 2",
        "start_lon: latitude and longitude look swapped (lon 59.91, lat 10.75): give longitude first "
        "(x = lon, y = lat)",
    )
    assert problems[1][0] == "line 3" and "'200' is out of range" in problems[1][1]
    assert "projected" not in problems[1][1]


def test_degrees_with_decimal_commas_are_read_as_before() -> None:
    content = "assessor_id;name;transport;start_lon;start_lat;minutes_per_day\nB1;Åse;car;10,75;59,91;420\n"
    [assessor] = read_assessors(content.encode())
    assert assessor.start.lon == pytest.approx(10.75) and assessor.start.lat == pytest.approx(59.91)
