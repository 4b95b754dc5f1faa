"""Every kind of number a user gives is read within its plausible range or refused with a field violation
that names where it was (issue 10, case 5), and import files in Excel's Windows-1252 are read (case 10).

Each hypothesis test puts arbitrary input where a number goes and asserts: a value in range, or
InvalidInput/ArgumentTypeError naming the field, line or flag; never another exception."""

from __future__ import annotations

import argparse
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from propertytax.assessment.v1 import assessment_pb2
from propertytax.platform.v1 import money_pb2
from services.appeals.entrypoints.proto_mapping import money_from_proto as appeal_money
from services.assessment.adapters.file_rows import decode_text
from services.assessment.adapters.housing_value_files import read_housing_values
from services.assessment.adapters.property_files import read_properties_csv
from services.assessment.domain.decision import LegalLimits
from services.assessment.domain.decision_parsing import parse_decision
from services.assessment.domain.property import BRA_M2, PLOT_M2
from services.assessment.entrypoints.proto_mapping import facts_from_proto, money_from_proto
from services.billing.domain.fee_schedule import PRICE_NOK, FeeFacts, annual_fees, parse_fee_schedule
from services.billing.domain.fees import WaterSewageRates, water_and_sewage
from services.cli.common import decimal_text, kroner, year_arg
from services.platform.errors import FailedPrecondition, InvalidInput
from services.platform.money import Money
from services.platform.numbers import METER_M3, NOK, PER_MILLE, read_node

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
OSLO_FEES = yaml.safe_load((REPO / "data" / "fee_schedules" / "oslo-2024.yaml").read_text(encoding="utf-8"))
DECISION = {
    "year": 2024,
    "rates_per_mille": {"housing": 2.8, "commercial": 3.7},
    "basic_deduction_nok": 4_700_000,
    "reduction_factor": 0.30,
    "minimum_amount_nok": 50,
    "terms": 4,
}
TEXT = st.characters(codec="utf-8")  # any character a file can hold (no lone surrogates)
NUMBER_LIKE = st.one_of(
    st.text(alphabet=TEXT, max_size=50),
    st.from_regex(r"-?[0-9]{1,40}([.,][0-9]{0,45})?([eE][+-]?[0-9]{1,7})?", fullmatch=True),
    st.sampled_from(["1e12", "9" * 29, "1e2000000", "NaN", "-Infinity", "1,2.3", "1 000,5", "0x10", "٣"]),
)
YAML_NODE = st.one_of(
    NUMBER_LIKE,
    st.integers(),
    st.integers(min_value=-(10**500), max_value=10**500),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=2),
)
CELL = st.text(alphabet=st.characters(codec="utf-8", blacklist_characters=';"\r\n\x00'), max_size=45)


def _fields(refused: InvalidInput) -> dict[str, str]:
    return {v.field: v.description for v in refused.violations}


# --- CSV cells -------------------------------------------------------------------------------------


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    cell=NUMBER_LIKE.filter(lambda t: not any(c in t for c in ';"\r\n\x00')),
    column=st.sampled_from(["bra_m2", "plot_m2", "units", "build_year", "housing_value", "lon", "lat"]),
)
def test_any_numeric_cell_of_a_property_file_is_in_range_or_named_by_line_and_column(
    cell: str, column: str
) -> None:
    row = {"property_id": "p1", "category": "housing", "units": "1", "lon": "10,75", "lat": "59,91"}
    row[column] = cell
    header = ";".join(row)
    content = f"{header}\n{';'.join(row.values())}\n".encode()
    try:
        [parsed] = read_properties_csv(content)
    except InvalidInput as refused:
        assert set(_fields(refused)) <= {"line 2"}, refused
        assert any(
            v.description.startswith((f"{column}: ", "lon/lat: ", "content: ")) for v in refused.violations
        )
        assert all(len(v.description) < 300 for v in refused.violations)
        return
    facts = parsed.facts
    assert 0 <= facts.dwelling_units <= 10000
    assert all(BRA_M2.minimum <= f.bra_m2 <= BRA_M2.maximum for f in facts.floors)
    assert PLOT_M2.minimum <= facts.plot_m2 <= PLOT_M2.maximum
    assert parsed.housing_value is None or 0 <= parsed.housing_value.ore <= NOK.maximum * 100


@given(cell=CELL)
def test_any_value_cell_of_a_housing_value_file_is_in_range_or_named(cell: str) -> None:
    content = f"property_id;unit;value_nok\np1;H0101;{cell}\n".encode()
    try:
        [row] = read_housing_values(content, 2024)
    except InvalidInput as refused:
        assert set(_fields(refused)) == {"line 2"}
        assert _fields(refused)["line 2"].startswith(("value_nok: ", "content: "))
        return
    assert 0 <= row.value.ore <= NOK.maximum * 100


