"""Issue 11, case 3: every error a server sends arrives, whatever input it echoes.

A status message and its details travel in trailing metadata, which a client refuses past 8–16 KiB
(RESOURCE_EXHAUSTED instead of the error). The platform interceptor bounds every domain error: each field
and description cut, at most 50 violations and then "… and N more problems", at most 6 KiB in all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import grpc
import pytest
from grpc_status import rpc_status
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import MetaData, create_engine

from propertytax.assessment.v1 import assessment_pb2, assessment_pb2_grpc
from services.assessment.service import SPEC
from services.cli import main
from services.platform.audit import AuditTrail
from services.platform.auth import Role, TokenAuthority
from services.platform.errors import DomainError, FailedPrecondition, FieldViolation, InvalidInput, NotFound
from services.platform.grpc_server import GrpcServer, PlatformInterceptor, rule
from services.platform.grpc_status import (
    MAX_DESCRIPTION_CHARS,
    MAX_FIELD_CHARS,
    MAX_MESSAGE_CHARS,
    MAX_STATUS_BYTES,
    MAX_VIOLATIONS,
    field_violation_list,
    wire_size,
)
from services.platform.identity import contains_national_id
from services.platform.runtime import ServiceRuntime
from services.platform.service_builder import build_runtime
from services.platform.settings import Settings
from services.platform.tables import audit_table

SECRET = "error-bounds-test-secret-0123456789abcdef"


def _details(refused: grpc.RpcError) -> str:
    return str(refused.details() or "")  # type: ignore[attr-defined]


_SERVICE = "test.Errors"


class _Raiser:
    """The one method of the test service raises whatever error the test put here."""

    error: DomainError = NotFound("nothing")

    def handle(self, _request: bytes, _context: grpc.ServicerContext) -> bytes:
        raise self.error


@pytest.fixture(scope="module")
def raising_server() -> Iterator[tuple[str, _Raiser]]:
    raiser = _Raiser()
    handler = grpc.method_handlers_generic_handler(
        _SERVICE,
        {
            "Raise": grpc.unary_unary_rpc_method_handler(
                raiser.handle, request_deserializer=lambda b: b, response_serializer=lambda b: b
            )
        },
    )
    interceptor = PlatformInterceptor(
        _SERVICE,
        {"Raise": rule(Role.READER, changes_state=False)},
        TokenAuthority(SECRET),
        AuditTrail(create_engine("sqlite://"), audit_table(MetaData())),
    )
    server = GrpcServer(
        service_full_name=_SERVICE,
        add_servicer=lambda s: s.add_generic_rpc_handlers((handler,)),
        interceptor=interceptor,
        host="127.0.0.1",
        port=0,
        workers=2,
    )
    server.start()
    try:
        yield f"127.0.0.1:{server.port}", raiser
    finally:
        server.stop(0)


def _call(target: str) -> grpc.RpcError:
    """Calls the test service as a client with gRPC's default limits (8 KiB metadata)."""
    token = TokenAuthority(SECRET).mint("tester", [Role.READER])
    with grpc.insecure_channel(target) as channel:
        method: Callable[..., bytes] = channel.unary_unary(
            f"/{_SERVICE}/Raise", request_serializer=lambda b: b, response_deserializer=lambda b: b
        )
        with pytest.raises(grpc.RpcError) as caught:
            method(b"", metadata=(("authorization", f"Bearer {token}"),), timeout=10)
    return caught.value


# Echoed input as the generated requests sent it: empty, huge, any unicode (emoji, NUL, combining marks).
_TEXT = st.one_of(
    st.text(max_size=50),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=4), st.integers(1, 20_000)),
)
_VIOLATIONS = st.lists(st.builds(FieldViolation, _TEXT, _TEXT), min_size=1, max_size=400)
_ERRORS = st.one_of(
    st.builds(InvalidInput, _VIOLATIONS),
    st.builds(NotFound, _TEXT),
    st.builds(FailedPrecondition, _TEXT),
)
_CODE = {
    InvalidInput: grpc.StatusCode.INVALID_ARGUMENT,
    NotFound: grpc.StatusCode.NOT_FOUND,
    FailedPrecondition: grpc.StatusCode.FAILED_PRECONDITION,
}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(error=_ERRORS)
def test_any_domain_error_arrives_with_its_code_and_within_the_bound(
    raising_server: tuple[str, _Raiser], error: DomainError
) -> None:
    target, raiser = raising_server
    raiser.error = error
    refused = _call(target)
    assert refused.code() == _CODE[type(error)]  # type: ignore[attr-defined]
    assert len(_details(refused)) <= MAX_MESSAGE_CHARS
    status = rpc_status.from_call(refused)  # type: ignore[arg-type]
    assert status is not None and wire_size(status) <= MAX_STATUS_BYTES
    violations = field_violation_list(refused)
    if not isinstance(error, InvalidInput):
        assert violations == []
        return
    assert 1 <= len(violations) <= MAX_VIOLATIONS + 1
    assert all(len(f) <= MAX_FIELD_CHARS and len(d) <= MAX_DESCRIPTION_CHARS for f, d in violations)
    listed = [v for v in violations if not v[1].startswith("… and ")]
    if len(listed) < len(error.violations):
        assert violations[-1] == ("more", f"… and {len(error.violations) - len(listed)} more problems")
    else:
        assert len(violations) == len(error.violations)


