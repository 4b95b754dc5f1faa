"""Issue 11, case 5: one rule for identity numbers in every service, in events, stores and messages.

Free text (an address, a correction reason, an account's address line…) that carries a national identity
number is refused with INVALID_ARGUMENT, and nothing is stored or published; and no message leaving a
server echoes one (a NOT_FOUND for a property id that is an identity number masks it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import grpc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from propertytax.appeals.v1 import appeals_pb2, appeals_pb2_grpc
from propertytax.assessment.v1 import assessment_pb2, assessment_pb2_grpc, property_pb2
from propertytax.billing.v1 import billing_pb2, billing_pb2_grpc
from propertytax.platform.v1 import money_pb2
from services.appeals.service import SPEC as APPEALS
from services.assessment.adapters.orm import platform_tables, properties
from services.assessment.service import SPEC as ASSESSMENT
from services.billing.service import SPEC as BILLING
from services.platform.auth import Role, TokenAuthority
from services.platform.grpc_status import field_violations
from services.platform.identity import NATIONAL_ID_IN_TEXT, contains_national_id
from services.platform.runtime import ServiceRuntime
from services.platform.service_builder import build_runtime
from services.platform.settings import Settings
from services.platform.tables import PlatformTables
from tests.integration.billing_fixtures import seed_recipients

SECRET = "identity-in-text-test-secret-0123456789abcdef"


def _details(refused: grpc.RpcError) -> str:
    return str(refused.details() or "")  # type: ignore[attr-defined]


# A synthetic-looking but valid fødselsnummer (old rule), and one by the 2032 rule (Skatteetaten's example).
NUMBER = "15033290036"
NUMBER_2032 = "02013299997"

_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _number(base: str, k1_remainder: int) -> str | None:
    """A number valid by the rule before 2032 (remainder 0) or from 2032 (0–3), computed here."""
    k1 = (k1_remainder - sum(int(d) * w for d, w in zip(base, _K1, strict=True))) % 11
    if k1 == 10:
        return None
    k2 = (11 - sum(int(d) * w for d, w in zip(base + str(k1), _K2, strict=True)) % 11) % 11
    return None if k2 == 10 else f"{base}{k1}{k2}"


_VALID_EITHER_RULE = st.builds(
    _number, st.from_regex(r"[0-9]{9}", fullmatch=True), st.integers(min_value=0, max_value=3)
).filter(lambda n: n is not None)
_WRITTEN = st.sampled_from(["{}{}", "{} {}", "{}-{}", "{}\u00a0{}"])
_BEFORE = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Nd")), max_size=40)
_AFTER = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Nd")), max_size=40)


@st.composite
def _texts_with_a_number(draw: st.DrawFn) -> str:
    number = draw(_VALID_EITHER_RULE)
    assert number is not None
    shown = draw(_WRITTEN).format(number[:6], number[6:])
    return f"{draw(_BEFORE)} {shown} {draw(_AFTER)}".strip()


def _start(spec: Any, database_url: str, var_dir: Path) -> ServiceRuntime:
    settings_ = Settings(database_url=database_url, var_dir=var_dir, auth_secret=SECRET)  # type: ignore[arg-type]
    service = build_runtime(replace(spec, consumer=None, produces_events=False), settings_)
    service.start()
    return service


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, ServiceRuntime]]:
    started: dict[str, ServiceRuntime] = {}
    try:
        for name, spec in (("assessment", ASSESSMENT), ("billing", BILLING), ("appeals", APPEALS)):
            directory = tmp_path_factory.mktemp(name)
            started[name] = _start(spec, f"sqlite:///{directory / 'test.db'}", directory)
        seed_recipients(started["billing"], count=1)
        yield started
    finally:
        for service in started.values():
            service.stop()


def _metadata() -> tuple[tuple[str, str], ...]:
    token = TokenAuthority(SECRET).mint("tester", [r.value for r in Role])
    return (("authorization", f"Bearer {token}"),)


def _refused(service: ServiceRuntime, stub_class: Any, method: str, request: Any) -> grpc.RpcError:
    with (
        grpc.insecure_channel(f"127.0.0.1:{service.server.port}") as channel,
        pytest.raises(grpc.RpcError) as caught,
    ):
        getattr(stub_class(channel), method)(request, metadata=_metadata(), timeout=30)
    return caught.value


def _call(service: ServiceRuntime, stub_class: Any, method: str, request: Any) -> Any:
    with grpc.insecure_channel(f"127.0.0.1:{service.server.port}") as channel:
        return getattr(stub_class(channel), method)(request, metadata=_metadata(), timeout=30)


def _register(address: str) -> assessment_pb2.RegisterPropertyRequest:
    return assessment_pb2.RegisterPropertyRequest(
        facts=assessment_pb2.PropertyFacts(
            cadastral_id="0301-208/1/0/0",
            address=address,
            category=property_pb2.PROPERTY_CATEGORY_HOUSING,
            dwelling_units=1,
        )
    )


def _counts(service: ServiceRuntime, tables: PlatformTables) -> tuple[int, int]:
    """(events in the outbox, properties stored)."""
    with service.engine.connect() as conn:
        events = conn.execute(select(func.count()).select_from(tables.outbox)).scalar_one()
        stored = conn.execute(select(func.count()).select_from(properties)).scalar_one()
    return int(events), int(stored)


def _refuses_free_text(refused: grpc.RpcError, field: str) -> None:
    assert refused.code() == grpc.StatusCode.INVALID_ARGUMENT  # type: ignore[attr-defined]
    assert field_violations(refused) == {field: NATIONAL_ID_IN_TEXT}
    assert not contains_national_id(_details(refused))


@pytest.mark.parametrize(
    "address", [f"Storgata 1, {NUMBER}", f"Storgata 1 (eier {NUMBER_2032[:6]} {NUMBER_2032[6:]})"]
)
def test_an_address_with_an_identity_number_is_refused_and_nothing_stored_or_published(
    services: dict[str, ServiceRuntime], address: str
) -> None:
    assessment = services["assessment"]
    before = _counts(assessment, platform_tables)
    refused = _refused(
        assessment, assessment_pb2_grpc.AssessmentServiceStub, "RegisterProperty", _register(address)
    )
    _refuses_free_text(refused, "facts.address")
    assert _counts(assessment, platform_tables) == before


def test_a_correction_reason_with_an_identity_number_is_refused_and_nothing_stored_or_published(
    services: dict[str, ServiceRuntime],
) -> None:
    assessment = services["assessment"]
    registered = _call(
        assessment, assessment_pb2_grpc.AssessmentServiceStub, "RegisterProperty", _register("Storgata 2")
    ).property
    before = _counts(assessment, platform_tables)
    refused = _refused(
        assessment,
        assessment_pb2_grpc.AssessmentServiceStub,
        "CorrectTaxBase",
        assessment_pb2.CorrectTaxBaseRequest(
            property_id=registered.property_id,
            tax_year=2024,
            value=money_pb2.Money(ore=500_000_000),
            reason=f"eier {NUMBER} ringte",
        ),
    )
    _refuses_free_text(refused, "reason")
    assert _counts(assessment, platform_tables) == before


def test_an_account_address_line_with_an_identity_number_is_refused_and_nothing_stored(
    services: dict[str, ServiceRuntime],
) -> None:
    billing = services["billing"]
    stub = billing_pb2_grpc.BillingServiceStub
    refused = _refused(
        billing,
        stub,
        "UpdateAccount",
        billing_pb2.UpdateAccountRequest(account_id="acc-01", address_line=f"Gata 1 {NUMBER}", city="Oslo"),
    )
    _refuses_free_text(refused, "address_line")
    account = _call(billing, stub, "GetAccount", billing_pb2.GetAccountRequest(account_id="acc-01")).account
    assert account.address_line == "Testveien 1"


def test_a_not_found_for_an_identity_number_masks_it_in_every_service(
    services: dict[str, ServiceRuntime],
) -> None:
    refusals = [
        _refused(
            services["assessment"],
            assessment_pb2_grpc.AssessmentServiceStub,
            "GetProperty",
            assessment_pb2.GetPropertyRequest(property_id=NUMBER),
        ),
        _refused(
            services["billing"],
            billing_pb2_grpc.BillingServiceStub,
            "GetBillingProperty",
            billing_pb2.GetBillingPropertyRequest(property_id=NUMBER),
        ),
        _refused(
            services["appeals"],
            appeals_pb2_grpc.AppealsServiceStub,
            "GetComplaintDeadline",
            appeals_pb2.GetComplaintDeadlineRequest(property_id=NUMBER, tax_year=2024),
        ),
    ]
    for refused in refusals:
        assert refused.code() == grpc.StatusCode.NOT_FOUND  # type: ignore[attr-defined]
        assert NUMBER not in _details(refused)
        assert "*" * len(NUMBER) in _details(refused)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_texts_with_a_number())
def test_any_text_carrying_an_identity_number_is_refused_in_each_free_text_field(
    services: dict[str, ServiceRuntime], text: str
) -> None:
    assessment, billing = services["assessment"], services["billing"]
    address = text[:200]
    if contains_national_id(address):  # a long text may carry it past the address's 200 characters
        refused = _refused(
            assessment, assessment_pb2_grpc.AssessmentServiceStub, "RegisterProperty", _register(address)
        )
        _refuses_free_text(refused, "facts.address")
    refused = _refused(
        assessment,
        assessment_pb2_grpc.AssessmentServiceStub,
        "CorrectTaxBase",
        assessment_pb2.CorrectTaxBaseRequest(
            property_id="p-1", tax_year=2024, value=money_pb2.Money(ore=100), reason=text
        ),
    )
    _refuses_free_text(refused, "reason")
    refused = _refused(
        billing,
        billing_pb2_grpc.BillingServiceStub,
        "UpdateAccount",
        billing_pb2.UpdateAccountRequest(account_id="acc-01", city=text),
    )
    _refuses_free_text(refused, "city")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_texts_with_a_number())
def test_no_message_leaving_a_server_echoes_an_identity_number(
    services: dict[str, ServiceRuntime], text: str
) -> None:
    refused = _refused(
        services["assessment"],
        assessment_pb2_grpc.AssessmentServiceStub,
        "GetProperty",
        assessment_pb2.GetPropertyRequest(property_id=text),
    )
    assert refused.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT)  # type: ignore[attr-defined]
    assert not contains_national_id(_details(refused))
    refused = _refused(
        services["billing"],
        billing_pb2_grpc.BillingServiceStub,
        "GetBillingProperty",
        billing_pb2.GetBillingPropertyRequest(property_id=text),
    )
    assert not contains_national_id(_details(refused))