@pytest.mark.parametrize(
    ("cell", "reason"),
    [("1e12", "out of range"), ("9" * 29, "out of range"), ("-5", "out of range"), ("12,345", "decimals")],
)
def test_absurd_cells_are_refused_naming_line_and_column(cell: str, reason: str) -> None:
    content = f"property_id;category;units;bra_m2\np1;housing;1;120\np2;housing;1;{cell}\n".encode()
    with pytest.raises(InvalidInput) as refused:
        read_properties_csv(content)
    assert _fields(refused.value)["line 3"].startswith("bra_m2: ")
    assert reason in _fields(refused.value)["line 3"]


def test_both_decimal_separators_are_read_in_either_kind_of_file() -> None:
    semicolons = read_properties_csv(b"property_id;category;units;bra_m2\np1;housing;1;132,5\n")
    commas = read_properties_csv(
        b'property_id,category,units,bra_m2\np1,housing,1,"132,5"\np2,housing,1,80.25\n'
    )
    assert semicolons[0].facts.floors[0].bra_m2 == commas[0].facts.floors[0].bra_m2 == Decimal("132.5")
    assert commas[1].facts.floors[0].bra_m2 == Decimal("80.25")


# --- YAML: decisions and fee schedules -------------------------------------------------------------


@settings(max_examples=300)
@given(
    node=YAML_NODE,
    key=st.sampled_from(["basic_deduction_nok", "minimum_amount_nok", "reduction_factor", "terms"]),
)
def test_any_number_in_a_decision_is_in_range_or_named(node: Any, key: str) -> None:
    try:
        decision = parse_decision({**DECISION, key: node}, LegalLimits())
    except InvalidInput as refused:
        assert set(_fields(refused)) == {key}, refused
        return
    assert 0 <= decision.basic_deduction.ore <= NOK.maximum * 100
    assert 0 <= decision.minimum_amount.ore <= NOK.maximum * 100
    assert 0 <= decision.reduction_factor < 1 and 1 <= decision.terms <= 12


@settings(max_examples=300)
@given(node=YAML_NODE)
def test_any_rate_in_a_decision_is_in_range_or_named(node: Any) -> None:
    try:
        decision = parse_decision({**DECISION, "rates_per_mille": {"commercial": node}}, LegalLimits())
    except InvalidInput as refused:
        assert set(_fields(refused)) == {"rates_per_mille.commercial"}, refused
        return
    assert PER_MILLE.minimum <= decision.rate_for(decision.rates_per_mille.__iter__().__next__()) <= 7


@settings(max_examples=300)
@given(
    node=YAML_NODE,
    path=st.sampled_from(
        [
            ("water_sewage", "water_per_m3_nok"),
            ("water_sewage", "m3_per_m2_bra"),
            ("water_sewage", "vat_rate"),
            ("waste_per_unit_nok", "housing"),
            ("chimney_per_chimney_nok",),
        ]
    ),
)
def test_any_number_in_a_fee_schedule_is_in_range_or_named(node: Any, path: tuple[str, ...]) -> None:
    raw = {
        **OSLO_FEES,
        "water_sewage": dict(OSLO_FEES["water_sewage"]),
        "waste_per_unit_nok": dict(OSLO_FEES["waste_per_unit_nok"]),
    }
    if len(path) == 2:
        raw[path[0]][path[1]] = node
    else:
        raw[path[0]] = node
    try:
        schedule = parse_fee_schedule(raw)
    except InvalidInput as refused:
        assert set(_fields(refused)) == {".".join(path)}, refused
        return
    # The largest property and reading the inputs allow still give amounts an invoice can hold.
    lines = annual_fees(schedule, FeeFacts("housing", 10000, Decimal(10**8), 1000, METER_M3.maximum))
    assert all(0 <= line.amount.ore < 2**63 for line in lines)
    assert schedule.water_sewage.water_per_m3.ore <= PRICE_NOK.maximum * 100


def test_a_fee_schedule_refuses_absurd_prices_with_the_path() -> None:
    raw = {**OSLO_FEES, "water_sewage": {**OSLO_FEES["water_sewage"], "water_per_m3_nok": 1e12}}
    with pytest.raises(InvalidInput) as refused:
        parse_fee_schedule(raw)
    assert "out of range" in _fields(refused.value)["water_sewage.water_per_m3_nok"]


def test_a_stored_absurd_meter_reading_is_refused_not_an_arithmetic_error() -> None:
    rates = WaterSewageRates(
        Money.of(397), Money.of("15.75"), Money.of("15.75"), Decimal("1.3"), Decimal("0.25")
    )
    with pytest.raises(FailedPrecondition, match="record the property's reading"):
        water_and_sewage(rates, units=1, bra_m2=Decimal(100), metered_m3=Decimal("9" * 29))
    with pytest.raises(FailedPrecondition):
        water_and_sewage(rates, units=1, bra_m2=Decimal(100), metered_m3=Decimal("1e12"))
    [_, water, _] = water_and_sewage(rates, units=1, bra_m2=Decimal(100), metered_m3=Decimal("132.5"))
    assert water.amount == Money.of("2086.88")  # 132.5 m³ × 15.75, rounded half up


