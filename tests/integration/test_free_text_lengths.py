"""Free text is bounded in every service (issue 11's trial: 100,000 characters were accepted in an
account's address line and city, an adoption reference, a manual valuation's reason and a correction's
reason): INVALID_ARGUMENT naming the field, and nothing stored."""

from __future__ import annotations

from typing import Any

import grpc
import pytest

from propertytax.assessment.v1 import assessment_pb2, assessment_pb2_grpc
from propertytax.billing.v1 import billing_pb2, billing_pb2_grpc
from propertytax.platform.v1 import money_pb2
from services.assessment.adapters.orm import platform_tables
from services.platform.grpc_status import field_violations
from services.platform.identity import NAME_LENGTH, REASON_LENGTH
from services.platform.runtime import ServiceRuntime
from tests.integration.test_identity_numbers_in_free_text import (  # noqa: F401 (the fixture)
    _call,
    _counts,
    _refused,
    _register,
    services,
)

pytestmark = pytest.mark.kafka

LONG = "x" * 100_000


def _refuses_length(refused: grpc.RpcError, field: str, limit: int) -> None:
    assert refused.code() == grpc.StatusCode.INVALID_ARGUMENT  # type: ignore[attr-defined]
    assert field_violations(refused) == {field: f"at most {limit} characters"}


@pytest.mark.parametrize(("field", "limit"), [("address_line", NAME_LENGTH), ("city", NAME_LENGTH)])
def test_an_account_field_of_100000_characters_is_refused_and_nothing_stored(
    services: dict[str, ServiceRuntime],  # noqa: F811
    field: str,
    limit: int,
) -> None:
    billing = services["billing"]
    stub = billing_pb2_grpc.BillingServiceStub
    request = billing_pb2.UpdateAccountRequest(account_id="acc-01")
    setattr(request, field, LONG)
    _refuses_length(_refused(billing, stub, "UpdateAccount", request), field, limit)
    account = _call(billing, stub, "GetAccount", billing_pb2.GetAccountRequest(account_id="acc-01")).account
    assert (account.address_line, account.city) == ("Testveien 1", "Oslo")


def _assessment_requests(property_id: str) -> list[tuple[str, Any, str, int]]:
    return [
        (
            "AdoptValuations",
            assessment_pb2.AdoptValuationsRequest(property_ids=[property_id], adoption_reference=LONG),
            "adoption_reference",
            NAME_LENGTH,
        ),
        (
            "ProposeManualValuation",
            assessment_pb2.ProposeManualValuationRequest(
                property_id=property_id, value=money_pb2.Money(ore=300_000_000), reason=LONG
            ),
            "reason",
            REASON_LENGTH,
        ),
        (
            "CorrectTaxBase",
            assessment_pb2.CorrectTaxBaseRequest(
                property_id=property_id, tax_year=2024, value=money_pb2.Money(ore=500_000_000), reason=LONG
            ),
            "reason",
            REASON_LENGTH,
        ),
        ("RegisterProperty", _register(LONG), "facts.address", NAME_LENGTH),
    ]


def test_assessment_free_text_of_100000_characters_is_refused_and_nothing_stored(
    services: dict[str, ServiceRuntime],  # noqa: F811
) -> None:
    assessment = services["assessment"]
    stub = assessment_pb2_grpc.AssessmentServiceStub
    property_id = _call(assessment, stub, "RegisterProperty", _register("Lengdegata 1")).property.property_id
    for method, request, field, limit in _assessment_requests(property_id):
        before = _counts(assessment, platform_tables)
        _refuses_length(_refused(assessment, stub, method, request), field, limit)
        assert _counts(assessment, platform_tables) == before, method
    valuations = _call(
        assessment, stub, "GetProperty", assessment_pb2.GetPropertyRequest(property_id=property_id)
    )
    assert "x" * 1000 not in str(valuations)