def test_a_not_found_for_a_huge_id_arrives_cut(raising_server: tuple[str, _Raiser]) -> None:
    target, raiser = raising_server
    raiser.error = NotFound("no property " + "Ø" * 100_000)
    refused = _call(target)
    assert refused.code() == grpc.StatusCode.NOT_FOUND  # type: ignore[attr-defined]
    assert _details(refused).startswith("no property ØØØ")
    assert _details(refused).endswith("…")


# --- the example: an import with 250 bad rows, each echoing a long value ---------------------

BAD_ROWS = 250


@pytest.fixture
def assessment(sqlite_url: str, tmp_path: Path) -> Iterator[ServiceRuntime]:
    settings_ = Settings(database_url=sqlite_url, var_dir=tmp_path, auth_secret=SECRET)  # type: ignore[arg-type]
    service = build_runtime(replace(SPEC, consumer=None, produces_events=False), settings_)
    service.start()
    try:
        yield service
    finally:
        service.stop()


def _bad_import() -> bytes:
    # Each row echoes a value just under the 1,000-character cell limit: 250 such rows are far past
    # gRPC's metadata limit unless the error is bounded.
    rows = "".join(f"BAD-{n},{'villa' * 190}{n},1\n" for n in range(BAD_ROWS))
    return ("property_id,category,units\n" + rows).encode()


def test_an_import_with_250_bad_rows_is_refused_as_invalid_argument(assessment: ServiceRuntime) -> None:
    token = TokenAuthority(SECRET).mint("tester", [Role.ASSESSOR])
    with grpc.insecure_channel(f"127.0.0.1:{assessment.server.port}") as channel:
        stub = assessment_pb2_grpc.AssessmentServiceStub(channel)
        with pytest.raises(grpc.RpcError) as caught:
            stub.ImportProperties(
                assessment_pb2.ImportPropertiesRequest(
                    content=_bad_import(), format=assessment_pb2.IMPORT_FORMAT_CSV
                ),
                metadata=(("authorization", f"Bearer {token}"),),
                timeout=60,
            )
    refused = caught.value
    assert refused.code() == grpc.StatusCode.INVALID_ARGUMENT  # type: ignore[attr-defined]
    violations = field_violation_list(refused)
    assert violations[0][0] == "line 2" and violations[0][1].startswith("category: unknown category 'villa")
    assert len(violations[0][1]) <= MAX_DESCRIPTION_CHARS
    listed = len(violations) - 1
    assert violations[-1] == ("more", f"… and {BAD_ROWS - listed} more problems")


def test_the_cli_prints_the_first_problems_of_a_bad_import_and_how_many_more(
    assessment: ServiceRuntime,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PROPERTYTAX_TOKEN", TokenAuthority(SECRET).mint("tester", [Role.ASSESSOR]))
    file = tmp_path / "register.csv"
    file.write_bytes(_bad_import())
    target = f"127.0.0.1:{assessment.server.port}"
    assert main(["assessment", "import", "properties", str(file), "--target", target]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"error: refused, {BAD_ROWS} problems:"  # said once, not as a header and again
    problems = [line for line in err[1:] if line.startswith("  line ")]
    assert 10 <= len(problems) <= 20  # as many as the service lists, up to 20
    assert problems[0].startswith("  line 2: category: unknown category 'villavilla")
    assert err[-1] == f"  … and {BAD_ROWS - len(problems)} more problems"
    assert not any(contains_national_id(line) for line in err)


def test_an_echoed_value_shows_control_characters_as_escapes(raising_server: tuple[str, _Raiser]) -> None:
    target, raiser = raising_server
    raiser.error = NotFound("no property a\x1b[31mRED\x07b\x00")
    refused = _call(target)
    assert refused.code() == grpc.StatusCode.NOT_FOUND  # type: ignore[attr-defined]
    assert _details(refused) == "no property a\\x1b[31mRED\\x07b\\x00"


def test_a_search_longer_than_any_address_is_refused_naming_text(assessment: ServiceRuntime) -> None:
    token = TokenAuthority(SECRET).mint("tester", [Role.ASSESSOR])
    with grpc.insecure_channel(f"127.0.0.1:{assessment.server.port}") as channel:
        stub = assessment_pb2_grpc.AssessmentServiceStub(channel)
        with pytest.raises(grpc.RpcError) as caught:  # SQLite answered "LIKE pattern too complex": INTERNAL
            stub.FindProperties(
                assessment_pb2.FindPropertiesRequest(text="Storgata " * 6_000),
                metadata=(("authorization", f"Bearer {token}"),),
            )
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT  # type: ignore[attr-defined]
    assert field_violation_list(caught.value) == [("text", "at most 200 characters")]
