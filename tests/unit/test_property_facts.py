"""Validating a property's facts: every bad field named at once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.assessment.domain.property import (
    CadastralId,
    Floor,
    Location,
    PropertyCategory,
    PropertyFacts,
    new_property,
)
from services.platform.errors import InvalidInput

pytestmark = pytest.mark.unit


def _facts(**overrides: object) -> PropertyFacts:
    values: dict[str, object] = {
        "cadastral_id": "0301-208/1",
        "address": "Karl Johans gate 22",
        "category": PropertyCategory.HOUSING,
        "dwelling_units": 1,
        "location": Location(10.74, 59.91),
        "floors": (Floor(1, Decimal("84.5")),),
        "plot_m2": Decimal(300),
        "exemption_code": "§ 7 b",
    }
    values.update(overrides)
    return PropertyFacts(**values)  # type: ignore[arg-type]


def test_good_facts_make_a_property_with_normalised_ids() -> None:
    prop = new_property("p-1", _facts())
    assert str(prop.cadastral_id) == "0301-208/1/0/0"
    assert prop.exemption_code == "7b"
    assert prop.bra_m2 == Decimal("84.5")


def test_every_bad_field_is_named_at_once() -> None:
    with pytest.raises(InvalidInput) as caught:
        new_property(
            "bad id!",
            _facts(
                cadastral_id="208/1",
                address=" ",
                category=None,
                dwelling_units=-1,
                location=Location(200, 95),
                floors=(Floor(1, Decimal(-3)),),
                plot_m2=Decimal(-1),
                build_year=99,
                exemption_code="§ 9",
            ),
        )
    assert {v.field for v in caught.value.violations} == {
        "property_id",
        "cadastral_id",
        "address",
        "category",
        "dwelling_units",
        "location",
        "floors[0].bra_m2",
        "plot_m2",
        "build_year",
        "exemption_code",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0301-208/1/0/0", "0301-208/1/0/0"), ("4601-12/3/4/5", "4601-12/3/4/5"), ("0301-1/2", "0301-1/2/0/0")],
)
def test_cadastral_ids_parse(text: str, expected: str) -> None:
    assert str(CadastralId.parse(text)) == expected


@pytest.mark.parametrize(
    "text", ["", "0000-1/1", "0301-0/1", "0301-1/0", "301-1/1", "0301/1/1", "0301-1/1/1/1/1"]
)
def test_bad_cadastral_ids_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        CadastralId.parse(text)


def test_housing_needs_a_dwelling_unit() -> None:
    with pytest.raises(InvalidInput, match="at least one dwelling unit"):
        new_property("p-1", _facts(dwelling_units=0))
