"""The register's answers as people read them: a property's fields (owners and valuation only when read
with them), owners as table rows with shares as fractions, and the owners import said in a sentence."""

from __future__ import annotations

import pytest

from propertytax.assessment.v1 import assessment_pb2, property_pb2, tax_pb2
from propertytax.platform.v1 import money_pb2
from services.cli.register_view import owner_rows, owners_imported, property_fields

pytestmark = pytest.mark.unit

PROPERTY = property_pb2.Property(
    property_id="0301-1/3/0/0",
    cadastral_id="0301-1/3/0/0",
    address="Trondheimsveien 3, Oslo",
    category=property_pb2.PROPERTY_CATEGORY_HOLIDAY_HOME,
    dwelling_units=1,
    location=property_pb2.Location(lon=10.692497, lat=59.919921),
    plot_m2="559",
)
OWNERS = [
    property_pb2.OwnerShare(
        name="Eiendom AS",
        kind=property_pb2.OWNER_KIND_ORGANISATION,
        share_numerator=1,
        share_denominator=2,
        since="2024-08-01",
        organisation_number="974760673",
    ),
    property_pb2.OwnerShare(
        name="Per Hansen",
        kind=property_pb2.OWNER_KIND_PERSON,
        share_numerator=1,
        share_denominator=2,
        since="2024-08-01",
    ),
]


def test_a_registered_property_shows_its_facts_only() -> None:
    assert property_fields(PROPERTY) == [
        ("Property id", "0301-1/3/0/0"),
        ("Cadastral id", "0301-1/3/0/0"),
        ("Address", "Trondheimsveien 3, Oslo"),
        ("Category", "holiday home"),
        ("Dwelling units", "1"),
        ("Location", "59,919921 N, 10,692497 E"),
        ("Zone", ""),
        ("Plot", "559 m²"),
    ]


def test_a_property_read_shows_owners_the_newest_valuation_and_tax() -> None:
    read = assessment_pb2.GetPropertyResponse(
        property=PROPERTY,
        owners=OWNERS,
        valuations=[
            tax_pb2.Valuation(
                version=1, route=tax_pb2.VALUATION_ROUTE_HOUSING_VALUE, value=money_pb2.Money(ore=1)
            ),
            tax_pb2.Valuation(
                version=2,
                route=tax_pb2.VALUATION_ROUTE_MANUAL,
                value=money_pb2.Money(ore=750_000_000),
                adopted=True,
            ),
        ],
        tax_bases=[
            tax_pb2.TaxBase(
                tax_year=2024,
                version=1,
                status=tax_pb2.TAX_STATUS_TAXED,
                tax=money_pb2.Money(ore=1_064_564),
                tax_base=money_pb2.Money(ore=525_000_000),
            )
        ],
        masked_identity_numbers=["010190*****"],
    )
    shown = dict(property_fields(PROPERTY, read))
    assert shown["Owners"] == [
        "Eiendom AS (1/2, org. no. 974760673) since 01.08.2024",
        "Per Hansen (1/2) since 01.08.2024",
    ]
    assert shown["Valuation"] == "7 500 000,00 kr (manual, adopted, version 2)"
    assert shown["Tax"] == ["2024: 10 645,64 kr (taxed, tax base 5 250 000,00 kr)"]
    assert "010190" not in str(shown)
    empty = dict(property_fields(PROPERTY, assessment_pb2.GetPropertyResponse(property=PROPERTY)))
    assert (empty["Owners"], empty["Valuation"], "Tax" in empty) == ("none recorded", "none", False)


def test_owners_as_rows_and_the_import_as_a_sentence() -> None:
    assert owner_rows(OWNERS) == [
        ["Eiendom AS", "1/2", "01.08.2024", "organisation", "974760673"],
        ["Per Hansen", "1/2", "01.08.2024", "person", ""],
    ]
    answer = assessment_pb2.ImportOwnersResponse
    assert owners_imported(answer(rows=16, changes=12, properties=10, owners=14)) == (
        "Recorded 12 ownership changes for 10 properties (14 owners)."
    )
    assert owners_imported(answer(rows=1, changes=1, properties=1, owners=1, unchanged=1)) == (
        "Recorded 1 ownership change for 1 property (1 owner)."
        " 1 other change in the file was recorded already."
    )
    assert owners_imported(answer(rows=4, owners=4, unchanged=4)) == (
        "Nothing new: the 4 ownership changes in the file were recorded already."
    )


def test_a_corrected_year_shows_the_tax_in_force_and_marks_the_one_it_replaced() -> None:
    def base(version: int, tax: int, reason: str = "") -> tax_pb2.TaxBase:
        return tax_pb2.TaxBase(
            tax_year=2024,
            version=version,
            status=tax_pb2.TAX_STATUS_TAXED,
            tax=money_pb2.Money(ore=tax),
            tax_base=money_pb2.Money(ore=tax * 1000 // 28 * 10),
            reason=reason,
        )

    read = assessment_pb2.GetPropertyResponse(
        property=PROPERTY,
        tax_bases=[
            base(1, 310_800),
            base(2, 75_600, "sakkyndig klagenemnd, sak K-2024-0001"),
            tax_pb2.TaxBase(tax_year=2023, version=1, status=tax_pb2.TAX_STATUS_EXEMPT),
        ],
    )
    assert dict(property_fields(PROPERTY, read))["Tax"] == [
        "2023: 0,00 kr (exempt, tax base 0,00 kr)",
        "2024: 756,00 kr (taxed, tax base 270 000,00 kr) – in force (version 2, corrected: "
        "sakkyndig klagenemnd, sak K-2024-0001)",
        "2024: 3 108,00 kr (taxed, tax base 1 110 000,00 kr) – replaced by version 2",
    ]
