"""Domain errors as gRPC status codes, with google.rpc.BadRequest field violations for bad input."""

from __future__ import annotations

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from services.platform.errors import (
    AlreadyExists,
    DomainError,
    FailedPrecondition,
    InvalidInput,
    NotFound,
)

_CODES: list[tuple[type[DomainError], int, grpc.StatusCode]] = [
    (InvalidInput, code_pb2.INVALID_ARGUMENT, grpc.StatusCode.INVALID_ARGUMENT),
    (NotFound, code_pb2.NOT_FOUND, grpc.StatusCode.NOT_FOUND),
    (AlreadyExists, code_pb2.ALREADY_EXISTS, grpc.StatusCode.ALREADY_EXISTS),
    (FailedPrecondition, code_pb2.FAILED_PRECONDITION, grpc.StatusCode.FAILED_PRECONDITION),
]


def status_code_of(error: DomainError) -> grpc.StatusCode:
    for kind, _, code in _CODES:
        if isinstance(error, kind):
            return code
    return grpc.StatusCode.FAILED_PRECONDITION


def to_rpc_status(error: DomainError) -> grpc.Status:
    code = next((c for kind, c, _ in _CODES if isinstance(error, kind)), code_pb2.FAILED_PRECONDITION)
    status = status_pb2.Status(code=code, message=str(error))
    if isinstance(error, InvalidInput):
        detail = any_pb2.Any()
        detail.Pack(
            error_details_pb2.BadRequest(
                field_violations=[
                    error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.description)
                    for v in error.violations
                ]
            )
        )
        status.details.append(detail)
    return rpc_status.to_status(status)


def field_violations(error: grpc.RpcError) -> dict[str, str]:
    """Client side: the BadRequest field violations carried by an error, as {field: description}."""
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    found: dict[str, str] = {}
    if status is None:
        return found
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad_request = error_details_pb2.BadRequest()
            detail.Unpack(bad_request)
            for violation in bad_request.field_violations:
                found[violation.field] = violation.description
    return found