@given(node=YAML_NODE)
def test_any_node_is_a_number_in_range_or_a_value_error(node: Any) -> None:
    try:
        number = read_node(node, PER_MILLE)
    except ValueError as exc:
        assert len(str(exc)) < 200
        return
    assert PER_MILLE.minimum <= number <= PER_MILLE.maximum


# --- gRPC string and money fields ------------------------------------------------------------------


@given(text=st.text(alphabet=TEXT, max_size=60) | NUMBER_LIKE)
def test_any_area_sent_over_grpc_is_in_range_or_named(text: str) -> None:
    message = assessment_pb2.PropertyFacts(plot_m2=text)
    message.floors.add(level=1, bra_m2=text)
    try:
        facts = facts_from_proto(message)
    except InvalidInput as refused:
        assert set(_fields(refused)) <= {"floors[0].bra_m2", "plot_m2"}
        return
    assert BRA_M2.minimum <= facts.floors[0].bra_m2 <= BRA_M2.maximum


@given(ore=st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_any_amount_sent_over_grpc_is_in_range_or_named(ore: int) -> None:
    for read, field in ((money_from_proto, "value"), (appeal_money, "new_value")):
        try:
            amount = read(money_pb2.Money(ore=ore), field)  # type: ignore[operator]
        except InvalidInput as refused:
            assert set(_fields(refused)) == {field}
            continue
        assert 0 <= amount.ore <= NOK.maximum * 100


# --- CLI arguments ---------------------------------------------------------------------------------


@given(text=NUMBER_LIKE)
def test_any_amount_typed_on_the_command_line_is_in_range_or_a_usage_error(text: str) -> None:
    try:
        amount = kroner(text)
    except argparse.ArgumentTypeError as exc:
        assert "an amount in kroner" in str(exc) and len(str(exc)) < 250
        return
    assert 0 <= amount.ore <= NOK.maximum * 100


@given(text=NUMBER_LIKE)
def test_any_meter_reading_or_year_typed_is_in_range_or_a_usage_error(text: str) -> None:
    for read in (decimal_text(METER_M3, "m³"), year_arg):
        try:
            value = read(text)
        except argparse.ArgumentTypeError:
            continue
        assert Decimal(value) <= max(METER_M3.maximum, Decimal(2200))


@pytest.mark.parametrize("text", ["99999999999999999999", "1e12", "-1", "12,345", "1,2.3"])
def test_absurd_amounts_typed_are_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        kroner(text)
    assert kroner("7 500 000,50") == Money.of("7500000.50")


# --- Excel's CSVs (case 10) -----------------------------------------------------------------------


def test_a_windows_1252_semicolon_file_imports_with_the_right_letters() -> None:
    text = "property_id;category;units;bra_m2;address\n0301-10/1/0/0;housing;1;132,5;Øvre Ærvei 6\n"
    text += "0301-10/2/0/0;housing;1;80;Åsveien 2 – «Bø»\n"
    with pytest.raises(UnicodeDecodeError):
        text.encode("cp1252").decode("utf-8")  # what made it "not UTF-8 text (byte 91)"
    rows = read_properties_csv(text.encode("cp1252"))
    assert [r.facts.address for r in rows] == ["Øvre Ærvei 6", "Åsveien 2 – «Bø»"]
    assert rows[0].facts.floors[0].bra_m2 == Decimal("132.5")
    assert read_properties_csv(text.encode("iso-8859-1", errors="replace"))[0].facts.address == "Øvre Ærvei 6"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_unicode_files_still_import(encoding: str) -> None:
    text = "property_id;category;units;address\n0301-10/1/0/0;housing;1;Øvre Ærvei 6\n"
    assert read_properties_csv(text.encode(encoding))[0].facts.address == "Øvre Ærvei 6"


def test_a_housing_value_file_in_windows_1252_is_read() -> None:
    rows = read_housing_values(
        "property_id;unit;value_nok;note\np1;H0101;6500000;Bølgen\n".encode("cp1252"), 2024
    )
    assert rows[0].value == Money.of(6_500_000)


@pytest.mark.parametrize(
    ("content", "line", "says"),
    [
        # 0x81 is not a Windows-1252 character, and the file is not UTF-8 either
        (
            b"property_id;category;address\np1;housing;Gate 1\np2;housing;\x81vre\n",
            3,
            "neither UTF-8 nor Windows-1252",
        ),
        # UTF-8 letters on line 2, a Windows-1252 letter on line 3: two encodings in one file
        (
            "property_id;category;address\np1;housing;Øvre\n".encode() + b"p2;housing;\xd8vre\n",
            3,
            "mixes UTF-8",
        ),
        # an Excel workbook saved as .csv by renaming it
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", 1, "control characters"),
    ],
)
def test_a_file_that_cannot_be_read_is_named_by_line_with_what_to_do(
    content: bytes, line: int, says: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        decode_text(content)
    found = _fields(refused.value)
    assert says in found[f"line {line}"]
    assert "CSV UTF-8" in found[f"line {line}"]
